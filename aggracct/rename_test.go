package aggracct_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/aggracct"
	"github.com/gowechatpay/wechatpay/internal/sdktest"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func renameRequest() *aggracct.ApplyRenameRequest {
	return &aggracct.ApplyRenameRequest{OutRequestNo: "WBRENAME1", MchID: wechatpaytest.TestMchID,
		BalAccountNo: wechatpaytest.SeedBalAccountNo, ChangeScene: aggracct.ChangeSceneSubjectInfoRename}
}

func renameQuery(id string) *aggracct.QueryRenameRequest {
	return &aggracct.QueryRenameRequest{ApplicationID: id, MchID: wechatpaytest.TestMchID, BalAccountNo: wechatpaytest.SeedBalAccountNo}
}

func TestApplyRenameAndQueryRename(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := aggracct.New(srv.Client())
	first, err := svc.ApplyRename(t.Context(), renameRequest())
	require.NoError(t, err)
	second, err := svc.ApplyRename(t.Context(), renameRequest())
	require.NoError(t, err)
	require.NotEqual(t, first.ApplicationID, second.ApplicationID, "not idempotent: every call is an application")
	require.Equal(t, aggracct.RenameStateProcessing, first.ApplicationState)
	require.Equal(t, wechatpaytest.SeedBalAccountNo, first.BalAccountNo, "decrypted")
	require.True(t, first.FinishTime.IsZero())

	got, err := svc.QueryRename(t.Context(), renameQuery(first.ApplicationID))
	require.NoError(t, err)
	require.Equal(t, aggracct.RenameStateSuccess, got.ApplicationState)
	require.Equal(t, "测试商户有限公司", got.NewAccountName)
	require.False(t, got.FinishTime.IsZero())

	t.Run("FailRename", func(t *testing.T) {
		srv.FailRename("ACCOUNT_ERROR", "账户异常")
		t.Cleanup(func() { srv.FailRename("", "") })
		got, err := svc.QueryRename(t.Context(), renameQuery(second.ApplicationID))
		require.NoError(t, err)
		require.Equal(t, aggracct.RenameStateFail, got.ApplicationState)
		require.Equal(t, [2]string{"ACCOUNT_ERROR", "账户异常"}, [2]string{got.FailCode, got.FailMsg})
	})
	t.Run("404 RESOURCE_NOT_EXISTS another merchant's application", func(t *testing.T) {
		r := renameQuery(first.ApplicationID)
		r.MchID = "1900000109"
		_, err := svc.QueryRename(t.Context(), r)
		wechatpaytest.RequireAPIError(t, err, http.StatusNotFound, "RESOURCE_NOT_EXISTS")
	})
	t.Run("400 INVALID_REQUEST unknown ledger", func(t *testing.T) {
		r := renameRequest()
		r.BalAccountNo = "unknown"
		_, err := svc.ApplyRename(t.Context(), r)
		wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")
		require.NotErrorIs(t, err, aggracct.ErrRenameOutcomeUnknown, "a definite rejection")
	})
	t.Run("403 NO_AUTH grey release", func(t *testing.T) {
		srv.CloseRename(true)
		t.Cleanup(func() { srv.CloseRename(false) })
		_, err := svc.ApplyRename(t.Context(), renameRequest())
		wechatpaytest.RequireAPIError(t, err, http.StatusForbidden, "NO_AUTH")
		require.NotErrorIs(t, err, aggracct.ErrRenameOutcomeUnknown, "a definite rejection")
	})
	wechatpaytest.RequireFaults(t, srv, wechatpaytest.APIQueryRename, func(t *testing.T, c *wechatpay.Client) (*aggracct.Rename, error) {
		return aggracct.New(c).QueryRename(t.Context(), renameQuery(first.ApplicationID))
	})
}

func TestApplyRenameIsNeverRetriedAndSaysWhenTheOutcomeIsUnknown(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := aggracct.New(srv.Client(wechatpaytest.FastRetry()))
	for _, f := range []struct {
		kind    wechatpaytest.FaultKind
		unknown bool
	}{
		{wechatpaytest.FaultSystemError, true}, {wechatpaytest.FaultDropConnection, true},
		{wechatpaytest.FaultDropAfterHandling, true}, {wechatpaytest.FaultTamperedBody, true},
		{wechatpaytest.FaultRateLimited, false},
	} {
		t.Run(f.kind.String(), func(t *testing.T) {
			srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIApplyRename, Kind: f.kind, Count: 1})
			t.Cleanup(srv.ClearFaults)
			before := srv.Requests()
			_, err := svc.ApplyRename(t.Context(), renameRequest())
			require.Error(t, err)
			require.Equal(t, 1, srv.Requests()-before, "never retried")
			require.Equal(t, f.unknown, errors.Is(err, aggracct.ErrRenameOutcomeUnknown), err)
		})
	}
	t.Run("nothing sent", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, err := aggracct.New(srv.Client(), aggracct.WithRenameLimiter(aggracct.NewPunishLimiter())).ApplyRename(ctx, renameRequest())
		require.ErrorIs(t, err, context.Canceled)
		require.NotErrorIs(t, err, aggracct.ErrRenameOutcomeUnknown, "the limiter refused before any I/O")
		_, err = svc.ApplyRename(t.Context(), &aggracct.ApplyRenameRequest{})
		require.ErrorIs(t, err, wechatpay.ErrMissingField)
		require.NotErrorIs(t, err, aggracct.ErrRenameOutcomeUnknown, "refused before any I/O")
	})
}

