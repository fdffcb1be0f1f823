package security_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/security"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// merchant is an emulator whose callbacks go to a notify_url served by
// the merchant client's NotificationHandler, which hands each echo
// callback it accepts to got.
type merchant struct {
	srv       *wechatpaytest.Server
	svc       *security.Service
	notifyURL string
	got       chan *security.EchoNotification
}

func newMerchant(t *testing.T, opts ...wechatpaytest.Option) *merchant {
	t.Helper()
	mux := http.NewServeMux()
	hs := httptest.NewTLSServer(mux)
	t.Cleanup(hs.Close)
	m := &merchant{srv: wechatpaytest.Start(t, append(opts, wechatpaytest.WithNotificationClient(hs.Client()))...),
		notifyURL: hs.URL + "/notify", got: make(chan *security.EchoNotification, 8)}
	c := m.srv.Client()
	m.svc = security.New(c)
	h, err := c.NotificationHandler(func(_ context.Context, n *wechatpay.Notification) error {
		e, err := m.svc.DecodeEchoNotification(n)
		if err == nil {
			m.got <- e
		}
		return err
	})
	require.NoError(t, err)
	mux.Handle("POST /notify", h)
	return m
}

func (m *merchant) echo(t *testing.T) {
	t.Helper()
	_, err := m.svc.Echo(t.Context(), &security.EchoRequest{EchoMessage: "callback please", EncryptedEchoMessage: "机密", NotifyURL: m.notifyURL})
	require.NoError(t, err)
}

func TestEchoCallback(t *testing.T) {
	for _, mode := range []wechatpay.KeyMode{wechatpay.KeyModePublicKey, wechatpay.KeyModeCertificates, wechatpay.KeyModeBoth} {
		t.Run(mode.String(), func(t *testing.T) {
			m := newMerchant(t, wechatpaytest.WithKeyMode(mode))
			m.echo(t)
			e := <-m.got
			require.Equal(t, "callback please", e.EchoMessage)
			require.Equal(t, "机密", e.EncryptedEchoMessage)
		})
	}
}

// A first delivery signed with a signature probe is refused by the
// merchant, and the callback is redelivered, correctly signed.
func TestEchoCallbackProbeRedelivered(t *testing.T) {
	m := newMerchant(t)
	deliveries := make(chan wechatpaytest.Delivery, 8)
	m.srv.SetEchoCallbacks(wechatpaytest.EchoCallbacks{Options: []wechatpaytest.NotifyOption{
		wechatpaytest.WithSignatureProbe(),
		wechatpaytest.WithRedeliveryWait(func(context.Context, time.Duration) error { return nil }),
		wechatpaytest.WithDeliveryObserver(func(d wechatpaytest.Delivery) { deliveries <- d }),
	}})
	m.echo(t)
	require.Equal(t, "callback please", (<-m.got).EchoMessage)
	first, second := <-deliveries, <-deliveries
	require.False(t, first.OK())
	require.Equal(t, http.StatusUnauthorized, first.StatusCode)
	require.Equal(t, 2, second.Attempt)
	require.True(t, second.OK())
}

// A delayed callback waits Delay with the redelivery wait function; a
// dropped one never comes (Close waits for callbacks in flight).
func TestEchoCallbackDelayedAndDropped(t *testing.T) {
	m := newMerchant(t)
	waits := make(chan time.Duration, 1)
	m.srv.SetEchoCallbacks(wechatpaytest.EchoCallbacks{Delay: time.Hour, Options: []wechatpaytest.NotifyOption{
		wechatpaytest.WithRedeliveryWait(func(_ context.Context, d time.Duration) error { waits <- d; return nil }),
	}})
	m.echo(t)
	require.Equal(t, "callback please", (<-m.got).EchoMessage)
	require.Equal(t, time.Hour, <-waits)

	m.srv.SetEchoCallbacks(wechatpaytest.EchoCallbacks{Drop: true})
	m.echo(t)
	m.srv.Close()
	require.Empty(t, m.got)
}

