package wechatpaytest

// serveQuerySpecialReduction answers a special-reduction query: the
// documented limits, bal_account_no decrypted with the key Wechatpay-Serial
// names, then the record whose out_request_no, mchid and bal_account_no
// match, with bal_account_no encrypted for the merchant.
func (s *Server) serveQuerySpecialReduction(r *V3Request) (int, any) {
	outRequestNo := r.PathValue("out_request_no")
	if e := checkFields("path", field{name: "out_request_no", value: outRequestNo, max: 32}); e != nil {
		return e.Answer()
	}
	k, e := queryLedger(r, 0)
	if e != nil {
		return e.Answer()
	}
	s.mu.Lock()
	red, ok := s.agg.reductions[outRequestNo]
	s.mu.Unlock()
	if !ok || red.MchID != k.mchID || red.BalAccountNo != k.bal {
		return notFound("special reduction").Answer()
	}
	return reductionAnswer(r, red)
}
