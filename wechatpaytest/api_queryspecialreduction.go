package wechatpaytest

import (
	"cmp"
	"net/http"
)

// serveQuerySpecialReduction answers a special-reduction query: the
// documented limits, bal_account_no decrypted with the key Wechatpay-Serial
// names, then the record whose out_request_no, mchid and bal_account_no
// match, with bal_account_no encrypted for the merchant.
func (s *Server) serveQuerySpecialReduction(r *V3Request) (int, any) {
	outRequestNo, q := r.PathValue("out_request_no"), r.URL.Query()
	mchID, cipherBal := q.Get("mchid"), q.Get("bal_account_no")
	if e := cmp.Or(checkFields("path", field{name: "out_request_no", value: outRequestNo, max: 32}),
		checkFields("query", field{name: "mchid", value: mchID, required: true, max: 32},
			field{name: "bal_account_no", value: cipherBal, required: true})); e != nil {
		return e.Answer()
	}
	bal, cardNo := cipherBal, q.Get("card_no")
	if e := ledgerFields(r, "query", &bal, &cardNo, q.Get("req_scene")); e != nil {
		return e.Answer()
	}
	s.mu.Lock()
	red, ok := s.agg.reductions[outRequestNo]
	s.mu.Unlock()
	if !ok || red.MchID != mchID || red.BalAccountNo != bal {
		return notFound("special reduction").Answer()
	}
	return reductionAnswer(r, red)
}

// reductionAnswer is the answer of the query and of the creation of a
// special reduction: the record, with bal_account_no encrypted for the
// merchant.
func reductionAnswer(r *V3Request, red SpecialReduction) (int, any) {
	encBal, e := r.EncryptForMerchant(red.BalAccountNo)
	if e != nil {
		return e.Answer()
	}
	wire := struct {
		MchID         string `json:"mchid"`
		BalAccountNo  string `json:"bal_account_no"`
		OutRequestNo  string `json:"out_request_no"`
		ReductionType string `json:"reduction_type,omitempty"`
		Amount        *int64 `json:"amount,omitempty"`
		State         string `json:"state,omitempty"`
		Reason        string `json:"reason,omitempty"`
		QuotaChangeNo string `json:"quota_change_no,omitempty"`
		SuccessTime   string `json:"success_time,omitempty"`
		FailTime      string `json:"fail_time,omitempty"`
		FailReason    string `json:"fail_reason,omitempty"`
	}{
		MchID: red.MchID, BalAccountNo: encBal, OutRequestNo: red.OutRequestNo,
		ReductionType: red.ReductionType, State: red.State, Reason: red.Reason,
		QuotaChangeNo: red.QuotaChangeNo, SuccessTime: rfc3339(red.SuccessTime),
		FailTime: rfc3339(red.FailTime), FailReason: red.FailReason,
	}
	if red.State == "SUCCESS" || red.Amount != 0 {
		amount := red.Amount
		wire.Amount = &amount
	}
	return http.StatusOK, wire
}