// The emulator refuses what the SDK would not send: a notify_url that is
// not https or has a query, and a missing echo_message.
func TestEchoEmulatorRefuses(t *testing.T) {
	srv := wechatpaytest.Start(t)
	c := srv.Client()
	for field, body := range map[string]map[string]string{
		"/notify_url":             {"echo_message": "x", "notify_url": "http://merchant.example/notify"},
		"/notify_url#q":           {"echo_message": "x", "notify_url": "https://merchant.example/notify?a=b"},
		"/echo_message":           {"notify_url": "https://merchant.example/notify"},
		"/encrypted_echo_message": {"echo_message": "x", "encrypted_echo_message": "bm90IGEgY2lwaGVydGV4dA=="},
	} {
		_, err := c.DoV3(t.Context(), &wechatpay.Request{Method: http.MethodPost, Path: "/v3/security/echo", Body: body}, nil)
		apiErr := wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "PARAM_ERROR")
		name, _, _ := strings.Cut(field, "#")
		require.Contains(t, apiErr.Message, name)
	}
}

// A field encrypted with one family's key under the other family's serial
// does not decrypt: 400 PARAM_ERROR, the doctor's "encrypt out" failure.
func TestEchoEmulatorMixedFamilies(t *testing.T) {
	srv := wechatpaytest.Start(t, wechatpaytest.WithKeyMode(wechatpay.KeyModeBoth))
	c := srv.Client() // encrypts with the public key
	ct, serial, err := c.EncryptSensitive("secret")
	require.NoError(t, err)
	require.Equal(t, srv.PublicKeyID(), serial)
	_, err = c.DoV3(t.Context(), &wechatpay.Request{Method: http.MethodPost, Path: "/v3/security/echo",
		Header: http.Header{wechatpay.HeaderSerial: {srv.PlatformSerial()}},
		Body:   map[string]string{"echo_message": "x", "encrypted_echo_message": ct}}, nil)
	apiErr := wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "PARAM_ERROR")
	require.Contains(t, apiErr.Message, "encrypted_echo_message")
}

func TestDecodeEchoNotification(t *testing.T) {
	srv := wechatpaytest.Start(t)
	c := srv.Client()
	svc := security.New(c)
	parse := func(event string, resource any) *wechatpay.Notification {
		h, body, err := srv.SignNotification(event, resource)
		require.NoError(t, err)
		n, err := c.ParseNotification(h, body)
		require.NoError(t, err)
		return n
	}
	e, err := svc.DecodeEchoNotification(parse(security.EventEchoSuccess, map[string]string{"echo_message": "a", "encrypted_echo_message": "in clear"}))
	require.NoError(t, err)
	require.Equal(t, &security.EchoNotification{EchoMessage: "a", EncryptedEchoMessage: "in clear"}, e)

	_, err = svc.DecodeEchoNotification(parse("TRANSACTION.SUCCESS", map[string]string{"echo_message": "a"}))
	require.ErrorIs(t, err, wechatpay.ErrMalformedNotification)
	_, err = svc.DecodeEchoNotification(nil)
	require.ErrorIs(t, err, wechatpay.ErrMalformedNotification)
	_, err = svc.DecodeEchoNotification(parse(security.EventEchoSuccess, []byte(`["not an object"]`)))
	require.ErrorIs(t, err, wechatpay.ErrMalformedNotification)

	junk := make([]byte, 256)
	_, _ = rand.Read(junk)
	_, err = svc.DecodeEchoNotification(parse(security.EventEchoSuccess, map[string]string{"echo_message": "a", "encrypt_echo_message": base64.StdEncoding.EncodeToString(junk)}))
	require.ErrorIs(t, err, wechatpay.ErrDecrypt)

	_, err = security.New(nil).DecodeEchoNotification(parse(security.EventEchoSuccess, map[string]string{"echo_message": "a"}))
	var fe *wechatpay.FieldError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "client", fe.Field)
}
