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

func reductionRequest(no string, amount int64) *aggracct.CreateSpecialReductionRequest {
	return &aggracct.CreateSpecialReductionRequest{
		BalAccountNo:  wechatpaytest.SeedBalAccountNo,
		OutRequestNo:  no,
		ReductionType: aggracct.ReductionTypeJudicialDeduction,
		Amount:        amount,
		Reason:        "司法案件号:202508080009",
	}
}

func balance(t *testing.T, svc *aggracct.Service) *aggracct.Balance {
	t.Helper()
	b, err := svc.QueryBalance(t.Context(), &aggracct.QueryBalanceRequest{BalAccountNo: wechatpaytest.SeedBalAccountNo})
	require.NoError(t, err)
	return b
}

func TestCreateSpecialReductionLowersTheBalance(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := aggracct.New(srv.Client())
	require.Equal(t, int64(99999), balance(t, svc).Balance, "the seed ledger")

	got, err := svc.CreateSpecialReduction(t.Context(), reductionRequest("RED1", 1000))
	require.NoError(t, err)
	require.Equal(t, aggracct.StateProcessing, got.State)
	require.Equal(t, srv.MchID(), got.MchID, "empty MchID is the client's")
	require.Equal(t, wechatpaytest.SeedBalAccountNo, got.BalAccountNo, "decrypted")
	require.Equal(t, "RED1", got.OutRequestNo)
	require.Equal(t, 1, got.Meta.Attempts)

	q, err := svc.QuerySpecialReduction(t.Context(), &aggracct.QuerySpecialReductionRequest{OutRequestNo: "RED1", BalAccountNo: wechatpaytest.SeedBalAccountNo})
	require.NoError(t, err)
	require.Equal(t, aggracct.StateSuccess, q.State)
	require.Equal(t, int64(1000), q.Amount)
	require.Equal(t, aggracct.ReductionTypeJudicialDeduction, q.ReductionType)
	require.Equal(t, "司法案件号:202508080009", q.Reason)
	require.NotEmpty(t, q.QuotaChangeNo)
	require.False(t, q.SuccessTime.IsZero())

	b := balance(t, svc)
	require.Equal(t, int64(98999), b.Balance)
	require.False(t, b.InTransitReductionExist)

	t.Run("re-entry answers the order and reduces once", func(t *testing.T) {
		again, err := svc.CreateSpecialReduction(t.Context(), reductionRequest("RED1", 1000))
		require.NoError(t, err)
		require.Equal(t, aggracct.StateSuccess, again.State)
		require.Equal(t, q.QuotaChangeNo, again.QuotaChangeNo)
		require.Equal(t, int64(98999), balance(t, svc).Balance)
	})
	t.Run("400 PARAM_ERROR same number other body", func(t *testing.T) {
		_, err := svc.CreateSpecialReduction(t.Context(), reductionRequest("RED1", 1001))
		wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "PARAM_ERROR")
	})
	t.Run("403 NOT_ENOUGH closes the order, then 400 ALREADY_EXISTS", func(t *testing.T) {
		_, err := svc.CreateSpecialReduction(t.Context(), reductionRequest("RED2", 98999+1))
		wechatpaytest.RequireAPIError(t, err, http.StatusForbidden, "NOT_ENOUGH")
		q, err := svc.QuerySpecialReduction(t.Context(), &aggracct.QuerySpecialReductionRequest{OutRequestNo: "RED2", BalAccountNo: wechatpaytest.SeedBalAccountNo})
		require.NoError(t, err)
		require.Equal(t, aggracct.StateFailed, q.State)
		require.Equal(t, aggracct.FailReasonBalanceNotEnough, q.FailReason)
		require.False(t, q.FailTime.IsZero())
		_, err = svc.CreateSpecialReduction(t.Context(), reductionRequest("RED2", 98999+1))
		wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "ALREADY_EXISTS")
		require.Equal(t, int64(98999), balance(t, svc).Balance)
	})
	t.Run("the whole balance", func(t *testing.T) {
		req := reductionRequest("RED3", 98999)
		req.ReductionType = aggracct.ReductionTypeFinancialPenalty
		_, err := svc.CreateSpecialReduction(t.Context(), req)
		require.NoError(t, err)
		require.Zero(t, balance(t, svc).Balance)
	})
	t.Run("404 RESOURCE_NOT_EXISTS unknown ledger", func(t *testing.T) {
		req := reductionRequest("RED4", 1)
		req.BalAccountNo = "no-such-ledger"
		_, err := svc.CreateSpecialReduction(t.Context(), req)
		wechatpaytest.RequireAPIError(t, err, http.StatusNotFound, "RESOURCE_NOT_EXISTS")
		_, err = svc.QueryBalance(t.Context(), &aggracct.QueryBalanceRequest{BalAccountNo: "no-such-ledger"})
		wechatpaytest.RequireAPIError(t, err, http.StatusNotFound, "RESOURCE_NOT_EXISTS")
	})
	t.Run("400 PARAM_ERROR undecryptable bal_account_no", func(t *testing.T) {
		other := aggracct.New(srv.Client(wechatpay.WithPublicKey(srv.PublicKeyID(), otherKey(t))))
		_, err := other.CreateSpecialReduction(t.Context(), reductionRequest("RED5", 1))
		wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "PARAM_ERROR")
		_, err = other.QueryBalance(t.Context(), &aggracct.QueryBalanceRequest{BalAccountNo: wechatpaytest.SeedBalAccountNo})
		wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "PARAM_ERROR")
	})
}

