package wechatpaytest_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// TestWeBankChannelRefusals sends the WeBank-channel requests the typed
// SDK never sends, and requires the documented 400 answers naming the
// field; nothing of them changes the state.
func TestWeBankChannelRefusals(t *testing.T) {
	srv := wechatpaytest.Start(t)
	c := srv.Client()
	enc := func(plain string) string {
		ct, _, err := c.EncryptSensitive(plain)
		require.NoError(t, err)
		return ct
	}
	bal := enc(wechatpaytest.SeedBalAccountNo)
	post := func(path string, body map[string]any) error {
		_, err := c.DoV3(t.Context(), &wechatpay.Request{Method: http.MethodPost, Path: path, Body: body}, nil)
		return err
	}
	get := func(path string, q url.Values) error {
		_, err := c.DoV3(t.Context(), &wechatpay.Request{Method: http.MethodGet, Path: path, Query: q}, nil)
		return err
	}
	reduction := func(mutate func(b map[string]any)) error {
		b := map[string]any{"mchid": wechatpaytest.TestMchID, "bal_account_no": bal, "out_request_no": "R1",
			"reduction_type": "JUDICIAL_DEDUCTION", "amount": 1}
		mutate(b)
		return post("/v3/aggracct-bc/wb-channel/special-reduction", b)
	}
	recover := func(mutate func(b map[string]any)) error {
		b := map[string]any{"out_request_no": "WR1", "related_webank_punish_no": "WP1", "related_wxpay_punish_no": "X",
			"mchid": wechatpaytest.TestMchID, "bal_account_no": bal, "recover_reason": "ok"}
		mutate(b)
		return post("/v3/aggracct-bc/wb-channel/control-orders/recover", b)
	}
	audit := func(mutate func(b map[string]any)) error {
		b := map[string]any{"out_request_no": "A1", "mchid": wechatpaytest.TestMchID, "audit_result": "PASS"}
		mutate(b)
		return post("/v3/aggracct-bc/wb-channel/control-orders/info/update/result/notify", b)
	}
	for name, err := range map[string]error{
		"reduction without mchid":      reduction(func(b map[string]any) { delete(b, "mchid") }),
		"reduction without ledger":     reduction(func(b map[string]any) { delete(b, "bal_account_no") }),
		"reduction plaintext ledger":   reduction(func(b map[string]any) { b["bal_account_no"] = wechatpaytest.SeedBalAccountNo }),
		"reduction number with a dash": reduction(func(b map[string]any) { b["out_request_no"] = "R-1" }),
		"reduction number of 33":       reduction(func(b map[string]any) { b["out_request_no"] = strings.Repeat("r", 33) }),
		"reduction type unknown":       reduction(func(b map[string]any) { b["reduction_type"] = "REDUCTION_TYPE_UNKNOWN" }),
		"reduction without amount":     reduction(func(b map[string]any) { delete(b, "amount") }),
		"reduction amount zero":        reduction(func(b map[string]any) { b["amount"] = 0 }),
		"reduction amount as a string": reduction(func(b map[string]any) { b["amount"] = "1" }),
		"reduction reason too long":    reduction(func(b map[string]any) { b["reason"] = strings.Repeat("因", 513) }),
		"reduction undocumented scene": reduction(func(b map[string]any) { b["req_scene"] = "OTHER" }),
		"reduction card not encrypted": reduction(func(b map[string]any) { b["card_no"] = "6222" }),
		"recover without number":       recover(func(b map[string]any) { delete(b, "out_request_no") }),
		"recover without punish no":    recover(func(b map[string]any) { delete(b, "related_webank_punish_no") }),
		"recover without wxpay no":     recover(func(b map[string]any) { delete(b, "related_wxpay_punish_no") }),
		"recover without mchid":        recover(func(b map[string]any) { delete(b, "mchid") }),
		"recover without ledger":       recover(func(b map[string]any) { delete(b, "bal_account_no") }),
		"recover reason too long":      recover(func(b map[string]any) { b["recover_reason"] = strings.Repeat("因", 257) }),
		"audit without number":         audit(func(b map[string]any) { delete(b, "out_request_no") }),
		"audit without mchid":          audit(func(b map[string]any) { delete(b, "mchid") }),
		"audit without result":         audit(func(b map[string]any) { delete(b, "audit_result") }),
		"audit result unknown":         audit(func(b map[string]any) { b["audit_result"] = "MAYBE" }),
		"audit time not RFC 3339":      audit(func(b map[string]any) { b["audit_finish_time"] = "2015-05-20 13:29:35" }),
		"audit fail code too long":     audit(func(b map[string]any) { b["fail_code"] = strings.Repeat("1", 33) }),
		"control query without type":   get("/v3/aggracct-bc/wb-channel/control-orders/P1", url.Values{"mchid": {"1"}}),
		"control query unknown type":   get("/v3/aggracct-bc/wb-channel/control-orders/P1", url.Values{"mchid": {"1"}, "control_type": {"PAUSE"}}),
		"control query without mchid":  get("/v3/aggracct-bc/wb-channel/control-orders/P1", url.Values{"control_type": {"PUNISH"}}),
		"balance without mchid":        get("/v3/aggracct-bc/wb-channel/account/balance", url.Values{"bal_account_no": {bal}}),
		"balance without ledger":       get("/v3/aggracct-bc/wb-channel/account/balance", url.Values{"mchid": {wechatpaytest.TestMchID}}),
		"balance plaintext ledger":     get("/v3/aggracct-bc/wb-channel/account/balance", url.Values{"mchid": {wechatpaytest.TestMchID}, "bal_account_no": {wechatpaytest.SeedBalAccountNo}}),
		"balance card not encrypted":   get("/v3/aggracct-bc/wb-channel/account/balance", url.Values{"mchid": {wechatpaytest.TestMchID}, "bal_account_no": {bal}, "card_no": {"6222"}}),
		"query undocumented scene":     get("/v3/aggracct-bc/wb-channel/special-reduction/"+wechatpaytest.SeedReductionNo, url.Values{"mchid": {wechatpaytest.TestMchID}, "bal_account_no": {bal}, "req_scene": {"OTHER"}}),
	} {
		t.Run(name, func(t *testing.T) { wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "PARAM_ERROR") })
	}
	balance, ok := srv.LedgerBalance(wechatpaytest.TestMchID, wechatpaytest.SeedBalAccountNo)
	require.True(t, ok)
	require.Equal(t, int64(99999), balance, "no refused reduction touched the ledger")
	require.Empty(t, srv.AuditReports())
	require.Error(t, get("/v3/aggracct-bc/wb-channel/control-orders/WR1", url.Values{"mchid": {wechatpaytest.TestMchID}, "control_type": {"RECOVER"}}))
}

