package transfer_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/transfer"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// authorizedPayment is a scene-1000 payment of amount fen under the
// authorization authNo.
func authorizedPayment(no, authNo, notifyURL string, amount int64) transfer.TransferWithAuthorizationRequest {
	b := validBill(no, amount)
	return transfer.TransferWithAuthorizationRequest{OutBillNo: no, SceneID: b.SceneID, Amount: amount, Remark: b.Remark,
		NotifyURL: notifyURL, SceneReportInfos: b.SceneReportInfos, OutAuthorizationNo: authNo}
}

func TestTransferWithAuthorizationRequestValidate(t *testing.T) {
	wechatpaytest.RequireInvalid(t, authorizedPayment("p1", "a1", "", 500), []wechatpaytest.Invalid[transfer.TransferWithAuthorizationRequest]{
		{Name: "neither authorization", Mutate: func(r *transfer.TransferWithAuthorizationRequest) { r.OutAuthorizationNo = "" }, Field: "authorization_id", Missing: true},
		{Name: "both authorizations", Mutate: func(r *transfer.TransferWithAuthorizationRequest) { r.AuthorizationID = "1330" }, Field: "authorization_id"},
		{Name: "no name at the threshold", Mutate: func(r *transfer.TransferWithAuthorizationRequest) { r.Amount = transfer.UserNameThreshold }, Field: "user_name", Missing: true},
		{Name: "no report items", Mutate: func(r *transfer.TransferWithAuthorizationRequest) { r.SceneReportInfos = nil }, Field: "transfer_scene_report_infos", Missing: true},
		{Name: "no remark", Mutate: func(r *transfer.TransferWithAuthorizationRequest) { r.Remark = "" }, Field: "transfer_remark", Missing: true},
	})
}

func TestTransferWithAuthorizationPaysAtOnce(t *testing.T) {
	m := newMerchant(t)
	confirmed := m.authorize(t, "auth20")
	r := authorizedPayment("pay1", "", m.notifyURL, 300000)
	r.AuthorizationID, r.UserName = confirmed.AuthorizationID, "张三"
	d, err := m.svc.TransferWithAuthorization(t.Context(), &r)
	require.NoError(t, err)
	require.Equal(t, []any{transfer.BillSuccess, openID, "张三", int64(300000), wechatpaytest.TestMchID},
		[]any{d.State, d.OpenID, d.UserName, d.Amount, d.MchID})
	n := <-m.got
	require.Equal(t, []any{d.TransferBillNo, transfer.BillSuccess}, []any{n.TransferBillNo, n.State})
	balance, locked := m.srv.TransferBalance()
	require.Equal(t, []int64{10_000_000 - 300000, 0}, []int64{balance, locked}, "funds deducted")
	again, err := m.svc.TransferWithAuthorization(t.Context(), &r)
	require.NoError(t, err, "a repeat answers the bill")
	require.Equal(t, d.TransferBillNo, again.TransferBillNo)

	_, err = m.svc.CloseAuthorization(t.Context(), &transfer.CloseAuthorizationRequest{OutAuthorizationNo: "auth20"})
	require.NoError(t, err)
	<-m.auths
	closed := authorizedPayment("pay2", "auth20", m.notifyURL, 500)
	_, err = m.svc.TransferWithAuthorization(t.Context(), &closed)
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST") // the authorization is closed
}

func TestTransferWithAuthorizationFaults(t *testing.T) {
	m := newMerchant(t)
	m.authorize(t, "auth21")
	wechatpaytest.RequireFaults(t, m.srv, wechatpaytest.APITransferWithAuthorization, func(t *testing.T, c *wechatpay.Client) (*transfer.BillDetail, error) {
		r := authorizedPayment("fault3", "auth21", "", 500)
		return transfer.New(c).TransferWithAuthorization(t.Context(), &r)
	})
}
