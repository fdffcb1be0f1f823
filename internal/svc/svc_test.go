package svc_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/svc"
)

func TestCheckID(t *testing.T) {
	require.NoError(t, svc.CheckID("mch_billno", strings.Repeat("1", 28), 28, true))
	require.NoError(t, svc.CheckID("sub_mchid", "", 32, false), "optional and empty")
	require.NoError(t, svc.CheckID("bal_account_no", strings.Repeat("a", 2000), 0, true), "no documented maximum")
	tests := []struct {
		v       string
		missing bool
	}{{"", true}, {strings.Repeat("1", 29), false}, {"12 3", false}, {"账单", false}, {"1\x00", false}}
	for _, tt := range tests {
		err := svc.CheckID("mch_billno", tt.v, 28, true)
		var fe *wechatpay.FieldError
		require.ErrorAs(t, err, &fe)
		require.Equal(t, "mch_billno", fe.Field)
		require.Equal(t, tt.missing, errors.Is(err, wechatpay.ErrMissingField))
		require.True(t, errors.Is(err, wechatpay.ErrInvalidInput))
		if tt.v != "" {
			require.NotContains(t, err.Error(), tt.v, "the value is never echoed")
		}
	}
	for _, dots := range []string{".", ".."} {
		var fe *wechatpay.FieldError
		require.ErrorAs(t, svc.CheckID("out_request_no", dots, 32, true), &fe, "a dot segment %q", dots)
		require.Equal(t, "out_request_no", fe.Field)
	}
	require.NoError(t, svc.CheckID("out_request_no", "...", 32, true), "three dots are no dot segment")
}

// countLimiter counts its waits and fails once ctx has ended.
type countLimiter struct{ n int }

func (l *countLimiter) Wait(ctx context.Context) error {
	l.n++
	return ctx.Err()
}

func TestWaitSkipsNilLimiters(t *testing.T) {
	var typedNil *rate.Limiter // a nil *rate.Limiter panics when waited on
	var nilCounter *countLimiter
	l := &countLimiter{}
	require.NoError(t, svc.Wait(t.Context(), "pkg", nil, typedNil, nilCounter, l, rate.NewLimiter(rate.Inf, 1)))
	require.Equal(t, 1, l.n)
	require.NoError(t, svc.Wait(t.Context(), "pkg"))

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := svc.Wait(ctx, "pkg", l)
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorContains(t, err, "pkg: waiting for the rate limiter")
}
