package wechatpaytest

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/gowechatpay/wechatpay"
)

// This file holds the checks that every typed call of the SDK passes
// against the emulator, for the tests of the SDK and for a merchant's test
// of an endpoint declared with wechatpay.Operation (and taught to the
// emulator with HandleV3): WeChat Pay's errors, faults retried within the
// budget, answers that do not verify, and validation before any I/O. Each
// fails its test at once (t.Fatalf) when the check does not hold.

// RequireAPIError requires err to match a *wechatpay.APIError of status and
// code that carries a Request-ID, and returns it.
func RequireAPIError(t testing.TB, err error, status int, code string) *wechatpay.APIError {
	t.Helper()
	var apiErr *wechatpay.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("want a *wechatpay.APIError %d %s, got %v", status, code, err)
	}
	if apiErr.StatusCode != status || apiErr.Code != code {
		t.Fatalf("want the APIError %d %s, got %d %s (%v)", status, code, apiErr.StatusCode, apiErr.Code, err)
	}
	if apiErr.RequestID == "" {
		t.Fatalf("the APIError carries no Request-ID: %v", err)
	}
	return apiErr
}

// RequireRetries requires call, a read of api, to succeed after one 429
// and after two 500s (in 2 and 3 attempts, which it returns with its
// error), and to fail with FREQUENCY_LIMITED and SYSTEM_ERROR after three
// of each, the retry budget, having reached the emulator three times. Each
// case is a subtest with a client of srv with FastRetry.
func RequireRetries(t *testing.T, srv *Server, api API, call func(t *testing.T, c *wechatpay.Client) (attempts int, err error)) {
	t.Helper()
	for _, f := range []struct {
		kind   FaultKind
		status int
		code   string
		count  int // the faults a call outlives
	}{
		{FaultRateLimited, http.StatusTooManyRequests, "FREQUENCY_LIMITED", 1},
		{FaultSystemError, http.StatusInternalServerError, "SYSTEM_ERROR", 2},
	} {
		t.Run(f.code+" retried then succeeds", func(t *testing.T) {
			injectFault(t, srv, Fault{API: api, Kind: f.kind, Count: f.count})
			attempts, err := call(t, srv.Client(FastRetry()))
			if err != nil || attempts != f.count+1 {
				t.Fatalf("want success in %d attempts, got %d attempts and %v", f.count+1, attempts, err)
			}
		})
		t.Run(f.code+" after the retry budget", func(t *testing.T) {
			injectFault(t, srv, Fault{API: api, Kind: f.kind, Count: 3})
			before := srv.Requests()
			_, err := call(t, srv.Client(FastRetry()))
			RequireAPIError(t, err, f.status, f.code)
			if n := srv.Requests() - before; n != 3 {
				t.Fatalf("want 3 requests, the retry budget, got %d", n)
			}
		})
	}
}

// AnswerFaults are the faults that spoil a signed answer, each with the
// sentinel error the SDK's client reports for it (wrapped with
// wechatpay.ErrInvalidSignature): the cases of RequireAnswerFaults.
var AnswerFaults = []struct {
	Kind     FaultKind
	Sentinel error
}{
	{FaultTamperedBody, wechatpay.ErrBadSignature},
	{FaultProbeSignature, wechatpay.ErrSignatureProbe},
	{FaultStaleTimestamp, wechatpay.ErrStaleTimestamp},
}

// RequireAnswerFaults requires call to fail on a tampered answer of api,
// on a signature probe and on a stale answer, with the sentinel errors of
// each (and wechatpay.ErrInvalidSignature), having reached the emulator
// once for each: a verification failure is not retried. Each case is a
// subtest with a client of srv with FastRetry.
func RequireAnswerFaults(t *testing.T, srv *Server, api API, call func(t *testing.T, c *wechatpay.Client) error) {
	t.Helper()
	for _, f := range AnswerFaults {
		t.Run(f.Kind.String(), func(t *testing.T) {
			injectFault(t, srv, Fault{API: api, Kind: f.Kind, Count: 1})
			before := srv.Requests()
			err := call(t, srv.Client(FastRetry()))
			if !errors.Is(err, f.Sentinel) || !errors.Is(err, wechatpay.ErrInvalidSignature) {
				t.Fatalf("want %v (an ErrInvalidSignature), got %v", f.Sentinel, err)
			}
			if n := srv.Requests() - before; n != 1 {
				t.Fatalf("a verification failure is not retried: want 1 request, got %d", n)
			}
		})
	}
}

