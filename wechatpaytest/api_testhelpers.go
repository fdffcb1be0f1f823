package wechatpaytest

import (
	"errors"
	"net/http"
	"time"
)

// The sandbox's test helpers (like Stripe's): what only the user or WeChat
// Pay can do, for a merchant testing from another process or language.
// They are v3 routes like the others: only a request signed with the
// merchant's key reaches them (else 401 SIGN_ERROR), and their answers are
// signed. A refused action is 400 INVALID_REQUEST naming why. They exist on
// the emulator only, never at WeChat Pay.

// APITestHelperConfirmTransfer is UserConfirmTransfer (no body).
const APITestHelperConfirmTransfer API = "POST /v3/sandbox/test-helpers/transfer/bills/{out_bill_no}/confirm"

// APITestHelperFailTransfer is FailTransfer; the body is
// {"reason": "ACCOUNT_FROZEN"}.
const APITestHelperFailTransfer API = "POST /v3/sandbox/test-helpers/transfer/bills/{out_bill_no}/fail"

// APITestHelperAuthorizeTransfer is UserAuthorizeTransfer (no body).
const APITestHelperAuthorizeTransfer API = "POST /v3/sandbox/test-helpers/transfer/authorizations/{out_authorization_no}/authorize"

// APITestHelperRevokeTransfer is UserRevokeTransferAuthorization (no
// body).
const APITestHelperRevokeTransfer API = "POST /v3/sandbox/test-helpers/transfer/authorizations/{out_authorization_no}/revoke"

// APITestHelperAdvance is Advance; the body is {"duration": "24h"} (a Go
// duration, positive), the answer {"now": RFC 3339 time}.
const APITestHelperAdvance API = "POST /v3/sandbox/test-helpers/advance"

// testHelperRoutes is the test helpers' route table.
func (s *Server) testHelperRoutes() []route {
	return []route{
		{pattern: string(APITestHelperConfirmTransfer), v3: s.serveTestHelperConfirmTransfer},
		{pattern: string(APITestHelperFailTransfer), v3: s.serveTestHelperFailTransfer},
		{pattern: string(APITestHelperAuthorizeTransfer), v3: s.serveTestHelperAuthorization(s.UserAuthorizeTransfer)},
		{pattern: string(APITestHelperRevokeTransfer), v3: s.serveTestHelperAuthorization(s.UserRevokeTransferAuthorization)},
		{pattern: string(APITestHelperAdvance), v3: s.serveTestHelperAdvance},
	}
}

// serveTestHelperConfirmTransfer confirms the bill as its user would and
// answers the bill's number and state.
func (s *Server) serveTestHelperConfirmTransfer(r *V3Request) (int, any) {
	no := r.PathValue("out_bill_no")
	return s.billActionAnswer(no, s.UserConfirmTransfer(no, false))
}

// serveTestHelperFailTransfer fails the bill as WeChat Pay would and
// answers the bill's number and state.
func (s *Server) serveTestHelperFailTransfer(r *V3Request) (int, any) {
	var body struct {
		Reason string `json:"reason"`
	}
	if e := r.DecodeJSON(&body); e != nil {
		return e.Answer()
	}
	no := r.PathValue("out_bill_no")
	return s.billActionAnswer(no, s.FailTransfer(no, body.Reason))
}

// billActionAnswer answers a bill action: 400 INVALID_REQUEST with err's
// text when it failed, else the bill's numbers and state.
func (s *Server) billActionAnswer(no string, err error) (int, any) {
	if err != nil {
		return invalidRequest(err.Error()).Answer()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, e := s.transferBillByNo(no, false)
	if e != nil {
		return e.Answer()
	}
	return http.StatusOK, struct {
		OutBillNo      string `json:"out_bill_no"`
		TransferBillNo string `json:"transfer_bill_no"`
		State          string `json:"state"`
		FailReason     string `json:"fail_reason,omitempty"`
	}{b.OutBillNo, b.TransferBillNo, b.State, b.FailReason}
}

// serveTestHelperAdvance moves the clock forward (Advance) and answers the
// emulator's time.
func (s *Server) serveTestHelperAdvance(r *V3Request) (int, any) {
	var body struct {
		Duration string `json:"duration"`
	}
	if e := r.DecodeJSON(&body); e != nil {
		return e.Answer()
	}
	d, err := time.ParseDuration(body.Duration)
	if err == nil && d <= 0 {
		err = errors.New("not positive")
	}
	if err != nil {
		return invalidRequest("duration " + body.Duration + ": " + err.Error()).Answer()
	}
	s.Advance(d)
	return http.StatusOK, struct {
		Now string `json:"now"`
	}{rfc3339(s.now())}
}

// serveTestHelperAuthorization does action to the path's authorization
// and answers it as the query does (400 INVALID_REQUEST naming why the
// action was refused).
func (s *Server) serveTestHelperAuthorization(action func(string) error) func(*V3Request) (int, any) {
	return func(r *V3Request) (int, any) {
		if err := action(r.PathValue("out_authorization_no")); err != nil {
			return invalidRequest(err.Error()).Answer()
		}
		a, e := s.transferAuthorizationByPath(r)
		if e != nil {
			return e.Answer()
		}
		return http.StatusOK, authorizationView(a)
	}
}
