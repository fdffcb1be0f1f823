package aggracct_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/aggracct"
	"github.com/gowechatpay/wechatpay/internal/sdktest"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func auditRequest() *aggracct.SyncInfoUpdateAuditResultRequest {
	return &aggracct.SyncInfoUpdateAuditResultRequest{
		OutRequestNo:    "htozr8denqegbt6tk6u10iymo7yww5pn",
		MchID:           "1900016681",
		AuditResult:     aggracct.AuditResultReject,
		AuditFinishTime: time.Date(2015, 5, 20, 13, 29, 35, 0, cst),
		AttachInfo:      "updateidcard",
		FailCode:        "1001",
		FailMsg:         "IDCARD_ILLEGAL",
	}
}

func TestSyncInfoUpdateAuditResult(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := aggracct.New(srv.Client())
	got, err := svc.SyncInfoUpdateAuditResult(t.Context(), auditRequest())
	require.NoError(t, err)
	require.Equal(t, "success", got.RetMsg)
	require.Equal(t, 1, got.Meta.Attempts)
	require.Equal(t, []wechatpaytest.AuditReport{{
		OutRequestNo: "htozr8denqegbt6tk6u10iymo7yww5pn", MchID: "1900016681", AuditResult: "REJECT",
		AuditFinishTime: "2015-05-20T13:29:35+08:00", AttachInfo: "updateidcard", FailCode: "1001", FailMsg: "IDCARD_ILLEGAL",
	}}, srv.AuditReports())

	t.Run("the last report of a request counts", func(t *testing.T) {
		_, err := svc.SyncInfoUpdateAuditResult(t.Context(), &aggracct.SyncInfoUpdateAuditResultRequest{
			OutRequestNo: "htozr8denqegbt6tk6u10iymo7yww5pn", MchID: "1900016681", AuditResult: aggracct.AuditResultPass, Scene: aggracct.AuditScene02,
		})
		require.NoError(t, err)
		require.Equal(t, []wechatpaytest.AuditReport{{
			OutRequestNo: "htozr8denqegbt6tk6u10iymo7yww5pn", MchID: "1900016681", AuditResult: "PASS", Scene: "02",
		}}, srv.AuditReports())
	})
	t.Run("400 PARAM_ERROR undocumented scene", func(t *testing.T) {
		r := auditRequest()
		r.Scene = "04"
		_, err := svc.SyncInfoUpdateAuditResult(t.Context(), r)
		wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "PARAM_ERROR")
	})
}

func TestSyncInfoUpdateAuditResultIsNotRetried(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := aggracct.New(srv.Client(wechatpaytest.FastRetry()))
	for _, kind := range []wechatpaytest.FaultKind{wechatpaytest.FaultSystemError, wechatpaytest.FaultRateLimited, wechatpaytest.FaultDropConnection} {
		t.Run(kind.String(), func(t *testing.T) {
			srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APISyncInfoUpdateAuditResult, Kind: kind, Count: 1})
			t.Cleanup(srv.ClearFaults)
			before := srv.Requests()
			_, err := svc.SyncInfoUpdateAuditResult(t.Context(), auditRequest())
			require.Error(t, err)
			require.Equal(t, 1, srv.Requests()-before, "not re-entrant: one attempt")
		})
	}
	require.Empty(t, srv.AuditReports())
}

func TestSyncInfoUpdateAuditResultErrors(t *testing.T) {
	srv := wechatpaytest.Start(t)
	sync := func(t *testing.T, c *wechatpay.Client) error {
		_, err := aggracct.New(c).SyncInfoUpdateAuditResult(t.Context(), auditRequest())
		return err
	}
	requireAuthRefusals(t, srv, -10*time.Minute, sync)
	wechatpaytest.RequireAnswerFaults(t, srv, wechatpaytest.APISyncInfoUpdateAuditResult, sync)
}

func TestSyncInfoUpdateAuditResultValidationBeforeIO(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := aggracct.New(srv.Client())
	sync := sdktest.Mutated(t, svc.SyncInfoUpdateAuditResult, auditRequest)
	wechatpaytest.RequireFieldErrors(t, srv, map[string]func() error{
		"request":             sdktest.Call(t, svc.SyncInfoUpdateAuditResult, nil),
		"out_request_no":      sync(func(r *aggracct.SyncInfoUpdateAuditResultRequest) { r.OutRequestNo = "" }),
		"out_request_no#long": sync(func(r *aggracct.SyncInfoUpdateAuditResultRequest) { r.OutRequestNo = strings.Repeat("o", 65) }),
		"mchid":               sync(func(r *aggracct.SyncInfoUpdateAuditResultRequest) { r.MchID = "" }),
		"audit_result":        sync(func(r *aggracct.SyncInfoUpdateAuditResultRequest) { r.AuditResult = "" }),
		"audit_result#other":  sync(func(r *aggracct.SyncInfoUpdateAuditResultRequest) { r.AuditResult = "MAYBE" }),
		"audit_finish_time": sync(func(r *aggracct.SyncInfoUpdateAuditResultRequest) {
			r.AuditFinishTime = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
		}),
		"attach_info": sync(func(r *aggracct.SyncInfoUpdateAuditResultRequest) { r.AttachInfo = "\xff" }),
		"fail_code":   sync(func(r *aggracct.SyncInfoUpdateAuditResultRequest) { r.FailCode = strings.Repeat("1", 33) }),
		"fail_msg":    sync(func(r *aggracct.SyncInfoUpdateAuditResultRequest) { r.FailMsg = "\xff" }),
		"scene":       sync(func(r *aggracct.SyncInfoUpdateAuditResultRequest) { r.Scene = "0 1" }),
	})
}
