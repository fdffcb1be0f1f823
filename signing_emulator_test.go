package wechatpay_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// TestSignedTargetIsTheSentTarget sends awkward path and query values to the
// emulator, which checks the signature over the request-target exactly as it
// arrives: any difference between what was signed and what was sent would be
// a 401 SIGN_ERROR, not the 404 of an unknown order (nor the 400 PARAM_ERROR
// of an out_order_no outside [0-9A-Za-z_-], checked after the signature).
func TestSignedTargetIsTheSentTarget(t *testing.T) {
	srv := wechatpaytest.NewServer()
	t.Cleanup(srv.Close)
	c := srv.Client()
	for _, id := range []string{"a b", "a/b", "a%2Fb", "AbC", "中文", "a+b=c&d", "~-._", "a?b#c", "'\"<>"} {
		t.Run(id, func(t *testing.T) {
			_, err := c.DoV3(t.Context(), &wechatpay.Request{
				Method:     http.MethodGet,
				Path:       "/v3/global/profit-sharing/orders/{out_order_no}",
				PathParams: map[string]string{"out_order_no": id},
				Query:      url.Values{"transaction_id": {id + "/+=&"}, "sub_mchid": {"中 %"}},
				Global:     true,
			}, nil)
			var apiErr *wechatpay.APIError
			require.ErrorAs(t, err, &apiErr)
			if apiErr.StatusCode == http.StatusBadRequest {
				require.Equal(t, "PARAM_ERROR", apiErr.Code, apiErr.Error())
				return
			}
			require.Equal(t, http.StatusNotFound, apiErr.StatusCode, apiErr.Error())
		})
	}
	t.Run("POST body with HTML characters and UTF-8", func(t *testing.T) {
		_, err := c.DoV3(t.Context(), &wechatpay.Request{
			Method: http.MethodPost,
			Path:   "/v3/aggracct-bc/wb-channel/control-orders/punish",
			Body:   map[string]any{"out_request_no": "<&>中", "punish_scene": 0},
		}, nil)
		var apiErr *wechatpay.APIError
		require.ErrorAs(t, err, &apiErr)
		require.Equal(t, http.StatusBadRequest, apiErr.StatusCode, "signature accepted, fields refused: %v", apiErr)
		require.NotEqual(t, "SIGN_ERROR", apiErr.Code)
	})
}
