package transfer_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/sdktest"
	"github.com/gowechatpay/wechatpay/transfer"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func validAuthorization(no, notifyURL string) transfer.CreateAuthorizationRequest {
	return transfer.CreateAuthorizationRequest{OutAuthorizationNo: no, OpenID: openID, SceneID: transfer.SceneCashMarketing,
		UserDisplayName: "会员 138****8000", NotifyURL: notifyURL}
}

func TestCreateAuthorizationRequestValidate(t *testing.T) {
	wechatpaytest.RequireInvalid(t, validAuthorization("auth1", "https://m.example/n"), []wechatpaytest.Invalid[transfer.CreateAuthorizationRequest]{
		{Name: "no number", Mutate: func(r *transfer.CreateAuthorizationRequest) { r.OutAuthorizationNo = "" }, Field: "out_authorization_no", Missing: true},
		{Name: "number not alnum", Mutate: func(r *transfer.CreateAuthorizationRequest) { r.OutAuthorizationNo = "a_1" }, Field: "out_authorization_no"},
		{Name: "no openid", Mutate: func(r *transfer.CreateAuthorizationRequest) { r.OpenID = "" }, Field: "openid", Missing: true},
		{Name: "no display name", Mutate: func(r *transfer.CreateAuthorizationRequest) { r.UserDisplayName = "" }, Field: "user_display_name", Missing: true},
		{Name: "display name too long", Mutate: func(r *transfer.CreateAuthorizationRequest) { r.UserDisplayName = strings.Repeat("名", 33) }, Field: "user_display_name"},
		{Name: "no notify URL", Mutate: func(r *transfer.CreateAuthorizationRequest) { r.NotifyURL = "" }, Field: "authorization_notify_url", Missing: true},
		{Name: "notify URL with query", Mutate: func(r *transfer.CreateAuthorizationRequest) { r.NotifyURL = "https://m.example/n?a=1" }, Field: "authorization_notify_url"},
		{Name: "device type", Mutate: func(r *transfer.CreateAuthorizationRequest) {
			r.SceneInfo = &transfer.AuthorizationSceneInfo{DeviceType: "WINDOWS"}
		}, Field: "scene_info.device_type"},
	})
	sdktest.RequireKnown(t, []transfer.AuthorizationState{transfer.AuthorizationTakingEffect, transfer.AuthorizationClosed}, "EXPIRED")
	sdktest.RequireKnown(t, []transfer.CloseReason{transfer.CloseViaMchAPI, transfer.CloseUserOverdueUnconfirmed}, "NEW_REASON")
}

func TestAuthorizationRefusedBeforeIO(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := transfer.New(srv.Client())
	wechatpaytest.RequireFieldErrors(t, srv, map[string]func() error{
		"request":                sdktest.Call(t, svc.CreateAuthorization, nil),
		"out_authorization_no":   sdktest.Call(t, svc.QueryAuthorization, &transfer.QueryAuthorizationRequest{OutAuthorizationNo: "../x"}),
		"out_authorization_no#c": sdktest.Call(t, svc.CloseAuthorization, &transfer.CloseAuthorizationRequest{}),
		"request#b":              sdktest.Call(t, svc.CreateBillWithAuthorization, nil),
		"out_bill_no":            sdktest.Call(t, svc.TransferWithAuthorization, &transfer.TransferWithAuthorizationRequest{}),
	})
}

// authorize creates the authorization no and has the user agree to it.
func (m *merchant) authorize(t *testing.T, no string) *transfer.AuthorizationNotification {
	t.Helper()
	r := validAuthorization(no, m.notifyURL)
	a, err := m.svc.CreateAuthorization(t.Context(), &r)
	require.NoError(t, err)
	require.Equal(t, transfer.AuthorizationWaitUserConfirm, a.State)
	require.NotEmpty(t, a.PackageInfo)
	require.NoError(t, m.srv.UserAuthorizeTransfer(no))
	n := <-m.auths
	require.Equal(t, []any{no, transfer.AuthorizationTakingEffect, openID, wechatpaytest.TestAppID, r.UserDisplayName},
		[]any{n.OutAuthorizationNo, n.State, n.OpenID, n.AppID, n.UserDisplayName})
	require.NotEmpty(t, n.AuthorizationID)
	require.False(t, n.AuthorizeTime.IsZero())
	return n
}

func TestAuthorizationConfirmedQueriedClosed(t *testing.T) {
	m := newMerchant(t)
	confirmed := m.authorize(t, "auth1")
	q, err := m.svc.QueryAuthorization(t.Context(), &transfer.QueryAuthorizationRequest{OutAuthorizationNo: "auth1"})
	require.NoError(t, err)
	require.Equal(t, []any{transfer.AuthorizationTakingEffect, confirmed.AuthorizationID, transfer.SceneCashMarketing, "", (*transfer.CloseInfo)(nil)},
		[]any{q.State, q.AuthorizationID, q.SceneID, q.PackageInfo, q.CloseInfo})

	c, err := m.svc.CloseAuthorization(t.Context(), &transfer.CloseAuthorizationRequest{OutAuthorizationNo: "auth1"})
	require.NoError(t, err)
	require.Equal(t, transfer.AuthorizationClosed, c.State)
	require.Equal(t, transfer.CloseViaMchAPI, c.CloseInfo.CloseReason)
	n := <-m.auths
	require.Equal(t, []any{transfer.AuthorizationClosed, transfer.CloseViaMchAPI, confirmed.AuthorizationID},
		[]any{n.State, n.CloseInfo.CloseReason, n.AuthorizationID})
	again, err := m.svc.CloseAuthorization(t.Context(), &transfer.CloseAuthorizationRequest{OutAuthorizationNo: "auth1"})
	require.NoError(t, err, "closing again answers the closed authorization")
	require.Equal(t, c.CloseInfo.CloseTime, again.CloseInfo.CloseTime)
	require.Empty(t, m.auths, "no second callback")
}

