package wechatpay_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/gowechatpay/wechatpay"
)

// FuzzVerify feeds random headers and bodies to the verifier: it must never
// panic, and it may accept only a body that carries a valid signature, which
// random input never does.
func FuzzVerify(f *testing.F) {
	v := loadVectors(f)
	for _, tc := range v.Verification.Cases {
		h := tc.Headers
		f.Add(h["Wechatpay-Timestamp"], h["Wechatpay-Nonce"], h["Wechatpay-Signature"], h["Wechatpay-Serial"], tc.Body)
	}
	verifier := wechatpay.NewVerifier(wechatpay.KeyModeBoth, func() time.Time { return time.Unix(v.Verification.Now, 0) })
	if err := verifier.SetPublicKey(pubKeyID, wechatpayPubKey(f)); err != nil {
		f.Fatal(err)
	}
	if _, err := verifier.AddCertificate(platformCert(f)); err != nil {
		f.Fatal(err)
	}
	valid := map[string]bool{}
	for _, tc := range v.Verification.Cases {
		if tc.Expect == "ok" {
			valid[tc.Headers["Wechatpay-Signature"]+"\x00"+tc.Headers["Wechatpay-Timestamp"]+"\x00"+tc.Body] = true
		}
	}
	f.Fuzz(func(t *testing.T, ts, nonce, sig, serial, body string) {
		h := http.Header{}
		h.Set("Wechatpay-Timestamp", ts)
		h.Set("Wechatpay-Nonce", nonce)
		h.Set("Wechatpay-Signature", sig)
		h.Set("Wechatpay-Serial", serial)
		err := verifier.Verify(h, []byte(body))
		if err == nil && !valid[sig+"\x00"+ts+"\x00"+body] {
			t.Fatalf("accepted an unsigned input: ts=%q nonce=%q serial=%q body=%q", ts, nonce, serial, body)
		}
	})
}

// FuzzParseCredentials: the credentials file parser never panics, and what
// it accepts names a merchant and a key file.
func FuzzParseCredentials(f *testing.F) {
	f.Add([]byte(`{"mchid":"1900016681","merchant_serial_no":"AB","merchant_private_key_file":"k.pem","wechatpay_public_key_id":"PUB_KEY_ID_1","wechatpay_public_key_file":"p.pem"}`))
	f.Add([]byte(`{"mchid":"1","merchant_private_key_file":"k.pem","merchant_certificate_file":"c.pem","platform_certificate_files":["a.pem"]}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, data []byte) {
		cr, err := wechatpay.ParseCredentials(data)
		if err != nil {
			return
		}
		if cr.MchID == "" || cr.MerchantPrivateKeyFile == "" {
			t.Fatalf("accepted credentials without merchant: %+v", cr)
		}
	})
}
