package wechatpaytest

import "net/http"

// serveTransferQueryByOutBillNo answers 商户单号查询转账单 (see
// transferQuery).
func (s *Server) serveTransferQueryByOutBillNo(r *V3Request) (int, any) {
	return s.transferQuery(r, "out_bill_no", 32, false)
}

// transferQuery answers a bill query by the path parameter name (at most
// max letters and digits; 400 PARAM_ERROR): the bill one step on (see
// settleBill), its user_name encrypted for the merchant; an unknown number
// is 404 NOT_FOUND.
func (s *Server) transferQuery(r *V3Request, name string, max int, byTransferNo bool) (int, any) {
	no := r.PathValue(name)
	if e := checkFields("path", alnumNo(name, no, max)); e != nil {
		return e.Answer()
	}
	s.mu.Lock()
	b, e := s.transferBillByNo(no, byTransferNo)
	var cp transferBill
	if e == nil {
		s.settleBill(b)
		cp = *b
	}
	s.mu.Unlock()
	if e != nil {
		return e.Answer()
	}
	return billDetailAnswer(r, &cp)
}

// billDetailAnswer is a bill as the queries (and T14) answer it, its
// user_name encrypted for the merchant.
func billDetailAnswer(r *V3Request, cp *transferBill) (int, any) {
	userName, e := r.EncryptForMerchant(cp.UserName)
	if e != nil {
		return e.Answer()
	}
	return http.StatusOK, struct {
		MchID          string `json:"mch_id"`
		OutBillNo      string `json:"out_bill_no"`
		TransferBillNo string `json:"transfer_bill_no"`
		AppID          string `json:"appid"`
		State          string `json:"state"`
		Amount         int64  `json:"transfer_amount"`
		Remark         string `json:"transfer_remark"`
		FailReason     string `json:"fail_reason,omitempty"`
		OpenID         string `json:"openid"`
		UserName       string `json:"user_name,omitempty"`
		CreateTime     string `json:"create_time"`
		UpdateTime     string `json:"update_time"`
	}{TestMchID, cp.OutBillNo, cp.TransferBillNo, cp.AppID, cp.State, cp.Amount, cp.Remark, cp.FailReason,
		cp.OpenID, userName, rfc3339(cp.CreateTime), rfc3339(cp.UpdateTime)}
}
