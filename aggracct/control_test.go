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

func recoverRequest(no string, p *aggracct.PunishRequest, wxpayPunishNo string) *aggracct.RecoverRequest {
	return &aggracct.RecoverRequest{
		OutRequestNo:          no,
		RelatedWebankPunishNo: p.OutRequestNo,
		RelatedWxpayPunishNo:  wxpayPunishNo,
		MchID:                 p.MchID,
		BalAccountNo:          p.BalAccountNo,
		RecoverReason:         "核验已通过,解除管控",
	}
}

func queryControl(t *testing.T, svc *aggracct.Service, typ aggracct.ControlType, no string) *aggracct.ControlOrder {
	t.Helper()
	o, err := svc.QueryControlOrder(t.Context(), &aggracct.QueryControlOrderRequest{OutRequestNo: no, ControlType: typ, MchID: "1900016681"})
	require.NoError(t, err)
	require.Equal(t, typ, o.ControlScene)
	return o
}

// punishLedger punishes the test ledger with control order no, for a test
// that recovers it.
func punishLedger(t *testing.T, svc *aggracct.Service, no string) (*aggracct.PunishRequest, *aggracct.PunishResult) {
	t.Helper()
	p := punishRequest(no)
	punished, err := svc.Punish(t.Context(), p)
	require.NoError(t, err)
	return p, punished
}

func TestPunishThenRecover(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := aggracct.New(srv.Client())
	p, punished := punishLedger(t, svc, "WBPUNISH20251009000001")

	o := queryControl(t, svc, aggracct.ControlTypePunish, p.OutRequestNo)
	require.Nil(t, o.RecoverOrder)
	po := o.PunishOrder
	require.Equal(t, punished.WxpayPunishNo, po.WxpayPunishNo)
	require.Equal(t, p.OutRequestNo, po.OutRequestNo)
	require.Equal(t, p.MchID, po.MchID)
	require.Equal(t, aggracct.PunishScene(1), po.PunishScene)
	require.Equal(t, int64(1), po.PunishRuleVersion)
	require.Equal(t, "测试用管控原因", po.PunishReason)
	require.True(t, po.PunishEndTime.Equal(p.PunishEndTime))
	require.Equal(t, aggracct.ControlStateSuccess, po.PunishState)
	require.Equal(t, aggracct.EffectStateActive, po.EffectState)
	require.Equal(t, []aggracct.ControlAction{aggracct.ControlActionDisableWithdrawal}, po.ControlAction)
	require.False(t, po.PunishAcceptTime.IsZero())
	require.False(t, po.PunishStartTime.IsZero())
	require.False(t, po.PunishFinishTime.IsZero())

	rreq := recoverRequest("WBRECOVER20251010000001", p, punished.WxpayPunishNo)
	rec, err := svc.Recover(t.Context(), rreq)
	require.NoError(t, err)
	require.Equal(t, rreq.OutRequestNo, rec.OutRequestNo)
	require.NotEmpty(t, rec.WxpayRecoverNo)
	require.Equal(t, 1, rec.Meta.Attempts)

	po = queryControl(t, svc, aggracct.ControlTypePunish, p.OutRequestNo).PunishOrder
	require.Equal(t, aggracct.EffectStateRecovered, po.EffectState, "the recover lifted the punish")
	ro := queryControl(t, svc, aggracct.ControlTypeRecover, rreq.OutRequestNo).RecoverOrder
	require.Equal(t, rec.WxpayRecoverNo, ro.WxpayRecoverNo)
	require.Equal(t, rreq.OutRequestNo, ro.OutRequestNo)
	require.Equal(t, punished.WxpayPunishNo, ro.RelatedWxpayPunishNo)
	require.Equal(t, aggracct.PunishScene(1), ro.PunishScene, "sent as a string")
	require.Equal(t, int64(1), ro.PunishRuleVersion)
	require.Equal(t, aggracct.ControlStateSuccess, ro.RecoverState)
	require.Equal(t, "核验已通过,解除管控", ro.RecoverReason)
	require.False(t, ro.RecoverFinishTime.IsZero())

	t.Run("re-entry returns the same number", func(t *testing.T) {
		again, err := svc.Recover(t.Context(), recoverRequest("WBRECOVER20251010000001", p, punished.WxpayPunishNo))
		require.NoError(t, err)
		require.Equal(t, rec.WxpayRecoverNo, again.WxpayRecoverNo)
	})
	t.Run("400 PARAM_ERROR same number other body", func(t *testing.T) {
		other := recoverRequest("WBRECOVER20251010000001", p, punished.WxpayPunishNo)
		other.RecoverReason = "另一个原因"
		_, err := svc.Recover(t.Context(), other)
		wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "PARAM_ERROR")
	})
	t.Run("400 INVALID_REQUEST recover of a lifted punish", func(t *testing.T) {
		_, err := svc.Recover(t.Context(), recoverRequest("WBRECOVER2", p, punished.WxpayPunishNo))
		wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")
	})
	t.Run("404 RESOURCE_NOT_EXISTS number of the other type", func(t *testing.T) {
		_, err := svc.QueryControlOrder(t.Context(), &aggracct.QueryControlOrderRequest{OutRequestNo: p.OutRequestNo, ControlType: aggracct.ControlTypeRecover, MchID: p.MchID})
		wechatpaytest.RequireAPIError(t, err, http.StatusNotFound, "RESOURCE_NOT_EXISTS")
		_, err = svc.QueryControlOrder(t.Context(), &aggracct.QueryControlOrderRequest{OutRequestNo: rreq.OutRequestNo, ControlType: aggracct.ControlTypePunish, MchID: p.MchID})
		wechatpaytest.RequireAPIError(t, err, http.StatusNotFound, "RESOURCE_NOT_EXISTS")
		_, err = svc.QueryControlOrder(t.Context(), &aggracct.QueryControlOrderRequest{OutRequestNo: "NOPE", ControlType: aggracct.ControlTypePunish, MchID: p.MchID})
		wechatpaytest.RequireAPIError(t, err, http.StatusNotFound, "RESOURCE_NOT_EXISTS")
		_, err = svc.QueryControlOrder(t.Context(), &aggracct.QueryControlOrderRequest{OutRequestNo: p.OutRequestNo, ControlType: aggracct.ControlTypePunish, MchID: "1900000002"})
		wechatpaytest.RequireAPIError(t, err, http.StatusNotFound, "RESOURCE_NOT_EXISTS")
	})
}

