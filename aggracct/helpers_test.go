package aggracct_test

import (
	"crypto/rand"
	"crypto/rsa"
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

// errorServer makes the emulator answer every request with status and a
// WeChat Pay error code until the test ends. It returns a client and the
// number of requests made since.
func errorServer(t *testing.T, srv *wechatpaytest.Server, status int, code string) (*wechatpay.Client, func() int64) {
	t.Helper()
	srv.InjectFault(wechatpaytest.Fault{Kind: wechatpaytest.FaultAPIError, Status: status, Code: code})
	t.Cleanup(srv.ClearFaults)
	before := srv.Requests()
	return srv.Client(fastRetry), func() int64 { return int64(srv.Requests() - before) }
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
