package svc_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

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
}
