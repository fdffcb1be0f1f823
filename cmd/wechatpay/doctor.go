package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/gowechatpay/wechatpay"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
	"github.com/gowechatpay/wechatpay/security"
)

// doctor runs the steps of a configuration diagnosis (apis-2026.md,
// "doctor") and prints one line for each.
type doctor struct {
	e         *env
	cr        *wechatpay.Credentials
	notifyURL string
	listen    string
	tlsCert   string
	tlsKey    string
	wait      time.Duration
	failed    bool
}

// errDiagnosis is the error of a diagnosis in which a step failed: the
// lines already say which and why.
var errDiagnosis = errors.New("a step failed (see the lines above)")

func runDoctor(e *env, fs *flag.FlagSet, args []string) error {
	d := &doctor{e: e}
	fs.StringVar(&d.notifyURL, "notify-url", "", "https `URL` (no query) for step 7, the test callback; without it the step is skipped")
	fs.StringVar(&d.listen, "listen", "", "`ADDR` (host:port) the doctor serves -notify-url on, to check the callback itself (plain HTTP behind the TLS proxy of -notify-url, or TLS with -tls-cert and -tls-key)")
	fs.StringVar(&d.tlsCert, "tls-cert", "", "certificate `FILE` (PEM) for -listen to serve TLS with")
	fs.StringVar(&d.tlsKey, "tls-key", "", "private key `FILE` (PEM) of -tls-cert")
	wait := duration(60 * time.Second)
	fs.Var(&wait, "wait", "`DURATION` step 7 waits for the callback with -listen")
	if err := e.noArgs(fs, args); err != nil {
		return err
	}
	if d.listen != "" && d.notifyURL == "" {
		return e.usageError(fs, "-listen needs -notify-url: the https address WeChat Pay calls, which reaches -listen")
	}
	if (d.tlsCert == "") != (d.tlsKey == "") {
		return e.usageError(fs, "-tls-cert and -tls-key go together")
	}
	d.wait = time.Duration(wait)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	d.run(ctx)
	if d.failed {
		return errDiagnosis
	}
	return nil
}

// run runs every step: the online ones only when the offline one passes.
func (d *doctor) run(ctx context.Context) {
	c := d.offline()
	if c == nil {
		for _, s := range []string{"1 sign", "2 verify", "3 echo", "4 encrypt out", "5 decrypt in", "6 both families", "7 callback"} {
			d.line(s, "skipped", "", "step 0 failed: fix the configuration first")
		}
		return
	}
	defer c.Close()
	modes := []wechatpay.KeyMode{c.Verifier().Mode()}
	if modes[0] == wechatpay.KeyModeBoth {
		modes = []wechatpay.KeyMode{wechatpay.KeyModePublicKey, wechatpay.KeyModeCertificates}
	}
	var broken []string
	for _, m := range modes {
		fc := c
		if len(modes) > 1 {
			if fc = d.familyClient(m); fc == nil {
				broken = append(broken, m.String())
				continue
			}
			defer fc.Close()
		}
		if !d.family(ctx, fc, familyLabel(m, len(modes) > 1)) {
			broken = append(broken, m.String())
		}
	}
	d.bothFamilies(modes, broken)
	if len(broken) == len(modes) {
		d.line("7 callback", "skipped", "", "the echo itself fails (steps 1-5)")
		return
	}
	d.callback(ctx, c)
}

// line prints one step's result; a failure makes the diagnosis fail.
func (d *doctor) line(step, status, requestID, text string) {
	if status == "FAIL" {
		d.failed = true
	}
	if requestID != "" && !strings.Contains(text, requestID) {
		text = "(Request-ID " + requestID + ") " + text
	}
	fmt.Fprintf(d.e.stdout, "step %-16s %-7s %s\n", step+":", status, text)
}

// familyLabel names the key family a step runs with when it runs twice.
func familyLabel(m wechatpay.KeyMode, both bool) string {
	if !both {
		return ""
	}
	return " [" + m.String() + "]"
}

// familyClient is a client of the credentials restricted to key mode m.
func (d *doctor) familyClient(m wechatpay.KeyMode) *wechatpay.Client {
	c, err := d.e.client(wechatpay.WithKeyMode(m))
	if err != nil {
		d.line("1 sign"+familyLabel(m, true), "FAIL", "", errorText(err))
		return nil
	}
	return c
}

