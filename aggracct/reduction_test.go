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

var cst = time.FixedZone("CST", 8*3600)

func TestQuerySpecialReductionSeed(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := aggracct.New(srv.Client())
	got, err := svc.QuerySpecialReduction(t.Context(), &aggracct.QuerySpecialReductionRequest{
		OutRequestNo: wechatpaytest.SeedReductionNo,
		BalAccountNo: wechatpaytest.SeedBalAccountNo,
	})
	require.NoError(t, err)
	require.Equal(t, srv.MchID(), got.MchID)
	require.Equal(t, wechatpaytest.SeedBalAccountNo, got.BalAccountNo, "decrypted")
	require.Equal(t, wechatpaytest.SeedReductionNo, got.OutRequestNo)
	require.Equal(t, aggracct.ReductionTypeJudicialDeduction, got.ReductionType)
	require.Equal(t, int64(1), got.Amount)
	require.Equal(t, aggracct.StateSuccess, got.State)
	require.Equal(t, "司法案件号:202508080009", got.Reason)
	require.Equal(t, "m6a6dx8iit7m932dx03ue2lw2ofo2r88", got.QuotaChangeNo)
	require.True(t, got.SuccessTime.Equal(time.Date(2015, 5, 20, 13, 29, 35, 0, cst)))
	require.True(t, got.FailTime.IsZero())
	require.Empty(t, got.FailReason)
	require.NotEmpty(t, got.Meta.RequestID)
	require.Equal(t, http.StatusOK, got.Meta.StatusCode)
	require.Equal(t, 1, got.Meta.Attempts)
}

func TestQuerySpecialReductionEnums(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := aggracct.New(srv.Client())
	success := time.Date(2025, 10, 9, 16, 53, 20, 0, cst)
	failed := time.Date(2025, 10, 9, 17, 0, 0, 0, cst)
	tests := []struct {
		name   string
		fix    wechatpaytest.SpecialReduction
		known  bool // all enums of the answer known
		reason aggracct.FailReason
	}{
		{"financial penalty", wechatpaytest.SpecialReduction{ReductionType: "FINANCIAL_PENALTY", State: "SUCCESS", Amount: 12345, SuccessTime: success, Reason: "金融惩戒", QuotaChangeNo: "Q1"}, true, ""},
		{"judicial deduction", wechatpaytest.SpecialReduction{ReductionType: "JUDICIAL_DEDUCTION", State: "SUCCESS", Amount: 1, SuccessTime: success}, true, ""},
		{"reduction type unknown", wechatpaytest.SpecialReduction{ReductionType: "REDUCTION_TYPE_UNKNOWN", State: "SUCCESS", Amount: 2, SuccessTime: success}, true, ""},
		{"new reduction type", wechatpaytest.SpecialReduction{ReductionType: "ADMINISTRATIVE_FREEZE", State: "SUCCESS", Amount: 3, SuccessTime: success}, false, ""},
		{"processing", wechatpaytest.SpecialReduction{State: "PROCESSING"}, true, ""},
		{"state unknown", wechatpaytest.SpecialReduction{State: "STATE_UNKNOWN"}, true, ""},
		{"new state", wechatpaytest.SpecialReduction{State: "REVERSED"}, false, ""},
		{"balance not enough", wechatpaytest.SpecialReduction{State: "FAILED", FailTime: failed, FailReason: "BALANCE_NOT_ENOUGH"}, true, aggracct.FailReasonBalanceNotEnough},
		{"receipt not exist", wechatpaytest.SpecialReduction{State: "FAILED", FailTime: failed, FailReason: "RECEIPT_NOT_EXIST"}, true, aggracct.FailReasonReceiptNotExist},
		{"receipt not exist alias", wechatpaytest.SpecialReduction{State: "FAILED", FailTime: failed, FailReason: "RECEIPT_NOT_EXIST_CLOSED"}, true, aggracct.FailReasonReceiptNotExistClosed},
		{"time out closed", wechatpaytest.SpecialReduction{State: "FAILED", FailTime: failed, FailReason: "TIME_OUT_CLOSED"}, true, aggracct.FailReasonTimeOutClosed},
		{"fail reason unknown", wechatpaytest.SpecialReduction{State: "FAILED", FailTime: failed, FailReason: "FAIL_REASON_UNKNOWN"}, true, aggracct.FailReasonUnknown},
		{"new fail reason", wechatpaytest.SpecialReduction{State: "FAILED", FailTime: failed, FailReason: "ACCOUNT_CLOSED"}, false, aggracct.FailReason("ACCOUNT_CLOSED")},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fix := tt.fix
			fix.OutRequestNo = "R" + strings.Repeat("0", 30) + string(rune('A'+i))
			fix.MchID = "1900000001"
			fix.BalAccountNo = "ledger-" + strings.ReplaceAll(tt.name, " ", "-")
			srv.AddSpecialReduction(fix)
			got, err := svc.QuerySpecialReduction(t.Context(), &aggracct.QuerySpecialReductionRequest{
				OutRequestNo: fix.OutRequestNo, MchID: fix.MchID, BalAccountNo: fix.BalAccountNo,
			})
			require.NoError(t, err)
			require.Equal(t, fix.MchID, got.MchID)
			require.Equal(t, fix.BalAccountNo, got.BalAccountNo)
			require.Equal(t, aggracct.State(fix.State), got.State)
			require.Equal(t, aggracct.ReductionType(fix.ReductionType), got.ReductionType)
			require.Equal(t, tt.reason, got.FailReason)
			require.Equal(t, fix.Amount, got.Amount)
			require.Equal(t, fix.Reason, got.Reason)
			require.Equal(t, fix.QuotaChangeNo, got.QuotaChangeNo)
			require.True(t, got.SuccessTime.Equal(fix.SuccessTime), "success_time")
			require.True(t, got.FailTime.Equal(fix.FailTime), "fail_time")
			known := got.State.Known() &&
				(got.ReductionType == "" || got.ReductionType.Known()) &&
				(got.FailReason == "" || got.FailReason.Known())
			require.Equal(t, tt.known, known)
		})
	}
	t.Run("alias is canonical", func(t *testing.T) {
		require.Equal(t, aggracct.FailReasonReceiptNotExist, aggracct.FailReasonReceiptNotExistClosed.Canonical())
	})
}

