// Package sdktest holds what the tests of the domain packages share: an
// emulator closed when the test ends, a retry policy that backs off in
// milliseconds, and the checks every typed call passes (WeChat Pay errors,
// retried faults, answers that do not verify, validation before any I/O).
//
// Only tests import it. Unlike the rest of internal/, it imports the root
// package and the emulator, which is what it tests with.
package sdktest

import (
	"context"
	"errors"
	"net/http"
	"strings"
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

// RequireAnswerFaults requires call to fail on a tampered answer of api,
// on a signature probe and on a stale answer, with the sentinel errors of
// each, and to reach the emulator once for each (a verification failure
// is not retried).
func RequireAnswerFaults(t *testing.T, srv *wechatpaytest.Server, api wechatpaytest.API, call func(t *testing.T, c *wechatpay.Client) error) {
	t.Helper()
	for _, f := range []struct {
		kind     wechatpaytest.FaultKind
		sentinel error
	}{
		{wechatpaytest.FaultTamperedBody, wechatpay.ErrBadSignature},
		{wechatpaytest.FaultProbeSignature, wechatpay.ErrSignatureProbe},
		{wechatpaytest.FaultStaleTimestamp, wechatpay.ErrStaleTimestamp},
	} {
		t.Run(f.kind.String(), func(t *testing.T) {
			srv.InjectFault(wechatpaytest.Fault{API: api, Kind: f.kind, Count: 1})
			t.Cleanup(srv.ClearFaults)
			before := srv.Requests()
			err := call(t, srv.Client(FastRetry))
			require.ErrorIs(t, err, f.sentinel)
			require.ErrorIs(t, err, wechatpay.ErrInvalidSignature)
			require.Equal(t, 1, srv.Requests()-before, "a verification failure is not retried")
		})
	}
}

// RequireFieldErrors requires each call to fail with a
// *wechatpay.FieldError naming its field (the key up to a "#", which tells
// two cases of one field apart), before any request reached the emulator.
func RequireFieldErrors(t testing.TB, srv *wechatpaytest.Server, cases map[string]func() error) {
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

// Call returns a call of do, a typed method, with r, for
// RequireFieldErrors.
func Call[R, T any](t *testing.T, do func(context.Context, *R) (T, error), r *R) func() error {
	return func() error {
		_, err := do(t.Context(), r)
		return err
	}
}

// Mutated returns, for a change of a request, a call of do with a request
// from valid so changed, for RequireFieldErrors.
func Mutated[R, T any](t *testing.T, do func(context.Context, *R) (T, error), valid func() *R) func(change func(r *R)) func() error {
	return func(change func(r *R)) func() error {
		return func() error {
			r := valid()
			change(r)
			_, err := do(t.Context(), r)
			return err
		}
	}
}

// RequireRefused requires do, a typed method, to refuse each request
// with a *wechatpay.FieldError naming its key's field, as RequireFieldErrors
// does.
func RequireRefused[R, T any](t *testing.T, srv *wechatpaytest.Server, do func(context.Context, *R) (T, error), cases map[string]*R) {
	t.Helper()
	calls := make(map[string]func() error, len(cases))
	for field, r := range cases {
		calls[field] = Call(t, do, r)
	}
	RequireFieldErrors(t, srv, calls)
}

// Invalid is a case of RequireInvalid: a change that makes a valid request
// invalid, and the field (its wire name) that the error names.
type Invalid[R any] struct {
	Name    string
	Mutate  func(r *R)
	Field   string
	Missing bool // the error is also wechatpay.ErrMissingField
}

// RequireInvalid requires ok to validate, each case's change of it to fail
// with a *wechatpay.FieldError naming the case's field (and matching
// wechatpay.ErrMissingField exactly when the case says so), and a nil
// request to be refused as "request".
func RequireInvalid[R any, P interface {
	*R
	Validate() error
}](t *testing.T, ok R, cases []Invalid[R]) {
	t.Helper()
	require.NoError(t, P(&ok).Validate())
	for _, tt := range cases {
		t.Run(tt.Name, func(t *testing.T) {
			r := ok
			tt.Mutate(&r)
			err := P(&r).Validate()
			var fe *wechatpay.FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, tt.Field, fe.Field)
			require.ErrorIs(t, err, wechatpay.ErrInvalidInput)
			require.Equal(t, tt.Missing, errors.Is(err, wechatpay.ErrMissingField))
		})
	}
	var fe *wechatpay.FieldError
	require.ErrorAs(t, P(nil).Validate(), &fe)
	require.Equal(t, "request", fe.Field)
}

// RequireKnown requires each of known to be a value its enum type knows,
// and each of unknown not.
func RequireKnown[E interface{ Known() bool }](t testing.TB, known []E, unknown ...E) {
	t.Helper()
	for _, v := range known {
		require.True(t, v.Known(), v)
	}
	for _, v := range unknown {
		require.False(t, v.Known(), v)
	}
}