// bothFamilies is step 6: in a migration, which family works.
func (d *doctor) bothFamilies(modes []wechatpay.KeyMode, broken []string) {
	switch {
	case len(modes) == 1:
		d.line("6 both families", "skipped", "", "one key family configured ("+modes[0].String()+"); a merchant in migration configures both wechatpay_public_key_file and platform_certificate_files")
	case len(broken) == 0:
		d.line("6 both families", "pass", "", "steps 1-5 pass with the WeChat Pay public key and with the platform certificate")
	default:
		d.line("6 both families", "FAIL", "", "broken with "+strings.Join(broken, " and ")+"; see that family's lines above")
	}
}

// randomText is a fresh printable test string that reveals nothing.
func randomText(prefix string) string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// requestID is the Request-ID an error of a call carries, if any.
func requestID(err error) string {
	var api *wechatpay.APIError
	if errors.As(err, &api) {
		return api.RequestID
	}
	var te *wechatpay.TransportError
	if errors.As(err, &te) {
		return te.RequestID
	}
	var v interface{ RequestID() string }
	if errors.As(err, &v) {
		return v.RequestID()
	}
	return ""
}

// resolve is a path of the credentials file, relative to its directory.
func (d *doctor) resolve(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(d.cr.Dir, p)
}

// checkMerchant checks the merchant key, certificate and serial (step 0).
func (d *doctor) checkMerchant(now time.Time) []string {
	key, err := wxcrypto.LoadPrivateKeyFile(d.resolve(d.cr.MerchantPrivateKeyFile))
	if err != nil {
		return []string{"merchant_private_key_file " + d.cr.MerchantPrivateKeyFile + ": " + errorText(err) + "; set it to apiclient_key.pem (PEM)"}
	}
	if d.cr.MerchantCertificateFile == "" {
		return nil // the serial alone cannot be checked offline
	}
	cert, err := wxcrypto.LoadCertificateFile(d.resolve(d.cr.MerchantCertificateFile))
	if err != nil {
		return []string{"merchant_certificate_file " + d.cr.MerchantCertificateFile + ": " + errorText(err) + "; set it to apiclient_cert.pem (PEM)"}
	}
	return merchantProblems(d.cr, key, cert, now)
}

// merchantProblems compares the merchant key, serial and certificate.
func merchantProblems(cr *wechatpay.Credentials, key *rsa.PrivateKey, cert *x509.Certificate, now time.Time) []string {
	var p []string
	if pub, ok := cert.PublicKey.(*rsa.PublicKey); !ok || !pub.Equal(&key.PublicKey) {
		p = append(p, "merchant_private_key_file "+cr.MerchantPrivateKeyFile+" does not match merchant_certificate_file "+cr.MerchantCertificateFile+
			": set both to the apiclient_key.pem and apiclient_cert.pem of one certificate application (商户API证书)")
	}
	serial := wxcrypto.CertificateSerial(cert)
	if cr.MerchantSerialNo != "" && cr.MerchantSerialNo != serial {
		p = append(p, "merchant_serial_no "+cr.MerchantSerialNo+" is not the serial of merchant_certificate_file "+cr.MerchantCertificateFile+
			": set merchant_serial_no to "+serial+" (upper-case hex), or remove it to take it from the certificate")
	}
	if now.Before(cert.NotBefore) || now.After(cert.NotAfter) {
		p = append(p, "merchant_certificate_file "+cr.MerchantCertificateFile+" is valid only "+cert.NotBefore.UTC().Format(time.RFC3339)+" .. "+
			cert.NotAfter.UTC().Format(time.RFC3339)+": renew the merchant API certificate in the merchant platform (or fix the local clock)")
	}
	return p
}

