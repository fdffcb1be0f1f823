package svc_test

import (
	"errors"
	"net/url"
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

func TestQueryMatchesURLValues(t *testing.T) {
	for _, pairs := range [][]string{
		{"sub_mchid", "1900000109", "transaction_id", "4208450740201411110007820472"},
		{"bal_account_no", "a+b/c==", "mchid", "1900016681"},
		{"a", "", "b", "x y~z", "c", "中文&=?#%"},
		{"a", ""},
		{},
	} {
		v := url.Values{}
		for i := 0; i+1 < len(pairs); i += 2 {
			if pairs[i+1] != "" {
				v.Set(pairs[i], pairs[i+1])
			}
		}
		require.Equal(t, v.Encode(), svc.Query(pairs...), "%q", pairs)
	}
	for c := range 256 {
		s := string([]byte{byte(c)})
		require.Equal(t, "k="+url.QueryEscape(s), svc.Query("k", s), "byte %#x", c)
	}
	allocs := testing.AllocsPerRun(100, func() { _ = svc.Query("sub_mchid", "1900000109", "transaction_id", "4208450740201411110007820472") })
	require.Equal(t, 1.0, allocs)
}