func TestRenameValidationBeforeIO(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := aggracct.New(srv.Client())
	apply := sdktest.Mutated(t, svc.ApplyRename, renameRequest)
	query := sdktest.Mutated(t, svc.QueryRename, func() *aggracct.QueryRenameRequest { return renameQuery("RN1") })
	wechatpaytest.RequireFieldErrors(t, srv, map[string]func() error{
		"request":             sdktest.Call(t, svc.ApplyRename, nil),
		"out_request_no":      apply(func(r *aggracct.ApplyRenameRequest) { r.OutRequestNo = "" }),
		"out_request_no#long": apply(func(r *aggracct.ApplyRenameRequest) { r.OutRequestNo = strings.Repeat("o", 65) }),
		"mchid":               apply(func(r *aggracct.ApplyRenameRequest) { r.MchID = "" }),
		"bal_account_no":      apply(func(r *aggracct.ApplyRenameRequest) { r.BalAccountNo = "" }),
		"change_scene":        apply(func(r *aggracct.ApplyRenameRequest) { r.ChangeScene = "" }),
		"req_scene":           apply(func(r *aggracct.ApplyRenameRequest) { r.ReqScene = "A B" }),
		"application_id":      query(func(r *aggracct.QueryRenameRequest) { r.ApplicationID = ".." }),
		"application_id#long": query(func(r *aggracct.QueryRenameRequest) { r.ApplicationID = strings.Repeat("1", 65) }),
		"mchid#query":         query(func(r *aggracct.QueryRenameRequest) { r.MchID = "" }),
		"bal_account_no#q":    query(func(r *aggracct.QueryRenameRequest) { r.BalAccountNo = "" }),
	})
	sdktest.RequireKnown(t, []aggracct.RenameState{aggracct.RenameStateProcessing, aggracct.RenameStateSuccess, aggracct.RenameStateFail}, "OTHER")
	sdktest.RequireKnown(t, []aggracct.ChangeScene{aggracct.ChangeSceneSubjectInfoRename}, "OTHER")
}

// TestSignedRenameAnswers: a verified answer without a field the API
// always sends is ErrMalformedResponse (for ApplyRename also an unknown
// outcome), a plaintext field is taken as sent, and one shaped as an
// RSA-2048 ciphertext that does not decrypt is ErrDecrypt.
func TestSignedRenameAnswers(t *testing.T) {
	svc := aggracct.New(signingClient(t))
	with := func(body string) context.Context { return context.WithValue(t.Context(), fuzzReplyKey{}, []byte(body)) }
	const ok = `{"change_scene":"SUBJECT_INFO_RENAME","application_id":"A1","out_request_no":"WBRENAME1","mchid":"1900016681",` +
		`"bal_account_no":"B","new_account_name":"N","application_state":"SUCCESS","finish_time":""`
	got, err := svc.QueryRename(with(ok+`}`), renameQuery("A1"))
	require.NoError(t, err)
	require.Equal(t, "B", got.BalAccountNo, "plaintext as sent")
	require.True(t, got.FinishTime.IsZero())

	_, err = svc.ApplyRename(with(`{"application_id":"A1"}`), renameRequest())
	require.ErrorIs(t, err, wechatpay.ErrMalformedResponse)
	require.ErrorIs(t, err, aggracct.ErrRenameOutcomeUnknown)

	_, err = svc.QueryRename(with(ok+`,"fail_msg":"x","new_account_name":"`+strings.Repeat("A", 342)+`=="}`), renameQuery("A1"))
	require.ErrorIs(t, err, wechatpay.ErrDecrypt)
	_, err = svc.QueryRename(with(strings.Replace(ok, `"finish_time":""`, `"finish_time":"soon"`, 1)+`}`), renameQuery("A1"))
	require.ErrorIs(t, err, wechatpay.ErrMalformedResponse)
}
