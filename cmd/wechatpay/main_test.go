package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
	"github.com/gowechatpay/wechatpay/internal/testvectors"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

const testdata = "../../testdata"

// vectorCredentials writes a credentials file for the vector identities
// into a temporary directory, with copies of the PEM files next to it and
// relative paths, and returns its path.
func vectorCredentials(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"merchant_test_key.pem", "wechatpay_pubkey_test.pem", "wechatpay_platform_test_cert.pem"} {
		data, err := os.ReadFile(filepath.Join(testdata, name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o600))
	}
	cr := wechatpay.Credentials{
		MchID:                    "1900016681",
		MerchantSerialNo:         "1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D",
		MerchantPrivateKeyFile:   "merchant_test_key.pem",
		WechatpayPublicKeyID:     "PUB_KEY_ID_0114232134912410000000000000",
		WechatpayPublicKeyFile:   "wechatpay_pubkey_test.pem",
		PlatformCertificateFiles: []string{"wechatpay_platform_test_cert.pem"},
		APIv3Key:                 "TestOnlyApiV3Key0123456789abcdef",
		APIv2Key:                 "TestOnlyApiV2Key9876543210fedcba",
	}
	data, err := json.Marshal(cr)
	require.NoError(t, err)
	path := filepath.Join(dir, "credentials.json")
	require.NoError(t, os.WriteFile(path, data, 0o600))
	return path
}

// emulatorCredentials starts an emulator and writes its credentials file.
func emulatorCredentials(t testing.TB, opts ...wechatpaytest.Option) (*wechatpaytest.Server, string) {
	t.Helper()
	srv := wechatpaytest.Start(t, opts...)
	path, err := srv.WriteCredentials(t.TempDir())
	require.NoError(t, err)
	return srv, path
}

type result struct {
	code           int
	stdout, stderr string
}

func runCLI(stdin string, args ...string) result {
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return result{code, out.String(), errOut.String()}
}

func TestSignReproducesVectors(t *testing.T) {
	v := testvectors.Load(t)
	cfg := vectorCredentials(t)
	for _, s := range v.Signing {
		t.Run(s.Name, func(t *testing.T) {
			args := []string{"sign", "-config", cfg, "-method", s.Method, "-url", s.CanonicalURL,
				"-timestamp", strconv.FormatInt(s.Timestamp, 10), "-nonce", s.Nonce}
			stdin := ""
			if s.Body != "" {
				args = append(args, "-body", "-")
				stdin = s.Body
			}
			r := runCLI(stdin, args...)
			require.Zero(t, r.code, r.stderr)
			require.Equal(t, s.Authorization+"\n", r.stdout)
		})
	}
	// A body file works like stdin.
	post := v.Signing[2]
	bodyFile := filepath.Join(t.TempDir(), "body.json")
	require.NoError(t, os.WriteFile(bodyFile, []byte(post.Body), 0o600))
	r := runCLI("", "sign", "-config", cfg, "-method", post.Method, "-url", post.CanonicalURL, "-body", bodyFile,
		"-timestamp", strconv.FormatInt(post.Timestamp, 10), "-nonce", post.Nonce)
	require.Zero(t, r.code, r.stderr)
	require.Equal(t, post.Authorization+"\n", r.stdout)

	// Without -timestamp and -nonce the header is fresh.
	r = runCLI("", "sign", "-config", cfg, "-url", "/v3/certificates")
	require.Zero(t, r.code, r.stderr)
	require.Contains(t, r.stdout, `timestamp="`+strconv.FormatInt(time.Now().Unix(), 10)[:8])

	r = runCLI("", "sign", "-config", cfg)
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, "-url")
}

