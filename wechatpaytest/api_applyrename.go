package wechatpaytest

import (
	"net/http"
	"time"
)

// renameApp is a rename application (渠道结算银行账户更名申请).
type renameApp struct {
	ID, OutRequestNo, MchID, BalAccountNo, ChangeScene, NewAccountName string
	State, FailCode, FailMsg                                           string
	FinishTime                                                         time.Time
}

// CloseRename makes the rename application endpoint answer 403 NO_AUTH
// when closed is set, as WeChat Pay does while the function is in grey
// release; it is open by default.
func (s *Server) CloseRename(closed bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.agg.renameClosed = closed
}

// FailRename makes every rename application that is PROCESSING end FAIL
// with code and msg on its first query, instead of SUCCESS; FailRename("",
// "") restores success.
func (s *Server) FailRename(code, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.agg.renameFail = [2]string{code, msg}
}

// serveApplyRename answers a rename application: the documented fields,
// bal_account_no decrypted, then a new application in PROCESSING on every
// call, even with a known out_request_no (WeChat Pay does not de-duplicate
// on it). An unknown ledger is 400 INVALID_REQUEST.
func (s *Server) serveApplyRename(r *V3Request) (int, any) {
	var req struct {
		OutRequestNo string `json:"out_request_no"`
		MchID        string `json:"mchid"`
		BalAccountNo string `json:"bal_account_no"`
		ChangeScene  string `json:"change_scene"`
		ReqScene     string `json:"req_scene"`
	}
	s.mu.Lock()
	closed := s.agg.renameClosed
	s.mu.Unlock()
	if closed {
		return V3Error(http.StatusForbidden, "NO_AUTH", "功能灰度中，暂未开放")
	}
	if e := r.DecodeJSON(&req); e != nil {
		return e.Answer()
	}
	if e := checkFields("body", field{name: "/out_request_no", value: req.OutRequestNo, required: true, max: 64},
		field{name: "/mchid", value: req.MchID, required: true, max: 64},
		field{name: "/bal_account_no", value: req.BalAccountNo, required: true},
		field{name: "/change_scene", value: req.ChangeScene, required: true, valid: oneOf("SUBJECT_INFO_RENAME"), issue: "not a documented change scene"},
	); e != nil {
		return e.Answer()
	}
	var cardNo string
	if e := ledgerFields(r, "body", &req.BalAccountNo, &cardNo, req.ReqScene); e != nil {
		return e.Answer()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := ledgerKey{req.MchID, req.BalAccountNo}
	if _, ok := s.agg.ledgers[k]; !ok {
		return invalidRequest("bal_account_no is not a ledger of mchid").Answer()
	}
	app := &renameApp{ID: s.aggNumber("RN", s.now()), OutRequestNo: req.OutRequestNo, MchID: req.MchID,
		BalAccountNo: req.BalAccountNo, ChangeScene: req.ChangeScene, State: "PROCESSING",
		NewAccountName: s.agg.archives[k].Fields["merchant_name"]}
	if app.NewAccountName == "" {
		app.NewAccountName = req.MchID
	}
	s.agg.renames[app.ID] = app
	return renameAnswer(r, *app)
}

// renameAnswer is the answer of the application and of its query, with
// bal_account_no and new_account_name encrypted for the merchant.
func renameAnswer(r *V3Request, a renameApp) (int, any) {
	bal, e := r.EncryptForMerchant(a.BalAccountNo)
	if e == nil {
		a.NewAccountName, e = r.EncryptForMerchant(a.NewAccountName)
	}
	if e != nil {
		return e.Answer()
	}
	return http.StatusOK, struct {
		ChangeScene      string `json:"change_scene"`
		ApplicationID    string `json:"application_id"`
		OutRequestNo     string `json:"out_request_no"`
		MchID            string `json:"mchid"`
		BalAccountNo     string `json:"bal_account_no"`
		NewAccountName   string `json:"new_account_name"`
		ApplicationState string `json:"application_state"`
		FinishTime       string `json:"finish_time,omitempty"`
		FailCode         string `json:"fail_code,omitempty"`
		FailMsg          string `json:"fail_msg,omitempty"`
	}{a.ChangeScene, a.ID, a.OutRequestNo, a.MchID, bal, a.NewAccountName, a.State, rfc3339(a.FinishTime), a.FailCode, a.FailMsg}
}
