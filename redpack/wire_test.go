package redpack_test

import (
	"crypto/tls"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
	"github.com/gowechatpay/wechatpay/internal/v2xml"
	"github.com/gowechatpay/wechatpay/redpack"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// TestQueryWorkWxRequestWire checks what is sent: the path, the merchant
// certificate over mTLS, exactly the documented parameters, no sign_type,
// and an MD5 sign with the APIv2 key.
func TestQueryWorkWxRequestWire(t *testing.T) {
	srv := newServer(t)
	type seen struct {
		path    string
		certs   int
		body    []byte
		readErr error
	}
	got := make(chan seen, 1)
	fake := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		got <- seen{r.URL.Path, len(r.TLS.PeerCertificates), body, err}
		_, _ = io.WriteString(w, "<xml><return_code>FAIL</return_code><return_msg>stop</return_msg></xml>")
	}))
	fake.TLS = &tls.Config{ClientAuth: tls.RequireAnyClientCert}
	fake.StartTLS()
	t.Cleanup(fake.Close)

	c := srv.Client(wechatpay.WithBaseURL(fake.URL), wechatpay.WithHTTPClient(fake.Client()))
	_, err := redpack.New(c).QueryWorkWx(t.Context(), &redpack.QueryWorkWxRequest{MchBillNo: seedBillNo, MchID: "10000098"})
	var apiErr *wechatpay.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, "stop", apiErr.Message)

	s := <-got
	require.NoError(t, s.readErr)
	require.Equal(t, "/mmpaymkttransfers/queryworkwxredpack", s.path)
	require.Equal(t, 1, s.certs, "the merchant certificate is presented")
	params, err := v2xml.Decode(s.body)
	require.NoError(t, err)
	sign := params["sign"]
	require.Len(t, sign, 32, "MD5")
	require.True(t, wxcrypto.VerifyV2(params, wechatpaytest.TestAPIv2Key, wxcrypto.SignTypeMD5, sign))
	delete(params, "sign")
	require.NotEmpty(t, params["nonce_str"])
	delete(params, "nonce_str")
	require.Equal(t, map[string]string{
		"mch_billno": seedBillNo,
		"mch_id":     "10000098",
		"appid":      wechatpaytest.TestAppID,
	}, params, "no sign_type, nothing else")
}
