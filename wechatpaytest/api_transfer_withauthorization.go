package wechatpaytest

// transferWithAuthorizationRequest is a T14 body: T1's without openid, and
// the authorization that names the user.
type transferWithAuthorizationRequest struct {
	transferCreateRequest
	AuthorizationID    string `json:"authorization_id"`
	OutAuthorizationNo string `json:"out_authorization_no"`
	SponsorMchID       string `json:"sponsor_mchid"`
}

// serveTransferWithAuthorization answers 用户授权后转账: exactly one of
// authorization_id and out_authorization_no (400 PARAM_ERROR) naming an
// effective authorization (else 400 INVALID_REQUEST), whose user the bill
// pays; the bill is checked and keyed as T1's and becomes SUCCESS at once
// (TRANSFERING with HoldTransfering), MCHTRANSFER.BILL.FINISHED sent. The
// answer is the bill as the queries answer it.
func (s *Server) serveTransferWithAuthorization(r *V3Request) (int, any) {
	var req transferWithAuthorizationRequest
	if e := r.DecodeJSON(&req); e != nil {
		return e.Answer()
	}
	if (req.AuthorizationID == "") == (req.OutAuthorizationNo == "") {
		return paramError("/authorization_id", "body", "exactly one of authorization_id and out_authorization_no").Answer()
	}
	s.mu.Lock()
	a := s.effectiveAuthorization(req.AuthorizationID, req.OutAuthorizationNo)
	s.mu.Unlock()
	if a == nil || a.AppID != req.AppID || a.SceneID != req.SceneID {
		return invalidRequest("用户未授权免确认收款或授权已失效").Answer()
	}
	req.OpenID = a.OpenID
	status, ans := s.createTransferBill(r, &req.transferCreateRequest, []any{req.AuthorizationID, req.OutAuthorizationNo, req.SponsorMchID}, func(b *transferBill) {
		if s.transfer.merchant.HoldTransfering {
			b.State = "TRANSFERING"
			return
		}
		s.finishBill(b, "SUCCESS", "")
	})
	if _, ok := ans.(transferBillJSON); !ok {
		return status, ans
	}
	s.mu.Lock()
	cp := *s.transfer.bills[req.OutBillNo]
	s.mu.Unlock()
	return billDetailAnswer(r, &cp)
}

// effectiveAuthorization returns the TAKING_EFFECT authorization of id or
// of no, else nil. The caller holds s.mu.
func (s *Server) effectiveAuthorization(id, no string) *transferAuthorization {
	for n, a := range s.auths() {
		if (n == no || id != "" && a.AuthorizationID == id) && s.lookupAuthorization(n) != nil && a.State == "TAKING_EFFECT" {
			return a
		}
	}
	return nil
}
