package wechatpaytest

import (
	"net/http"
	"strings"
)

// patternProfitSharing is 查询分账结果 of global profit sharing.
const patternProfitSharing = "GET /v3/global/profit-sharing/orders/{out_order_no}"

// notOrderNoChar reports whether c may not appear in an out_order_no.
func notOrderNoChar(c rune) bool {
	return (c < '0' || c > '9') && (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && c != '_' && c != '-'
}

// serveProfitSharing answers a profit-sharing order query: the documented
// limits, then the order whose out_order_no, transaction_id and sub_mchid
// match.
func (s *Server) serveProfitSharing(r *V3Request) (int, any) {
	outOrderNo := r.PathValue("out_order_no")
	q := r.URL.Query()
	txID, subMchID := q.Get("transaction_id"), q.Get("sub_mchid")
	switch {
	case tooLong(outOrderNo, 64):
		return paramError("out_order_no", "path", longerThan(64)).Answer()
	case strings.IndexFunc(outOrderNo, notOrderNoChar) >= 0:
		return paramError("out_order_no", "path", "only digits, letters, '_' and '-' are allowed").Answer()
	case txID == "":
		return paramError("transaction_id", "query", "required").Answer()
	case tooLong(txID, 32):
		return paramError("transaction_id", "query", longerThan(32)).Answer()
	case tooLong(subMchID, 32):
		return paramError("sub_mchid", "query", longerThan(32)).Answer()
	}
	s.mu.Lock()
	o, ok := s.orders[outOrderNo]
	s.mu.Unlock()
	if !ok || o.TransactionID != txID || o.SubMchID != subMchID {
		return notFound("profit-sharing order").Answer()
	}
	type receiver struct {
		Amount             int64  `json:"amount"`
		Currency           string `json:"currency"`
		Description        string `json:"description"`
		Type               string `json:"type"`
		Account            string `json:"account"`
		Result             string `json:"result"`
		FailReason         string `json:"fail_reason,omitempty"`
		CreateTime         string `json:"create_time"`
		FinishTime         string `json:"finish_time,omitempty"`
		DetailID           string `json:"detail_id"`
		DetailType         string `json:"detail_type"`
		SettlementCurrency string `json:"settlement_currency,omitempty"`
		SettlementAmount   int64  `json:"settlement_amount,omitempty"`
		RateValue          int64  `json:"rate_value,omitempty"`
	}
	wire := struct {
		SubMchID      string     `json:"sub_mchid,omitempty"`
		TransactionID string     `json:"transaction_id"`
		OutOrderNo    string     `json:"out_order_no"`
		OrderID       string     `json:"order_id"`
		State         string     `json:"state"`
		Receivers     []receiver `json:"receivers"`
	}{o.SubMchID, o.TransactionID, o.OutOrderNo, o.OrderID, o.State, make([]receiver, 0, len(o.Receivers))}
	for _, rc := range o.Receivers {
		wire.Receivers = append(wire.Receivers, receiver{
			Amount: rc.Amount, Currency: rc.Currency, Description: rc.Description, Type: rc.Type,
			Account: rc.Account, Result: rc.Result, FailReason: rc.FailReason,
			CreateTime: rfc3339(rc.CreateTime), FinishTime: rfc3339(rc.FinishTime),
			DetailID: rc.DetailID, DetailType: rc.DetailType, SettlementCurrency: rc.SettlementCurrency,
			SettlementAmount: rc.SettlementAmount, RateValue: rc.RateValue,
		})
	}
	return http.StatusOK, wire
}
