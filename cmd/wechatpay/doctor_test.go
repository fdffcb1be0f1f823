package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// stepLine finds the line of a step ("1 sign", "2 verify [public-key]").
func stepLine(t *testing.T, out, step string) string {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "step "+step+":") {
			return l
		}
	}
	t.Fatalf("no line of step %q in:\n%s", step, out)
	return ""
}

// requireStep checks a step's status and that its line says each of says.
func requireStep(t *testing.T, out, step, status string, says ...string) {
	t.Helper()
	l := stepLine(t, out, step)
	require.Regexp(t, `^step `+regexp.QuoteMeta(step)+`: +`+status+` `, l)
	for _, s := range says {
		require.Contains(t, l, s)
	}
}

// tlsProxyClient is the emulator's notification client: it stands for the
// merchant's TLS-terminating proxy, sending every https callback in plain
// HTTP to the listener the doctor serves.
func tlsProxyClient(ln net.Listener) *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialTLSContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, ln.Addr().String())
		},
	}}
}

// handOver makes the doctor's -listen use ln.
func handOver(t *testing.T, ln net.Listener) {
	t.Helper()
	old := listen
	listen = func(string, string) (net.Listener, error) { return ln, nil }
	t.Cleanup(func() { listen = old })
}

// doctorWithCallback runs the doctor against an emulator whose callbacks
// reach the doctor's -listen.
func doctorWithCallback(t *testing.T, edit func(cr *wechatpay.Credentials), opts ...wechatpaytest.Option) result {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	handOver(t, ln)
	_, cfg := emulatorCredentials(t, append(opts, wechatpaytest.WithNotificationClient(tlsProxyClient(ln)))...)
	if edit != nil {
		rewriteCredentials(t, cfg, edit)
	}
	return doctorCLI(t, cfg, "-notify-url", "https://merchant.example/wxpay/doctor", "-listen", ln.Addr().String())
}

func TestDoctorPasses(t *testing.T) {
	for _, mode := range []wechatpay.KeyMode{wechatpay.KeyModePublicKey, wechatpay.KeyModeCertificates} {
		t.Run(mode.String(), func(t *testing.T) {
			r := doctorWithCallback(t, nil, wechatpaytest.WithKeyMode(mode))
			require.Zero(t, r.code, r.stdout+r.stderr)
			for _, s := range []string{"0 offline", "1 sign", "2 verify", "3 echo", "4 encrypt out", "5 decrypt in", "7 callback"} {
				requireStep(t, r.stdout, s, "pass")
			}
			requireStep(t, r.stdout, "6 both families", "skipped", mode.String())
			requireStep(t, r.stdout, "1 sign", "pass", "Request-ID ")
		})
	}
}

func TestDoctorBothFamilies(t *testing.T) {
	r := doctorWithCallback(t, nil, wechatpaytest.WithKeyMode(wechatpay.KeyModeBoth))
	require.Zero(t, r.code, r.stdout+r.stderr)
	for _, fam := range []string{" [public-key]", " [certificates]"} {
		for _, s := range []string{"1 sign", "2 verify", "3 echo", "4 encrypt out", "5 decrypt in"} {
			requireStep(t, r.stdout, s+fam, "pass")
		}
	}
	requireStep(t, r.stdout, "2 verify [public-key]", "pass", "public-key PUB_KEY_ID_")
	requireStep(t, r.stdout, "2 verify [certificates]", "pass", "certificate ")
	requireStep(t, r.stdout, "6 both families", "pass")
	requireStep(t, r.stdout, "7 callback", "pass")
}

// copyTestdata copies a file of the repository's testdata next to the
// credentials file cfg and returns its name there.
func copyTestdata(t *testing.T, cfg, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testdata, name))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(filepath.Dir(cfg), name), data, 0o600))
	return name
}

// brokenDoctor runs the doctor, without a callback, against an emulator
// with opts whose credentials edit breaks.
func brokenDoctor(t *testing.T, edit func(cfg string, cr *wechatpay.Credentials), opts ...wechatpaytest.Option) result {
	t.Helper()
	_, cfg := emulatorCredentials(t, opts...)
	rewriteCredentials(t, cfg, func(cr *wechatpay.Credentials) { edit(cfg, cr) })
	r := doctorCLI(t, cfg)
	require.Equal(t, 1, r.code, r.stdout+r.stderr)
	require.Contains(t, r.stderr, "a step failed")
	return r
}

