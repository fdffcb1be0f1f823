package transfer_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/transfer"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// offeringBill is a scene-1000 bill of 500 fen offering authorization
// authNo, both callbacks to notifyURL.
func offeringBill(no, authNo, notifyURL string) transfer.CreateBillWithAuthorizationRequest {
	b := validBill(no, 500)
	return transfer.CreateBillWithAuthorizationRequest{OutBillNo: no, SceneID: b.SceneID, OpenID: b.OpenID, Amount: b.Amount,
		Remark: b.Remark, NotifyURL: notifyURL, UserRecvPerception: b.UserRecvPerception, SceneReportInfos: b.SceneReportInfos,
		AuthorizationInfo: &transfer.AuthorizationOffer{UserDisplayName: "会员 138****8000", OutAuthorizationNo: authNo, NotifyURL: notifyURL}}
}

func TestCreateBillWithAuthorizationRequestValidate(t *testing.T) {
	wechatpaytest.RequireInvalid(t, offeringBill("b1", "a1", "https://m.example/n"), []wechatpaytest.Invalid[transfer.CreateBillWithAuthorizationRequest]{
		{Name: "no number", Mutate: func(r *transfer.CreateBillWithAuthorizationRequest) { r.OutBillNo = "" }, Field: "out_bill_no", Missing: true},
		{Name: "no name at the threshold", Mutate: func(r *transfer.CreateBillWithAuthorizationRequest) { r.Amount = transfer.UserNameThreshold }, Field: "user_name", Missing: true},
		{Name: "label missing", Mutate: func(r *transfer.CreateBillWithAuthorizationRequest) { r.SceneReportInfos = r.SceneReportInfos[:1] }, Field: "transfer_scene_report_infos", Missing: true},
		{Name: "no offer number", Mutate: func(r *transfer.CreateBillWithAuthorizationRequest) {
			r.AuthorizationInfo = &transfer.AuthorizationOffer{UserDisplayName: "x", NotifyURL: "https://m.example/n"}
		}, Field: "authorization_info.out_authorization_no", Missing: true},
		{Name: "offer notify URL", Mutate: func(r *transfer.CreateBillWithAuthorizationRequest) {
			r.AuthorizationInfo = &transfer.AuthorizationOffer{UserDisplayName: "x", OutAuthorizationNo: "a1", NotifyURL: "http://m.example/n"}
		}, Field: "authorization_info.authorization_notify_url"},
		{Name: "sponsor not digits", Mutate: func(r *transfer.CreateBillWithAuthorizationRequest) { r.SponsorMchID = "m1" }, Field: "sponsor_mchid"},
	})
}

func TestBillWithAuthorizationAccepted(t *testing.T) {
	m := newMerchant(t)
	r := offeringBill("offer1", "auth10", m.notifyURL)
	b, err := m.svc.CreateBillWithAuthorization(t.Context(), &r)
	require.NoError(t, err)
	require.Equal(t, []any{transfer.BillWaitUserConfirm, "auth10", "会员 138****8000"}, []any{b.State, b.OutAuthorizationNo, b.UserDisplayName})
	require.NotEmpty(t, b.PackageInfo)
	_, err = m.svc.QueryAuthorization(t.Context(), &transfer.QueryAuthorizationRequest{OutAuthorizationNo: "auth10"})
	wechatpaytest.RequireAPIError(t, err, http.StatusNotFound, "NOT_FOUND") // offered, not yet an authorization

	require.NoError(t, m.srv.UserConfirmTransfer("offer1", true))
	require.Equal(t, transfer.BillSuccess, (<-m.got).State)
	n := <-m.auths
	require.Equal(t, []any{"auth10", transfer.AuthorizationTakingEffect, openID}, []any{n.OutAuthorizationNo, n.State, n.OpenID})
	q, err := m.svc.QueryAuthorization(t.Context(), &transfer.QueryAuthorizationRequest{OutAuthorizationNo: "auth10"})
	require.NoError(t, err)
	require.Equal(t, n.AuthorizationID, q.AuthorizationID)

	again, err := m.svc.CreateBillWithAuthorization(t.Context(), &r)
	require.NoError(t, err, "a repeat answers the bill")
	require.Equal(t, b.TransferBillNo, again.TransferBillNo)
	other := offeringBill("offer2", "auth10", m.notifyURL)
	_, err = m.svc.CreateBillWithAuthorization(t.Context(), &other)
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST") // the offer's number is taken
}

func TestBillWithAuthorizationDeclined(t *testing.T) {
	m := newMerchant(t)
	r := offeringBill("offer3", "auth11", m.notifyURL)
	_, err := m.svc.CreateBillWithAuthorization(t.Context(), &r)
	require.NoError(t, err)
	require.NoError(t, m.srv.UserConfirmTransfer("offer3", false))
	require.Equal(t, transfer.BillSuccess, (<-m.got).State)
	_, err = m.svc.QueryAuthorization(t.Context(), &transfer.QueryAuthorizationRequest{OutAuthorizationNo: "auth11"})
	wechatpaytest.RequireAPIError(t, err, http.StatusNotFound, "NOT_FOUND") // dropped, no callback
	require.Empty(t, m.auths)
}

func TestBillWithAuthorizationFaults(t *testing.T) {
	m := newMerchant(t)
	wechatpaytest.RequireFaults(t, m.srv, wechatpaytest.APITransferCreateBillWithAuthorization, func(t *testing.T, c *wechatpay.Client) (*transfer.BillWithAuthorization, error) {
		r := offeringBill("fault2", "auth12", m.notifyURL)
		return transfer.New(c).CreateBillWithAuthorization(t.Context(), &r)
	})
}
