package aggracct_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/aggracct"
	"github.com/gowechatpay/wechatpay/internal/sdktest"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func punishRequest(no string) *aggracct.PunishRequest {
	return &aggracct.PunishRequest{
		OutRequestNo:  no,
		MchID:         "1900016681",
		BalAccountNo:  wechatpaytest.SeedBalAccountNo,
		PunishScene:   1,
		PunishReason:  "测试用管控原因",
		PunishEndTime: time.Date(2025, 12, 31, 23, 59, 59, 0, cst),
	}
}

func TestPunish(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := aggracct.New(srv.Client())

	req := punishRequest("WBPUNISH20251009000001")
	got, err := svc.Punish(t.Context(), req)
	require.NoError(t, err)
	require.Equal(t, req.OutRequestNo, got.OutRequestNo)
	require.NotEmpty(t, got.WxpayPunishNo)
	require.Equal(t, 1, got.Meta.Attempts)
	require.NotEmpty(t, got.Meta.RequestID)
	require.Equal(t, wechatpaytest.SeedBalAccountNo, req.BalAccountNo, "the caller's request is not modified")
	require.Equal(t, []wechatpaytest.Punishment{{
		OutRequestNo:  req.OutRequestNo,
		MchID:         req.MchID,
		BalAccountNo:  wechatpaytest.SeedBalAccountNo, // the server decrypted what the SDK encrypted
		PunishScene:   1,
		PunishReason:  "测试用管控原因",
		PunishEndTime: "2025-12-31T23:59:59+08:00",
		WxpayPunishNo: got.WxpayPunishNo,
	}}, srv.Punishments())

	t.Run("re-entry returns the same number", func(t *testing.T) {
		again, err := svc.Punish(t.Context(), punishRequest("WBPUNISH20251009000001"))
		require.NoError(t, err)
		require.Equal(t, got.WxpayPunishNo, again.WxpayPunishNo)
		require.Len(t, srv.Punishments(), 1)
	})
	t.Run("400 PARAM_ERROR same number other body", func(t *testing.T) {
		other := punishRequest("WBPUNISH20251009000001")
		other.PunishScene = 2
		_, err := svc.Punish(t.Context(), other)
		wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "PARAM_ERROR")
	})
	t.Run("optional fields omitted", func(t *testing.T) {
		req := &aggracct.PunishRequest{OutRequestNo: "WB-MIN", MchID: "1900000002", BalAccountNo: "ledger-2", PunishScene: 42}
		res, err := svc.Punish(t.Context(), req)
		require.NoError(t, err)
		ps := srv.Punishments()
		last := ps[len(ps)-1]
		require.Equal(t, wechatpaytest.Punishment{
			OutRequestNo: "WB-MIN", MchID: "1900000002", BalAccountNo: "ledger-2", PunishScene: 42,
			WxpayPunishNo: res.WxpayPunishNo,
		}, last)
		require.NotEqual(t, got.WxpayPunishNo, res.WxpayPunishNo)
	})
	t.Run("end time in UTC is sent as is", func(t *testing.T) {
		req := punishRequest("WB-UTC")
		req.PunishEndTime = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		_, err := svc.Punish(t.Context(), req)
		require.NoError(t, err)
		ps := srv.Punishments()
		require.Equal(t, "2026-01-02T03:04:05Z", ps[len(ps)-1].PunishEndTime)
	})
	t.Run("end time to the second", func(t *testing.T) {
		req := punishRequest("WB-FRACTION")
		req.PunishEndTime = time.Date(2026, 1, 2, 3, 4, 5, 999_999_999, cst)
		_, err := svc.Punish(t.Context(), req)
		require.NoError(t, err)
		ps := srv.Punishments()
		require.Equal(t, "2026-01-02T03:04:05+08:00", ps[len(ps)-1].PunishEndTime)
		require.Equal(t, 999_999_999, req.PunishEndTime.Nanosecond(), "the caller's request is not modified")
	})
}

// TestValidateReportsEveryProblem: a request's Validate names every bad
// field at once, by its Go and wire names, and a nil request is an error.
func TestValidateReportsEveryProblem(t *testing.T) {
	err := (&aggracct.PunishRequest{PunishScene: -1, FundRepatriationStrategy: "A B"}).Validate()
	for _, want := range []string{
		"OutRequestNo (out_request_no): is required",
		"MchID (mchid): is required",
		"BalAccountNo (bal_account_no): is required",
		"PunishScene (punish_scene): is -1, at least 1 allowed",
		"FundRepatriationStrategy (fund_repatriation_strategy): must be visible ASCII characters only",
	} {
		require.ErrorContains(t, err, want)
	}
	err = (&aggracct.RecoverRequest{OutRequestNo: "P1", RelatedWebankPunishNo: "P1"}).Validate()
	require.ErrorContains(t, err, "OutRequestNo (out_request_no): must differ from related_webank_punish_no")
	require.ErrorContains(t, err, "RecoverReason (recover_reason): is required")
	err = (&aggracct.QueryControlOrderRequest{OutRequestNo: "Q", ControlType: "PAUSE"}).Validate()
	require.ErrorContains(t, err, "ControlType (control_type): must be PUNISH or RECOVER")
	require.ErrorContains(t, err, "MchID (mchid): is required")
	for _, v := range []interface{ Validate() error }{
		(*aggracct.QueryBalanceRequest)(nil), (*aggracct.QuerySpecialReductionRequest)(nil),
		(*aggracct.CreateSpecialReductionRequest)(nil), (*aggracct.PunishRequest)(nil), (*aggracct.RecoverRequest)(nil),
		(*aggracct.QueryControlOrderRequest)(nil), (*aggracct.SyncInfoUpdateAuditResultRequest)(nil),
	} {
		require.ErrorIs(t, v.Validate(), wechatpay.ErrMissingField, "%T", v)
	}
}

