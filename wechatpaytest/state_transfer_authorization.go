package wechatpaytest

import (
	"fmt"
	"time"
)

// transferAuthorization is one confirmation-free authorization
// (免确认收款授权).
type transferAuthorization struct {
	OutAuthorizationNo, AppID, OpenID, SceneID, DisplayName, Perception, NotifyURL string
	AuthorizationID, State, CloseReason                                            string
	CreateTime, AuthorizeTime, CloseTime                                           time.Time
	key                                                                            string // the creating request
}

// auths returns the authorizations by out_authorization_no. The caller
// holds s.mu.
func (s *Server) auths() map[string]*transferAuthorization {
	if s.transfer.auths == nil {
		s.transfer.auths = map[string]*transferAuthorization{}
	}
	return s.transfer.auths
}

// lookupAuthorization returns the authorization of no, closed first
// (USER_OVERDUE_UNCONFIRMED, no callback) when the user left it pending 24
// hours; nil when there is none or it was closed so 30 days ago. The caller
// holds s.mu.
func (s *Server) lookupAuthorization(no string) *transferAuthorization {
	a := s.auths()[no]
	now := s.now()
	switch {
	case a == nil:
		return nil
	case a.State == "WAIT_USER_CONFIRM" && !now.Before(a.CreateTime.Add(transferBillExpiry)):
		a.State, a.CloseReason, a.CloseTime = "CLOSED", "USER_OVERDUE_UNCONFIRMED", a.CreateTime.Add(transferBillExpiry)
	}
	if a.CloseReason == "USER_OVERDUE_UNCONFIRMED" && !now.Before(a.CloseTime.Add(transferBillWindow)) {
		return nil
	}
	return a
}

// UserAuthorizeTransfer is the user agreeing, in WeChat, to the pending
// authorization outAuthorizationNo: it takes effect (authorization_id,
// authorize_time) and MCHTRANSFER.AUTHORIZATION.CONFIRMED is sent.
func (s *Server) UserAuthorizeTransfer(outAuthorizationNo string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.authorizationIn("UserAuthorizeTransfer", outAuthorizationNo, "WAIT_USER_CONFIRM")
	if err == nil {
		s.authorizeLocked(a)
	}
	return err
}

// authorizeLocked makes a effective and sends CONFIRMED. The caller holds
// s.mu.
func (s *Server) authorizeLocked(a *transferAuthorization) {
	s.transfer.seq++
	a.State, a.AuthorizeTime = "TAKING_EFFECT", s.now()
	a.AuthorizationID = fmt.Sprintf("1330000071%s%020d", a.AuthorizeTime.Format("20060102"), s.transfer.seq)
	s.notifyAuthorization(a, "MCHTRANSFER.AUTHORIZATION.CONFIRMED")
}

// UserRevokeTransferAuthorization is the user revoking the effective
// authorization outAuthorizationNo in WeChat: it becomes CLOSED
// (USER_CLOSE) and MCHTRANSFER.AUTHORIZATION.CLOSED is sent.
func (s *Server) UserRevokeTransferAuthorization(outAuthorizationNo string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.authorizationIn("UserRevokeTransferAuthorization", outAuthorizationNo, "TAKING_EFFECT")
	if err == nil {
		s.closeAuthorizationLocked(a, "USER_CLOSE")
	}
	return err
}

// RiskCloseTransferAuthorization plays WeChat Pay closing an effective
// authorization for risk: reason is TRANSFER_RISK or USER_ACCOUNT_ABNORMAL.
// The authorization becomes CLOSED with that reason and, as the reference
// decides (the callback's list of reasons has neither), no callback is
// sent: the merchant learns it from QueryAuthorization.
func (s *Server) RiskCloseTransferAuthorization(outAuthorizationNo, reason string) error {
	if reason != "TRANSFER_RISK" && reason != "USER_ACCOUNT_ABNORMAL" {
		return fmt.Errorf("wechatpaytest: RiskCloseTransferAuthorization: reason %q is not TRANSFER_RISK or USER_ACCOUNT_ABNORMAL", reason)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.authorizationIn("RiskCloseTransferAuthorization", outAuthorizationNo, "TAKING_EFFECT")
	if err == nil {
		a.State, a.CloseReason, a.CloseTime = "CLOSED", reason, s.now()
	}
	return err
}

// authorizationIn returns the authorization no when it is in state, else
// an error naming action. The caller holds s.mu.
func (s *Server) authorizationIn(action, no, state string) (*transferAuthorization, error) {
	a := s.lookupAuthorization(no)
	switch {
	case a == nil:
		return nil, fmt.Errorf("wechatpaytest: %s: no authorization %q", action, no)
	case a.State != state:
		return nil, fmt.Errorf("wechatpaytest: %s: authorization %q is %s", action, no, a.State)
	}
	return a, nil
}

// closeAuthorizationLocked closes a for reason and sends CLOSED. The
// caller holds s.mu.
func (s *Server) closeAuthorizationLocked(a *transferAuthorization, reason string) {
	a.State, a.CloseReason, a.CloseTime = "CLOSED", reason, s.now()
	s.notifyAuthorization(a, "MCHTRANSFER.AUTHORIZATION.CLOSED")
}

// notifyAuthorization sends eventType about a to its notify URL. The
// caller holds s.mu.
func (s *Server) notifyAuthorization(a *transferAuthorization, eventType string) {
	v := authorizationView(a)
	v.CreateTime, v.Perception, v.SceneID = "", "", ""
	s.sendCallbackLocked(s.transfer.merchant.Callbacks, a.NotifyURL, eventType, v)
}

// authorizationJSON is an authorization on the wire (T11, T12, N2).
type authorizationJSON struct {
	OutAuthorizationNo string `json:"out_authorization_no"`
	AppID              string `json:"appid"`
	OpenID             string `json:"openid"`
	DisplayName        string `json:"user_display_name"`
	AuthorizationID    string `json:"authorization_id,omitempty"`
	State              string `json:"state"`
	AuthorizeTime      string `json:"authorize_time,omitempty"`
	CloseInfo          *struct {
		CloseTime   string `json:"close_time"`
		CloseReason string `json:"close_reason"`
	} `json:"close_info,omitempty"`
	SceneID     string `json:"transfer_scene_id,omitempty"`
	Perception  string `json:"user_recv_perception,omitempty"`
	CreateTime  string `json:"create_time,omitempty"`
	PackageInfo string `json:"package_info,omitempty"`
}

// authorizationView is a on the wire, without package_info.
func authorizationView(a *transferAuthorization) authorizationJSON {
	v := authorizationJSON{OutAuthorizationNo: a.OutAuthorizationNo, AppID: a.AppID, OpenID: a.OpenID,
		DisplayName: a.DisplayName, AuthorizationID: a.AuthorizationID, State: a.State,
		SceneID: a.SceneID, Perception: a.Perception, CreateTime: rfc3339(a.CreateTime)}
	if !a.AuthorizeTime.IsZero() {
		v.AuthorizeTime = rfc3339(a.AuthorizeTime)
	}
	if a.State == "CLOSED" {
		v.CloseInfo = &struct {
			CloseTime   string `json:"close_time"`
			CloseReason string `json:"close_reason"`
		}{rfc3339(a.CloseTime), a.CloseReason}
	}
	return v
}

// acceptOffer stores the authorization a bill offered, effective at once,
// and sends CONFIRMED. The caller holds s.mu.
func (s *Server) acceptOffer(a *transferAuthorization) {
	a.CreateTime = s.now()
	s.auths()[a.OutAuthorizationNo] = a
	s.authorizeLocked(a)
}
