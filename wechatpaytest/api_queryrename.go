package wechatpaytest

// serveQueryRename answers a rename query: the application of the path,
// when the query's mchid and decrypted bal_account_no are its own (else
// 404 RESOURCE_NOT_EXISTS). The first query ends a PROCESSING application:
// SUCCESS, or FAIL after FailRename.
func (s *Server) serveQueryRename(r *V3Request) (int, any) {
	id, q := r.PathValue("application_id"), r.URL.Query()
	mchID, bal := q.Get("mchid"), q.Get("bal_account_no")
	if e := checkFields("query", field{name: "mchid", value: mchID, required: true, max: 64},
		field{name: "bal_account_no", value: bal, required: true, max: 1024}); e != nil {
		return e.Answer()
	}
	var cardNo string
	if e := ledgerFields(r, "query", &bal, &cardNo, ""); e != nil {
		return e.Answer()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	app, ok := s.agg.renames[id]
	if !ok || app.MchID != mchID || app.BalAccountNo != bal {
		return notFound("rename application").Answer()
	}
	if app.State == "PROCESSING" {
		app.State, app.FinishTime = "SUCCESS", s.now()
		if f := s.agg.renameFail; f[0] != "" {
			app.State, app.FailCode, app.FailMsg = "FAIL", f[0], f[1]
		}
	}
	return renameAnswer(r, *app)
}
