package wechatpay_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
)

// TestCertificateFailureIsNotRetriedOnTheSameHost: a server certificate
// that does not verify will not verify on the next attempt to the same
// host; only the move from api to api2 is worth one more (issue 19 item
// 15).
func TestCertificateFailureIsNotRetriedOnTheSameHost(t *testing.T) {
	policy := wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond})
	both := []string{"api.mch.weixin.qq.com", "api2.mch.weixin.qq.com"}
	for _, tt := range []struct {
		name  string
		req   *wechatpay.Request
		hosts []string
	}{
		{"api, then api2", &wechatpay.Request{Path: "/v3/x"}, both},
		{"a POST too: nothing was sent", &wechatpay.Request{Method: http.MethodPost, Path: "/v3/x", Body: []byte(`{}`)}, both},
		{"apihk has no backup", &wechatpay.Request{Path: "/v3/global/x", Global: true}, []string{"apihk.mch.weixin.qq.com"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var hosts []string
			rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
				hosts = append(hosts, r.URL.Host)
				return nil, &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}
			})
			resp, err := vectorClient(t, time.Now().Unix(), rt, policy).DoV3(context.Background(), tt.req, nil)
			var te *wechatpay.TransportError
			require.ErrorAs(t, err, &te)
			var ce *tls.CertificateVerificationError
			require.ErrorAs(t, err, &ce)
			require.Equal(t, tt.hosts, hosts)
			require.Equal(t, len(tt.hosts), resp.Attempts)
		})
	}

	t.Run("an untrusted loopback server over real TLS", func(t *testing.T) {
		var hellos atomic.Int32
		srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
			t.Error("no request may arrive")
		}))
		srv.TLS = &tls.Config{GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
			hellos.Add(1)
			return nil, nil
		}}
		srv.Config.ErrorLog = log.New(io.Discard, "", 0)
		srv.StartTLS()
		defer srv.Close()
		// The SDK's own transport trusts the system's roots, not the
		// test server's certificate.
		c := vectorClient(t, time.Now().Unix(), nil, wechatpay.WithBaseURL(srv.URL), policy)
		defer c.Close()
		resp, err := c.DoV3(context.Background(), &wechatpay.Request{Path: "/v3/x"}, nil)
		var ce *tls.CertificateVerificationError
		require.ErrorAs(t, err, &ce)
		require.Equal(t, 1, resp.Attempts)
		require.EqualValues(t, 1, hellos.Load())
	})
}