func TestCall(t *testing.T) {
	srv, cfg := emulatorCredentials(t)
	r := runCLI("", "call", "-config", cfg, "GET",
		"/v3/global/profit-sharing/orders/P20150806125346?sub_mchid=1900000109&transaction_id=4208450740201411110007820472")
	require.Zero(t, r.code, r.stderr)
	require.True(t, strings.HasPrefix(r.stdout, "HTTP 200 OK\nRequest-ID: "), r.stdout)
	require.Contains(t, r.stdout, `"out_order_no":"P20150806125346"`)

	r = runCLI("", "call", "GET", "/v3/global/profit-sharing/orders/NOPE?sub_mchid=1900000109&transaction_id=1", "-config", cfg)
	require.Equal(t, 1, r.code)
	require.Contains(t, r.stderr, "RESOURCE_NOT_EXISTS")
	require.Empty(t, r.stdout)

	srv.InjectFault(wechatpaytest.Fault{Kind: wechatpaytest.FaultTamperedBody, Count: 1})
	r = runCLI("", "call", "-config", cfg, "GET",
		"/v3/global/profit-sharing/orders/P20150806125346?sub_mchid=1900000109&transaction_id=4208450740201411110007820472")
	require.Equal(t, 1, r.code)
	require.Contains(t, r.stderr, reason(wechatpay.ErrBadSignature))
	require.Empty(t, r.stdout)

	r = runCLI("", "call", "-config", cfg, "GET")
	require.Equal(t, 2, r.code)
}

func TestEncrypt(t *testing.T) {
	_, cfg := emulatorCredentials(t)
	r := runCLI("8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f\n", "encrypt", "-config", cfg)
	require.Zero(t, r.code, r.stderr)
	require.Contains(t, r.stderr, "Wechatpay-Serial: PUB_KEY_ID_0114232134912410000000000000")
	key, err := wxcrypto.LoadPrivateKeyFile(filepath.Join(testdata, "wechatpay_pubkey_test_key.pem"))
	require.NoError(t, err)
	plain, err := wxcrypto.DecryptOAEP(key, strings.TrimSpace(r.stdout))
	require.NoError(t, err)
	require.Equal(t, "8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f", string(plain))
}

func TestDecrypt(t *testing.T) {
	v := testvectors.Load(t)
	cfg := vectorCredentials(t)
	var found bool
	for _, o := range v.OAEP {
		if o.Name != "bal_account_no_for_merchant" {
			continue
		}
		found = true
		r := runCLI(o.Ciphertext+"\n", "decrypt", "-config", cfg)
		require.Zero(t, r.code, r.stderr)
		require.Equal(t, o.Plaintext+"\n", r.stdout)
		r = runCLI("AAAA"+o.Ciphertext[4:], "decrypt", "-config", cfg)
		require.Equal(t, 1, r.code)
		require.Contains(t, r.stderr, reason(wechatpay.ErrDecrypt))
		require.NotContains(t, r.stderr+r.stdout, o.Plaintext)
	}
	require.True(t, found)
}

// writeCallback saves headers and body the way a merchant would capture them.
func writeCallback(t testing.TB, headers map[string][]string, body []byte) (string, string) {
	t.Helper()
	dir := t.TempDir()
	var h strings.Builder
	h.WriteString("POST /notify HTTP/1.1\n")
	for k, vs := range headers {
		for _, v := range vs {
			fmt.Fprintf(&h, "%s: %s\r\n", k, v)
		}
	}
	hp, bp := filepath.Join(dir, "headers.txt"), filepath.Join(dir, "body.json")
	require.NoError(t, os.WriteFile(hp, []byte(h.String()), 0o600))
	require.NoError(t, os.WriteFile(bp, body, 0o600))
	return hp, bp
}

