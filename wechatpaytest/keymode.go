package wechatpaytest

import (
	"crypto/rsa"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gowechatpay/wechatpay"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
)

// WithKeyMode sets which WeChat Pay keys the emulated merchant has, as
// WeChat Pay assigns them:
//
//   - wechatpay.KeyModePublicKey (the default; KeyModeAuto means it too): a
//     merchant of the WeChat Pay public key. Every answer and callback is
//     signed with the public-key-id key whatever the request's
//     Wechatpay-Serial says, only the public key id decrypts request
//     fields, and GET /v3/certificates answers 404 RESOURCE_NOT_EXISTS
//     (无可用的平台证书), as WeChat Pay does for such merchants.
//   - wechatpay.KeyModeCertificates: a merchant of platform certificates.
//     Everything is signed with the platform certificate key, only its
//     serial decrypts, and GET /v3/certificates serves the certificate.
//   - wechatpay.KeyModeBoth: a merchant migrating from certificates to the
//     public key. The request's Wechatpay-Serial chooses the key that signs
//     the answer: the platform certificate serial (in any case) or no
//     header at all gives the platform certificate key (a merchant in
//     migration still holds the certificate, and a client that holds no
//     key yet can bootstrap from GET /v3/certificates), anything else the
//     public-key-id key. Either key decrypts.
//
// ClientOptions, Credentials and WriteCredentials follow the mode: they give
// the merchant the public key, the platform certificate, or both. An
// unknown mode makes NewServer panic and Listen fail.
func WithKeyMode(m wechatpay.KeyMode) Option {
	return func(c *config) { c.keyMode = m }
}

// ParseKeyMode parses a key mode by its name, as KeyMode.String writes it:
// "public-key", "certificates" or "both".
func ParseKeyMode(name string) (wechatpay.KeyMode, error) {
	for _, m := range []wechatpay.KeyMode{wechatpay.KeyModePublicKey, wechatpay.KeyModeCertificates, wechatpay.KeyModeBoth} {
		if name == m.String() {
			return m, nil
		}
	}
	return 0, fmt.Errorf("wechatpaytest: unknown key mode %q: want public-key, certificates or both", name)
}

// KeyMode returns the server's key mode (see WithKeyMode).
func (s *Server) KeyMode() wechatpay.KeyMode { return s.keyMode }

// hasPublicKey and hasCertificates say which WeChat Pay keys the merchant
// of the server's key mode holds.
func (s *Server) hasPublicKey() bool    { return s.keyMode != wechatpay.KeyModeCertificates }
func (s *Server) hasCertificates() bool { return s.keyMode != wechatpay.KeyModePublicKey }

// signingKey returns the key that signs the answer to r, and the serial
// that names it in the answer's Wechatpay-Serial (see WithKeyMode).
func (s *Server) signingKey(r *http.Request) (*rsa.PrivateKey, string) {
	switch s.keyMode {
	case wechatpay.KeyModeCertificates:
		return s.keys.platformKey, s.keys.platformSerial
	case wechatpay.KeyModeBoth:
		if named := r.Header.Get(wechatpay.HeaderSerial); named == "" || strings.EqualFold(named, s.keys.platformSerial) {
			return s.keys.platformKey, s.keys.platformSerial
		}
	}
	return s.keys.pubKey, s.keys.pubKeyID
}

// notificationKey returns the key that signs a callback, and the serial
// that names it in the callback's Wechatpay-Serial: the public-key-id key,
// except in KeyModeCertificates, where it is the platform certificate key.
// A merchant in migration (KeyModeBoth) gets callbacks signed with the
// public key, as WeChat Pay sends them once the public key is enabled.
func (s *Server) notificationKey() (*rsa.PrivateKey, string) {
	if s.keyMode == wechatpay.KeyModeCertificates {
		return s.keys.platformKey, s.keys.platformSerial
	}
	return s.keys.pubKey, s.keys.pubKeyID
}

// decryptionKey returns the private key of the WeChat Pay key that the
// request's Wechatpay-Serial names, for decrypting its encrypted fields;
// only the keys of the server's key mode count.
func (s *Server) decryptionKey(r *http.Request) (*rsa.PrivateKey, *ErrorAnswer) {
	serial := r.Header.Get(wechatpay.HeaderSerial)
	switch {
	case serial == "":
		return nil, paramError(wechatpay.HeaderSerial, "header", "required when a field is encrypted")
	case serial == s.keys.pubKeyID && s.hasPublicKey():
		return s.keys.pubKey, nil
	case strings.EqualFold(serial, s.keys.platformSerial) && s.hasCertificates():
		return s.keys.platformKey, nil
	}
	return nil, paramError(wechatpay.HeaderSerial, "header", "names no WeChat Pay key of this merchant")
}

// decryptField decrypts an encrypted request field.
func (s *Server) decryptField(r *http.Request, field, location, ciphertext string) (string, *ErrorAnswer) {
	key, e := s.decryptionKey(r)
	if e != nil {
		return "", e
	}
	plain, err := wxcrypto.DecryptOAEP(key, ciphertext)
	if err != nil {
		return "", paramError(field, location, "private-key decryption failed (RSA-OAEP with the key named by Wechatpay-Serial)")
	}
	return string(plain), nil
}

// encryptForMerchant encrypts a sensitive response field with the merchant
// certificate's public key.
func (s *Server) encryptForMerchant(plain string) (string, *ErrorAnswer) {
	if plain == "" {
		return "", nil
	}
	ct, err := wxcrypto.EncryptOAEP(&s.keys.merchantKey.PublicKey, []byte(plain))
	if err != nil {
		return "", systemError("encryption failed", "encrypting a field for the merchant")
	}
	return ct, nil
}

// signHeaders signs body as WeChat Pay signs answers and callbacks, with
// key, the timestamp of now and a fresh nonce, and sets the five signature
// headers of h, Wechatpay-Serial naming the key by serial; with probe set
// the signature is a signature probe (WECHATPAY/SIGNTEST/…).
func signHeaders(h http.Header, key *rsa.PrivateKey, serial string, now time.Time, body []byte, probe bool) error {
	ts := strconv.FormatInt(now.Unix(), 10)
	nonce := wechatpay.NewNonce()
	msg := append(append([]byte(ts+"\n"+nonce+"\n"), body...), '\n')
	sig, err := wxcrypto.SignSHA256WithRSA(key, msg)
	if err != nil {
		return err
	}
	if probe {
		sig = wechatpay.ProbePrefix + sig
	}
	h.Set(wechatpay.HeaderTimestamp, ts)
	h.Set(wechatpay.HeaderNonce, nonce)
	h.Set(wechatpay.HeaderSignature, sig)
	h.Set(wechatpay.HeaderSerial, serial)
	h.Set(wechatpay.HeaderSignatureType, wechatpay.AuthScheme)
	return nil
}
