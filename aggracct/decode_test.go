package aggracct_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/aggracct"
)

// TestSignedAnswersOfTheNeighbours: correctly signed answers of the newer
// APIs decode their documented forms (punish_scene as a number or a
// string), and one without a field the API always sends is
// ErrMalformedResponse naming it, never a zero result.
func TestSignedAnswersOfTheNeighbours(t *testing.T) {
	svc := aggracct.New(signingClient(t))
	with := func(body string) context.Context { return context.WithValue(t.Context(), fuzzReplyKey{}, []byte(body)) }
	balance := func(body string) error {
		r, err := svc.QueryBalance(with(body), &aggracct.QueryBalanceRequest{BalAccountNo: "B"})
		require.Equal(t, err != nil, r == nil, "%q: a result or an error", body)
		return err
	}
	control := func(body string) (*aggracct.ControlOrder, error) {
		r, err := svc.QueryControlOrder(with(body), &aggracct.QueryControlOrderRequest{OutRequestNo: "N1", ControlType: aggracct.ControlTypePunish, MchID: "1900016681"})
		require.Equal(t, err != nil, r == nil, "%q: a result or an error", body)
		return r, err
	}
	recover := func(body string) error {
		r, err := svc.Recover(with(body), &aggracct.RecoverRequest{OutRequestNo: "R1", RelatedWebankPunishNo: "P1", RelatedWxpayPunishNo: "W1", MchID: "1900016681", BalAccountNo: "B", RecoverReason: "ok"})
		require.Equal(t, err != nil, r == nil, "%q: a result or an error", body)
		return err
	}
	create := func(body string) error {
		r, err := svc.CreateSpecialReduction(with(body), &aggracct.CreateSpecialReductionRequest{BalAccountNo: "B", OutRequestNo: "N1", ReductionType: aggracct.ReductionTypeFinancialPenalty, Amount: 1})
		require.Equal(t, err != nil, r == nil, "%q: a result or an error", body)
		return err
	}
	punishOrder := `{"wxpay_punish_no":"W1","out_request_no":"N1","mchid":"1900016681","punish_scene":%s,"punish_rule_version":%s,"punish_accept_time":"2025-10-09T10:00:00+08:00","punish_state":"SUCCESS"}`
	recoverOrder := `{"wxpay_recover_no":"R1","out_request_no":"N2","related_wxpay_punish_no":"W1","mchid":"1900016681","punish_scene":%s,"punish_rule_version":%s,"recover_accept_time":"2025-10-10T09:00:00+08:00","recover_state":"EXECUTING"}`
	sprintf := fmt.Sprintf
	for _, tt := range []struct {
		err         error
		body, field string
	}{
		{balance(`{}`), `{}`, "balance"},
		{balance(`{"balance":1}`), `{"balance":1}`, "in_transit_reduction_exist"},
		{balance(`{"in_transit_reduction_exist":false}`), `{"in_transit_reduction_exist":false}`, "balance"},
		{recover(`{}`), `{}`, "wxpay_recover_no"},
		{recover(`{"wxpay_recover_no":"R"}`), `{"wxpay_recover_no":"R"}`, "out_request_no"},
		{create(`{"mchid":"1900016681","bal_account_no":"B","out_request_no":"N1"}`), "create without state", "state"},
		{func() error { _, err := control(`{}`); return err }(), `{}`, "control_scene"},
		{func() error { _, err := control(`{"control_scene":"PUNISH"}`); return err }(), "PUNISH alone", "punish_order"},
		{func() error { _, err := control(`{"control_scene":"RECOVER"}`); return err }(), "RECOVER alone", "recover_order"},
		{func() error {
			_, err := control(`{"control_scene":"PUNISH","punish_order":{"out_request_no":"N1"}}`)
			return err
		}(), "punish_order without its number", "punish_order.wxpay_punish_no"},
	} {
		require.ErrorIs(t, tt.err, wechatpay.ErrMalformedResponse, tt.body)
		require.ErrorContains(t, tt.err, tt.field, tt.body)
	}

	zero, err := func() (*aggracct.Balance, error) {
		return svc.QueryBalance(with(`{"in_transit_reduction_exist":false,"balance":0}`), &aggracct.QueryBalanceRequest{BalAccountNo: "B"})
	}()
	require.NoError(t, err, "a zero balance is a balance")
	require.Zero(t, zero.Balance)

	for _, forms := range [][2]string{{"1", "2"}, {`"1"`, `"2"`}} {
		got, err := control(`{"control_scene":"PUNISH","punish_order":` + sprintf(punishOrder, forms[0], forms[1]) + `}`)
		require.NoError(t, err, forms)
		require.Equal(t, aggracct.PunishScene(1), got.PunishOrder.PunishScene)
		require.Equal(t, int64(2), got.PunishOrder.PunishRuleVersion)
		require.True(t, got.PunishOrder.PunishAcceptTime.Equal(time.Date(2025, 10, 9, 2, 0, 0, 0, time.UTC)))
		got, err = control(`{"control_scene":"RECOVER","recover_order":` + sprintf(recoverOrder, forms[0], forms[1]) + `}`)
		require.NoError(t, err, forms)
		require.Equal(t, aggracct.PunishScene(1), got.RecoverOrder.PunishScene)
		require.Equal(t, int64(2), got.RecoverOrder.PunishRuleVersion)
		require.True(t, got.RecoverOrder.RecoverFinishTime.IsZero(), "absent while executing")
	}
	for _, bad := range []string{`"x1"`, `1.5`, `true`, `"99999999999999999999"`} {
		_, err := control(`{"control_scene":"PUNISH","punish_order":` + sprintf(punishOrder, bad, "1") + `}`)
		require.ErrorIs(t, err, wechatpay.ErrMalformedResponse, bad)
		require.ErrorContains(t, err, "punish_scene", bad)
		require.NotContains(t, err.Error(), "99999999999999999999", "the value is never echoed")
	}
	got, err := control(`{"control_scene":"PUNISH","punish_order":` + sprintf(punishOrder, "1", "1")[:len(sprintf(punishOrder, "1", "1"))-1] +
		`,"effect_state":"PAUSED","control_action":["DISABLE_PAY","DISABLE_TELEPORT"]}}`)
	require.NoError(t, err, "unknown enum values decode")
	require.False(t, got.PunishOrder.EffectState.Known())
	require.True(t, got.PunishOrder.ControlAction[0].Known())
	require.False(t, got.PunishOrder.ControlAction[1].Known())
}