func TestNotify(t *testing.T) {
	v := testvectors.Load(t)
	cfg := vectorCredentials(t)
	hp, bp := writeCallback(t, v.Notification.Header(), []byte(v.Notification.Body))
	at := strconv.FormatInt(v.Notification.Now, 10)
	r := runCLI("", "notify", "-config", cfg, "-headers", hp, "-body", bp, "-time", at)
	require.Zero(t, r.code, r.stderr)
	require.Equal(t, v.Notification.ExpectPlaintext+"\n", r.stdout)
	require.Contains(t, r.stderr, "EV-2025100917000000001")

	// Today the vector is long stale.
	r = runCLI("", "notify", "-config", cfg, "-headers", hp, "-body", bp)
	require.Equal(t, 1, r.code)
	require.Contains(t, r.stderr, reason(wechatpay.ErrStaleTimestamp))
	require.Empty(t, r.stdout)

	// With -time, the skew is measured from -time, not from the local clock.
	signed, err := strconv.ParseInt(v.Notification.Headers[wechatpay.HeaderTimestamp], 10, 64)
	require.NoError(t, err)
	for _, tc := range []struct {
		at   int64
		want string
	}{
		{signed + 3600, fmt.Sprintf("signed 3600s before -time %d (Wechatpay-Timestamp %d)", signed+3600, signed)},
		{signed - 301, fmt.Sprintf("signed 301s after -time %d (Wechatpay-Timestamp %d)", signed-301, signed)},
	} {
		r = runCLI("", "notify", "-config", cfg, "-headers", hp, "-body", bp, "-time", strconv.FormatInt(tc.at, 10))
		require.Equal(t, 1, r.code)
		require.Equal(t, "wechatpay notify: "+reason(wechatpay.ErrStaleTimestamp)+": "+tc.want+"\n", r.stderr)
		require.Empty(t, r.stdout)
	}

	_, tampered := writeCallback(t, v.Notification.Header(), []byte(strings.Replace(v.Notification.Body, "EV-", "EW-", 1)))
	r = runCLI("", "notify", "-config", cfg, "-headers", hp, "-body", tampered, "-time", at)
	require.Equal(t, 1, r.code)
	require.Contains(t, r.stderr, reason(wechatpay.ErrBadSignature))

	badHeaders := filepath.Join(t.TempDir(), "h.txt")
	require.NoError(t, os.WriteFile(badHeaders, []byte("no colon here\n"), 0o600))
	r = runCLI("", "notify", "-config", cfg, "-headers", badHeaders, "-body", bp)
	require.Equal(t, 1, r.code)
	require.Contains(t, r.stderr, "line 1")

	// A fresh callback from the emulator verifies at the current time.
	srv, ecfg := emulatorCredentials(t)
	h, body, err := srv.SignNotification("REFUND.SUCCESS", map[string]string{"out_refund_no": "R1"})
	require.NoError(t, err)
	hp, bp = writeCallback(t, h, body)
	r = runCLI("", "notify", "-config", ecfg, "-headers", hp, "-body", bp)
	require.Zero(t, r.code, r.stderr)
	require.JSONEq(t, `{"out_refund_no":"R1"}`, r.stdout)
}

func TestCertificates(t *testing.T) {
	srv, cfg := emulatorCredentials(t, wechatpaytest.WithKeyMode(wechatpay.KeyModeCertificates))
	out := filepath.Join(t.TempDir(), "certs")
	r := runCLI("", "certificates", "-config", cfg, "-out", out)
	require.Zero(t, r.code, r.stderr)
	path := filepath.Join(out, "wechatpay_"+srv.PlatformSerial()+".pem")
	require.Contains(t, r.stdout, path)
	cert, err := wxcrypto.LoadCertificateFile(path)
	require.NoError(t, err)
	require.Equal(t, srv.PlatformSerial(), wxcrypto.CertificateSerial(cert))

	r = runCLI("", "certificates", "-config", cfg)
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, "-out is required")
}

func TestV2Sign(t *testing.T) {
	v := testvectors.Load(t)
	cfg := vectorCredentials(t)
	var checked int
	for _, s := range v.V2.Signs {
		if s.Key != "TestOnlyApiV2Key9876543210fedcba" {
			continue // signed with another key than the credentials'
		}
		t.Run(s.Name, func(t *testing.T) {
			args := []string{"v2sign", "-config", cfg, "-sign-type", s.SignType}
			for k, val := range s.Params {
				args = append(args, k+"="+val)
			}
			r := runCLI("", args...)
			require.Zero(t, r.code, r.stderr)
			require.Equal(t, s.Sign+"\n", r.stdout)
		})
		checked++
	}
	require.GreaterOrEqual(t, checked, 2)

	r := runCLI("", "v2sign", "-config", cfg, "-sign-type", "SHA1", "a=b")
	require.Equal(t, 2, r.code)
	r = runCLI("", "v2sign", "-config", cfg, "novalue")
	require.Equal(t, 2, r.code)

	// sign_type is a signed parameter that names the algorithm: without the
	// flag it decides, and a flag that disagrees with it is refused.
	hmac := runCLI("", "v2sign", "-config", cfg, "a=b", "sign_type=HMAC-SHA256")
	require.Zero(t, hmac.code, hmac.stderr)
	require.Len(t, hmac.stdout, 65)
	r = runCLI("", "v2sign", "-config", cfg, "-sign-type", "MD5", "a=b", "sign_type=HMAC-SHA256")
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, "disagrees")
	r = runCLI("", "v2sign", "-config", cfg, "-sign-type", "HMAC-SHA256", "a=b")
	require.Zero(t, r.code)
	require.Contains(t, r.stderr, "checks a request without it as MD5")
}

