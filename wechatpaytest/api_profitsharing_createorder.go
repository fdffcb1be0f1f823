package wechatpaytest

import (
	"cmp"
	"encoding/json"
	"strconv"
	"strings"
)

// serveProfitSharingCreateOrder answers a distribution request: the documented
// fields and limits, names decrypted (no receivers: unfreeze_unsplit must
// be true, and the request unfreezes as UnfreezeOrder does; else 400
// INVALID_REQUEST; see psReceiverAllowed), then the state: a new out_order_no
// creates a PROCESSING order with PENDING details (and an
// UNFREEZE_TO_SPONSOR detail for the rest when unfreeze_unsplit is true),
// taking the amounts from the transaction's unsplit amount; the same
// number with the same fields answers that order, with other fields 400
// PARAM_ERROR. A receiver that is not EFFECTIVE, a sum above the unsplit
// amount, a 51st request or a finished transaction is 400 INVALID_REQUEST.
func (s *Server) serveProfitSharingCreateOrder(r *V3Request) (int, any) {
	var req psCreateRequest
	if e := r.DecodeJSON(&req); e != nil {
		return e.Answer()
	}
	if e := checkPSOrderFields(req.SubMchID, req.TransactionID, req.OutOrderNo); e != nil {
		return e.Answer()
	}
	switch {
	case len(req.Receivers) > 50:
		return paramError("/receivers", "body", "more than 50 receivers").Answer()
	case req.UnfreezeUnsplit == nil:
		return paramError("/unfreeze_unsplit", "body", "required").Answer()
	case len(req.Receivers) == 0 && !*req.UnfreezeUnsplit:
		return invalidRequest("未指定分账接收方时 unfreeze_unsplit 须为 true").Answer()
	}
	sum, e := checkPSReceivers(r, &req)
	if e != nil {
		return e.Answer()
	}
	key, _ := json.Marshal(req) // names decrypted: OAEP ciphertexts differ on every try
	s.mu.Lock()
	defer s.mu.Unlock()
	if code, body, done := s.psReentry(req.OutOrderNo, string(key)); done {
		return code, body
	}
	return s.distribute(&req, sum, string(key))
}

// psCreateRequest is a distribution request.
type psCreateRequest struct {
	SubMchID        string       `json:"sub_mchid"`
	AppID           string       `json:"appid"`
	SubAppID        string       `json:"sub_appid"`
	TransactionID   string       `json:"transaction_id"`
	OutOrderNo      string       `json:"out_order_no"`
	Receivers       []psReceiver `json:"receivers"`
	UnfreezeUnsplit *bool        `json:"unfreeze_unsplit"`
}

// psReceiver is one receiver of a distribution request.
type psReceiver struct {
	Currency    string `json:"currency"`
	Type        string `json:"type"`
	Account     string `json:"account"`
	Name        string `json:"name,omitempty"`
	Authorized  bool   `json:"authorized,omitempty"`
	Amount      *int64 `json:"amount"`
	Description string `json:"description"`
}

// checkPSReceivers checks the receivers of a distribution request and
// decrypts their names in place; it returns the sum of their amounts.
func checkPSReceivers(r *V3Request, req *psCreateRequest) (int64, *ErrorAnswer) {
	var sum int64
	for i := range req.Receivers {
		rc := &req.Receivers[i]
		f := "/receivers/" + strconv.Itoa(i) + "/"
		if e := checkFields("body", field{name: f + "currency", value: rc.Currency, required: true}); e != nil {
			return 0, e
		}
		if rc.Amount == nil || *rc.Amount <= 0 {
			return 0, paramError(f+"amount", "body", "must be a positive integer")
		}
		if e := checkFields("body", field{name: f + "description", value: rc.Description, required: true, max: 80}); e != nil {
			return 0, e
		}
		if e := cmp.Or(checkPSParty(f, rc.Type, rc.Account, req.AppID, req.SubAppID), psReceiverAllowed(rc, *req.UnfreezeUnsplit)); e != nil {
			return 0, e
		}
		if rc.Name != "" {
			plain, e := r.DecryptField(f+"name", "body", rc.Name)
			if e != nil {
				return 0, e
			}
			rc.Name = plain
		}
		sum += *rc.Amount
	}
	return sum, nil
}

// distribute applies a new distribution request: its receivers must be
// EFFECTIVE, the transaction must take it (at most 50 requests, sum within
// the unsplit amount); then the order is created PROCESSING with PENDING
// details. The caller holds s.mu.
func (s *Server) distribute(req *psCreateRequest, sum int64, key string) (int, any) {
	tx, e := s.psTransaction(req.TransactionID, req.SubMchID)
	if e != nil {
		return e.Answer()
	}
	for _, rc := range req.Receivers {
		rel, ok := s.ps.relations[psRelationKey{req.SubMchID, rc.Account}]
		if !ok || rel.State != "EFFECTIVE" || rel.Type != rc.Type {
			return invalidRequest("分账接收方 " + rc.Account + " 不存在或未生效").Answer()
		}
	}
	switch {
	case tx.orders >= maxPSOrdersPerTransaction:
		return invalidRequest("每笔交易最多请求分账 50 次").Answer()
	case sum > tx.UnsplitAmount:
		return invalidRequest("分账金额超出剩余待分金额").Answer()
	}
	now := s.now()
	o := ProfitSharingOrder{SubMchID: req.SubMchID, TransactionID: req.TransactionID, OutOrderNo: req.OutOrderNo,
		OrderID: s.psNextID("71"), State: "PROCESSING"}
	for _, rc := range req.Receivers {
		o.Receivers = append(o.Receivers, ProfitSharingReceiver{
			Currency: rc.Currency, Amount: *rc.Amount, Description: rc.Description, Type: rc.Type, Account: rc.Account,
			Result: "PENDING", CreateTime: now, DetailID: s.psNextID("72"), DetailType: "DISTRIBUTE_TO_OTHERS",
		})
	}
	tx.UnsplitAmount -= sum
	tx.orders++
	if *req.UnfreezeUnsplit {
		o.Receivers = append(o.Receivers, s.psUnfreezeDetail(tx, "解冻剩余资金", now))
	}
	return s.psAccept(o, key)
}

// psReceiverAllowed refuses, 400 INVALID_REQUEST, a personal receiver
// (personal users cannot be receivers at present) and the sponsor (the
// caller) as a receiver when unfreeze_unsplit is true.
func psReceiverAllowed(rc *psReceiver, unfreeze bool) *ErrorAnswer {
	switch {
	case strings.HasPrefix(rc.Type, "PERSONAL_"):
		return invalidRequest("个人用户暂不支持作为分账接收方")
	case unfreeze && rc.Type == "MERCHANT_ID" && rc.Account == TestMchID:
		return invalidRequest("unfreeze_unsplit 为 true 时出资商户不能作为分账接收方")
	}
	return nil
}