func TestQuerySpecialReductionErrors(t *testing.T) {
	srv := wechatpaytest.Start(t)
	seed := aggracct.QuerySpecialReductionRequest{OutRequestNo: wechatpaytest.SeedReductionNo, BalAccountNo: wechatpaytest.SeedBalAccountNo}
	query := func(t *testing.T, c *wechatpay.Client, req aggracct.QuerySpecialReductionRequest) (*aggracct.SpecialReduction, error) {
		t.Helper()
		return aggracct.New(c).QuerySpecialReduction(t.Context(), &req)
	}

	t.Run("404 unknown out_request_no", func(t *testing.T) {
		req := seed
		req.OutRequestNo = "unknown"
		_, err := query(t, srv.Client(), req)
		wechatpaytest.RequireAPIError(t, err, http.StatusNotFound, "RESOURCE_NOT_EXISTS")
	})
	t.Run("404 other ledger", func(t *testing.T) {
		req := seed
		req.BalAccountNo = "0000"
		_, err := query(t, srv.Client(), req)
		wechatpaytest.RequireAPIError(t, err, http.StatusNotFound, "RESOURCE_NOT_EXISTS")
	})
	t.Run("400 PARAM_ERROR undecryptable bal_account_no", func(t *testing.T) {
		c := srv.Client(wechatpay.WithPublicKey(srv.PublicKeyID(), otherKey(t)))
		_, err := query(t, c, seed)
		wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "PARAM_ERROR")
	})
	requireAuthRefusals(t, srv, -10*time.Minute, func(t *testing.T, c *wechatpay.Client) error { // clock 10 minutes behind
		_, err := query(t, c, seed)
		return err
	})
	wechatpaytest.RequireFaults(t, srv, wechatpaytest.APIQuerySpecialReduction, func(t *testing.T, c *wechatpay.Client) (*aggracct.SpecialReduction, error) {
		return query(t, c, seed)
	}, func(t *testing.T, got *aggracct.SpecialReduction) {
		require.Equal(t, wechatpaytest.SeedBalAccountNo, got.BalAccountNo)
	})
}

func TestQuerySpecialReductionValidationBeforeIO(t *testing.T) {
	srv := wechatpaytest.Start(t)
	wechatpaytest.RequireRefused(t, srv, aggracct.New(srv.Client()).QuerySpecialReduction, map[string]*aggracct.QuerySpecialReductionRequest{
		"request":                nil,
		"out_request_no":         {BalAccountNo: wechatpaytest.SeedBalAccountNo},
		"out_request_no#long":    {OutRequestNo: strings.Repeat("r", 33), BalAccountNo: wechatpaytest.SeedBalAccountNo},
		"out_request_no#charset": {OutRequestNo: "r 1", BalAccountNo: wechatpaytest.SeedBalAccountNo},
		"mchid#charset":          {OutRequestNo: "r1", MchID: "商户", BalAccountNo: wechatpaytest.SeedBalAccountNo},
		"mchid#long":             {OutRequestNo: "r1", MchID: strings.Repeat("1", 33), BalAccountNo: wechatpaytest.SeedBalAccountNo},
		"bal_account_no":         {OutRequestNo: "r1"},
		"bal_account_no#long":    {OutRequestNo: "r1", BalAccountNo: strings.Repeat("8", 300)},
	})
}

