package wechatpaytest

import (
	"cmp"
	"encoding/json"
)

// serveProfitSharingUnfreezeOrder answers an unfreeze request: the documented
// fields, then an order whose only detail is UNFREEZE_TO_SPONSOR for the
// whole unsplit amount (PROCESSING, FINISHED on its first query); the
// unsplit amount becomes 0 and the transaction takes no more requests.
// Nothing left is 400 INVALID_REQUEST; the same out_order_no with the same
// fields answers the same order, with other fields 400 PARAM_ERROR.
func (s *Server) serveProfitSharingUnfreezeOrder(r *V3Request) (int, any) {
	var req struct {
		SubMchID      string `json:"sub_mchid"`
		TransactionID string `json:"transaction_id"`
		OutOrderNo    string `json:"out_order_no"`
		Description   string `json:"description"`
	}
	if e := r.DecodeJSON(&req); e != nil {
		return e.Answer()
	}
	if e := cmp.Or(checkPSOrderFields(req.SubMchID, req.TransactionID, req.OutOrderNo),
		checkFields("body", field{name: "/description", value: req.Description, required: true, max: 80})); e != nil {
		return e.Answer()
	}
	key, _ := json.Marshal(req)
	key = append([]byte("unfreeze:"), key...)

	s.mu.Lock()
	defer s.mu.Unlock()
	if code, body, done := s.psReentry(req.OutOrderNo, string(key)); done {
		return code, body
	}
	tx, e := s.psTransaction(req.TransactionID, req.SubMchID)
	if e != nil {
		return e.Answer()
	}
	if tx.UnsplitAmount == 0 {
		return invalidRequest("该笔交易没有剩余待分金额").Answer()
	}
	o := ProfitSharingOrder{SubMchID: req.SubMchID, TransactionID: req.TransactionID, OutOrderNo: req.OutOrderNo,
		OrderID: s.psNextID("71"), State: "PROCESSING"}
	o.Receivers = append(o.Receivers, s.psUnfreezeDetail(tx, req.Description, s.now()))
	return s.psAccept(o, string(key))
}
