package wechatpay_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
)

// TestAPIErrorText: a v3 failure names its HTTP status; a v2 failure, which
// comes with HTTP 200, names the v2 code that failed instead.
func TestAPIErrorText(t *testing.T) {
	for _, tt := range []struct {
		err  *wechatpay.APIError
		want string
	}{
		{&wechatpay.APIError{StatusCode: 404, Code: "RESOURCE_NOT_EXISTS", Message: "记录不存在", RequestID: "R1"},
			"wechatpay: HTTP 404 RESOURCE_NOT_EXISTS: 记录不存在 (Request-ID R1)"},
		{&wechatpay.APIError{StatusCode: 200, Code: "NOT_FOUND", Message: "指定单号数据不存在", ErrCode: "NOT_FOUND", ErrCodeDes: "指定单号数据不存在", ReturnCode: "SUCCESS", ResultCode: "FAIL"},
			"wechatpay: v2 result_code FAIL: NOT_FOUND: 指定单号数据不存在"},
		{&wechatpay.APIError{StatusCode: 200, Code: "FAIL", Message: "签名错误", ReturnCode: "FAIL"},
			"wechatpay: v2 return_code FAIL: 签名错误"},
	} {
		require.Equal(t, tt.want, tt.err.Error())
	}
}
