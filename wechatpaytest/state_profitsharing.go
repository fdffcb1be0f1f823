package wechatpaytest

import (
	"cmp"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// profitSharingState is the emulator's state of global profit sharing:
// orders, transactions with their unsplit amounts, receiver relationships, the requests that created orders (for
// re-entrancy and the PROCESSING → FINISHED move) and bill tokens. It is
// guarded by Server.mu.
type profitSharingState struct {
	orders    map[string]ProfitSharingOrder
	txs       map[string]*psTransaction
	relations map[psRelationKey]ProfitSharingRelation
	requests  map[string]*psRequest // out_order_no → the request that created the order
	bills     map[string]psBill     // token → bill
	seq       int
	// B9–B12: marks before payment, the paid orders (marked or not), the
	// advance-refund quota's base and the refund bill's rows.
	marks         map[psMarkKey]bool
	paid          map[psMarkKey]string // → transaction id
	refundBalance int64
	refundRows    []psRefundRow
}

// psMarkKey is an order a mark names: sub-merchant and out_trade_no.
type psMarkKey struct{ subMchID, outTradeNo string }

// psRefundRow is a row of the refund bill, added by a test.
type psRefundRow struct {
	subMchID, date string
	fields         []string
}

func newProfitSharingState() *profitSharingState {
	return &profitSharingState{
		orders:    map[string]ProfitSharingOrder{},
		txs:       map[string]*psTransaction{},
		relations: map[psRelationKey]ProfitSharingRelation{},
		requests:  map[string]*psRequest{},
		bills:     map[string]psBill{},
		marks:     map[psMarkKey]bool{},
		paid:      map[psMarkKey]string{},
	}
}

type psTransaction struct {
	ProfitSharingTransaction
	orders   int  // distribution requests made
	finished bool // unfrozen: nothing more may be distributed
}

type psRelationKey struct{ subMchID, account string }

// psRequest is an accepted distribution or unfreeze request: its
// comparable form (names decrypted) and whether its order is still to
// finish.
type psRequest struct {
	key     string
	pending bool
}

type psBill struct {
	subMchID string
	date     string // YYYY-MM-DD
	expires  time.Time
	refund   bool // the refund bill (B12), not the distribution bill
}

// maxPSOrdersPerTransaction is the documented limit of distribution
// requests per transaction.
const maxPSOrdersPerTransaction = 50

// nextID returns a new numeric id with prefix p; s.mu is held.
func (s *Server) psNextID(p string) string {
	s.ps.seq++
	return p + s.now().In(beijing).Format("20060102150405") + strconv.FormatInt(int64(1_000_000_000+s.ps.seq), 10)
}

// finishProfitSharingOrder moves an order the emulator created from
// PROCESSING to FINISHED, on its first query: each PENDING detail becomes
// SUCCESS, or CLOSED with NO_RELATION when its receiver was deleted
// meanwhile. s.mu is held.
func (s *Server) finishProfitSharingOrder(no string) {
	req, ok := s.ps.requests[no]
	if !ok || !req.pending {
		return
	}
	req.pending = false
	o := s.ps.orders[no]
	o.Receivers = slices.Clone(o.Receivers) // answers in flight read the old slice
	now := s.now()
	for i := range o.Receivers {
		rc := &o.Receivers[i]
		if rc.Result != "PENDING" {
			continue
		}
		rc.Result, rc.FinishTime = "SUCCESS", now
		if rc.DetailType == "DISTRIBUTE_TO_OTHERS" {
			if _, ok := s.ps.relations[psRelationKey{o.SubMchID, rc.Account}]; !ok {
				rc.Result, rc.FailReason = "CLOSED", "NO_RELATION"
			}
		}
	}
	o.State = "FINISHED"
	s.ps.orders[no] = o
}

// psParty is the receiver a relationship request (add, delete) names.
type psParty struct {
	SubMchID string `json:"sub_mchid"`
	AppID    string `json:"appid"`
	SubAppID string `json:"sub_appid"`
	Type     string `json:"type"`
	Account  string `json:"account"`
}

// check checks the fields of the party.
func (p *psParty) check() *ErrorAnswer {
	return cmp.Or(checkFields("body", field{name: "/sub_mchid", value: p.SubMchID, max: 32}),
		checkPSParty("/", p.Type, p.Account, p.AppID, p.SubAppID))
}

// checkPSOrderFields checks the fields distribution and unfreeze requests
// share.
func checkPSOrderFields(subMchID, txID, outOrderNo string) *ErrorAnswer {
	return checkFields("body",
		field{name: "/sub_mchid", value: subMchID, max: 32},
		field{name: "/transaction_id", value: txID, required: true, max: 32},
		field{name: "/out_order_no", value: outOrderNo, required: true, max: 64},
		field{name: "/out_order_no", value: outOrderNo, valid: isOrderNo, issue: "only digits, letters, '_' and '-' are allowed"})
}

// checkPSParty checks a receiver's type and account, and the appid or
// sub_appid its type needs (400 INVALID_REQUEST without, as documented).
func checkPSParty(prefix, typ, account, appID, subAppID string) *ErrorAnswer {
	if e := checkFields("body",
		field{name: prefix + "type", value: typ, required: true, valid: oneOf("MERCHANT_ID", "PERSONAL_OPENID", "PERSONAL_SUB_OPENID"), issue: "not a receiver type"},
		field{name: prefix + "account", value: account, required: true, max: 64}); e != nil {
		return e
	}
	switch {
	case typ == "PERSONAL_OPENID" && appID == "":
		return invalidRequest("type 为 PERSONAL_OPENID 时 appid 必填")
	case typ == "PERSONAL_SUB_OPENID" && subAppID == "":
		return invalidRequest("type 为 PERSONAL_SUB_OPENID 时 sub_appid 必填")
	}
	return nil
}

// psReentry answers a request whose out_order_no is taken: the order when
// key is the same request, 400 PARAM_ERROR otherwise. s.mu is held.
func (s *Server) psReentry(no, key string) (int, any, bool) {
	if prev, ok := s.ps.requests[no]; ok {
		if prev.key != key {
			code, body := reusedNumber("/out_order_no").Answer()
			return code, body, true
		}
		code, body := psOrderAnswer(s.ps.orders[no])
		return code, body, true
	}
	if _, ok := s.ps.orders[no]; ok { // a fixture order
		code, body := reusedNumber("/out_order_no").Answer()
		return code, body, true
	}
	return 0, nil, false
}

// psTransactionOf finds the transaction of sub-merchant subMchID with id
// txID. s.mu is held.
func (s *Server) psTransactionOf(txID, subMchID string) (*psTransaction, *ErrorAnswer) {
	tx, ok := s.ps.txs[txID]
	switch {
	case !ok:
		return nil, invalidRequest("该笔交易不能分账, 请确认下单前已标记分账")
	case tx.SubMchID != subMchID:
		return nil, invalidRequest("商户信息与交易的商户信息不匹配")
	}
	return tx, nil
}

// psTransaction finds the transaction a request distributes. s.mu is held.
func (s *Server) psTransaction(txID, subMchID string) (*psTransaction, *ErrorAnswer) {
	tx, e := s.psTransactionOf(txID, subMchID)
	switch {
	case e != nil:
		return nil, e
	case tx.finished:
		return nil, invalidRequest("该笔交易已解冻剩余资金, 不能再分账")
	}
	return tx, nil
}

// psUnfreezeDetail takes the rest of tx for the sponsor (the calling
// merchant), which finishes the transaction. s.mu is held.
func (s *Server) psUnfreezeDetail(tx *psTransaction, description string, now time.Time) ProfitSharingReceiver {
	rest := tx.UnsplitAmount
	tx.UnsplitAmount, tx.finished = 0, true
	d := ProfitSharingReceiver{
		Currency: tx.Currency, Amount: rest, Description: description, Type: "MERCHANT_ID", Account: TestMchID,
		Result: "PENDING", DetailID: s.psNextID("72"), DetailType: "UNFREEZE_TO_SPONSOR",
		SettlementCurrency: tx.Currency, SettlementAmount: rest, RateValue: 100_000_000,
	}
	d.CreateTime = now
	return d
}

// psAccept stores a new order and answers it. s.mu is held.
func (s *Server) psAccept(o ProfitSharingOrder, key string) (int, any) {
	s.ps.orders[o.OutOrderNo] = o
	s.ps.requests[o.OutOrderNo] = &psRequest{key: key, pending: true}
	return psOrderAnswer(o)
}

// psOrderAnswer is the answer of an order, as QueryOrder gives it.
func psOrderAnswer(o ProfitSharingOrder) (int, any) {
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

// psRelationAnswer is the answer of a relationship, the name encrypted for
// the merchant.
func psRelationAnswer(r *V3Request, rel ProfitSharingRelation) (int, any) {
	var e *ErrorAnswer
	if rel.Name, e = r.EncryptForMerchant(rel.Name); e != nil {
		return e.Answer()
	}
	return http.StatusOK, rel
}

// profitSharingDue finishes, when the clock is advanced (Advance; s.mu
// held), every order still PROCESSING, as its first query would.
func (s *Server) profitSharingDue(time.Time) {
	for _, no := range slices.Sorted(maps.Keys(s.ps.requests)) {
		s.finishProfitSharingOrder(no)
	}
}
