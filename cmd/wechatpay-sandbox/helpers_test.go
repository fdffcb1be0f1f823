package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
	"github.com/gowechatpay/wechatpay/internal/sdktest"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// createBill creates a transfer bill no on the sandbox with the client of
// its credentials, as a merchant's own client would.
func createBill(t *testing.T, c *wechatpay.Client, no string) {
	t.Helper()
	_, err := c.DoV3(t.Context(), &wechatpay.Request{Method: http.MethodPost, Path: "/v3/fund-app/mch-transfer/transfer-bills",
		Body: map[string]any{"appid": wechatpaytest.TestAppID, "out_bill_no": no, "transfer_scene_id": "1000",
			"openid": "o-user", "transfer_amount": 500, "transfer_remark": "奖励",
			"transfer_scene_report_infos": []map[string]string{{"info_type": "活动名称", "info_content": "a"}, {"info_type": "奖励说明", "info_content": "b"}}}}, nil)
	require.NoError(t, err)
}

// billState queries the bill no and returns its state and fail_reason.
func billState(t *testing.T, c *wechatpay.Client, no string) string {
	t.Helper()
	var b struct {
		State      string `json:"state"`
		FailReason string `json:"fail_reason"`
	}
	_, err := c.DoV3(t.Context(), &wechatpay.Request{Method: http.MethodGet, Path: "/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}",
		PathParams: map[string]string{"out_bill_no": no}}, &b)
	require.NoError(t, err)
	return strings.TrimSpace(b.State + " " + b.FailReason)
}

// The test helpers confirm a bill a client of the sandbox created, fail
// another, and move the clock so that a third closes OVERDUE_CLOSE; the
// client keeps signing with its own clock after the advance.
func TestHelpersTransferAndAdvance(t *testing.T) {
	dir := t.TempDir()
	sb := startSandbox(t, dir)
	c, err := wechatpay.NewClientFromFile(sb.credPath())
	require.NoError(t, err)
	for _, no := range []string{"SB1", "SB2", "SB3"} {
		createBill(t, c, no)
	}
	var stdout, stderr sdktest.Buffer
	require.NoError(t, run([]string{"transfer", "confirm", "-dir", dir, "SB1"}, &stdout, &stderr, nil), stderr.String())
	require.Contains(t, stdout.String(), `"state":"SUCCESS"`)
	require.Equal(t, "SUCCESS", billState(t, c, "SB1"))

	require.NoError(t, run([]string{"transfer", "fail", "-dir", dir, "-reason", "ACCOUNT_FROZEN", "SB2"}, &stdout, &stderr, nil))
	require.Equal(t, "FAIL ACCOUNT_FROZEN", billState(t, c, "SB2"))

	require.Equal(t, "WAIT_USER_CONFIRM", billState(t, c, "SB3"))
	require.NoError(t, run([]string{"advance", "-dir", dir, "24h"}, &stdout, &stderr, nil))
	require.Contains(t, stdout.String(), `"now":`)
	require.Equal(t, "FAIL OVERDUE_CLOSE", billState(t, c, "SB3"))

	err = run([]string{"transfer", "confirm", "-dir", dir, "SB3"}, &stdout, &stderr, nil)
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")
	err = run([]string{"transfer", "authorize", "-dir", dir, "A1"}, &stdout, &stderr, nil)
	require.ErrorContains(t, err, `no authorization "A1"`)
	require.ErrorIs(t, run([]string{"advance", "-dir", dir, "-1h"}, &stdout, &stderr, nil), errUsage, "a flag-like argument")
	err = run([]string{"advance", "-dir", dir, "tomorrow"}, &stdout, &stderr, nil)
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")
	require.ErrorIs(t, run([]string{"transfer", "fail", "-dir", dir, "SB1"}, &stdout, &stderr, nil), errUsage, "no -reason")
}

// A test-helper request that the merchant did not sign (none, or signed
// with another key) is refused 401 SIGN_ERROR, and nothing moves.
func TestHelpersRefuseUnsigned(t *testing.T) {
	dir := t.TempDir()
	sb := startSandbox(t, dir)
	c, err := wechatpay.NewClientFromFile(sb.credPath())
	require.NoError(t, err)
	createBill(t, c, "SB4")
	cr, err := wechatpay.LoadCredentials(sb.credPath())
	require.NoError(t, err)

	caPEM, err := os.ReadFile(filepath.Join(dir, cr.CAFile))
	require.NoError(t, err)
	roots := x509.NewCertPool()
	require.True(t, roots.AppendCertsFromPEM(caPEM))
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}}}
	resp, err := hc.Post(cr.BaseURL+"/v3/sandbox/test-helpers/transfer/bills/SB4/confirm", "application/json", nil)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	other, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	pubPEM, err := os.ReadFile(filepath.Join(dir, cr.WechatpayPublicKeyFile))
	require.NoError(t, err)
	pub, err := wxcrypto.LoadPublicKey(pubPEM)
	require.NoError(t, err)
	wrong, err := wechatpay.NewClient(wechatpay.WithMerchant(cr.MchID, cr.MerchantSerialNo, other),
		wechatpay.WithPublicKey(cr.WechatpayPublicKeyID, pub), wechatpay.WithAPIv3Key(cr.APIv3Key),
		wechatpay.WithBaseURL(cr.BaseURL), wechatpay.WithRootCAs(roots))
	require.NoError(t, err)
	_, err = wrong.DoV3(t.Context(), &wechatpay.Request{Method: http.MethodPost, Path: "/v3/sandbox/test-helpers/transfer/bills/{out_bill_no}/confirm",
		PathParams: map[string]string{"out_bill_no": "SB4"}}, nil)
	wechatpaytest.RequireAPIError(t, err, http.StatusUnauthorized, "SIGN_ERROR")
	_, err = wrong.DoV3(t.Context(), &wechatpay.Request{Method: http.MethodPost, Path: "/v3/sandbox/test-helpers/advance",
		Body: map[string]string{"duration": "24h"}}, nil)
	wechatpaytest.RequireAPIError(t, err, http.StatusUnauthorized, "SIGN_ERROR")
	require.Equal(t, "WAIT_USER_CONFIRM", billState(t, c, "SB4"))
}

// The test helpers grant and revoke an authorization a client of the
// sandbox asked for.
func TestHelpersAuthorization(t *testing.T) {
	dir := t.TempDir()
	sb := startSandbox(t, dir)
	c, err := wechatpay.NewClientFromFile(sb.credPath())
	require.NoError(t, err)
	_, err = c.DoV3(t.Context(), &wechatpay.Request{Method: http.MethodPost, Path: "/v3/fund-app/mch-transfer/user-confirm-authorization",
		Body: map[string]any{"appid": wechatpaytest.TestAppID, "out_authorization_no": "A2", "openid": "o-user", "transfer_scene_id": "1000",
			"user_display_name": "会员", "authorization_notify_url": "https://127.0.0.1:1/n"}}, nil)
	require.NoError(t, err)
	var stdout, stderr sdktest.Buffer
	require.NoError(t, run([]string{"transfer", "authorize", "-dir", dir, "A2"}, &stdout, &stderr, nil), stderr.String())
	require.Contains(t, stdout.String(), `"state":"TAKING_EFFECT"`)
	require.NoError(t, run([]string{"transfer", "revoke", "-dir", dir, "A2"}, &stdout, &stderr, nil), stderr.String())
	require.Contains(t, stdout.String(), `"close_reason":"USER_CLOSE"`)
	err = run([]string{"transfer", "revoke", "-dir", dir, "A2"}, &stdout, &stderr, nil)
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")
}
