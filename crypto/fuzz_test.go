package crypto

import (
	"bytes"
	"encoding/base64"
	"errors"
	"testing"

	"github.com/gowechatpay/wechatpay/internal/testvectors"
)

func FuzzOpenAESGCM(f *testing.F) {
	v := testvectors.Load(f)
	for _, c := range v.AEAD {
		f.Add([]byte(c.Key), []byte(c.Nonce), []byte(c.AssociatedData), c.Ciphertext)
	}
	f.Add(testAPIv3Key, testNonce, []byte(nil), "")
	f.Add(testAPIv3Key, []byte("short"), []byte("x"), "QQ==")
	f.Add([]byte("short key"), testNonce, []byte(""), "%%%")
	f.Fuzz(func(t *testing.T, key, nonce, aad []byte, ct string) {
		pt, err := OpenAESGCM(key, nonce, aad, ct)
		if err != nil {
			if pt != nil {
				t.Fatal("plaintext returned with an error")
			}
			if !errors.Is(err, ErrAuthFailed) && !errors.Is(err, ErrInvalidKeyLength) && !errors.Is(err, ErrInvalidNonce) {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		// Anything that opens must seal back to an equivalent ciphertext.
		again, err := SealAESGCM(key, nonce, aad, pt)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := base64.StdEncoding.DecodeString(ct)
		raw2, _ := base64.StdEncoding.DecodeString(again)
		if !bytes.Equal(raw, raw2) {
			t.Fatal("seal(open(ct)) != ct")
		}
	})
}

func addPEMSeeds(f *testing.F) {
	for _, name := range testPEMFiles {
		f.Add(readTestdata(f, name))
	}
	f.Add([]byte(""))
	f.Add([]byte("-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n"))
	f.Add([]byte("-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n"))
	f.Add([]byte("-----BEGIN RSA PUBLIC KEY-----\nMAMCAQE=\n-----END RSA PUBLIC KEY-----\n"))
}

func FuzzLoadPrivateKey(f *testing.F) { fuzzLoadKey(f, LoadPrivateKey) }

func FuzzLoadPublicKey(f *testing.F) { fuzzLoadKey(f, LoadPublicKey) }

// fuzzLoadKey requires load to return a key or an error, never both or
// neither, and only ErrInvalidPEM or ErrKeyType as an error.
func fuzzLoadKey[K any](f *testing.F, load func([]byte) (*K, error)) {
	addPEMSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := load(data)
		if (k == nil) == (err == nil) {
			t.Fatalf("key %v, err %v", k != nil, err)
		}
		if err != nil && !errors.Is(err, ErrInvalidPEM) && !errors.Is(err, ErrKeyType) {
			t.Fatalf("unexpected error: %v", err)
		}
	})
}

func FuzzLoadCertificate(f *testing.F) {
	addPEMSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := LoadCertificate(data)
		if (c == nil) == (err == nil) {
			t.Fatalf("cert %v, err %v", c != nil, err)
		}
		if err != nil && !errors.Is(err, ErrInvalidPEM) {
			t.Fatalf("unexpected error: %v", err)
		}
		if c != nil {
			_ = CertificateSerial(c)
		}
		cs, err := LoadCertificates(data)
		if (len(cs) == 0) == (err == nil) {
			t.Fatalf("certs %d, err %v", len(cs), err)
		}
	})
}

func FuzzDecryptOAEP(f *testing.F) {
	priv := loadTestPrivateKey(f, "merchant_test_key.pem")
	v := testvectors.Load(f)
	for _, c := range v.OAEP {
		f.Add(c.Ciphertext)
	}
	f.Add("")
	f.Add("QQ==")
	f.Add("%%%")
	f.Fuzz(func(t *testing.T, ct string) {
		pt, err := DecryptOAEP(priv, ct)
		if err != nil {
			if pt != nil || !errors.Is(err, ErrDecrypt) {
				t.Fatalf("pt %v, err %v", pt != nil, err)
			}
		}
	})
}

func FuzzVerifySHA256WithRSA(f *testing.F) {
	pub := loadTestPublicKey(f, "merchant_test_pubkey.pem")
	v := testvectors.Load(f)
	for _, c := range v.Signing {
		f.Add([]byte(c.SigningMessage), c.Signature)
	}
	f.Add([]byte("m"), "")
	f.Add([]byte(""), "%%%not-base64%%%")
	f.Add([]byte("x"), "WECHATPAY/SIGNTEST/QQ==")
	f.Fuzz(func(t *testing.T, msg []byte, sig string) {
		err := VerifySHA256WithRSA(pub, msg, sig)
		if err != nil && !errors.Is(err, ErrMalformedSignature) && !errors.Is(err, ErrBadSignature) {
			t.Fatalf("unexpected error: %v", err)
		}
	})
}
