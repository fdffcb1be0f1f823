package wechatpaytest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay/internal/wireclient"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// TestProtocolClientVerifiesEveryAnswer: in the default key mode, a client
// configured from the sandbox's credentials.json with nothing but the
// public key verifies every answer of every built-in v3 endpoint, success
// and error alike, whether or not it sends a Wechatpay-Serial. Only 401
// SIGN_ERROR is unsigned, as at WeChat Pay.
func TestProtocolClientVerifiesEveryAnswer(t *testing.T) {
	srv := wechatpaytest.Start(t)
	path, err := srv.WriteCredentials(t.TempDir())
	require.NoError(t, err)
	c := wireclient.New(t, path) // no code of the SDK
	require.False(t, c.HasCertFile, "a merchant of the public key has no platform certificate")

	reduction := func(bal string) string {
		return "/v3/aggracct-bc/wb-channel/special-reduction/" + wechatpaytest.SeedReductionNo + "?" +
			url.Values{"mchid": {c.MchID}, "bal_account_no": {bal}}.Encode()
	}
	profitSharing := func(no string) string {
		return "/v3/global/profit-sharing/orders/" + no + "?" +
			url.Values{"sub_mchid": {wechatpaytest.SeedSubMchID}, "transaction_id": {wechatpaytest.SeedTransactionID}}.Encode()
	}
	punish, err := json.Marshal(map[string]any{"out_request_no": "PROTO-1", "mchid": c.MchID,
		"bal_account_no": c.Encrypt(t, wechatpaytest.SeedBalAccountNo), "punish_scene": 1, "punish_reason": "protocol test"})
	require.NoError(t, err)

	for _, tt := range []struct {
		name   string
		method string
		uri    string
		body   []byte
		serial string // sent only with an encrypted field
		status int
	}{
		{"profit sharing", http.MethodGet, profitSharing(wechatpaytest.SeedOutOrderNo), nil, "", 200},
		{"profit sharing unknown", http.MethodGet, profitSharing("NO-SUCH-ORDER"), nil, "", 404},
		{"profit sharing bad id", http.MethodGet, profitSharing("bad*id"), nil, "", 400},
		{"special reduction", http.MethodGet, reduction(c.Encrypt(t, wechatpaytest.SeedBalAccountNo)), nil, c.PubKeyID, 200},
		{"special reduction other ledger", http.MethodGet, reduction(c.Encrypt(t, "other")), nil, c.PubKeyID, 404},
		{"special reduction without serial", http.MethodGet, reduction(c.Encrypt(t, wechatpaytest.SeedBalAccountNo)), nil, "", 400},
		{"punish", http.MethodPost, "/v3/aggracct-bc/wb-channel/control-orders/punish", punish, c.PubKeyID, 200},
		{"punish reentry", http.MethodPost, "/v3/aggracct-bc/wb-channel/control-orders/punish", punish, c.PubKeyID, 200},
		{"punish bad JSON", http.MethodPost, "/v3/aggracct-bc/wb-channel/control-orders/punish", []byte(`{`), "", 400},
		{"certificates", http.MethodGet, "/v3/certificates", nil, "", 404},
		{"certificates naming the public key", http.MethodGet, "/v3/certificates", nil, c.PubKeyID, 404},
		{"unknown path", http.MethodGet, "/v3/no/such/api", nil, "", 404},
		{"wrong method", http.MethodPost, "/v3/certificates", []byte(`{}`), "", 405},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, h, body := c.Do(t, tt.method, tt.uri, tt.body, tt.serial)
			require.Equal(t, tt.status, status, string(body))
			c.Verify(t, h, body)
		})
	}

	t.Run("a platform serial does not change the key", func(t *testing.T) {
		status, h, body := c.Do(t, http.MethodGet, profitSharing(wechatpaytest.SeedOutOrderNo), nil, srv.PlatformSerial())
		require.Equal(t, 200, status)
		c.Verify(t, h, body)
	})

	t.Run("401 is unsigned", func(t *testing.T) {
		stale := *c
		stale.Serial = "0000"
		status, h, _ := stale.Do(t, http.MethodGet, profitSharing(wechatpaytest.SeedOutOrderNo), nil, "")
		require.Equal(t, 401, status)
		require.Empty(t, h.Get("Wechatpay-Signature"))
	})
}