func TestSpecialReductionInTransit(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := aggracct.New(srv.Client())
	srv.HoldWeBankOrders(true)
	_, err := svc.CreateSpecialReduction(t.Context(), reductionRequest("HELD1", 99000))
	require.NoError(t, err)
	b := balance(t, svc)
	require.True(t, b.InTransitReductionExist)
	require.Equal(t, int64(99999), b.Balance, "not reduced before it succeeds")

	_, err = svc.CreateSpecialReduction(t.Context(), reductionRequest("HELD2", 1000))
	wechatpaytest.RequireAPIError(t, err, http.StatusForbidden, "NOT_ENOUGH") // 999 left beside the one in transit

	srv.SettleWeBankOrders()
	b = balance(t, svc)
	require.False(t, b.InTransitReductionExist)
	require.Equal(t, int64(999), b.Balance)
	q, err := svc.QuerySpecialReduction(t.Context(), &aggracct.QuerySpecialReductionRequest{OutRequestNo: "HELD1", BalAccountNo: wechatpaytest.SeedBalAccountNo})
	require.NoError(t, err)
	require.Equal(t, aggracct.StateSuccess, q.State)
}

func TestSpecialReductionFixturesFeedTheLedger(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := aggracct.New(srv.Client())
	srv.AddSpecialReduction(wechatpaytest.SpecialReduction{OutRequestNo: "FIX1", MchID: srv.MchID(), BalAccountNo: "ledger-fix", State: "PROCESSING", Amount: 5})
	b, err := svc.QueryBalance(t.Context(), &aggracct.QueryBalanceRequest{BalAccountNo: "ledger-fix"})
	require.NoError(t, err)
	require.Equal(t, aggracct.Balance{InTransitReductionExist: true, Meta: b.Meta}, *b)

	srv.AddLedger(wechatpaytest.Ledger{MchID: srv.MchID(), BalAccountNo: "ledger-fix", Balance: 50})
	_, err = svc.CreateSpecialReduction(t.Context(), &aggracct.CreateSpecialReductionRequest{
		BalAccountNo: "ledger-fix", OutRequestNo: "FIX2", ReductionType: aggracct.ReductionTypeFinancialPenalty, Amount: 46,
	})
	wechatpaytest.RequireAPIError(t, err, http.StatusForbidden, "NOT_ENOUGH") // 45 left beside the 5 in transit
	balance, ok := srv.LedgerBalance(srv.MchID(), "ledger-fix")
	require.True(t, ok)
	require.Equal(t, int64(50), balance)

	t.Run("a fixture's number is re-entrant with its fields", func(t *testing.T) {
		again, err := svc.CreateSpecialReduction(t.Context(), &aggracct.CreateSpecialReductionRequest{
			BalAccountNo: wechatpaytest.SeedBalAccountNo, OutRequestNo: wechatpaytest.SeedReductionNo,
			ReductionType: aggracct.ReductionTypeJudicialDeduction, Amount: 1, Reason: "司法案件号:202508080009",
		})
		require.NoError(t, err)
		require.Equal(t, "m6a6dx8iit7m932dx03ue2lw2ofo2r88", again.QuotaChangeNo)
		_, err = svc.CreateSpecialReduction(t.Context(), &aggracct.CreateSpecialReductionRequest{
			BalAccountNo: wechatpaytest.SeedBalAccountNo, OutRequestNo: wechatpaytest.SeedReductionNo,
			ReductionType: aggracct.ReductionTypeJudicialDeduction, Amount: 2,
		})
		wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "PARAM_ERROR")
	})
}