// keyProblems checks the API keys and the WeChat Pay public key id (step 0).
func keyProblems(cr *wechatpay.Credentials) []string {
	var p []string
	for _, k := range []struct{ name, value string }{{"apiv3_key", cr.APIv3Key}, {"apiv2_key", cr.APIv2Key}} {
		if k.value != "" && (len(k.value) != 32 || !isASCII(k.value)) {
			p = append(p, fmt.Sprintf("%s is %d bytes: set it to the 32 ASCII characters set in the merchant platform (账户中心 > API安全)", k.name, len(k.value)))
		}
	}
	if cr.WechatpayPublicKeyID != "" && !strings.HasPrefix(cr.WechatpayPublicKeyID, wechatpay.PublicKeyIDPrefix) {
		p = append(p, "wechatpay_public_key_id does not start with "+wechatpay.PublicKeyIDPrefix+": set it to the id shown with the WeChat Pay public key in the merchant platform")
	}
	return p
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// offline is step 0: it checks the files and values before any network
// call and returns a client of the credentials, or nil when they fail.
func (d *doctor) offline() *wechatpay.Client {
	cr, err := wechatpay.LoadCredentials(d.e.config)
	if err != nil {
		d.line("0 offline", "FAIL", "", errorText(err))
		return nil
	}
	d.cr = cr
	problems := append(d.checkMerchant(time.Now()), keyProblems(cr)...)
	if len(problems) > 0 {
		d.line("0 offline", "FAIL", "", strings.Join(problems, "; "))
		return nil
	}
	c, err := d.e.client()
	if err != nil {
		d.line("0 offline", "FAIL", "", errorText(err)+configHint(err))
		return nil
	}
	target := "production (api.mch.weixin.qq.com)"
	if cr.BaseURL != "" {
		target = "base_url " + cr.BaseURL
	}
	d.line("0 offline", "pass", "", "files parse, the merchant key matches its certificate and serial, key mode "+c.Verifier().Mode().String()+"; calling "+target)
	return c
}

// configHints are the fixes of the client's refusals that name a field of
// the options rather than of the credentials file.
var configHints = map[string]string{
	"wechatpay_public_key": "; fix: wechatpay_public_key_file must hold WeChat Pay's public key (商户平台 > 账户中心 > API安全 > 微信支付公钥, pub_key.pem), not the merchant's",
	"platform_certificate": "; fix: platform_certificate_files must be WeChat Pay's platform certificates (wechatpay certificates -out DIR), not apiclient_cert.pem",
	"base_url":             "; fix: set base_url to the sandbox's https URL, or remove it to reach production",
}

// configHint is the fix of a refused configuration, when its error does
// not say it already.
func configHint(err error) string {
	var fe *wechatpay.FieldError
	if !errors.As(err, &fe) {
		return ""
	}
	return configHints[fe.Field]
}

// family runs steps 1-5 with c's key family and reports whether they pass.
func (d *doctor) family(ctx context.Context, c *wechatpay.Client, label string) bool {
	svc := security.New(c)
	sent := randomText("doctor-")
	echo, err := svc.Echo(ctx, &security.EchoRequest{EchoMessage: sent})
	if errors.Is(err, wechatpay.ErrSignatureProbe) { // refused as it must be (README §3); the step is repeated
		d.line("2 verify"+label, "repeat", requestID(err), "the answer was a WECHATPAY/SIGNTEST/ signature probe, refused as it must be")
		echo, err = svc.Echo(ctx, &security.EchoRequest{EchoMessage: sent})
	}
	if !d.signed(label, c.Verifier().Mode(), echo, err) {
		return false
	}
	if err != nil {
		d.line("2 verify"+label, "FAIL", requestID(err), errorText(err)+verifyHint(err, c))
		d.line("3 echo"+label, "skipped", "", "step 2 failed")
		d.skipEncryption(label, "step 2 failed")
		return false
	}
	d.line("2 verify"+label, "pass", echo.Meta.RequestID, "the answer verifies, signed by "+string(echo.Family)+" "+echo.Serial)
	if echo.EchoMessage != sent {
		d.line("3 echo"+label, "FAIL", echo.Meta.RequestID, "WeChat Pay echoed another echo_message than was sent: something between the SDK and WeChat Pay (base_url, a proxy) rewrites request bodies; send them byte for byte")
		d.skipEncryption(label, "step 3 failed")
		return false
	}
	d.line("3 echo"+label, "pass", echo.Meta.RequestID, "echo_message came back unchanged")
	return d.encryption(ctx, c, svc, label)
}

func (d *doctor) skipEncryption(label, why string) {
	d.line("4 encrypt out"+label, "skipped", "", why)
	d.line("5 decrypt in"+label, "skipped", "", why)
}
