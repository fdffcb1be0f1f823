package wechatpaytest

// serveProfitSharingQueryReceiver answers a receiver query: the query
// parameters, then the relationship of sub_mchid and account with that
// type (404 RESOURCE_NOT_EXISTS otherwise). An INIT relationship passes
// the audit now: the answer is EFFECTIVE.
func (s *Server) serveProfitSharingQueryReceiver(r *V3Request) (int, any) {
	q := r.URL.Query()
	account, subMchID, typ := r.PathValue("account"), q.Get("sub_mchid"), q.Get("type")
	if e := checkFields("query", field{name: "sub_mchid", value: subMchID, max: 32}); e != nil {
		return e.Answer()
	}
	if e := checkPSParty("", typ, account, q.Get("appid"), q.Get("sub_appid")); e != nil {
		if d, ok := e.Detail.(map[string]string); ok {
			d["location"] = "query"
		}
		return e.Answer()
	}
	k := psRelationKey{subMchID, account}
	s.mu.Lock()
	rel, ok := s.ps.relations[k]
	if ok && rel.Type == typ && rel.State == "INIT" && rel.FailReason == "" {
		rel.State = "EFFECTIVE"
		s.ps.relations[k] = rel
	}
	s.mu.Unlock()
	if !ok || rel.Type != typ {
		return notFound("profit-sharing receiver").Answer()
	}
	return psRelationAnswer(r, rel)
}
