// Package sdktest holds what the tests of the domain packages share: an
// emulator closed when the test ends, a retry policy that backs off in
// milliseconds, and the checks every typed call passes (WeChat Pay errors,
// retried faults, answers that do not verify, validation before any I/O).
//
// Only tests import it. Unlike the rest of internal/, it imports the root
// package and the emulator, which is what it tests with.
package sdktest

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// FastRetry keeps the core's retries but makes their back-off short.
var FastRetry = wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond})

// NewServer starts an emulator with opts that the test's end closes.
func NewServer(t testing.TB, opts ...wechatpaytest.Option) *wechatpaytest.Server {
	t.Helper()
	srv := wechatpaytest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// NewClient returns srv's client with opts, closed when the test ends.
func NewClient(t testing.TB, srv *wechatpaytest.Server, opts ...wechatpay.Option) *wechatpay.Client {
	t.Helper()
	c := srv.Client(opts...)
	t.Cleanup(c.Close)
	return c
}

// ErrorServer makes the emulator answer every request with status and a
// WeChat Pay error code until the test ends. It returns a client and the
// number of requests made since.
func ErrorServer(t testing.TB, srv *wechatpaytest.Server, status int, code string) (*wechatpay.Client, func() int64) {
	t.Helper()
	srv.InjectFault(wechatpaytest.Fault{Kind: wechatpaytest.FaultAPIError, Status: status, Code: code})
	t.Cleanup(srv.ClearFaults)
	before := srv.Requests()
	return srv.Client(FastRetry), func() int64 { return int64(srv.Requests() - before) }
}

// RequireAPIError requires err to be a *wechatpay.APIError of status and
// code that carries a Request-ID, and returns it.
func RequireAPIError(t testing.TB, err error, status int, code string) *wechatpay.APIError {
	t.Helper()
	var apiErr *wechatpay.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, status, apiErr.StatusCode)
	require.Equal(t, code, apiErr.Code)
	require.NotEmpty(t, apiErr.RequestID)
	return apiErr
}

// RequireRetries requires call, a read of api, to succeed after one 429
// and after two 500s (in 2 and 3 attempts, which it returns with its
// error), and to fail with FREQUENCY_LIMITED and SYSTEM_ERROR after three
// of each, the retry budget, having reached the emulator three times.
func RequireRetries(t *testing.T, srv *wechatpaytest.Server, api wechatpaytest.API, call func(t *testing.T, c *wechatpay.Client) (attempts int, err error)) {
	t.Helper()
	for _, f := range []struct {
		kind   wechatpaytest.FaultKind
		status int
		code   string
	}{
		{wechatpaytest.FaultRateLimited, http.StatusTooManyRequests, "FREQUENCY_LIMITED"},
		{wechatpaytest.FaultSystemError, http.StatusInternalServerError, "SYSTEM_ERROR"},
	} {
		t.Run(f.code+" retried then succeeds", func(t *testing.T) {
			count := 1
			if f.kind == wechatpaytest.FaultSystemError {
				count = 2
			}
			srv.InjectFault(wechatpaytest.Fault{API: api, Kind: f.kind, Count: count})
			t.Cleanup(srv.ClearFaults)
			attempts, err := call(t, srv.Client(FastRetry))
			require.NoError(t, err)
			require.Equal(t, count+1, attempts)
		})
		t.Run(f.code+" after the retry budget", func(t *testing.T) {
			srv.InjectFault(wechatpaytest.Fault{API: api, Kind: f.kind, Count: 3})
			t.Cleanup(srv.ClearFaults)
			before := srv.Requests()
			_, err := call(t, srv.Client(FastRetry))
			RequireAPIError(t, err, f.status, f.code)
			require.Equal(t, 3, srv.Requests()-before)
		})
	}
}

// AnswerFaults are the faults that spoil a signed answer, each with the
// sentinel error a client reports for it (wrapped with
// wechatpay.ErrInvalidSignature).
var AnswerFaults = []struct {
	Kind     wechatpaytest.FaultKind
	Sentinel error
}{
	{wechatpaytest.FaultTamperedBody, wechatpay.ErrBadSignature},
	{wechatpaytest.FaultProbeSignature, wechatpay.ErrSignatureProbe},
	{wechatpaytest.FaultStaleTimestamp, wechatpay.ErrStaleTimestamp},
}

// RequireAnswerFaults requires call to fail on a tampered answer of api,
// on a signature probe and on a stale answer, with the sentinel errors of
// each, and to reach the emulator once for each (a verification failure
// is not retried).
func RequireAnswerFaults(t *testing.T, srv *wechatpaytest.Server, api wechatpaytest.API, call func(t *testing.T, c *wechatpay.Client) error) {
	t.Helper()
	for _, f := range AnswerFaults {
		t.Run(f.Kind.String(), func(t *testing.T) {
			srv.InjectFault(wechatpaytest.Fault{API: api, Kind: f.Kind, Count: 1})
			t.Cleanup(srv.ClearFaults)
			before := srv.Requests()
			err := call(t, srv.Client(FastRetry))
			require.ErrorIs(t, err, f.Sentinel)
			require.ErrorIs(t, err, wechatpay.ErrInvalidSignature)
			require.Equal(t, 1, srv.Requests()-before, "a verification failure is not retried")
		})
	}
}
