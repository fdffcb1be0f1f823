package aggracct_test

import (
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// otherKey is a WeChat Pay public key the emulator does not hold the
// private key of: fields encrypted with it do not decrypt.
func otherKey(t *testing.T) *rsa.PublicKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	return &k.PublicKey
}

// requireAuthRefusals runs two subtests over calls: from a client whose
// clock is off by skew each is 401 SIGN_ERROR, and with every request
// refused 403 NO_AUTH; either way each call reaches the emulator once (no
// retry).
func requireAuthRefusals(t *testing.T, srv *wechatpaytest.Server, skew time.Duration, calls ...func(t *testing.T, c *wechatpay.Client) error) {
	t.Helper()
	t.Run("401 SIGN_ERROR", func(t *testing.T) {
		c := srv.Client(wechatpaytest.FastRetry(), wechatpay.WithClock(func() time.Time { return time.Now().Add(skew) }))
		before := srv.Requests()
		for _, call := range calls {
			wechatpaytest.RequireAPIError(t, call(t, c), http.StatusUnauthorized, "SIGN_ERROR")
		}
		require.Equal(t, len(calls), srv.Requests()-before, "401 is not retried")
	})
	t.Run("403 NO_AUTH", func(t *testing.T) {
		c, hits := wechatpaytest.FailAll(t, srv, http.StatusForbidden, "NO_AUTH")
		for _, call := range calls {
			wechatpaytest.RequireAPIError(t, call(t, c), http.StatusForbidden, "NO_AUTH")
		}
		require.Equal(t, len(calls), hits(), "403 is not retried")
	})
}

// errorOf drops the answer of a call, for requireAuthRefusals.
func errorOf[T any](call func(t *testing.T, c *wechatpay.Client) (T, error)) func(t *testing.T, c *wechatpay.Client) error {
	return func(t *testing.T, c *wechatpay.Client) error {
		_, err := call(t, c)
		return err
	}
}