func TestDoctorOfflineFailures(t *testing.T) {
	t.Run("key of another certificate", func(t *testing.T) {
		r := brokenDoctor(t, func(cfg string, cr *wechatpay.Credentials) {
			cr.MerchantPrivateKeyFile = copyTestdata(t, cfg, "wechatpay_platform_test_key.pem")
		})
		requireStep(t, r.stdout, "0 offline", "FAIL", "merchant_private_key_file wechatpay_platform_test_key.pem does not match merchant_certificate_file apiclient_cert.pem")
		requireStep(t, r.stdout, "1 sign", "skipped", "step 0 failed")
		requireStep(t, r.stdout, "7 callback", "skipped", "step 0 failed")
	})
	t.Run("serial of another certificate", func(t *testing.T) {
		r := brokenDoctor(t, func(cfg string, cr *wechatpay.Credentials) {
			cr.MerchantSerialNo = wxcrypto.CertificateSerial(loadCert(t, "wechatpay_platform_test_cert.pem"))
		})
		requireStep(t, r.stdout, "0 offline", "FAIL", "merchant_serial_no 5F0E1D2C3B4A59687766554433221100FFEEDDCC is not the serial of merchant_certificate_file apiclient_cert.pem",
			"set merchant_serial_no to 1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D")
	})
	t.Run("serial of another certificate, no certificate file", func(t *testing.T) {
		r := brokenDoctor(t, func(cfg string, cr *wechatpay.Credentials) {
			cr.MerchantSerialNo = wxcrypto.CertificateSerial(loadCert(t, "wechatpay_platform_test_cert.pem"))
			cr.MerchantCertificateFile = ""
		})
		requireStep(t, r.stdout, "0 offline", "pass")
		requireStep(t, r.stdout, "1 sign", "FAIL", "SIGN_ERROR", "Request-ID ", "fix: merchant_serial_no must be the serial of the merchant API certificate")
		requireStep(t, r.stdout, "2 verify", "skipped", "step 1 failed")
		requireStep(t, r.stdout, "7 callback", "skipped", "the echo itself fails")
	})
	t.Run("platform certificate as public key", func(t *testing.T) {
		r := brokenDoctor(t, func(cfg string, cr *wechatpay.Credentials) {
			cr.WechatpayPublicKeyFile = copyTestdata(t, cfg, "wechatpay_platform_test_cert.pem")
		})
		requireStep(t, r.stdout, "0 offline", "FAIL", "wechatpay_public_key_file", "is a certificate, not a public key (a platform certificate goes in platform_certificate_files)")
	})
}

// Step 0 also checks the API keys' length, the public key id and that no
// WeChat Pay key is the merchant's own, and says every problem it finds.
func TestDoctorOfflineKeys(t *testing.T) {
	r := brokenDoctor(t, func(cfg string, cr *wechatpay.Credentials) {
		cr.APIv3Key, cr.APIv2Key, cr.WechatpayPublicKeyID = "short", strings.Repeat("k", 33), "0114232134912410000000000000"
	})
	requireStep(t, r.stdout, "0 offline", "FAIL", "apiv3_key is 5 bytes", "apiv2_key is 33 bytes", "set it to the 32 ASCII characters",
		"wechatpay_public_key_id does not start with PUB_KEY_ID_")
	require.NotContains(t, r.stdout, strings.Repeat("k", 33))

	r = brokenDoctor(t, func(cfg string, cr *wechatpay.Credentials) {
		cr.WechatpayPublicKeyFile = copyTestdata(t, cfg, "merchant_test_pubkey.pem")
	})
	requireStep(t, r.stdout, "0 offline", "FAIL", "wechatpay_public_key", "merchant's own public key", "fix: wechatpay_public_key_file must hold WeChat Pay's public key")
}

