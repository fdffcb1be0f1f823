package wechatpay_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
)

// TestPlainHTTPBaseURLOnlyOnLoopback: over plain http:// signed requests,
// encrypted fields and v2 sends travel in clear text, so a base URL (an
// option or the credentials' base_url) is https:// unless its host is the
// local machine, the emulator's and the local tests' (issue 19 item 5).
func TestPlainHTTPBaseURLOnlyOnLoopback(t *testing.T) {
	v := loadVectors(t)
	opts := func(base string) []wechatpay.Option {
		return []wechatpay.Option{
			wechatpay.WithMerchant(v.Identities.Merchant.MchID, v.Identities.Merchant.Serial, merchantKey(t)),
			wechatpay.WithPublicKey(pubKeyID, wechatpayPubKey(t)),
			wechatpay.WithBaseURL(base),
		}
	}
	for _, base := range []string{
		"http://api.mch.weixin.qq.com",
		"HTTP://sandbox.example:8080/prefix",
		"http://10.0.0.1",
		"http://192.168.1.2:80",
		"http://[2001:db8::1]:8443",
		"http://localhost.example.com",
		"http://127.0.0.1.nip.io",
		"http://0.0.0.0:8360",
	} {
		_, err := wechatpay.NewClient(opts(base)...)
		require.ErrorIs(t, err, wechatpay.ErrInvalidConfig, base)
		var fe *wechatpay.FieldError
		require.ErrorAs(t, err, &fe, base)
		require.Equal(t, "base_url", fe.Field, base)
		require.ErrorContains(t, err, "https://", base)
	}
	for _, base := range []string{
		"http://127.0.0.1:8360",
		"http://127.8.9.10",
		"http://localhost:9",
		"http://LOCALHOST",
		"http://[::1]:8443/prefix",
		"https://sandbox.example:8443",
		"https://10.0.0.1",
	} {
		c, err := wechatpay.NewClient(opts(base)...)
		require.NoError(t, err, base)
		c.Close()
	}

	file := func(base string) string {
		return writeCredentials(t, `{"mchid":"1900016681","merchant_private_key_file":"merchant_test_key.pem","merchant_certificate_file":"merchant_test_cert.pem",`+
			`"wechatpay_public_key_id":"PUB_KEY_ID_0114232134912410000000000000","wechatpay_public_key_file":"wechatpay_pubkey_test.pem","base_url":"`+base+`"}`)
	}
	_, err := wechatpay.NewClientFromFile(file("http://sandbox.example:8360"))
	require.ErrorIs(t, err, wechatpay.ErrInvalidConfig)
	var fe *wechatpay.FieldError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "base_url", fe.Field)
	c, err := wechatpay.NewClientFromFile(file("http://127.0.0.1:8360"))
	require.NoError(t, err)
	c.Close()
}

// TestPlainHTTPNeverCarriesACertificateCall: on a loopback http:// base URL
// v3 calls and the v2 calls without client certificate go; a v2 call that
// needs the certificate is refused before any I/O (issue 19 item 5).
func TestPlainHTTPNeverCarriesACertificateCall(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path == "/v3/x" {
			signResponse(t, w, 200, `{"ok":true}`)
			return
		}
		_, _ = io.WriteString(w, "<xml><return_code>FAIL</return_code><return_msg>stop</return_msg></xml>")
	}))
	defer srv.Close()
	c := vectorClient(t, time.Now().Unix(), nil, wechatpay.WithBaseURL(srv.URL), wechatpay.WithMerchantCertificate(merchantCert(t)))
	defer c.Close()

	var out struct{ OK bool }
	_, err := c.DoV3(context.Background(), &wechatpay.Request{Path: "/v3/x"}, &out)
	require.NoError(t, err)
	require.True(t, out.OK)

	params := map[string]string{"mch_billno": "B1", "mch_id": "1900016681"}
	_, _, err = c.DoV2(context.Background(), &wechatpay.V2Request{Path: "/mmpaymkttransfers/sendworkwxredpack", Params: params, Secure: true})
	require.ErrorIs(t, err, wechatpay.ErrInvalidInput)
	var fe *wechatpay.FieldError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "base_url", fe.Field)
	require.EqualValues(t, 1, hits.Load(), "the certificate call was not sent")

	_, _, err = c.DoV2(context.Background(), &wechatpay.V2Request{Path: "/pay/x", Params: params})
	var apiErr *wechatpay.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, "stop", apiErr.Message)
	require.EqualValues(t, 2, hits.Load())
}