// FuzzVerifiedControlReply answers QueryControlOrder (control) and
// QueryBalance (!control) with random bodies that carry a valid WeChat Pay
// signature: flexible integers, times, nested required fields and the
// scene's object see arbitrary bytes. It must never panic; a failure must
// be ErrMalformedResponse with no result, and a success needs a JSON body
// with what the API always sends.
func FuzzVerifiedControlReply(f *testing.F) {
	f.Add([]byte(`{"control_scene":"PUNISH","punish_order":{"wxpay_punish_no":"W","out_request_no":"N1","mchid":"1","punish_scene":1,"punish_rule_version":"1","punish_accept_time":"2025-10-09T10:00:00+08:00","punish_state":"SUCCESS","control_action":["DISABLE_PAY"]}}`), true)
	f.Add([]byte(`{"control_scene":"RECOVER","recover_order":{"wxpay_recover_no":"R","out_request_no":"N2","related_wxpay_punish_no":"W","mchid":"1","punish_scene":"1","punish_rule_version":"1","recover_accept_time":"2025-10-10T09:00:00+08:00","recover_state":"EXECUTING"}}`), true)
	f.Add([]byte(`{"control_scene":"PUNISH"}`), true)
	f.Add([]byte(`{"in_transit_reduction_exist":false,"balance":99999}`), false)
	f.Add([]byte(`{"balance":"1"}`), false)
	f.Add([]byte(`null`), false)
	svc := aggracct.New(signingClient(f))
	f.Fuzz(func(t *testing.T, body []byte, control bool) {
		ctx := context.WithValue(context.Background(), fuzzReplyKey{}, body)
		var err error
		ok := false
		if control {
			var r *aggracct.ControlOrder
			r, err = svc.QueryControlOrder(ctx, &aggracct.QueryControlOrderRequest{OutRequestNo: "N1", ControlType: aggracct.ControlTypePunish, MchID: "1"})
			if err == nil {
				ok = r.ControlScene != "" &&
					(r.ControlScene != aggracct.ControlTypePunish || r.PunishOrder != nil && r.PunishOrder.WxpayPunishNo != "") &&
					(r.ControlScene != aggracct.ControlTypeRecover || r.RecoverOrder != nil && r.RecoverOrder.WxpayRecoverNo != "")
			} else if r != nil {
				t.Fatalf("result %+v with the error %v", r, err)
			}
		} else {
			var r *aggracct.Balance
			r, err = svc.QueryBalance(ctx, &aggracct.QueryBalanceRequest{BalAccountNo: "B"})
			ok = err == nil && r != nil
			if err != nil && r != nil {
				t.Fatalf("result %+v with the error %v", r, err)
			}
		}
		switch {
		case err != nil && !errors.Is(err, wechatpay.ErrMalformedResponse):
			t.Fatalf("unexpected error class: %v", err)
		case err == nil && !ok:
			t.Fatalf("accepted an answer without what the API always sends: %q", body)
		case err == nil && !json.Valid(body):
			t.Fatalf("accepted a body that is not JSON: %q", body)
		}
	})
}
