package aggracct_test

import (
	"crypto/rand"
	"crypto/rsa"
	"strings"
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

// requireAnswerFaults requires call to fail on a tampered and on a stale
// answer of api, with the sentinel errors of each, and to reach the
// emulator once for each (a verification failure is not retried).
func requireAnswerFaults(t *testing.T, srv *wechatpaytest.Server, api wechatpaytest.API, call func(c *wechatpay.Client) error) {
	t.Helper()
	for _, f := range []struct {
		kind     wechatpaytest.FaultKind
		sentinel error
	}{
		{wechatpaytest.FaultTamperedBody, wechatpay.ErrBadSignature},
		{wechatpaytest.FaultStaleTimestamp, wechatpay.ErrStaleTimestamp},
	} {
		t.Run(f.kind.String(), func(t *testing.T) {
			srv.InjectFault(wechatpaytest.Fault{API: api, Kind: f.kind, Count: 1})
			t.Cleanup(srv.ClearFaults)
			before := srv.Requests()
			err := call(srv.Client(fastRetry))
			require.ErrorIs(t, err, f.sentinel)
			require.ErrorIs(t, err, wechatpay.ErrInvalidSignature)
			require.Equal(t, 1, srv.Requests()-before)
		})
	}
}

// requireFieldErrors requires each call to fail with a *wechatpay.FieldError
// naming its field, before any request reached the emulator.
func requireFieldErrors(t *testing.T, srv *wechatpaytest.Server, cases map[string]func() error) {
	t.Helper()
	before := srv.Requests()
	for field, call := range cases {
		name, _, _ := strings.Cut(field, "#")
		err := call()
		var fe *wechatpay.FieldError
		require.ErrorAs(t, err, &fe, field)
		require.Equal(t, name, fe.Field, field)
		require.ErrorIs(t, err, wechatpay.ErrInvalidInput, field)
	}
	require.Equal(t, before, srv.Requests(), "validation happens before any I/O")
}
