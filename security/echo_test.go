package security_test

import (
	"crypto"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
	"github.com/gowechatpay/wechatpay/internal/sdktest"
	"github.com/gowechatpay/wechatpay/security"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func validEcho() security.EchoRequest {
	return security.EchoRequest{EchoMessage: "hello, echo", EncryptedEchoMessage: "机密 secret", NotifyURL: "https://merchant.example/notify"}
}

func TestEchoRequestValidate(t *testing.T) {
	wechatpaytest.RequireInvalid(t, validEcho(), []wechatpaytest.Invalid[security.EchoRequest]{
		{Name: "no echo", Mutate: func(r *security.EchoRequest) { r.EchoMessage = "" }, Field: "echo_message", Missing: true},
		{Name: "echo too long", Mutate: func(r *security.EchoRequest) { r.EchoMessage = strings.Repeat("a", 65) }, Field: "echo_message"},
		{Name: "echo not ASCII", Mutate: func(r *security.EchoRequest) { r.EchoMessage = "你好" }, Field: "echo_message"},
		{Name: "plaintext too long", Mutate: func(r *security.EchoRequest) { r.EncryptedEchoMessage = strings.Repeat("a", 215) }, Field: "encrypted_echo_message"},
		{Name: "http notify_url", Mutate: func(r *security.EchoRequest) { r.NotifyURL = "http://merchant.example/notify" }, Field: "notify_url"},
		{Name: "notify_url with a query", Mutate: func(r *security.EchoRequest) { r.NotifyURL = "https://merchant.example/notify?a=1" }, Field: "notify_url"},
		{Name: "notify_url not a URL", Mutate: func(r *security.EchoRequest) { r.NotifyURL = "https://%zz" }, Field: "notify_url"},
	})
	r := validEcho()
	r.EchoMessage, r.NotifyURL = "", "notify"
	err := r.Validate()
	require.ErrorContains(t, err, "echo_message")
	require.ErrorContains(t, err, "notify_url", "every problem is reported")
}

func TestEchoRefusedBeforeIO(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := security.New(srv.Client())
	var nilSvc *security.Service
	wechatpaytest.RequireFieldErrors(t, srv, map[string]func() error{
		"request":      sdktest.Call(t, svc.Echo, nil),
		"echo_message": sdktest.Call(t, svc.Echo, &security.EchoRequest{}),
		"client":       sdktest.Call(t, security.New(nil).Echo, &security.EchoRequest{EchoMessage: "x"}),
		"client#nil":   sdktest.Call(t, nilSvc.Echo, &security.EchoRequest{EchoMessage: "x"}),
	})
}

// TestEchoKeyFamilies runs the echo against a merchant of each key mode,
// and against a merchant in migration with a client of each family: the
// answer is signed by the family the request names, and what was
// encrypted comes back decrypted.
func TestEchoKeyFamilies(t *testing.T) {
	for _, tt := range []struct {
		server, client wechatpay.KeyMode
		family         security.KeyFamily
	}{
		{wechatpay.KeyModePublicKey, wechatpay.KeyModePublicKey, security.KeyFamilyPublicKey},
		{wechatpay.KeyModeCertificates, wechatpay.KeyModeCertificates, security.KeyFamilyCertificate},
		{wechatpay.KeyModeBoth, wechatpay.KeyModeBoth, security.KeyFamilyPublicKey},
		{wechatpay.KeyModeBoth, wechatpay.KeyModePublicKey, security.KeyFamilyPublicKey},
		{wechatpay.KeyModeBoth, wechatpay.KeyModeCertificates, security.KeyFamilyCertificate},
	} {
		t.Run(tt.server.String()+"/"+tt.client.String(), func(t *testing.T) {
			srv := wechatpaytest.Start(t, wechatpaytest.WithKeyMode(tt.server))
			svc := security.New(srv.Client(wechatpay.WithKeyMode(tt.client)))
			echo, err := svc.Echo(t.Context(), &security.EchoRequest{EchoMessage: "ping 1", EncryptedEchoMessage: "机密 secret"})
			require.NoError(t, err)
			require.Equal(t, "ping 1", echo.EchoMessage)
			require.Equal(t, "机密 secret", echo.EncryptedEchoMessage)
			require.Equal(t, tt.family, echo.Family)
			want := srv.PublicKeyID()
			if tt.family == security.KeyFamilyCertificate {
				want = srv.PlatformSerial()
			}
			require.Equal(t, want, echo.Serial)
			require.NotEmpty(t, echo.Meta.RequestID)

			echo, err = svc.Echo(t.Context(), &security.EchoRequest{EchoMessage: "ping 2"})
			require.NoError(t, err)
			require.Equal(t, "ping 2", echo.EchoMessage)
			require.Empty(t, echo.EncryptedEchoMessage)
			require.Equal(t, tt.family, echo.Family)
		})
	}
}

// A request that names a key the merchant does not have (a public-key
// client of a certificate merchant) is 400 PARAM_ERROR, with or without
// an encrypted field.
func TestEchoUnknownSerial(t *testing.T) {
	srv := wechatpaytest.Start(t, wechatpaytest.WithKeyMode(wechatpay.KeyModeCertificates))
	pub, err := wxcrypto.LoadPublicKeyFile("../wechatpaytest/testkeys/wechatpay_pubkey_test.pem")
	require.NoError(t, err)
	svc := security.New(srv.Client(wechatpay.WithPublicKey(srv.PublicKeyID(), pub), wechatpay.WithKeyMode(wechatpay.KeyModePublicKey)))
	for _, req := range []*security.EchoRequest{{EchoMessage: "x"}, {EchoMessage: "x", EncryptedEchoMessage: "y"}} {
		_, err := svc.Echo(t.Context(), req)
		apiErr := wechatpaytest.RequireAPIError(t, err, 400, "PARAM_ERROR")
		require.Contains(t, apiErr.Message, wechatpay.HeaderSerial)
	}
}

func TestEchoAnswerFaults(t *testing.T) {
	srv := wechatpaytest.Start(t)
	req := &security.EchoRequest{EchoMessage: "x", EncryptedEchoMessage: "y"}
	wechatpaytest.RequireFaults(t, srv, wechatpaytest.APISecurityEcho, func(t *testing.T, c *wechatpay.Client) (*security.Echo, error) {
		t.Cleanup(c.Close)
		return security.New(c).Echo(t.Context(), req)
	})
}

// opaqueSigner signs with the merchant key but cannot decrypt, as a KMS
// key limited to signing.
type opaqueSigner struct{ crypto.Signer }

// The answer's encrypted field that the merchant cannot decrypt fails the
// call with wechatpay.ErrDecrypt and the Request-ID, and nothing of it.
func TestEchoAnswerNotDecrypted(t *testing.T) {
	srv := wechatpaytest.Start(t)
	key, err := wxcrypto.LoadPrivateKeyFile("../wechatpaytest/testkeys/merchant_test_key.pem")
	require.NoError(t, err)
	c := srv.Client(wechatpay.WithMerchantSigner(srv.MchID(), srv.MerchantSerial(), opaqueSigner{key}))
	_, err = security.New(c).Echo(t.Context(), &security.EchoRequest{EchoMessage: "x", EncryptedEchoMessage: "never shown"})
	require.ErrorIs(t, err, wechatpay.ErrDecrypt)
	require.ErrorContains(t, err, "Request-ID")
	require.NotContains(t, err.Error(), "never shown")
}

func TestEchoLimiter(t *testing.T) {
	srv := wechatpaytest.Start(t)
	l := &sdktest.CountingLimiter{}
	svc := security.New(srv.Client(), security.WithLimiter(l), nil)
	_, err := svc.Echo(t.Context(), &security.EchoRequest{EchoMessage: "x"})
	require.NoError(t, err)
	require.EqualValues(t, 1, l.Waits())
}

// The service formats and logs itself redacted: no verb reaches its
// client's keys.
func TestServiceRedacted(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := security.New(srv.Client())
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(verb, svc)
		require.Contains(t, out, "security.Service", verb)
		require.Contains(t, out, srv.MchID(), verb)
		require.NotContains(t, out, wechatpaytest.TestAPIv3Key, verb)
		require.NotContains(t, out, "PRIVATE KEY", verb)
	}
	var buf strings.Builder
	slog.New(slog.NewTextHandler(&buf, nil)).Info("svc", "svc", svc)
	require.Contains(t, buf.String(), srv.MchID())
	require.NotContains(t, buf.String(), wechatpaytest.TestAPIv3Key)
}
