package wechatpaytest

import "cmp"

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