func TestDoctorKeyFamilyFailures(t *testing.T) {
	t.Run("public-key merchant with certificates only", func(t *testing.T) {
		r := brokenDoctor(t, func(cfg string, cr *wechatpay.Credentials) {
			cr.WechatpayPublicKeyID, cr.WechatpayPublicKeyFile = "", ""
			cr.PlatformCertificateFiles = []string{copyTestdata(t, cfg, "wechatpay_platform_test_cert.pem")}
		})
		requireStep(t, r.stdout, "1 sign", "FAIL", "PARAM_ERROR", "Request-ID ", "key mode certificates", "set wechatpay_public_key_id and wechatpay_public_key_file")
	})
	t.Run("certificate merchant with the public key only", func(t *testing.T) {
		r := brokenDoctor(t, func(cfg string, cr *wechatpay.Credentials) {
			cr.PlatformCertificateFiles = nil
			cr.WechatpayPublicKeyID, cr.WechatpayPublicKeyFile = "PUB_KEY_ID_0114232134912410000000000000", copyTestdata(t, cfg, "wechatpay_pubkey_test.pem")
		}, wechatpaytest.WithKeyMode(wechatpay.KeyModeCertificates))
		requireStep(t, r.stdout, "1 sign", "FAIL", "PARAM_ERROR", "key mode public-key", "set platform_certificate_files")
	})
	t.Run("clock ten minutes off", func(t *testing.T) {
		r := brokenDoctor(t, func(string, *wechatpay.Credentials) {}, wechatpaytest.WithClock(func() time.Time { return time.Now().Add(10 * time.Minute) }))
		requireStep(t, r.stdout, "1 sign", "FAIL", "SIGN_ERROR", "s behind WeChat Pay's clock", "fix: set the local clock right")
		require.Regexp(t, ` (59\d|60\d) s behind`, stepLine(t, r.stdout, "1 sign")) // ten minutes, to the second
	})
}

func loadCert(t *testing.T, name string) *x509.Certificate {
	t.Helper()
	cert, err := wxcrypto.LoadCertificateFile(filepath.Join(testdata, name))
	require.NoError(t, err)
	return cert
}

// reserialisingProxy is a base_url on loopback that forwards to srv after
// re-serialising every JSON request body (indented), as some gateways do.
func reserialisingProxy(t *testing.T, srv *wechatpaytest.Server) string {
	t.Helper()
	target, err := url.Parse(srv.URL)
	require.NoError(t, err)
	roots := x509.NewCertPool()
	roots.AddCert(srv.CACertificate())
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			r.Out.Host = target.Host
			var v any
			if data, err := io.ReadAll(r.Out.Body); err == nil && json.Unmarshal(data, &v) == nil {
				data, _ = json.MarshalIndent(v, "", "  ")
				r.Out.Body, r.Out.ContentLength = io.NopCloser(bytes.NewReader(data)), int64(len(data))
			}
		},
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}},
	}
	hs := httptest.NewServer(rp)
	t.Cleanup(hs.Close)
	return hs.URL
}

func TestDoctorOnlineFailures(t *testing.T) {
	t.Run("key of another certificate, no certificate file", func(t *testing.T) {
		r := brokenDoctor(t, func(cfg string, cr *wechatpay.Credentials) {
			cr.MerchantPrivateKeyFile = copyTestdata(t, cfg, "wechatpay_platform_test_key.pem")
			cr.MerchantCertificateFile = ""
		})
		requireStep(t, r.stdout, "0 offline", "pass")
		requireStep(t, r.stdout, "1 sign", "FAIL", "SIGN_ERROR", "fix: merchant_private_key_file must be the apiclient_key.pem of the merchant API certificate")
	})
	t.Run("base_url rewrites bodies", func(t *testing.T) {
		srv, cfg := emulatorCredentials(t)
		proxy := reserialisingProxy(t, srv)
		rewriteCredentials(t, cfg, func(cr *wechatpay.Credentials) { cr.BaseURL = proxy })
		r := doctorCLI(t, cfg)
		require.Equal(t, 1, r.code)
		requireStep(t, r.stdout, "1 sign", "FAIL", "SIGN_ERROR", "body: differs at byte offset", "fix: base_url "+proxy, "rewrites request bodies")
	})
	t.Run("wrong APIv3 key", func(t *testing.T) {
		r := doctorWithCallback(t, func(cr *wechatpay.Credentials) { cr.APIv3Key = strings.Repeat("k", 32) })
		require.Equal(t, 1, r.code)
		for _, s := range []string{"1 sign", "2 verify", "3 echo", "4 encrypt out", "5 decrypt in"} {
			requireStep(t, r.stdout, s, "pass")
		}
		requireStep(t, r.stdout, "7 callback", "FAIL", "Request-ID ", "does not decrypt", "apiv3_key is wrong")
		require.NotContains(t, r.stdout, strings.Repeat("k", 32))
	})
}

