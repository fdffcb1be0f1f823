package aggracct_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// fastRetry keeps the core's retries but makes their back-off short.
var fastRetry = wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond})

func newServer(t *testing.T) *wechatpaytest.Server {
	t.Helper()
	srv := wechatpaytest.NewServer()
	t.Cleanup(srv.Close)
	return srv
}

// errorServer answers every request with status and a WeChat Pay error
// body; error answers are not signed, so no key is needed. It returns a
// client for it holding the emulator's credentials.
func errorServer(t *testing.T, srv *wechatpaytest.Server, status int, code string) (*wechatpay.Client, *atomic.Int64) {
	t.Helper()
	hits := new(atomic.Int64)
	fake := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set(wechatpay.HeaderRequestID, "fake-request-id")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]any{"code": code, "message": "fake " + code})
	}))
	t.Cleanup(fake.Close)
	c := srv.Client(wechatpay.WithBaseURL(fake.URL), wechatpay.WithHTTPClient(fake.Client()), fastRetry)
	return c, hits
}

// otherKey is a WeChat Pay public key the emulator does not hold the
// private key of: fields encrypted with it do not decrypt.
func otherKey(t *testing.T) *rsa.PublicKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	return &k.PublicKey
}

func requireAPIError(t *testing.T, err error, status int, code string) *wechatpay.APIError {
	t.Helper()
	var apiErr *wechatpay.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, status, apiErr.StatusCode)
	require.Equal(t, code, apiErr.Code)
	require.NotEmpty(t, apiErr.RequestID)
	return apiErr
}
