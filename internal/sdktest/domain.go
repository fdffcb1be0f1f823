package sdktest

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// RequireFaults runs RequireRetries and RequireAnswerFaults on call, one
// call of api through the client it is given, for the domain packages'
// typed methods: the attempts are the answer's Meta.Attempts, check (if
// given) looks at each answer that came back, and a call that fails
// returns no answer.
func RequireFaults[T any](t *testing.T, srv *wechatpaytest.Server, api wechatpaytest.API, call func(t *testing.T, c *wechatpay.Client) (*T, error), check ...func(t *testing.T, got *T)) {
	t.Helper()
	RequireRetries(t, srv, api, func(t *testing.T, c *wechatpay.Client) (int, error) {
		got, err := call(t, c)
		if err != nil {
			require.Nil(t, got, "an answer with an error")
			return 0, err
		}
		for _, f := range check {
			f(t, got)
		}
		return Meta(t, got).Attempts, nil
	})
	RequireAnswerFaults(t, srv, api, func(t *testing.T, c *wechatpay.Client) error {
		got, err := call(t, c)
		require.Nil(t, got, "an answer with an error")
		return err
	})
}

// Meta is the Meta field (a wechatpay.Response) of a typed answer.
func Meta[T any](t testing.TB, answer *T) wechatpay.Response {
	t.Helper()
	f := reflect.ValueOf(answer).Elem().FieldByName("Meta")
	require.True(t, f.IsValid() && f.Type() == reflect.TypeFor[wechatpay.Response](), "%T has no Meta wechatpay.Response", answer)
	return f.Interface().(wechatpay.Response)
}