func TestUsage(t *testing.T) {
	r := runCLI("")
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, "v2sign")
	require.Zero(t, runCLI("", "-h").code)
	r = runCLI("", "bogus")
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, `unknown command "bogus"`)
	require.Equal(t, "wechatpay: unknown command \"bogus\"\nRun 'wechatpay -h' for the commands.\n", r.stderr, "one line and where the help is")
	for _, c := range commands {
		r := runCLI("", c.name, "-h")
		require.Zero(t, r.code, c.name)
		require.Contains(t, r.stderr, "Example:\n", c.name)
		// Each flag's default is said at most once.
		for _, block := range strings.Split(r.stderr, "\n  -")[1:] {
			require.LessOrEqual(t, strings.Count(block, "(default"), 1, "%s: -%s", c.name, block)
		}
		require.Contains(t, r.stderr, "wechatpay "+c.name+" -config", c.name)
		require.Contains(t, r.stderr, "-config", c.name)
		r = runCLI("", c.name)
		require.Equal(t, 2, r.code, c.name)
		require.Contains(t, r.stderr, "-config is required", c.name)
		// A mistake prints one line and where the help is, not the help.
		want := "wechatpay " + c.name + ": -config is required\nRun 'wechatpay " + c.name + " -h' for its flags and an example.\n"
		require.Equal(t, want, r.stderr, c.name)
		r = runCLI("", c.name, "-config", "c.json", "-nope")
		require.Equal(t, 2, r.code, c.name)
		want = "wechatpay " + c.name + ": flag provided but not defined: -nope\nRun 'wechatpay " + c.name + " -h' for its flags and an example.\n"
		require.Equal(t, want, r.stderr, c.name)
	}
	r = runCLI("", "call", "-h")
	require.Equal(t, 1, strings.Count(r.stderr, "(default 30s)"), r.stderr)
	r = runCLI("", "decrypt", "-config", filepath.Join(t.TempDir(), "missing.json"))
	require.Equal(t, 1, r.code)
	require.Contains(t, r.stderr, "credentials")
}

// TestBinary builds the command and runs every subcommand through it.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	goTool, err := exec.LookPath("go")
	require.NoError(t, err)
	bin := filepath.Join(t.TempDir(), "wechatpay")
	build := exec.Command(goTool, "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))

	v := testvectors.Load(t)
	vcfg := vectorCredentials(t)
	srv, ecfg := emulatorCredentials(t, wechatpaytest.WithKeyMode(wechatpay.KeyModeBoth)) // certificates and encrypt
	hp, bp := writeCallback(t, v.Notification.Header(), []byte(v.Notification.Body))
	sign := v.Signing[0]
	var merchantCT, merchantPlain string
	for _, o := range v.OAEP {
		if o.Name == "bal_account_no_for_merchant" {
			merchantCT, merchantPlain = o.Ciphertext, o.Plaintext
		}
	}
	certDir := filepath.Join(t.TempDir(), "certs")

	cases := []struct {
		args  []string
		stdin string
		check func(t *testing.T, stdout string)
	}{
		{[]string{"sign", "-config", vcfg, "-method", sign.Method, "-url", sign.CanonicalURL,
			"-timestamp", strconv.FormatInt(sign.Timestamp, 10), "-nonce", sign.Nonce}, "",
			func(t *testing.T, s string) { require.Equal(t, sign.Authorization+"\n", s) }},
		{[]string{"call", "-config", ecfg, "GET",
			"/v3/global/profit-sharing/orders/P20150806125346?sub_mchid=1900000109&transaction_id=4208450740201411110007820472"}, "",
			func(t *testing.T, s string) { require.Contains(t, s, "HTTP 200") }},
		{[]string{"encrypt", "-config", ecfg}, "secret",
			func(t *testing.T, s string) {
				key, err := wxcrypto.LoadPrivateKeyFile(filepath.Join(testdata, "wechatpay_pubkey_test_key.pem"))
				require.NoError(t, err)
				plain, err := wxcrypto.DecryptOAEP(key, strings.TrimSpace(s))
				require.NoError(t, err)
				require.Equal(t, "secret", string(plain))
			}},
		{[]string{"decrypt", "-config", vcfg}, merchantCT,
			func(t *testing.T, s string) { require.Equal(t, merchantPlain+"\n", s) }},
		{[]string{"notify", "-config", vcfg, "-headers", hp, "-body", bp, "-time", strconv.FormatInt(v.Notification.Now, 10)}, "",
			func(t *testing.T, s string) { require.Equal(t, v.Notification.ExpectPlaintext+"\n", s) }},
		{[]string{"certificates", "-config", ecfg, "-out", certDir}, "",
			func(t *testing.T, s string) {
				require.FileExists(t, filepath.Join(certDir, "wechatpay_"+srv.PlatformSerial()+".pem"))
			}},
		{[]string{"v2sign", "-config", vcfg, "appid=wxe062425f740d30d8", "mch_billno=10000098201411111234567890",
			"mch_id=10000098", "nonce_str=5K8264ILTKCH16CQ2502SI8ZNMTM67VS"}, "",
			func(t *testing.T, s string) { require.Equal(t, "6C5278D11D4A865B839ED1E17F3A5E49\n", s) }},
	}
	for _, tc := range cases {
		t.Run(tc.args[0], func(t *testing.T) {
			cmd := exec.Command(bin, tc.args...)
			cmd.Stdin = strings.NewReader(tc.stdin)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			require.NoError(t, cmd.Run(), stderr.String())
			tc.check(t, stdout.String())
		})
	}

	// Errors: non-zero exit, message on stderr, nothing on stdout.
	cmd := exec.Command(bin, "notify", "-config", vcfg, "-headers", hp, "-body", bp)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	var exitErr *exec.ExitError
	require.ErrorAs(t, err, &exitErr)
	require.Equal(t, 1, exitErr.ExitCode())
	require.Contains(t, stderr.String(), reason(wechatpay.ErrStaleTimestamp))
	require.Empty(t, stdout.String())
}