// RequireFaults runs RequireRetries and RequireAnswerFaults on call, one
// typed call of api through the client it is given (a method of a domain
// service, or an Operation's Do): the attempts are read from the answer's
// Meta field (a wechatpay.Response), check, if given, looks at each answer
// that came back, and a call that fails must return a nil answer.
func RequireFaults[T any](t *testing.T, srv *Server, api API, call func(t *testing.T, c *wechatpay.Client) (*T, error), check ...func(t *testing.T, got *T)) {
	t.Helper()
	meta, ok := reflect.TypeFor[T]().FieldByName("Meta")
	if !ok || meta.Type != reflect.TypeFor[wechatpay.Response]() {
		t.Fatalf("%v has no field Meta wechatpay.Response", reflect.TypeFor[T]())
	}
	answer := func(t *testing.T, c *wechatpay.Client) (*T, error) {
		got, err := call(t, c)
		if err != nil && got != nil {
			t.Fatalf("an answer with the error %v", err)
		}
		return got, err
	}
	RequireRetries(t, srv, api, func(t *testing.T, c *wechatpay.Client) (int, error) {
		got, err := answer(t, c)
		if err != nil {
			return 0, err
		}
		for _, f := range check {
			f(t, got)
		}
		return reflect.ValueOf(got).Elem().FieldByIndex(meta.Index).Interface().(wechatpay.Response).Attempts, nil
	})
	RequireAnswerFaults(t, srv, api, func(t *testing.T, c *wechatpay.Client) error {
		_, err := answer(t, c)
		return err
	})
}

// injectFault injects f into srv until t ends.
func injectFault(t testing.TB, srv *Server, f Fault) {
	srv.InjectFault(f)
	t.Cleanup(srv.ClearFaults)
}

// RequireFieldErrors requires each call to fail with a
// *wechatpay.FieldError naming its field (the key up to a "#", which tells
// two cases of one field apart), before any request reached srv.
func RequireFieldErrors(t testing.TB, srv *Server, cases map[string]func() error) {
	t.Helper()
	before := srv.Requests()
	for key, call := range cases {
		field, _, _ := strings.Cut(key, "#")
		requireFieldError(t, call(), field, key)
	}
	if n := srv.Requests() - before; n != 0 {
		t.Fatalf("validation happens before any I/O: %d requests reached the emulator", n)
	}
}

// RequireRefused requires do, a typed method, to refuse each request
// with a *wechatpay.FieldError naming its key's field, as RequireFieldErrors
// does.
func RequireRefused[R, T any](t *testing.T, srv *Server, do func(context.Context, *R) (T, error), cases map[string]*R) {
	t.Helper()
	calls := make(map[string]func() error, len(cases))
	for key, r := range cases {
		calls[key] = func() error {
			_, err := do(t.Context(), r)
			return err
		}
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
	if err := P(&ok).Validate(); err != nil {
		t.Fatalf("the valid request does not validate: %v", err)
	}
	for _, tt := range cases {
		t.Run(tt.Name, func(t *testing.T) {
			r := ok
			tt.Mutate(&r)
			err := P(&r).Validate()
			requireFieldError(t, err, tt.Field, tt.Name)
			if errors.Is(err, wechatpay.ErrMissingField) != tt.Missing {
				t.Fatalf("%s: want errors.Is(err, ErrMissingField) %t, got %v", tt.Name, tt.Missing, err)
			}
		})
	}
	requireFieldError(t, P(nil).Validate(), "request", "nil request")
}

// requireFieldError requires err to match a *wechatpay.FieldError naming
// field, and wechatpay.ErrInvalidInput; name says which case failed.
func requireFieldError(t testing.TB, err error, field, name string) {
	t.Helper()
	var fe *wechatpay.FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("%s: want a *wechatpay.FieldError, got %v", name, err)
	}
	if fe.Field != field {
		t.Fatalf("%s: want the field %q, got %q (%v)", name, field, fe.Field, err)
	}
	if !errors.Is(err, wechatpay.ErrInvalidInput) {
		t.Fatalf("%s: want an ErrInvalidInput, got %v", name, err)
	}
}