func TestRecoverInvalidRequests(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := aggracct.New(srv.Client())
	p, punished := punishLedger(t, svc, "WBPUNISH-INV")
	for name, mutate := range map[string]func(r *aggracct.RecoverRequest){
		"unknown punish":          func(r *aggracct.RecoverRequest) { r.RelatedWebankPunishNo = "NO-SUCH-PUNISH" },
		"wxpay_punish_no differs": func(r *aggracct.RecoverRequest) { r.RelatedWxpayPunishNo = "1" + r.RelatedWxpayPunishNo },
		"other merchant":          func(r *aggracct.RecoverRequest) { r.MchID = "1900000002" },
		"other ledger":            func(r *aggracct.RecoverRequest) { r.BalAccountNo = "ledger-2" },
	} {
		t.Run(name, func(t *testing.T) {
			r := recoverRequest("WBRECOVER-INV", p, punished.WxpayPunishNo)
			mutate(r)
			_, err := svc.Recover(t.Context(), r)
			wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")
		})
	}
	t.Run("400 PARAM_ERROR undecryptable bal_account_no", func(t *testing.T) {
		other := aggracct.New(srv.Client(wechatpay.WithPublicKey(srv.PublicKeyID(), otherKey(t))))
		_, err := other.Recover(t.Context(), recoverRequest("WBRECOVER-INV", p, punished.WxpayPunishNo))
		wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "PARAM_ERROR")
	})
	po := queryControl(t, svc, aggracct.ControlTypePunish, p.OutRequestNo).PunishOrder
	require.Equal(t, aggracct.EffectStateActive, po.EffectState, "no refused recover lifted it")
}

