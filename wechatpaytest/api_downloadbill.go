package wechatpaytest

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// psBillHeader is the header row of the bill's detail part.
var psBillHeader = []string{"create_time", "initiator", "sponsor", "sub_mchid", "transaction_id", "order_id",
	"out_order_no", "detail_id", "receiver_account", "amount", "currency", "settlement_amount",
	"settlement_currency", "exchange_rate", "business_type", "status", "description"}

// serveDownloadBill answers a bill download: the token (unknown or
// expired: 400 INVALID_REQUEST), then for a refund bill its header and
// the rows tests added; else the CSV of that day's SUCCESS and
// CLOSED details of the sub-merchant, every value prefixed with '`',
// amounts in yuan, unsigned. The summary part is not written.
func (s *Server) serveDownloadBill(r *V3Request) (int, any) {
	token := r.URL.Query().Get("token")
	s.mu.Lock()
	bill, ok := s.ps.bills[token]
	if !ok || s.now().After(bill.expires) {
		s.mu.Unlock()
		return invalidRequest("下载地址已过期或不存在, 请重新获取").Answer()
	}
	if bill.refund {
		rows := s.psRefundRows(bill)
		s.mu.Unlock()
		return http.StatusOK, billFile(psRefundBillHeader, rows)
	}
	var rows [][]string
	for _, o := range s.ps.orders {
		if _, own := s.ps.requests[o.OutOrderNo]; !own || o.SubMchID != bill.subMchID {
			continue
		}
		for _, d := range o.Receivers {
			if (d.Result != "SUCCESS" && d.Result != "CLOSED") || d.CreateTime.In(beijing).Format(time.DateOnly) != bill.date {
				continue
			}
			settleAmount, settleCurrency, rate := d.Amount, d.Currency, int64(100_000_000)
			if d.DetailType == "UNFREEZE_TO_SPONSOR" {
				settleAmount, settleCurrency, rate = d.SettlementAmount, d.SettlementCurrency, d.RateValue
			}
			rows = append(rows, []string{d.CreateTime.In(beijing).Format(time.DateTime), TestMchID, TestMchID,
				o.SubMchID, o.TransactionID, o.OrderID, o.OutOrderNo, d.DetailID, d.Account, yuan(d.Amount),
				d.Currency, yuan(settleAmount), settleCurrency, strconv.FormatFloat(float64(rate)/1e8, 'f', 8, 64),
				d.DetailType, d.Result, d.Description})
		}
	}
	s.mu.Unlock()
	sortRows(rows)
	return http.StatusOK, billFile(psBillHeader, rows)
}

// billFile is the CSV of a bill: its header, then its rows with every
// value prefixed with '`'.
func billFile(header []string, rows [][]string) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(header)
	for _, row := range rows {
		for i := range row {
			row[i] = "`" + row[i]
		}
		_ = w.Write(row)
	}
	w.Flush()
	return buf.Bytes()
}

// psRefundBillHeader is the header row of the refund bill's detail part,
// as far as the reference captured it.
var psRefundBillHeader = []string{"Refund apply time", "Refund success time", "Wechat refund number",
	"Vendor refund number", "Wechat order number", "Vendor order number", "Refund amount", "Currency type",
	"Coupon refund amount", "Payer's refund amount", "Payer's refund currency type", "Rate", "Refund source"}

// psRefundRows are the rows of a refund bill: its day's, of its
// sub-merchant or of every one when it names none. s.mu is held.
func (s *Server) psRefundRows(bill psBill) [][]string {
	var rows [][]string
	for _, row := range s.ps.refundRows {
		if row.date == bill.date && (bill.subMchID == "" || row.subMchID == bill.subMchID) {
			rows = append(rows, slices.Clone(row.fields))
		}
	}
	return rows
}

// yuan renders fen as yuan with two decimals.
func yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return sign + strconv.FormatInt(fen/100, 10) + "." + strconv.FormatInt(100+fen%100, 10)[1:]
}

// sortRows orders bill rows by create_time, then detail_id.
func sortRows(rows [][]string) {
	slices.SortFunc(rows, func(a, b []string) int {
		return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[7], b[7]))
	})
}