func TestCreateSpecialReductionRetriesWithSameNumber(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := aggracct.New(srv.Client(wechatpaytest.FastRetry()))
	srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APICreateSpecialReduction, Kind: wechatpaytest.FaultDropConnection, Count: 1})
	got, err := svc.CreateSpecialReduction(t.Context(), reductionRequest("RETRY1", 10))
	require.NoError(t, err)
	require.Equal(t, 2, got.Meta.Attempts)

	// The first attempt was answered but its answer lost: the retry is a
	// re-entry, and the ledger is reduced once.
	srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APICreateSpecialReduction, Kind: wechatpaytest.FaultSystemError, Count: 2})
	got, err = svc.CreateSpecialReduction(t.Context(), reductionRequest("RETRY1", 10))
	require.NoError(t, err)
	require.Equal(t, 3, got.Meta.Attempts)
	require.Equal(t, aggracct.StateSuccess, got.State)
	require.Equal(t, int64(99989), balance(t, svc).Balance)
}

func TestCreateSpecialReductionCommunityFields(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := aggracct.New(srv.Client())
	req := reductionRequest("COMM1", 1)
	req.CardNo, req.SgnNo, req.ReqScene = "6222000011112222", "SGN1", aggracct.ReqSceneSJTMicroMerchant
	_, err := svc.CreateSpecialReduction(t.Context(), req)
	require.NoError(t, err)
	again := *req
	again.CardNo = "6222000011113333"
	_, err = svc.CreateSpecialReduction(t.Context(), &again)
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "PARAM_ERROR") // the decrypted card number differs

	b, err := svc.QueryBalance(t.Context(), &aggracct.QueryBalanceRequest{
		BalAccountNo: wechatpaytest.SeedBalAccountNo, CardNo: "6222000011112222", SgnNo: "SGN1", ReqScene: aggracct.ReqSceneSJTMicroMerchant,
	})
	require.NoError(t, err)
	require.Equal(t, int64(99998), b.Balance)
	_, err = svc.QuerySpecialReduction(t.Context(), &aggracct.QuerySpecialReductionRequest{
		OutRequestNo: "COMM1", BalAccountNo: wechatpaytest.SeedBalAccountNo, CardNo: "6222000011112222", SgnNo: "SGN1", ReqScene: aggracct.ReqSceneSJTMicroMerchant,
	})
	require.NoError(t, err)
	_, err = svc.QueryBalance(t.Context(), &aggracct.QueryBalanceRequest{BalAccountNo: wechatpaytest.SeedBalAccountNo, ReqScene: "NO_SUCH_SCENE"})
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "PARAM_ERROR")
}

func TestCreateSpecialReductionErrors(t *testing.T) {
	srv := wechatpaytest.Start(t)
	create := func(t *testing.T, c *wechatpay.Client) error {
		_, err := aggracct.New(c).CreateSpecialReduction(t.Context(), reductionRequest("ERR1", 1))
		return err
	}
	requireAuthRefusals(t, srv, 10*time.Minute, create)
	t.Run("429 after the retry budget", func(t *testing.T) {
		srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APICreateSpecialReduction, Kind: wechatpaytest.FaultRateLimited, Count: 3})
		before := srv.Requests()
		wechatpaytest.RequireAPIError(t, create(t, srv.Client(wechatpaytest.FastRetry())), http.StatusTooManyRequests, "FREQUENCY_LIMITED")
		require.Equal(t, 3, srv.Requests()-before)
	})
	wechatpaytest.RequireAnswerFaults(t, srv, wechatpaytest.APICreateSpecialReduction, create)
}