// reason is a sentinel's text as the command prints it: without the
// package prefix, which the command's own prefix replaces.
func reason(err error) string { return strings.TrimPrefix(err.Error(), "wechatpay: ") }

// rewriteCredentials loads the credentials file at path, lets edit change
// it and writes it back.
func rewriteCredentials(t *testing.T, path string, edit func(cr *wechatpay.Credentials)) {
	t.Helper()
	cr, err := wechatpay.LoadCredentials(path)
	require.NoError(t, err)
	edit(cr)
	data, err := json.Marshal(cr)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, data, 0o600))
}

// TestErrorTexts: each error says what was wrong and what to change, once.
func TestErrorTexts(t *testing.T) {
	const profitSharing = "/v3/global/profit-sharing/orders/P20150806125346?sub_mchid=1900000109&transaction_id=4208450740201411110007820472"
	once := func(t *testing.T, stderr string) {
		t.Helper()
		require.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %s", stderr)
		require.NotContains(t, stderr, "wechatpay: ", "no piled-up prefixes")
		require.NotContains(t, stderr, "wechatpay/crypto: ")
	}

	t.Run("unreadable private key", func(t *testing.T) {
		cfg := vectorCredentials(t)
		keyFile := filepath.Join(filepath.Dir(cfg), "merchant_test_key.pem")
		require.NoError(t, os.WriteFile(keyFile, []byte("not a key\n"), 0o600))
		r := runCLI("", "call", "-config", cfg, "GET", "/v3/certificates")
		require.Equal(t, 1, r.code)
		once(t, r.stderr)
		require.Contains(t, r.stderr, "wechatpay call: invalid configuration: merchant_private_key_file "+keyFile+": invalid PEM")
		require.Contains(t, r.stderr, "; it must be the merchant API private key (apiclient_key.pem")
		require.Equal(t, 1, strings.Count(r.stderr, "invalid configuration"))
	})
	t.Run("missing private key", func(t *testing.T) {
		cfg := vectorCredentials(t)
		require.NoError(t, os.Remove(filepath.Join(filepath.Dir(cfg), "merchant_test_key.pem")))
		r := runCLI("", "sign", "-config", cfg, "-url", "/v3/certificates")
		require.Equal(t, 1, r.code)
		once(t, r.stderr)
		require.Contains(t, r.stderr, "merchant_test_key.pem: no such file or directory (relative paths resolve against the credentials file's directory)")
	})
	t.Run("wrong wechatpay_public_key_id", func(t *testing.T) {
		srv, cfg := emulatorCredentials(t)
		rewriteCredentials(t, cfg, func(cr *wechatpay.Credentials) {
			cr.WechatpayPublicKeyID = "PUB_KEY_ID_0000000000000000000000000001"
		})
		r := runCLI("", "call", "-config", cfg, "GET", profitSharing)
		require.Equal(t, 1, r.code)
		once(t, r.stderr)
		require.Contains(t, r.stderr, "unknown Wechatpay-Serial: \""+srv.PublicKeyID()+"\"; the client holds wechatpay_public_key_id PUB_KEY_ID_0000000000000000000000000001")
		require.Contains(t, r.stderr, "configure its id (wechatpay_public_key_id)")
	})
	t.Run("path without a leading slash", func(t *testing.T) {
		_, cfg := emulatorCredentials(t)
		r := runCLI("", "call", "-config", cfg, "GET", "v3/certificates")
		require.Equal(t, 2, r.code)
		require.Contains(t, r.stderr, `wechatpay call: PATH_AND_QUERY "v3/certificates" must start with /: "/v3/certificates"`)
		r = runCLI("", "call", "-config", cfg, "GET", "https://api.mch.weixin.qq.com/v3/certificates")
		require.Equal(t, 2, r.code)
		require.Contains(t, r.stderr, "is a URL: give only its path and query")
		r = runCLI("", "call", "-config", cfg, "/v3/certificates")
		require.Equal(t, 2, r.code)
		require.Contains(t, r.stderr, `want METHOD PATH_AND_QUERY, e.g. GET /v3/certificates, or POST PATH key=value... for APIv2; got 1 arguments ["/v3/certificates"]`)
		r = runCLI("", "sign", "-config", cfg, "-url", "v3/certificates")
		require.Equal(t, 2, r.code)
		require.Contains(t, r.stderr, `-url "v3/certificates" must start with /: "/v3/certificates"`)
	})
	t.Run("bad flag values", func(t *testing.T) {
		cfg := vectorCredentials(t)
		r := runCLI("", "sign", "-config", cfg, "-url", "/v3/certificates", "-timestamp", "abc")
		require.Equal(t, 2, r.code)
		require.Contains(t, r.stderr, `invalid value "abc" for flag -timestamp: want Unix seconds, a decimal integer such as `)
		r = runCLI("", "notify", "-config", cfg, "-headers", "h", "-body", "b", "-time", "yesterday")
		require.Equal(t, 2, r.code)
		require.Contains(t, r.stderr, `invalid value "yesterday" for flag -time: want Unix seconds`)
		r = runCLI("", "call", "-config", cfg, "-timeout", "30", "GET", "/v3/certificates")
		require.Equal(t, 2, r.code)
		require.Contains(t, r.stderr, `invalid value "30" for flag -timeout: want a positive duration with a unit, such as 30s or 2m`)
		r = runCLI("", "call", "-config", cfg, "-header", "Wechatpay-Serial", "GET", "/v3/certificates")
		require.Equal(t, 2, r.code)
		require.Contains(t, r.stderr, `for flag -header: want 'Name: value'`)
	})
	t.Run("call sends Wechatpay-Serial itself, -header overrides it", func(t *testing.T) {
		_, cfg := emulatorCredentials(t)
		enc := runCLI("8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f", "encrypt", "-config", cfg)
		require.Zero(t, enc.code, enc.stderr)
		require.Contains(t, enc.stderr, "wechatpay call and DoV3 send this header themselves")
		target := "/v3/aggracct-bc/wb-channel/special-reduction/htozr8denqegbt6tk6u10iymo7yww5pn?mchid=1900016681&bal_account_no=" +
			url.QueryEscape(strings.TrimSpace(enc.stdout))
		r := runCLI("", "call", "-config", cfg, "GET", target)
		require.Zero(t, r.code, r.stderr)
		require.Contains(t, r.stdout, `"state":"SUCCESS"`)
		// The emulator refuses an encrypted field under a serial that
		// names no key: the header given is the one sent.
		r = runCLI("", "call", "-config", cfg, "-header", "Wechatpay-Serial: PUB_KEY_ID_0000000000000000000000000001", "GET", target)
		require.Equal(t, 1, r.code)
		require.Contains(t, r.stderr, "HTTP 400 PARAM_ERROR")
	})
}

