package wechatpaytest_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// TestClientWithAnswers: in every key mode the client verifies the answers
// it is given, and the server never sees a request.
func TestClientWithAnswers(t *testing.T) {
	for _, mode := range []wechatpay.KeyMode{wechatpay.KeyModePublicKey, wechatpay.KeyModeCertificates, wechatpay.KeyModeBoth} {
		t.Run(mode.String(), func(t *testing.T) {
			srv := wechatpaytest.Start(t, wechatpaytest.WithKeyMode(mode))
			c := srv.ClientWithAnswers(func(r *http.Request) []byte { return []byte(`{"path":"` + r.URL.Path + `"}`) })
			var out map[string]string
			_, err := c.DoV3(t.Context(), &wechatpay.Request{Method: http.MethodGet, Path: "/v3/not/emulated"}, &out)
			require.NoError(t, err)
			require.Equal(t, "/v3/not/emulated", out["path"])
			require.Zero(t, srv.Requests(), "the server is never reached")
		})
	}
}
