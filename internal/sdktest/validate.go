package sdktest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

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