func TestQueryBalanceErrors(t *testing.T) {
	srv := wechatpaytest.Start(t)
	query := func(t *testing.T, c *wechatpay.Client) error {
		_, err := aggracct.New(c).QueryBalance(t.Context(), &aggracct.QueryBalanceRequest{BalAccountNo: wechatpaytest.SeedBalAccountNo})
		return err
	}
	t.Run("500 retried", func(t *testing.T) {
		srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIQueryBalance, Kind: wechatpaytest.FaultSystemError, Count: 1})
		b, err := aggracct.New(srv.Client(wechatpaytest.FastRetry())).QueryBalance(t.Context(), &aggracct.QueryBalanceRequest{BalAccountNo: wechatpaytest.SeedBalAccountNo})
		require.NoError(t, err)
		require.Equal(t, 2, b.Meta.Attempts)
	})
	requireAuthRefusals(t, srv, -10*time.Minute, query)
	wechatpaytest.RequireAnswerFaults(t, srv, wechatpaytest.APIQueryBalance, query)
}

func TestCreateAndBalanceValidationBeforeIO(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := aggracct.New(srv.Client())
	create := sdktest.Mutated(t, svc.CreateSpecialReduction, func() *aggracct.CreateSpecialReductionRequest { return reductionRequest("VALID1", 1) })
	wechatpaytest.RequireFieldErrors(t, srv, map[string]func() error{
		"request":                sdktest.Call(t, svc.CreateSpecialReduction, nil),
		"mchid":                  create(func(r *aggracct.CreateSpecialReductionRequest) { r.MchID = strings.Repeat("1", 33) }),
		"bal_account_no":         create(func(r *aggracct.CreateSpecialReductionRequest) { r.BalAccountNo = "" }),
		"bal_account_no#long":    create(func(r *aggracct.CreateSpecialReductionRequest) { r.BalAccountNo = strings.Repeat("8", 215) }),
		"out_request_no":         create(func(r *aggracct.CreateSpecialReductionRequest) { r.OutRequestNo = "" }),
		"out_request_no#long":    create(func(r *aggracct.CreateSpecialReductionRequest) { r.OutRequestNo = strings.Repeat("a", 33) }),
		"out_request_no#dash":    create(func(r *aggracct.CreateSpecialReductionRequest) { r.OutRequestNo = "RED-1" }),
		"reduction_type":         create(func(r *aggracct.CreateSpecialReductionRequest) { r.ReductionType = "" }),
		"reduction_type#unknown": create(func(r *aggracct.CreateSpecialReductionRequest) { r.ReductionType = aggracct.ReductionTypeUnknown }),
		"amount":                 create(func(r *aggracct.CreateSpecialReductionRequest) { r.Amount = 0 }),
		"amount#negative":        create(func(r *aggracct.CreateSpecialReductionRequest) { r.Amount = -1 }),
		"reason":                 create(func(r *aggracct.CreateSpecialReductionRequest) { r.Reason = "bad \xfe" }),
		"card_no":                create(func(r *aggracct.CreateSpecialReductionRequest) { r.CardNo = "6222 0000" }),
		"card_no#long":           create(func(r *aggracct.CreateSpecialReductionRequest) { r.CardNo = strings.Repeat("6", 215) }),
		"sgn_no":                 create(func(r *aggracct.CreateSpecialReductionRequest) { r.SgnNo = "协议" }),
		"req_scene":              create(func(r *aggracct.CreateSpecialReductionRequest) { r.ReqScene = "A B" }),
		"request#balance":        func() error { _, err := svc.QueryBalance(t.Context(), nil); return err },
		"bal_account_no#balance": sdktest.Call(t, svc.QueryBalance, &aggracct.QueryBalanceRequest{}),
		"mchid#balance":          sdktest.Call(t, svc.QueryBalance, &aggracct.QueryBalanceRequest{MchID: strings.Repeat("1", 33), BalAccountNo: "x"}),
		"card_no#balance":        sdktest.Call(t, svc.QueryBalance, &aggracct.QueryBalanceRequest{BalAccountNo: "x", CardNo: strings.Repeat("6", 215)}),
		"sgn_no#balance":         sdktest.Call(t, svc.QueryBalance, &aggracct.QueryBalanceRequest{BalAccountNo: "x", SgnNo: "a b"}),
		"card_no#query": func() error {
			_, err := svc.QuerySpecialReduction(t.Context(), &aggracct.QuerySpecialReductionRequest{OutRequestNo: "A", BalAccountNo: "x", CardNo: "a\x00"})
			return err
		},
	})
}
