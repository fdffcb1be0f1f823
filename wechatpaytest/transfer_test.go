package wechatpaytest_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// transferBody is a valid 发起转账 body, mutated by each case.
func transferBody(mutate func(b map[string]any)) map[string]any {
	b := map[string]any{"appid": wechatpaytest.TestAppID, "out_bill_no": "T1", "transfer_scene_id": "1000",
		"openid": "o-user", "transfer_amount": 500, "transfer_remark": "奖励",
		"transfer_scene_report_infos": []map[string]string{{"info_type": "活动名称", "info_content": "a"}, {"info_type": "奖励说明", "info_content": "b"}}}
	mutate(b)
	return b
}

// TestTransferRefusals sends the bills the typed SDK never sends and
// requires the reference's 400 PARAM_ERROR; nothing is stored or locked.
func TestTransferRefusals(t *testing.T) {
	srv := wechatpaytest.Start(t)
	c := srv.Client()
	for name, mutate := range map[string]func(b map[string]any){
		"no report items": func(b map[string]any) { delete(b, "transfer_scene_report_infos") },
		"a wrong label": func(b map[string]any) {
			b["transfer_scene_report_infos"] = []map[string]string{{"info_type": "活动名称", "info_content": "a"}, {"info_type": "x", "info_content": "b"}}
		},
		"a label missing": func(b map[string]any) {
			b["transfer_scene_report_infos"] = []map[string]string{{"info_type": "活动名称", "info_content": "a"}}
		},
		"no name at 200000":  func(b map[string]any) { b["transfer_amount"] = 200000 },
		"a plaintext name":   func(b map[string]any) { b["transfer_amount"], b["user_name"] = 200000, "张三" },
		"a zero amount":      func(b map[string]any) { b["transfer_amount"] = 0 },
		"a number with dash": func(b map[string]any) { b["out_bill_no"] = "T-1" },
		"an http notify_url": func(b map[string]any) { b["notify_url"] = "http://m.example/n" },
	} {
		t.Run(name, func(t *testing.T) {
			_, err := c.DoV3(t.Context(), &wechatpay.Request{Method: http.MethodPost, Path: string(wechatpaytest.APITransferCreateBill)[5:], Body: transferBody(mutate)}, nil)
			wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "PARAM_ERROR")
		})
	}
	_, locked := srv.TransferBalance()
	require.Zero(t, locked)
}

// TestTransferHeldThenFailed holds a confirmed bill in TRANSFERING, fails
// it as WeChat Pay would, and requires its funds released.
func TestTransferHeldThenFailed(t *testing.T) {
	srv := wechatpaytest.Start(t)
	c := srv.Client()
	m := wechatpaytest.DefaultTransferMerchant()
	m.HoldTransfering = true
	srv.SetTransferMerchant(m)
	var bill struct {
		State string `json:"state"`
	}
	_, err := c.DoV3(t.Context(), &wechatpay.Request{Method: http.MethodPost, Path: "/v3/fund-app/mch-transfer/transfer-bills",
		Body: transferBody(func(map[string]any) {})}, &bill)
	require.NoError(t, err)
	require.NoError(t, srv.UserConfirmTransfer("T1", false))
	query := &wechatpay.Request{Method: http.MethodGet, Path: "/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}",
		PathParams: map[string]string{"out_bill_no": "T1"}}
	require.NoError(t, srv.FailTransfer("T1", "ACCOUNT_FROZEN"))
	_, err = c.DoV3(t.Context(), query, &bill)
	require.NoError(t, err)
	require.Equal(t, "FAIL", bill.State)
	require.Error(t, srv.FailTransfer("T1", "ACCOUNT_FROZEN"), "a terminal bill stays")
	require.Error(t, srv.FailTransfer("T2", "ACCOUNT_FROZEN"), "no such bill")
	balance, locked := srv.TransferBalance()
	require.Equal(t, []int64{10_000_000, 0}, []int64{balance, locked})

	_, err = c.DoV3(t.Context(), &wechatpay.Request{Method: http.MethodPost, Path: "/v3/fund-app/mch-transfer/transfer-bills",
		Body: transferBody(func(b map[string]any) { b["out_bill_no"] = "T2" })}, &bill)
	require.NoError(t, err)
	require.NoError(t, srv.UserConfirmTransfer("T2", false))
	query.PathParams["out_bill_no"] = "T2"
	_, err = c.DoV3(t.Context(), query, &bill)
	require.NoError(t, err)
	require.Equal(t, "SUCCESS", bill.State, "a held bill succeeds on its next query")
	balance, _ = srv.TransferBalance()
	require.Equal(t, int64(10_000_000-500), balance)
}