func TestControlOrdersInProgress(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := aggracct.New(srv.Client())
	srv.HoldWeBankOrders(true)
	p, punished := punishLedger(t, svc, "WBPUNISH-HELD")
	po := queryControl(t, svc, aggracct.ControlTypePunish, p.OutRequestNo).PunishOrder
	require.Equal(t, aggracct.ControlStateExecuting, po.PunishState)
	require.Empty(t, po.EffectState)
	require.True(t, po.PunishFinishTime.IsZero())
	_, err := svc.Recover(t.Context(), recoverRequest("WBRECOVER-HELD", p, punished.WxpayPunishNo))
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST") // not in force yet

	srv.SettleWeBankOrders()
	require.Equal(t, aggracct.EffectStateActive, queryControl(t, svc, aggracct.ControlTypePunish, p.OutRequestNo).PunishOrder.EffectState)
	_, err = svc.Recover(t.Context(), recoverRequest("WBRECOVER-HELD", p, punished.WxpayPunishNo))
	require.NoError(t, err)
	ro := queryControl(t, svc, aggracct.ControlTypeRecover, "WBRECOVER-HELD").RecoverOrder
	require.Equal(t, aggracct.ControlStateExecuting, ro.RecoverState)
	require.True(t, ro.RecoverFinishTime.IsZero())
	require.Equal(t, aggracct.EffectStateActive, queryControl(t, svc, aggracct.ControlTypePunish, p.OutRequestNo).PunishOrder.EffectState)

	srv.SettleWeBankOrders()
	require.Equal(t, aggracct.ControlStateSuccess, queryControl(t, svc, aggracct.ControlTypeRecover, "WBRECOVER-HELD").RecoverOrder.RecoverState)
	require.Equal(t, aggracct.EffectStateRecovered, queryControl(t, svc, aggracct.ControlTypePunish, p.OutRequestNo).PunishOrder.EffectState)
}

func TestControlOrderFixtures(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := aggracct.New(srv.Client())
	accepted := time.Date(2025, 10, 9, 10, 0, 0, 0, cst)
	srv.AddPunishOrder(wechatpaytest.PunishOrder{
		OutRequestNo: "FIXPUNISH", WxpayPunishNo: "W-FIX", MchID: "1900016681", BalAccountNo: wechatpaytest.SeedBalAccountNo,
		PunishScene: 7, PunishRuleVersion: 3, PunishState: "FAILED", ErrorCode: "SCENE_NOT_REGISTERED", ErrorMessage: "场景未登记",
		PunishAcceptTime: accepted,
	})
	po := queryControl(t, svc, aggracct.ControlTypePunish, "FIXPUNISH").PunishOrder
	require.Equal(t, aggracct.ControlStateFailed, po.PunishState)
	require.Equal(t, "SCENE_NOT_REGISTERED", po.ErrorCode)
	require.Equal(t, "场景未登记", po.ErrorMessage)
	require.Equal(t, int64(3), po.PunishRuleVersion)
	require.True(t, po.PunishAcceptTime.Equal(accepted))

	t.Run("a punish with the fixture's number and fields is a re-entry", func(t *testing.T) {
		got, err := svc.Punish(t.Context(), &aggracct.PunishRequest{OutRequestNo: "FIXPUNISH", MchID: "1900016681", BalAccountNo: wechatpaytest.SeedBalAccountNo, PunishScene: 7})
		require.NoError(t, err)
		require.Equal(t, "W-FIX", got.WxpayPunishNo)
		_, err = svc.Punish(t.Context(), &aggracct.PunishRequest{OutRequestNo: "FIXPUNISH", MchID: "1900016681", BalAccountNo: wechatpaytest.SeedBalAccountNo, PunishScene: 8})
		wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "PARAM_ERROR")
	})

	srv.AddRecoverOrder(wechatpaytest.RecoverOrder{
		OutRequestNo: "FIXRECOVER", WxpayRecoverNo: "R-FIX", RelatedWxpayPunishNo: "W-FIX", MchID: "1900016681",
		PunishScene: 7, PunishRuleVersion: 3, RecoverState: "EXECUTING", RecoverAcceptTime: accepted,
	})
	ro := queryControl(t, svc, aggracct.ControlTypeRecover, "FIXRECOVER").RecoverOrder
	require.Equal(t, aggracct.PunishScene(7), ro.PunishScene)
	require.Equal(t, aggracct.ControlStateExecuting, ro.RecoverState)
	require.Empty(t, ro.RecoverReason)
}

