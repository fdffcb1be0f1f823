package redpack_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/redpack"
)

// TestValidateNilRequest: Validate of a nil request, called by the caller
// directly, is the "request" field error of wechatpay.ValidateRequest,
// never a panic.
func TestValidateNilRequest(t *testing.T) {
	for name, validate := range map[string]func() error{
		"Send":        (*redpack.SendRequest)(nil).Validate,
		"SendWorkWx":  (*redpack.SendWorkWxRequest)(nil).Validate,
		"Query":       (*redpack.QueryRequest)(nil).Validate,
		"QueryWorkWx": (*redpack.QueryWorkWxRequest)(nil).Validate,
	} {
		var fe *wechatpay.FieldError
		require.ErrorAs(t, validate(), &fe, name)
		require.Equal(t, "request", fe.Field, name)
		require.True(t, fe.Missing, name)
	}
}
