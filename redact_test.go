package wechatpay_test

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/aggracct"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
	"github.com/gowechatpay/wechatpay/profitsharing"
	"github.com/gowechatpay/wechatpay/redpack"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// secretForms returns the forms in which secret could appear in formatted
// output: in clear, hex (both cases), base64 (padded and raw), and the
// fmt forms of a byte slice ([84 101 ...] and []byte{0x54, 0x65, ...}). Each
// form is cut to a prefix long enough to be unmistakable.
func secretForms(secret []byte) []string {
	cut := func(s string, n int) string {
		if len(s) > n {
			return s[:n]
		}
		return s
	}
	forms := []string{
		string(secret),
		hex.EncodeToString(secret),
		strings.ToUpper(hex.EncodeToString(secret)),
		base64.StdEncoding.EncodeToString(secret),
		base64.RawStdEncoding.EncodeToString(secret),
		fmt.Sprint(secret),
		fmt.Sprintf("%#v", secret),
	}
	for i, f := range forms {
		forms[i] = cut(f, 40)
	}
	return forms
}

// privateKeyForms adds the forms of an RSA private key: its private
// exponent and primes in decimal and hex, and its DER encodings.
func privateKeyForms(t *testing.T, key *rsa.PrivateKey) []string {
	t.Helper()
	var forms []string
	for _, n := range []interface{ String() string }{key.D, key.Primes[0], key.Primes[1]} {
		forms = append(forms, n.String()[:40])
	}
	forms = append(forms, key.D.Text(16)[:40], key.Primes[0].Text(16)[:40])
	der, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	// Past the common header: the bytes of the key itself.
	forms = append(forms, secretForms(der[40:])...)
	forms = append(forms, secretForms(x509.MarshalPKCS1PrivateKey(key)[40:])...)
	return forms
}