func TestErrorText(t *testing.T) {
	for in, want := range map[string]string{
		"wechatpay: invalid configuration: wechatpay: invalid apiv3_key: must be 32 bytes, got 5": "invalid configuration: invalid apiv3_key: must be 32 bytes, got 5",
		"wechatpay: invalid merchant_private_key_file: wechatpay/crypto: invalid PEM: no block":   "invalid merchant_private_key_file: invalid PEM: no block",
		"open x.json: no such file or directory":                                                  "open x.json: no such file or directory",
	} {
		require.Equal(t, want, errorText(fmt.Errorf("%s", in)))
	}
}

// TestCallProfitSharing: call reaches every global profit-sharing path,
// the DELETE with a JSON body (signed over it, answered 204) included.
func TestCallProfitSharing(t *testing.T) {
	srv, cfg := emulatorCredentials(t)
	today := time.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
	steps := []struct {
		method, target, body, want string
	}{
		{"POST", "/v3/global/profit-sharing/receivers",
			`{"sub_mchid":"1900000109","type":"MERCHANT_ID","account":"1900000200","relation_type":"SUPPLIER"}`, `"state":"INIT"`},
		{"GET", "/v3/global/profit-sharing/receivers/1900000200?sub_mchid=1900000109&type=MERCHANT_ID", "", `"state":"EFFECTIVE"`},
		{"POST", "/v3/global/profit-sharing/orders",
			`{"sub_mchid":"1900000109","transaction_id":"4208450740201411110007820472","out_order_no":"C1","receivers":[{"currency":"CNY","type":"MERCHANT_ID","account":"1900000200","amount":100,"description":"d"}],"unfreeze_unsplit":false}`,
			`"state":"PROCESSING"`},
		{"GET", "/v3/global/profit-sharing/orders/C1?sub_mchid=1900000109&transaction_id=4208450740201411110007820472", "", `"state":"FINISHED"`},
		{"POST", "/v3/global/profit-sharing/orders/unfreeze",
			`{"sub_mchid":"1900000109","transaction_id":"4208450740201411110007820472","out_order_no":"C2","description":"解冻"}`, `"UNFREEZE_TO_SPONSOR"`},
		{"GET", "/v3/global/profit-sharing/transactions/4208450740201411110007820472/amounts?sub_mchid=1900000109", "", `"unsplit_amount":0`},
		{"GET", "/v3/global/profit-sharing/bill-download-url?bill_date=" + today + "&sub_mchid=1900000109", "", `"download_url":"` + srv.URL},
		{"POST", "/v3/global/profit-sharing/transactions/mark", `{"sub_mchid":"1900000109","out_trade_no":"T000001","currency":"CNY"}`, "HTTP 204 No Content\n"},
		{"GET", "/v3/global/profit-sharing/transactions/4208450740201411110007820472/refundable-amounts?sub_mchid=1900000109", "", `"funds_refundable_amount":1000`},
		{"GET", "/v3/global/profit-sharing/refunds/refundable-balance", "", `"sponsor_mchid":"` + wechatpaytest.TestMchID},
		{"GET", "/v3/global/profit-sharing/refunds/bill-download-url?bill_date=" + today, "", `"download_url":"` + srv.URL},
		{"DELETE", "/v3/global/profit-sharing/receivers", `{"sub_mchid":"1900000109","type":"MERCHANT_ID","account":"1900000200"}`, "HTTP 204 No Content\n"},
	}
	for _, s := range steps {
		args := []string{"call", "-config", cfg, s.method, s.target}
		if s.body != "" {
			args = append(args, "-body", "-")
		}
		r := runCLI(s.body, args...)
		require.Zero(t, r.code, "%s %s: %s", s.method, s.target, r.stderr)
		require.Contains(t, r.stdout, s.want, "%s %s", s.method, s.target)
	}
	// The receiver is gone: deleting it again is the emulator's 400.
	r := runCLI(steps[len(steps)-1].body, "call", "-config", cfg, "DELETE", "/v3/global/profit-sharing/receivers", "-body", "-")
	require.Equal(t, 1, r.code)
	require.Contains(t, r.stderr, "INVALID_REQUEST")

	// The 204 is verified too.
	srv.AddProfitSharingRelation(wechatpaytest.ProfitSharingRelation{SubMchID: "1900000109", Type: "MERCHANT_ID", Account: "1900000200"})
	srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIProfitSharingDeleteReceiver, Kind: wechatpaytest.FaultStaleTimestamp, Count: 1})
	r = runCLI(steps[len(steps)-1].body, "call", "-config", cfg, "DELETE", "/v3/global/profit-sharing/receivers", "-body", "-")
	require.Equal(t, 1, r.code)
	require.Contains(t, r.stderr, reason(wechatpay.ErrStaleTimestamp))
	require.Empty(t, r.stdout)
}

