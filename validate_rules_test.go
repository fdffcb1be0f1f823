package wechatpay_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
)

// callbackRequest has the two rules a notify request needs: an https URL
// and a printable-ASCII message.
type callbackRequest struct {
	NotifyURL string `json:"notify_url,omitempty" wx:"max=256,https"`
	Message   string `json:"message,omitempty" wx:"ascii,max=8"`
}

func TestValidateRequestHTTPSAndASCII(t *testing.T) {
	for _, ok := range []callbackRequest{
		{},
		{NotifyURL: "https://merchant.example/notify", Message: "a b~!"},
		{NotifyURL: "https://merchant.example:8443/a/b"},
	} {
		require.NoError(t, wechatpay.ValidateRequest(&ok), ok)
	}
	for _, tt := range []struct {
		req  callbackRequest
		want string
	}{
		{callbackRequest{NotifyURL: "http://merchant.example/notify"}, "NotifyURL (notify_url): must be an https URL without a query string or fragment"},
		{callbackRequest{NotifyURL: "https://merchant.example/notify?a=1"}, "NotifyURL (notify_url): must be an https URL without a query string or fragment"},
		{callbackRequest{NotifyURL: "https://merchant.example/notify?"}, "NotifyURL (notify_url): must be an https URL"},
		{callbackRequest{NotifyURL: "https://merchant.example/notify#f"}, "NotifyURL (notify_url): must be an https URL"},
		{callbackRequest{NotifyURL: "https:///notify"}, "NotifyURL (notify_url): must be an https URL"},
		{callbackRequest{NotifyURL: "https://%zz"}, "NotifyURL (notify_url): must be an https URL"},
		{callbackRequest{Message: "a\tb"}, "Message (message): must be printable ASCII characters only"},
		{callbackRequest{Message: "你"}, "Message (message): must be printable ASCII characters only"},
		{callbackRequest{Message: "你好你"}, "Message (message): is 9 characters, at most 8 allowed"},
	} {
		err := wechatpay.ValidateRequest(&tt.req)
		require.ErrorIs(t, err, wechatpay.ErrInvalidInput, tt.want)
		require.ErrorContains(t, err, tt.want)
	}
}
