package sdktest

import (
	"context"
	"testing"
)

// Call returns a call of do, a typed method, with r, for
// wechatpaytest.RequireFieldErrors.
func Call[R, T any](t *testing.T, do func(context.Context, *R) (T, error), r *R) func() error {
	return func() error {
		_, err := do(t.Context(), r)
		return err
	}
}

// Mutated returns, for a change of a request, a call of do with a request
// from valid so changed, for wechatpaytest.RequireFieldErrors.
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