// TestCallV2RedPackets: call reaches the APIv2 red-packet paths: a WeCom
// send with its workwx_sign, an ordinary send, and the query with its
// nested list; a reply without a sign is refused unless -unsigned-reply
// says it may be, and a wrong reply sign always is.
func TestCallV2RedPackets(t *testing.T) {
	srv, cfg := emulatorCredentials(t)
	r := runCLI("", "call", "-config", cfg, "-workwx-sign", "POST", "/mmpaymkttransfers/sendworkwxredpack",
		"mch_billno=1900016681202612010001", "wxappid=wxd678efh567hg6787", "sender_name=Corp", "re_openid=oxTWIuGaIt6gTKsQRLau2M0yL16E",
		"total_amount=100", "wishing=w", "act_name=a", "remark=r")
	require.Zero(t, r.code, r.stderr)
	require.Contains(t, r.stdout, `"result_code": "SUCCESS"`)
	require.Contains(t, r.stdout, `"send_listid": "`)

	// Without workwx_sign the emulator refuses the WeCom send.
	r = runCLI("", "call", "-config", cfg, "POST", "/mmpaymkttransfers/sendworkwxredpack",
		"mch_billno=1900016681202612010002", "wxappid=wxd678efh567hg6787", "sender_name=Corp", "re_openid=oxTWIuGaIt6gTKsQRLau2M0yL16E",
		"total_amount=100", "wishing=w", "act_name=a", "remark=r")
	require.Equal(t, 1, r.code)
	require.Contains(t, r.stderr, "PARAM_ERROR")

	send := []string{"call", "-config", cfg, "POST", "/mmpaymkttransfers/sendredpack",
		"mch_billno=1900016681202612010003", "wxappid=wxd678efh567hg6787", "send_name=Shop", "re_openid=oxTWIuGaIt6gTKsQRLau2M0yL16E",
		"total_amount=100", "total_num=1", "wishing=w", "client_ip=192.168.0.1", "act_name=a", "remark=r"}
	r = runCLI("", send...)
	require.Equal(t, 1, r.code, "the emulator answers sendredpack unsigned")
	require.Contains(t, r.stderr, "no sign")
	r = runCLI("", append(send[:3:3], append([]string{"-unsigned-reply"}, send[3:]...)...)...)
	require.Zero(t, r.code, r.stderr)
	require.Contains(t, r.stderr, "note: the reply carries no sign")

	require.True(t, srv.OpenRedPacket("1900016681", "1900016681202612010003", "oxTWIuGaIt6gTKsQRLau2M0yL16E"))
	query := []string{"call", "-config", cfg, "-unsigned-reply", "-nested", "hblist", "POST", "/mmpaymkttransfers/gethbinfo",
		"mch_billno=1900016681202612010003", "appid=wxd678efh567hg6787", "bill_type=MCHT"}
	r = runCLI("", query...)
	require.Zero(t, r.code, r.stderr)
	require.Contains(t, r.stdout, `"mch_billno": "1900016681202612010003"`)
	require.Contains(t, r.stdout, `"hblist": "\u003chbinfo\u003e`)

	// Without -nested the list is an element where text was expected.
	r = runCLI("", append(query[:4:4], query[6:]...)...)
	require.Equal(t, 1, r.code)
	require.Contains(t, r.stderr, "malformed")

	srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIQueryCashRedPacket, Kind: wechatpaytest.FaultTamperedBody, Count: 1})
	r = runCLI("", query...)
	require.Equal(t, 1, r.code)
	require.Contains(t, r.stderr, "sign does not verify")
	require.Empty(t, r.stdout)

	// Usage mistakes say what to do.
	r = runCLI("", "call", "-config", cfg, "GET", "/mmpaymkttransfers/gethbinfo", "appid=x")
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, "APIv2 calls are POST")
	r = runCLI("", "call", "-config", cfg, "-nested", "hblist", "GET", "/v3/certificates")
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, "are for APIv2 paths")
	r = runCLI("", "call", "-config", cfg, "POST", "/mmpaymkttransfers/gethbinfo", "appid")
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, `parameter "appid" is not key=value`)
}