// TestSecretsNeverFormatted formats every type that holds a secret with
// every verb, as a value and as a pointer, and through slog's text and JSON
// handlers, and checks that no form of any secret appears while the
// redacted description still says what is useful.
func TestSecretsNeverFormatted(t *testing.T) {
	srv := wechatpaytest.Start(t)
	c := srv.Client()

	keyPEM, err := os.ReadFile(filepath.Join("wechatpaytest", "testkeys", "merchant_test_key.pem"))
	require.NoError(t, err)
	key, err := wxcrypto.LoadPrivateKey(keyPEM)
	require.NoError(t, err)
	require.True(t, key.PublicKey.Equal(srv.MerchantPublicKey()), "the emulator uses the committed merchant key")

	plaintext := `{"out_trade_no":"SECRET-PLAINTEXT-1217752501201407033233368018","payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}}`
	h, body, err := srv.SignNotification("TRANSACTION.SUCCESS", []byte(plaintext))
	require.NoError(t, err)
	n, err := c.ParseNotification(h, body)
	require.NoError(t, err)
	require.Equal(t, plaintext, string(n.Plaintext))

	dir := t.TempDir()
	credPath, err := srv.WriteCredentials(dir)
	require.NoError(t, err)
	cr, err := wechatpay.LoadCredentials(credPath)
	require.NoError(t, err)
	require.Equal(t, wechatpaytest.TestAPIv3Key, cr.APIv3Key)
	require.Equal(t, wechatpaytest.TestWeComPaymentSecret, cr.WeComPaymentSecret, "the file carries the secret, so the checks below cover it")

	agg := aggracct.New(c)
	ps := profitsharing.New(c)
	rp := redpack.New(c, redpack.WithWorkWxSecret(wechatpaytest.TestWeComPaymentSecret))

	var forbidden []string
	forbidden = append(forbidden, secretForms([]byte(wechatpaytest.TestAPIv3Key))...)
	forbidden = append(forbidden, secretForms([]byte(wechatpaytest.TestAPIv2Key))...)
	forbidden = append(forbidden, secretForms([]byte(wechatpaytest.TestWeComPaymentSecret))...)
	forbidden = append(forbidden, secretForms([]byte(plaintext))...)
	forbidden = append(forbidden, secretForms([]byte("SECRET-PLAINTEXT"))...)
	forbidden = append(forbidden, privateKeyForms(t, key)...)

	values := []struct {
		name   string
		v      any
		useful []string // what the description must still show
	}{
		{"*Client", c, []string{srv.MchID(), srv.MerchantSerial(), srv.PublicKeyID(), srv.URL, "[redacted]"}},
		{"Client", *c, []string{srv.MchID(), srv.URL}},
		{"Credentials", *cr, []string{srv.MchID(), srv.PublicKeyID(), "apiclient_key.pem", "[redacted]"}},
		{"*Credentials", cr, []string{srv.MchID(), srv.URL}},
		{"*Signer", c.Signer(), []string{srv.MchID(), srv.MerchantSerial()}},
		{"Signer", *c.Signer(), []string{srv.MchID()}},
		{"*Notification", n, []string{n.ID, "TRANSACTION.SUCCESS"}},
		{"Notification", *n, []string{n.ID, "TRANSACTION.SUCCESS"}},
		{"*aggracct.Service", agg, []string{srv.MchID(), "aggracct.Service", "[redacted]"}},
		{"aggracct.Service", *agg, []string{srv.MchID(), "aggracct.Service"}},
		{"*profitsharing.Service", ps, []string{srv.MchID(), "profitsharing.Service", "[redacted]"}},
		{"profitsharing.Service", *ps, []string{srv.MchID(), "profitsharing.Service"}},
		{"*redpack.Service", rp, []string{srv.MchID(), "redpack.Service", "WorkWxSecret:[redacted]"}},
		{"redpack.Service", *rp, []string{srv.MchID(), "redpack.Service", "WorkWxSecret:[redacted]"}},
		{"*wechatpaytest.Server", srv, []string{srv.URL}}, // its keys are behind pointers
		{"[]any", []any{c, cr, n, agg, *ps, rp}, []string{srv.MchID()}},
		{"struct", struct {
			C  *wechatpay.Client
			Cr wechatpay.Credentials
			N  wechatpay.Notification
			A  aggracct.Service
			P  *profitsharing.Service
			R  redpack.Service
			s  *redpack.Service // unexported: fmt calls no method of it
		}{c, *cr, *n, *agg, ps, *rp, rp}, []string{srv.MchID()}},
	}
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10.3v", "%-20s", "% x", "%#x", "%T",
		"%p", "%t", "%e", "%c", "%U", "%b", "%o", "%w", "%!"}

	check := func(t *testing.T, label, out string) {
		t.Helper()
		for _, f := range forbidden {
			require.NotContains(t, out, f, "%s leaks a secret: %q", label, out)
		}
	}
	for _, tc := range values {
		t.Run(tc.name, func(t *testing.T) {
			for _, verb := range verbs {
				if (verb == "%p" || verb == "%w") && exportedSecrets(tc.name) {
					// A verb fmt reports as bad (%p of a value, %w outside
					// Errorf; go vet reports both when the type is known)
					// prints the top level without calling Format, so an
					// exported secret field shows: Credentials' keys and a
					// Notification's Plaintext are that by design.
					continue
				}
				check(t, verb, fmt.Sprintf(verb, tc.v))
			}
			check(t, "Sprint", fmt.Sprint(tc.v))
			check(t, "Sprintln", fmt.Sprintln(tc.v))
			desc := fmt.Sprintf("%+v", tc.v)
			for _, u := range tc.useful {
				require.Contains(t, desc, u)
			}
			for _, mk := range []func(*bytes.Buffer) slog.Handler{
				func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
				func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
			} {
				if _, json := mk(nil).(*slog.JSONHandler); json && (tc.name == "[]any" || tc.name == "struct") {
					// slog's JSON handler hands a value that is not itself
					// a slog.LogValuer to encoding/json, which does not
					// look at LogValue of what it contains, and which must
					// write a credentials file whole (Credentials has no
					// redacting MarshalJSON). A Notification marshals
					// without its plaintext: see TestNotificationJSON.
					continue
				}
				var buf bytes.Buffer
				slog.New(mk(&buf)).Info("logged by accident", slog.Any("v", tc.v), "w", tc.v)
				out := buf.String()
				check(t, "slog", out)
				if !strings.HasPrefix(tc.name, "[]") && tc.name != "struct" {
					require.Contains(t, out, tc.useful[0], "slog output: %s", out)
				}
			}
		})
	}

	// Printing the secrets themselves is still possible: the test would see
	// a leak.
	check2 := fmt.Sprintf("%v", []byte(wechatpaytest.TestAPIv3Key))
	require.Contains(t, check2, secretForms([]byte(wechatpaytest.TestAPIv3Key))[5])

	// encoding/json still writes the whole credentials file.
	data, err := os.ReadFile(credPath)
	require.NoError(t, err)
	require.Contains(t, string(data), wechatpaytest.TestAPIv3Key)

	// A nil pointer formats as such, without a panic.
	var nc *wechatpay.Client
	require.NotContains(t, fmt.Sprintf("%v %+v %#v", nc, nc, nc), "PANIC")
	var na *aggracct.Service
	var np *profitsharing.Service
	var nr *redpack.Service
	require.Equal(t, "<nil> <nil> <nil>", fmt.Sprintf("%v %s %q", na, np, nr))
	require.Equal(t, "aggracct.Service{}", fmt.Sprint(aggracct.Service{}), "a service without a client")
}

// exportedSecrets reports whether the value named so in
// TestSecretsNeverFormatted holds a secret in an exported field.
func exportedSecrets(name string) bool {
	return strings.Contains(name, "Credentials") || strings.Contains(name, "Notification") || name == "struct"
}

// TestNotificationJSON: encoding/json, and so slog's JSON handler, writes a
// Notification (value, pointer, or inside a struct) without its plaintext.
func TestNotificationJSON(t *testing.T) {
	n := wechatpay.Notification{ID: "EV-1", EventType: "TRANSACTION.SUCCESS", Plaintext: []byte(`{"secret":"s3cr3t-value"}`)}
	for _, v := range []any{n, &n, struct{ N wechatpay.Notification }{n}, []any{n}} {
		data, err := json.Marshal(v)
		require.NoError(t, err)
		require.Contains(t, string(data), "EV-1")
		require.NotContains(t, string(data), "s3cr3t")
		require.NotContains(t, string(data), base64.StdEncoding.EncodeToString(n.Plaintext)[:16])
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "n", v)
		require.NotContains(t, buf.String(), "s3cr3t")
		require.NotContains(t, buf.String(), base64.StdEncoding.EncodeToString(n.Plaintext)[:16])
	}
}
