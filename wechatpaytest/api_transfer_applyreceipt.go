package wechatpaytest

import "net/http"

// serveTransferApplyReceiptByOutBillNo answers 商户单号申请电子回单 (see
// transferApplyReceipt).
func (s *Server) serveTransferApplyReceiptByOutBillNo(r *V3Request) (int, any) {
	return s.transferApplyReceipt(r, "out_bill_no", 32, false)
}

// serveTransferApplyReceiptByTransferBillNo answers 微信单号申请电子回单
// (see transferApplyReceipt).
func (s *Server) serveTransferApplyReceiptByTransferBillNo(r *V3Request) (int, any) {
	return s.transferApplyReceipt(r, "transfer_bill_no", 64, true)
}

// transferApplyReceipt answers a receipt application naming its bill by
// the body field name (at most max letters and digits; 400 PARAM_ERROR):
// an unknown bill is 404 NOT_FOUND, an ineligible one 400
// INVALID_REQUEST (see applyReceipt); else the receipt's state.
func (s *Server) transferApplyReceipt(r *V3Request, name string, max int, byTransferNo bool) (int, any) {
	var req map[string]string
	if e := r.DecodeJSON(&req); e != nil {
		return e.Answer()
	}
	no := req[name]
	if e := checkFields("body", alnumNo(name, no, max)); e != nil {
		return e.Answer()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, e := s.receiptBill(no, byTransferNo)
	if e != nil {
		return e.Answer()
	}
	rc, e := s.applyReceipt(b)
	if e != nil {
		return e.Answer()
	}
	return http.StatusOK, struct {
		State      string `json:"state"`
		CreateTime string `json:"create_time"`
	}{rc.State, rfc3339(rc.CreateTime)}
}