func TestPunishRetriesWithSameNumber(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := aggracct.New(srv.Client(wechatpaytest.FastRetry()))

	srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIPunish, Kind: wechatpaytest.FaultSystemError, Count: 1})
	first, err := svc.Punish(t.Context(), punishRequest("WB-RETRY-1"))
	require.NoError(t, err)
	require.Equal(t, 2, first.Meta.Attempts, "500 then success")

	srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIPunish, Kind: wechatpaytest.FaultDropConnection, Count: 1})
	second, err := svc.Punish(t.Context(), punishRequest("WB-RETRY-1"))
	require.NoError(t, err)
	require.Equal(t, 2, second.Meta.Attempts, "dropped connection then success")
	require.Equal(t, first.WxpayPunishNo, second.WxpayPunishNo)

	srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIPunish, Kind: wechatpaytest.FaultRateLimited, Count: 2})
	third, err := svc.Punish(t.Context(), punishRequest("WB-RETRY-1"))
	require.NoError(t, err)
	require.Equal(t, 3, third.Meta.Attempts, "429 twice then success")
	require.Equal(t, first.WxpayPunishNo, third.WxpayPunishNo)
	require.Len(t, srv.Punishments(), 1)
}

func TestPunishErrors(t *testing.T) {
	srv := wechatpaytest.Start(t)
	punish := func(t *testing.T, c *wechatpay.Client) (*aggracct.PunishResult, error) {
		t.Helper()
		return aggracct.New(c).Punish(t.Context(), punishRequest("WB-ERR"))
	}
	t.Run("400 PARAM_ERROR undecryptable bal_account_no", func(t *testing.T) {
		_, err := punish(t, srv.Client(wechatpay.WithPublicKey(srv.PublicKeyID(), otherKey(t))))
		wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "PARAM_ERROR")
	})
	requireAuthRefusals(t, srv, 10*time.Minute, errorOf(punish)) // clock 10 minutes ahead
	t.Run("404 RESOURCE_NOT_EXISTS", func(t *testing.T) {
		c, hits := wechatpaytest.FailAll(t, srv, http.StatusNotFound, "RESOURCE_NOT_EXISTS")
		_, err := punish(t, c)
		wechatpaytest.RequireAPIError(t, err, http.StatusNotFound, "RESOURCE_NOT_EXISTS")
		require.Equal(t, 1, hits())
	})
	wechatpaytest.RequireFaults(t, srv, wechatpaytest.APIPunish, punish)
}

func TestPunishValidationBeforeIO(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := aggracct.New(srv.Client())
	punish := sdktest.Mutated(t, svc.Punish, func() *aggracct.PunishRequest { return punishRequest("WB-VALID") })
	wechatpaytest.RequireFieldErrors(t, srv, map[string]func() error{
		"request":             sdktest.Call(t, svc.Punish, nil),
		"out_request_no":      punish(func(r *aggracct.PunishRequest) { r.OutRequestNo = "" }),
		"out_request_no#long": punish(func(r *aggracct.PunishRequest) { r.OutRequestNo = strings.Repeat("w", 65) }),
		"mchid":               punish(func(r *aggracct.PunishRequest) { r.MchID = "" }),
		"bal_account_no":      punish(func(r *aggracct.PunishRequest) { r.BalAccountNo = "" }),
		"bal_account_no#long": punish(func(r *aggracct.PunishRequest) { r.BalAccountNo = strings.Repeat("8", 215) }),
		"punish_scene":        punish(func(r *aggracct.PunishRequest) { r.PunishScene = 0 }),
		"punish_reason":       punish(func(r *aggracct.PunishRequest) { r.PunishReason = "bad \xfe" }),
	})
	require.Empty(t, srv.Punishments())
}

func TestPunishLimiter(t *testing.T) {
	srv := wechatpaytest.Start(t)
	t.Run("paces calls", func(t *testing.T) {
		var own, all sdktest.CountingLimiter
		svc := aggracct.New(srv.Client(), aggracct.WithPunishLimiter(&own), aggracct.WithLimiter(&all))
		for i := range 3 {
			_, err := svc.Punish(t.Context(), punishRequest("WB-LIMIT"))
			require.NoError(t, err)
			require.Equal(t, int64(i+1), own.Waits(), "each call waits on its own limiter once")
			require.Equal(t, int64(i+1), all.Waits(), "and on the service's")
		}
	})
	t.Run("shared limiter covers both methods", func(t *testing.T) {
		l := rate.NewLimiter(rate.Every(time.Hour), 1)
		svc := aggracct.New(srv.Client(), aggracct.WithLimiter(l))
		_, err := svc.QuerySpecialReduction(t.Context(), &aggracct.QuerySpecialReductionRequest{OutRequestNo: wechatpaytest.SeedReductionNo, BalAccountNo: wechatpaytest.SeedBalAccountNo})
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
		defer cancel()
		before := srv.Requests()
		_, err = svc.Punish(ctx, punishRequest("WB-LIMIT-2"))
		require.ErrorContains(t, err, "rate limiter")
		require.Equal(t, before, srv.Requests())
	})
}
