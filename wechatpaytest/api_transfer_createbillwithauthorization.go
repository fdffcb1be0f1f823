package wechatpaytest

// transferPreTransferRequest is a T13 body: T1's and the authorization
// offered with the bill.
type transferPreTransferRequest struct {
	transferCreateRequest
	AuthorizationInfo *struct {
		DisplayName        string `json:"user_display_name"`
		OutAuthorizationNo string `json:"out_authorization_no"`
		NotifyURL          string `json:"authorization_notify_url"`
	} `json:"authorization_info"`
	SponsorMchID string `json:"sponsor_mchid"`
}

// serveTransferCreateBillWithAuthorization answers
// 发起转账并完成免确认收款授权: a bill as T1 (openid required, as the
// community reference says); authorization_info's fields are checked (400
// PARAM_ERROR) and its number must be new (400 INVALID_REQUEST). The
// offer is kept with the bill: UserConfirmTransfer(no, true) makes it an
// effective authorization, a bill confirmed without it or failed drops it.
// A repeat of a stored bill answers it as T1 does.
func (s *Server) serveTransferCreateBillWithAuthorization(r *V3Request) (int, any) {
	var req transferPreTransferRequest
	if e := r.DecodeJSON(&req); e != nil {
		return e.Answer()
	}
	info := req.AuthorizationInfo
	if info == nil {
		return s.createTransferBill(r, &req.transferCreateRequest, req.SponsorMchID, nil)
	}
	if e := checkFields("body", field{name: "/authorization_info/out_authorization_no", value: info.OutAuthorizationNo, required: true, max: 32, valid: isAlnum, issue: "only digits and letters, at most 32"},
		field{name: "/authorization_info/user_display_name", value: info.DisplayName, required: true, max: 32},
		field{name: "/authorization_info/authorization_notify_url", value: info.NotifyURL, required: true, max: 256, valid: isNotifyURL, issue: "must be an https URL without a query string"},
	); e != nil {
		return e.Answer()
	}
	s.mu.Lock()
	taken := s.lookupAuthorization(info.OutAuthorizationNo) != nil && s.transfer.bills[req.OutBillNo] == nil // a repeat answers its bill
	s.mu.Unlock()
	if taken {
		return invalidRequest("out_authorization_no 已存在").Answer()
	}
	status, ans := s.createTransferBill(r, &req.transferCreateRequest, []any{info, req.SponsorMchID}, func(b *transferBill) {
		if s.transfer.offers == nil {
			s.transfer.offers = map[string]*transferAuthorization{}
		}
		s.transfer.offers[b.OutBillNo] = &transferAuthorization{OutAuthorizationNo: info.OutAuthorizationNo, AppID: b.AppID,
			OpenID: b.OpenID, SceneID: req.SceneID, DisplayName: info.DisplayName, Perception: req.Perception, NotifyURL: info.NotifyURL}
	})
	bill, ok := ans.(transferBillJSON)
	if !ok {
		return status, ans
	}
	return status, struct {
		transferBillJSON
		DisplayName        string `json:"user_display_name"`
		OutAuthorizationNo string `json:"out_authorization_no"`
	}{bill, info.DisplayName, info.OutAuthorizationNo}
}