// A notify_url WeChat Pay cannot reach: the callback never comes, and step
// 7 fails once -wait is over, naming the URL.
func TestDoctorUnreachableNotifyURL(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	handOver(t, ln)
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	require.NoError(t, closed.Close()) // nothing listens there: every delivery is refused
	_, cfg := emulatorCredentials(t, wechatpaytest.WithNotificationClient(tlsProxyClient(closed)))
	r := doctorCLI(t, cfg, "-notify-url", "https://merchant.example/unreachable", "-listen", ln.Addr().String(), "-wait", "1s")
	require.Equal(t, 1, r.code, r.stdout+r.stderr)
	requireStep(t, r.stdout, "5 decrypt in", "pass")
	requireStep(t, r.stdout, "7 callback", "FAIL", "Request-ID ", "no callback within 1s", "https://merchant.example/unreachable is not reachable from WeChat Pay")
}

// Without -listen the doctor can only say that WeChat Pay accepted the
// notify_url; a notify_url WeChat Pay refuses fails the step.
func TestDoctorCallbackWithoutListen(t *testing.T) {
	srv, cfg := emulatorCredentials(t)
	srv.SetEchoCallbacks(wechatpaytest.EchoCallbacks{Drop: true}) // merchant.example is not called
	r := doctorCLI(t, cfg, "-notify-url", "https://merchant.example/wxpay/notify")
	require.Zero(t, r.code, r.stdout+r.stderr)
	requireStep(t, r.stdout, "7 callback", "pass", "Request-ID ", "WeChat Pay accepted notify_url", "-listen")

	r = doctorCLI(t, cfg, "-notify-url", "https://merchant.example/wxpay/notify?a=b")
	require.Equal(t, 1, r.code)
	requireStep(t, r.stdout, "7 callback", "FAIL", "notify_url", "without a query string")
}

// A merchant configured for a migration whose WeChat Pay account has only
// the public key: the certificate family fails, and step 6 says so.
func TestDoctorOneFamilyBroken(t *testing.T) {
	r := brokenDoctor(t, func(cfg string, cr *wechatpay.Credentials) {
		cr.PlatformCertificateFiles = []string{copyTestdata(t, cfg, "wechatpay_platform_test_cert.pem")}
	})
	for _, s := range []string{"1 sign", "2 verify", "3 echo", "4 encrypt out", "5 decrypt in"} {
		requireStep(t, r.stdout, s+" [public-key]", "pass")
	}
	requireStep(t, r.stdout, "1 sign [certificates]", "FAIL", "PARAM_ERROR", "set wechatpay_public_key_id")
	requireStep(t, r.stdout, "6 both families", "FAIL", "broken with certificates")
}

func TestDoctorUsage(t *testing.T) {
	_, cfg := emulatorCredentials(t)
	r := doctorCLI(t, cfg, "-listen", "127.0.0.1:0")
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, "-listen needs -notify-url")
	r = doctorCLI(t, cfg, "-notify-url", "https://merchant.example/n", "-tls-cert", "cert.pem")
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, "-tls-cert and -tls-key go together")
	r = runCLI("", "doctor", "-h")
	require.Zero(t, r.code)
	require.Contains(t, r.stderr, "-notify-url")
	r = runCLI("", "doctor", "-config", filepath.Join(t.TempDir(), "missing.json"))
	require.Equal(t, 1, r.code)
	requireStep(t, r.stdout, "0 offline", "FAIL", "missing.json")
}