func TestAuthorizationRevokedByUser(t *testing.T) {
	m := newMerchant(t)
	m.authorize(t, "auth2")
	require.Error(t, m.srv.UserAuthorizeTransfer("auth2"), "already effective")
	require.NoError(t, m.srv.UserRevokeTransferAuthorization("auth2"))
	n := <-m.auths
	require.Equal(t, []any{transfer.AuthorizationClosed, transfer.CloseUser}, []any{n.State, n.CloseInfo.CloseReason})
	require.Error(t, m.srv.UserRevokeTransferAuthorization("auth2"), "already closed")
	require.Error(t, m.srv.UserRevokeTransferAuthorization("nobody"))
}

func TestAuthorizationClosedForRisk(t *testing.T) {
	m := newMerchant(t)
	m.authorize(t, "auth5")
	require.Error(t, m.srv.RiskCloseTransferAuthorization("auth5", "USER_CLOSE"), "not a risk reason")
	require.NoError(t, m.srv.RiskCloseTransferAuthorization("auth5", "TRANSFER_RISK"))
	a, err := m.svc.QueryAuthorization(t.Context(), &transfer.QueryAuthorizationRequest{OutAuthorizationNo: "auth5"})
	require.NoError(t, err)
	require.Equal(t, []any{transfer.AuthorizationClosed, transfer.CloseTransferRisk}, []any{a.State, a.CloseInfo.CloseReason})
	require.Empty(t, m.auths, "no callback for a risk close")
	require.Error(t, m.srv.RiskCloseTransferAuthorization("auth5", "USER_ACCOUNT_ABNORMAL"), "already closed")
	require.Error(t, m.srv.RiskCloseTransferAuthorization("nobody", "TRANSFER_RISK"))
}

func TestAuthorizationReentrantAndOnePerUser(t *testing.T) {
	m := newMerchant(t)
	r := validAuthorization("auth3", m.notifyURL)
	first, err := m.svc.CreateAuthorization(t.Context(), &r)
	require.NoError(t, err)
	again, err := m.svc.CreateAuthorization(t.Context(), &r)
	require.NoError(t, err)
	require.Equal(t, first.CreateTime, again.CreateTime, "the same record")
	require.NotEqual(t, first.PackageInfo, again.PackageInfo, "a fresh package_info while pending")
	other := validAuthorization("auth4", m.notifyURL)
	_, err = m.svc.CreateAuthorization(t.Context(), &other)
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST") // the user has one in the scene
	r.UserDisplayName = "另一个账户"
	_, err = m.svc.CreateAuthorization(t.Context(), &r)
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST") // same number, other body
	_, err = m.svc.QueryAuthorization(t.Context(), &transfer.QueryAuthorizationRequest{OutAuthorizationNo: "auth4"})
	wechatpaytest.RequireAPIError(t, err, http.StatusNotFound, "NOT_FOUND")
	_, err = m.svc.CloseAuthorization(t.Context(), &transfer.CloseAuthorizationRequest{OutAuthorizationNo: "auth4"})
	wechatpaytest.RequireAPIError(t, err, http.StatusNotFound, "NOT_FOUND")
}

func TestAuthorizationFaults(t *testing.T) {
	m := newMerchant(t)
	wechatpaytest.RequireRetries(t, m.srv, wechatpaytest.APITransferCreateAuthorization, func(t *testing.T, c *wechatpay.Client) (int, error) {
		r := validAuthorization("fault1", m.notifyURL)
		got, err := transfer.New(c).CreateAuthorization(t.Context(), &r)
		if err != nil {
			return 0, err
		}
		return got.Meta.Attempts, nil
	})
	wechatpaytest.RequireAnswerFaults(t, m.srv, wechatpaytest.APITransferQueryAuthorization, func(t *testing.T, c *wechatpay.Client) error {
		_, err := transfer.New(c).QueryAuthorization(t.Context(), &transfer.QueryAuthorizationRequest{OutAuthorizationNo: "fault1"})
		return err
	})
	wechatpaytest.RequireAnswerFaults(t, m.srv, wechatpaytest.APITransferCloseAuthorization, func(t *testing.T, c *wechatpay.Client) error {
		_, err := transfer.New(c).CloseAuthorization(t.Context(), &transfer.CloseAuthorizationRequest{OutAuthorizationNo: "fault1"})
		return err
	})
}

func TestDecodeAuthorizationNotificationRefusesOtherEvents(t *testing.T) {
	var svc *transfer.Service
	_, err := svc.DecodeAuthorizationNotification(&wechatpay.Notification{EventType: transfer.EventBillFinished})
	require.ErrorIs(t, err, wechatpay.ErrMalformedNotification)
	_, err = svc.DecodeAuthorizationNotification(nil)
	require.ErrorIs(t, err, wechatpay.ErrMalformedNotification)
}