func TestQuerySpecialReductionLimiter(t *testing.T) {
	srv := wechatpaytest.Start(t)
	seed := &aggracct.QuerySpecialReductionRequest{OutRequestNo: wechatpaytest.SeedReductionNo, BalAccountNo: wechatpaytest.SeedBalAccountNo}

	t.Run("paces calls", func(t *testing.T) {
		var own, all sdktest.CountingLimiter
		svc := aggracct.New(srv.Client(), aggracct.WithQueryLimiter(&own), aggracct.WithLimiter(&all))
		for i := range 3 {
			_, err := svc.QuerySpecialReduction(t.Context(), seed)
			require.NoError(t, err)
			require.Equal(t, int64(i+1), own.Waits(), "each call waits on the query limiter once")
			require.Equal(t, int64(i+1), all.Waits(), "and on the service's")
		}
	})
	t.Run("context ends the wait before any I/O", func(t *testing.T) {
		l := rate.NewLimiter(rate.Every(time.Hour), 1)
		require.True(t, l.Allow()) // use up the burst
		svc := aggracct.New(srv.Client(), aggracct.WithLimiter(l))
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
		defer cancel()
		before := srv.Requests()
		_, err := svc.QuerySpecialReduction(ctx, seed)
		require.ErrorContains(t, err, "rate limiter")
		require.Equal(t, before, srv.Requests())
	})
	t.Run("punish limiter does not slow the query", func(t *testing.T) {
		l := rate.NewLimiter(rate.Every(time.Hour), 1)
		require.True(t, l.Allow())
		svc := aggracct.New(srv.Client(), aggracct.WithPunishLimiter(l))
		_, err := svc.QuerySpecialReduction(t.Context(), seed)
		require.NoError(t, err)
	})
	t.Run("a nil *rate.Limiter is no limit", func(t *testing.T) {
		var none *rate.Limiter
		svc := aggracct.New(srv.Client(), aggracct.WithLimiter(none), aggracct.WithQueryLimiter(none))
		_, err := svc.QuerySpecialReduction(t.Context(), seed)
		require.NoError(t, err)
	})
	t.Run("documented rates", func(t *testing.T) {
		query, ok := aggracct.NewQueryLimiter().(*rate.Limiter)
		require.True(t, ok, "NewQueryLimiter is built on x/time/rate")
		punish, ok := aggracct.NewPunishLimiter().(*rate.Limiter)
		require.True(t, ok, "NewPunishLimiter is built on x/time/rate")
		require.InDelta(t, 100, float64(query.Limit()), 1e-9)
		require.InDelta(t, 200.0/60, float64(punish.Limit()), 1e-9)
		require.Equal(t, time.Minute/200, aggracct.PunishInterval)
		require.Equal(t, time.Second/100, aggracct.QueryInterval)
		require.Equal(t, 1, punish.Burst())
	})
}

// TestPlatformCertificateMode encrypts with the platform certificate: the
// Wechatpay-Serial sent must name it, or the emulator could not decrypt.
func TestPlatformCertificateMode(t *testing.T) {
	srv := wechatpaytest.NewServer(wechatpaytest.WithKeyMode(wechatpay.KeyModeCertificates))
	t.Cleanup(srv.Close)
	svc := aggracct.New(srv.Client(wechatpay.WithKeyMode(wechatpay.KeyModeCertificates)))
	got, err := svc.QuerySpecialReduction(t.Context(), &aggracct.QuerySpecialReductionRequest{OutRequestNo: wechatpaytest.SeedReductionNo, BalAccountNo: wechatpaytest.SeedBalAccountNo})
	require.NoError(t, err)
	require.Equal(t, wechatpaytest.SeedBalAccountNo, got.BalAccountNo)
	require.Equal(t, srv.PlatformSerial(), got.Meta.Header.Get(wechatpay.HeaderSerial), "answer signed with the platform key")

	res, err := svc.Punish(t.Context(), punishRequest("WB-PLATFORM"))
	require.NoError(t, err)
	require.Equal(t, wechatpaytest.SeedBalAccountNo, srv.Punishments()[0].BalAccountNo)
	require.NotEmpty(t, res.WxpayPunishNo)
}
