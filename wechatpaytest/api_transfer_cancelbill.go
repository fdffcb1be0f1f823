package wechatpaytest

import "net/http"

// serveTransferCancelBill answers 撤销转账: any body is ignored (the
// merchant page documents none); an unknown number is 404 NOT_FOUND, a
// terminal bill 400 INVALID_REQUEST; a bill in CANCELING answers as it
// is; another becomes CANCELING, and CANCELLED (MCH_CANCEL, funds
// released, MCHTRANSFER.BILL.FINISHED sent) on its next query.
func (s *Server) serveTransferCancelBill(r *V3Request) (int, any) {
	no := r.PathValue("out_bill_no")
	if e := checkFields("path", alnumNo("out_bill_no", no, 32)); e != nil {
		return e.Answer()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, e := s.transferBillByNo(no, false)
	switch {
	case e != nil:
		return e.Answer()
	case b.State == "CANCELLED":
	case b.State == "SUCCESS" || b.State == "FAIL":
		return invalidRequest("转账单已是终态, 不可撤销").Answer()
	case b.State != "CANCELING":
		b.State, b.UpdateTime = "CANCELING", s.now()
	}
	return http.StatusOK, struct {
		OutBillNo      string `json:"out_bill_no"`
		TransferBillNo string `json:"transfer_bill_no"`
		State          string `json:"state"`
		UpdateTime     string `json:"update_time"`
	}{b.OutBillNo, b.TransferBillNo, b.State, rfc3339(b.UpdateTime)}
}