func TestRecoverRetriesWithSameNumber(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := aggracct.New(srv.Client(wechatpaytest.FastRetry()))
	p, punished := punishLedger(t, svc, "WBPUNISH-RETRY")
	srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIRecover, Kind: wechatpaytest.FaultDropConnection, Count: 1})
	first, err := svc.Recover(t.Context(), recoverRequest("WBRECOVER-RETRY", p, punished.WxpayPunishNo))
	require.NoError(t, err)
	require.Equal(t, 2, first.Meta.Attempts, "dropped connection then success")
	srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIRecover, Kind: wechatpaytest.FaultSystemError, Count: 1})
	second, err := svc.Recover(t.Context(), recoverRequest("WBRECOVER-RETRY", p, punished.WxpayPunishNo))
	require.NoError(t, err)
	require.Equal(t, 2, second.Meta.Attempts)
	require.Equal(t, first.WxpayRecoverNo, second.WxpayRecoverNo)
}

func TestRecoverAndControlQueryErrors(t *testing.T) {
	srv := wechatpaytest.Start(t)
	p, punished := punishLedger(t, aggracct.New(srv.Client()), "WBPUNISH-ERR")
	recover := func(t *testing.T, c *wechatpay.Client) error {
		_, err := aggracct.New(c).Recover(t.Context(), recoverRequest("WBRECOVER-ERR", p, punished.WxpayPunishNo))
		return err
	}
	query := func(t *testing.T, c *wechatpay.Client) error {
		_, err := aggracct.New(c).QueryControlOrder(t.Context(), &aggracct.QueryControlOrderRequest{OutRequestNo: p.OutRequestNo, ControlType: aggracct.ControlTypePunish, MchID: p.MchID})
		return err
	}
	requireAuthRefusals(t, srv, 10*time.Minute, recover, query)
	t.Run("429 after the retry budget", func(t *testing.T) {
		srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIQueryControlOrder, Kind: wechatpaytest.FaultRateLimited, Count: 3})
		before := srv.Requests()
		wechatpaytest.RequireAPIError(t, query(t, srv.Client(wechatpaytest.FastRetry())), http.StatusTooManyRequests, "FREQUENCY_LIMITED")
		require.Equal(t, 3, srv.Requests()-before)
	})
	t.Run("query 500 retried", func(t *testing.T) {
		srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIQueryControlOrder, Kind: wechatpaytest.FaultSystemError, Count: 1})
		require.NoError(t, query(t, srv.Client(wechatpaytest.FastRetry())))
	})
	t.Run("recover", func(t *testing.T) { wechatpaytest.RequireAnswerFaults(t, srv, wechatpaytest.APIRecover, recover) })
	t.Run("query", func(t *testing.T) {
		wechatpaytest.RequireAnswerFaults(t, srv, wechatpaytest.APIQueryControlOrder, query)
	})
}