// TestWeBankChannelFaults aims each fault kind of the early stage at each
// new WeBank-channel route by its API constant: the fault applies to that
// route only.
func TestWeBankChannelFaults(t *testing.T) {
	srv := wechatpaytest.Start(t)
	c := srv.Client()
	ct, _, err := c.EncryptSensitive(wechatpaytest.SeedBalAccountNo)
	require.NoError(t, err)
	balanceReq := &wechatpay.Request{Method: http.MethodGet, Path: "/v3/aggracct-bc/wb-channel/account/balance",
		Query: url.Values{"mchid": {wechatpaytest.TestMchID}, "bal_account_no": {ct}}}
	for _, api := range []wechatpaytest.API{wechatpaytest.APICreateSpecialReduction, wechatpaytest.APIRecover,
		wechatpaytest.APIQueryControlOrder, wechatpaytest.APISyncInfoUpdateAuditResult} {
		srv.InjectFault(wechatpaytest.Fault{API: api, Kind: wechatpaytest.FaultAPIError, Status: http.StatusForbidden, Code: "NO_AUTH"})
	}
	var out struct {
		Balance *int64 `json:"balance"`
	}
	_, err = c.DoV3(t.Context(), balanceReq, &out)
	require.NoError(t, err, "faults aimed at other routes")
	require.Equal(t, int64(99999), *out.Balance)
	srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIQueryBalance, Kind: wechatpaytest.FaultAPIError, Status: http.StatusForbidden, Code: "NO_AUTH", Count: 1})
	_, err = c.DoV3(t.Context(), balanceReq, &out)
	wechatpaytest.RequireAPIError(t, err, http.StatusForbidden, "NO_AUTH")
}