// An answer that does not verify fails step 2; a signature probe is
// refused and the step repeated.
func TestDoctorAnswerSignatures(t *testing.T) {
	srv, cfg := emulatorCredentials(t)
	srv.InjectFault(wechatpaytest.Fault{Kind: wechatpaytest.FaultTamperedBody, Count: 1})
	r := doctorCLI(t, cfg)
	require.Equal(t, 1, r.code)
	requireStep(t, r.stdout, "1 sign", "pass")
	requireStep(t, r.stdout, "2 verify", "FAIL", "Request-ID ", "signature does not verify", "download wechatpay_public_key_file")
	requireStep(t, r.stdout, "3 echo", "skipped", "step 2 failed")

	srv.InjectFault(wechatpaytest.Fault{Kind: wechatpaytest.FaultProbeSignature, Count: 1})
	r = doctorCLI(t, cfg)
	require.Zero(t, r.code, r.stdout)
	requireStep(t, r.stdout, "2 verify", "repeat", "Request-ID ", "WECHATPAY/SIGNTEST/")
	require.Contains(t, r.stdout, "step 2 verify:        pass ")
}

// doctorCLI runs wechatpay doctor -config cfg args... and checks that it
// printed no secret: no API key, no private key, no Authorization value,
// no decrypted test text.
func doctorCLI(t *testing.T, cfg string, args ...string) result {
	t.Helper()
	r := runCLI("", append([]string{"doctor", "-config", cfg}, args...)...)
	out := r.stdout + r.stderr
	cr, err := wechatpay.LoadCredentials(cfg)
	require.NoError(t, err)
	key, err := os.ReadFile(filepath.Join(filepath.Dir(cfg), cr.MerchantPrivateKeyFile))
	require.NoError(t, err)
	for _, secret := range []string{cr.APIv3Key, cr.APIv2Key, strings.Split(string(key), "\n")[1], "WECHATPAY2-SHA256-RSA2048", "PRIVATE KEY", "secret-"} {
		require.NotContains(t, out, secret)
	}
	return r
}

// selfSignedTLS writes a certificate for 127.0.0.1 and its key into dir
// and returns their paths and a pool that trusts the certificate.
func selfSignedTLS(t *testing.T, dir string) (certFile, keyFile string, roots *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	certFile, keyFile = filepath.Join(dir, "tls_cert.pem"), filepath.Join(dir, "tls_key.pem")
	require.NoError(t, os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	require.NoError(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600))
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	roots = x509.NewCertPool()
	roots.AddCert(cert)
	return certFile, keyFile, roots
}

// With -tls-cert and -tls-key the doctor serves -listen over TLS itself.
func TestDoctorCallbackTLS(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	handOver(t, ln)
	certFile, keyFile, roots := selfSignedTLS(t, t.TempDir())
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
	_, cfg := emulatorCredentials(t, wechatpaytest.WithNotificationClient(hc))
	r := doctorCLI(t, cfg, "-notify-url", "https://"+ln.Addr().String()+"/notify", "-listen", ln.Addr().String(), "-tls-cert", certFile, "-tls-key", keyFile)
	require.Zero(t, r.code, r.stdout+r.stderr)
	requireStep(t, r.stdout, "7 callback", "pass", "Request-ID ", "answered 204")
}

// The fix follows the parts the SDK found different, never words in
// WeChat Pay's message: a message that happens to say "body: " or "URL "
// over a SIGN_ERROR the SDK could not explain still points at the key.
func TestDoctorSignHintIgnoresTheMessageText(t *testing.T) {
	cr := &wechatpay.Credentials{MchID: "1900000109", MerchantSerialNo: "SERIAL"}
	api := &wechatpay.APIError{StatusCode: http.StatusUnauthorized, Code: "SIGN_ERROR", Message: "body: URL method: clock: nonce: "}
	require.Contains(t, signHint(cr, wechatpay.KeyModeAuto, api), "fix: merchant_private_key_file must be the apiclient_key.pem")
	api.Detail = json.RawMessage(`{"field":"timestamp"}`)
	require.Contains(t, signHint(cr, wechatpay.KeyModeAuto, api), "fix: set the local clock right")
}