func TestRecoverAndControlQueryValidationBeforeIO(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := aggracct.New(srv.Client())
	p := punishRequest("WBPUNISH-V")
	rec := sdktest.Mutated(t, svc.Recover, func() *aggracct.RecoverRequest { return recoverRequest("WBRECOVER-V", p, "W1") })
	wechatpaytest.RequireFieldErrors(t, srv, map[string]func() error{
		"request":                   sdktest.Call(t, svc.Recover, nil),
		"out_request_no":            rec(func(r *aggracct.RecoverRequest) { r.OutRequestNo = "" }),
		"out_request_no#long":       rec(func(r *aggracct.RecoverRequest) { r.OutRequestNo = strings.Repeat("r", 65) }),
		"out_request_no#same":       rec(func(r *aggracct.RecoverRequest) { r.OutRequestNo = r.RelatedWebankPunishNo }),
		"related_webank_punish_no":  rec(func(r *aggracct.RecoverRequest) { r.RelatedWebankPunishNo = "" }),
		"related_wxpay_punish_no":   rec(func(r *aggracct.RecoverRequest) { r.RelatedWxpayPunishNo = "" }),
		"mchid":                     rec(func(r *aggracct.RecoverRequest) { r.MchID = "" }),
		"bal_account_no":            rec(func(r *aggracct.RecoverRequest) { r.BalAccountNo = "" }),
		"bal_account_no#long":       rec(func(r *aggracct.RecoverRequest) { r.BalAccountNo = strings.Repeat("8", 215) }),
		"recover_reason":            rec(func(r *aggracct.RecoverRequest) { r.RecoverReason = "" }),
		"recover_reason#utf8":       rec(func(r *aggracct.RecoverRequest) { r.RecoverReason = "bad \xfe" }),
		"card_no":                   rec(func(r *aggracct.RecoverRequest) { r.CardNo = strings.Repeat("6", 215) }),
		"req_scene":                 rec(func(r *aggracct.RecoverRequest) { r.ReqScene = "A\tB" }),
		"request#query":             func() error { _, err := svc.QueryControlOrder(t.Context(), nil); return err },
		"out_request_no#query":      sdktest.Call(t, svc.QueryControlOrder, &aggracct.QueryControlOrderRequest{ControlType: aggracct.ControlTypePunish, MchID: "1"}),
		"out_request_no#query-long": sdktest.Call(t, svc.QueryControlOrder, &aggracct.QueryControlOrderRequest{OutRequestNo: strings.Repeat("q", 65), ControlType: aggracct.ControlTypePunish, MchID: "1"}),
		"control_type":              sdktest.Call(t, svc.QueryControlOrder, &aggracct.QueryControlOrderRequest{OutRequestNo: "Q", MchID: "1"}),
		"control_type#unknown":      sdktest.Call(t, svc.QueryControlOrder, &aggracct.QueryControlOrderRequest{OutRequestNo: "Q", ControlType: "PAUSE", MchID: "1"}),
		"mchid#query":               sdktest.Call(t, svc.QueryControlOrder, &aggracct.QueryControlOrderRequest{OutRequestNo: "Q", ControlType: aggracct.ControlTypeRecover}),
		"fund_repatriation_strategy": func() error {
			r := punishRequest("WBPUNISH-V")
			r.FundRepatriationStrategy = "ALL ALLOWED"
			_, err := svc.Punish(t.Context(), r)
			return err
		},
	})
}

func TestPunishCommunityFields(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := aggracct.New(srv.Client())
	p := punishRequest("WBPUNISH-COMM")
	p.CardNo, p.SgnNo, p.ReqScene = "6222000011112222", "SGN1", aggracct.ReqSceneWxShopConvenientSettlementServiceMerchant
	p.FundRepatriationStrategy = aggracct.FundRepatriationAllAllowedWhenUnique
	_, err := svc.Punish(t.Context(), p)
	require.NoError(t, err)
	got := srv.Punishments()[0]
	require.Equal(t, "6222000011112222", got.CardNo, "decrypted by the emulator")
	require.Equal(t, "SGN1", got.SgnNo)
	require.Equal(t, "WX_SHOP_CONVENIENT_SETTLEMENT_SERVICE_MERCHANT", got.ReqScene)
	require.Equal(t, "ALL_ALLOWED_WHEN_UNIQUE", got.FundRepatriationStrategy)

	bad := punishRequest("WBPUNISH-COMM2")
	bad.FundRepatriationStrategy = "SOMETIMES"
	_, err = svc.Punish(t.Context(), bad)
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "PARAM_ERROR")

	rec := recoverRequest("WBRECOVER-COMM", p, srv.Punishments()[0].WxpayPunishNo)
	rec.CardNo, rec.SgnNo, rec.ReqScene = p.CardNo, p.SgnNo, p.ReqScene
	_, err = svc.Recover(t.Context(), rec)
	require.NoError(t, err)
}
