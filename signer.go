package wechatpay

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"sync"

	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
)

// AuthScheme is the scheme of the v3 Authorization header.
const AuthScheme = "WECHATPAY2-SHA256-RSA2048"

// Signer makes the Authorization header of v3 requests with the merchant API
// private key. It is deterministic given the timestamp and nonce, safe for
// concurrent use, and holds the parsed key: nothing is parsed per request.
// The key is an *rsa.PrivateKey (NewSigner, WithMerchant) or any
// crypto.Signer over an RSA key (WithMerchantSigner), such as a KMS or HSM
// handle.
type Signer struct {
	mchID  string
	serial string
	key    crypto.Signer   // the merchant key, in or out of the process
	rsa    *rsa.PrivateKey // key, when it is an in-process RSA key
	pub    *rsa.PublicKey  // key's public half
}

// NewSigner returns a Signer for merchant mchID whose API certificate has the
// given serial (upper-case hex) and private key.
func NewSigner(mchID, serial string, key *rsa.PrivateKey) (*Signer, error) {
	if err := checkMerchant(mchID, serial, key == nil, "merchant_private_key"); err != nil {
		return nil, err
	}
	return &Signer{mchID: mchID, serial: serial, key: key, rsa: key, pub: &key.PublicKey}, nil
}

// checkMerchant refuses an empty merchant number or certificate serial,
// then a missing key (noKey), which keyField names.
func checkMerchant(mchID, serial string, noKey bool, keyField string) error {
	switch {
	case mchID == "":
		return &FieldError{Field: "mchid", Reason: "empty", Missing: true}
	case serial == "":
		return &FieldError{Field: "merchant_serial_no", Reason: "empty", Missing: true}
	case noKey:
		return &FieldError{Field: keyField, Reason: "nil", Missing: true}
	}
	return nil
}

// newCryptoSigner is NewSigner for a key behind a crypto.Signer, whose
// public half must be an RSA key of at least 2048 bits. field names the
// option in errors.
func newCryptoSigner(mchID, serial string, s crypto.Signer, field string) (*Signer, error) {
	if rk, ok := s.(*rsa.PrivateKey); ok {
		if rk != nil {
			if err := checkKeySize(&rk.PublicKey); err != nil {
				return nil, &FieldError{Field: field, Reason: err.(*FieldError).Reason}
			}
		}
		return NewSigner(mchID, serial, rk)
	}
	if err := checkMerchant(mchID, serial, s == nil, field); err != nil {
		return nil, err
	}
	pub, ok := s.Public().(*rsa.PublicKey)
	if !ok {
		return nil, &FieldError{Field: field, Reason: fmt.Sprintf("public key is %T; WeChat Pay needs an RSA key", s.Public())}
	}
	if err := checkKeySize(pub); err != nil {
		return nil, &FieldError{Field: field, Reason: err.(*FieldError).Reason}
	}
	return &Signer{mchID: mchID, serial: serial, key: s, pub: pub}, nil
}

// sign returns the base64 SHA256-RSA (RSASSA-PKCS1-v1_5) signature of msg.
func (s *Signer) sign(msg []byte) (string, error) {
	if s.rsa != nil {
		return wxcrypto.SignSHA256WithRSA(s.rsa, msg)
	}
	digest := sha256.Sum256(msg)
	sig, err := s.key.Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("wechatpay: merchant signer (WithMerchantSigner): %w", err)
	}
	// A signer that signs with another key or scheme (PSS) would make
	// every call a 401 SIGN_ERROR; one public-key operation says so here.
	if err := rsa.VerifyPKCS1v15(s.pub, crypto.SHA256, digest[:], sig); err != nil {
		return "", fmt.Errorf("wechatpay: merchant signer (WithMerchantSigner) returned a signature that is not RSASSA-PKCS1-v1_5 with SHA-256 under its public key: %w", err)
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// MchID returns the merchant number the signer signs for.
func (s *Signer) MchID() string { return s.mchID }

// Serial returns the serial of the merchant API certificate.
func (s *Signer) Serial() string { return s.serial }

// SigningMessage returns the five-line message of a v3 request: method,
// canonical URL (path and raw query exactly as sent), timestamp, nonce and
// body, each followed by "\n".
func SigningMessage(method, canonicalURL string, timestamp int64, nonce string, body []byte) []byte {
	return appendSigningMessage(nil, method, canonicalURL, timestamp, nonce, body)
}

func appendSigningMessage(b []byte, method, canonicalURL string, timestamp int64, nonce string, body []byte) []byte {
	if need := len(method) + len(canonicalURL) + len(nonce) + len(body) + 25; cap(b)-len(b) < need {
		nb := make([]byte, len(b), len(b)+need)
		copy(nb, b)
		b = nb
	}
	b = append(b, method...)
	b = append(b, '\n')
	b = append(b, canonicalURL...)
	b = append(b, '\n')
	b = strconv.AppendInt(b, timestamp, 10)
	b = append(b, '\n')
	b = append(b, nonce...)
	b = append(b, '\n')
	b = append(b, body...)
	b = append(b, '\n')
	return b
}

// Authorization returns the value of the Authorization header for a request
// with the given method, canonical URL (as Go's URL.RequestURI of the sent
// request), body, Unix timestamp in seconds and nonce. Its parameters come in
// the order mchid, nonce_str, timestamp, serial_no, signature.
func (s *Signer) Authorization(method, canonicalURL string, body []byte, timestamp int64, nonce string) (string, error) {
	mb := msgPool.Get().(*[]byte)
	msg := appendSigningMessage((*mb)[:0], method, canonicalURL, timestamp, nonce, body)
	sig, err := s.sign(msg)
	putMsg(mb, msg)
	if err != nil {
		return "", err
	}
	var ts [20]byte
	var b strings.Builder
	b.Grow(len(AuthScheme) + len(s.mchID) + len(nonce) + len(s.serial) + len(sig) + 80)
	b.WriteString(AuthScheme)
	b.WriteString(` mchid="`)
	b.WriteString(s.mchID)
	b.WriteString(`",nonce_str="`)
	b.WriteString(nonce)
	b.WriteString(`",timestamp="`)
	b.Write(strconv.AppendInt(ts[:0], timestamp, 10))
	b.WriteString(`",serial_no="`)
	b.WriteString(s.serial)
	b.WriteString(`",signature="`)
	b.WriteString(sig)
	b.WriteByte('"')
	return b.String(), nil
}

// msgPool holds the buffers of signing and verification messages, which
// are as long as the body and live only for one RSA operation.
var msgPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// putMsg returns a message buffer to msgPool unless it grew large.
func putMsg(p *[]byte, msg []byte) {
	if cap(msg) <= 64<<10 {
		*p = msg[:0]
		msgPool.Put(p)
	}
}

const nonceAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// NonceLength is the length of the nonces the SDK generates.
const NonceLength = 32

// NewNonce returns a fresh random string of 32 characters from [0-9A-Za-z],
// the form used for v3 signature nonces and v2 nonce_str.
func NewNonce() string {
	var raw [NonceLength]byte
	var out [NonceLength]byte
	fillNonce(raw[:], out[:])
	return string(out[:])
}

// fillNonce draws uniformly from the 62-character alphabet by rejection
// sampling, so no character is more likely than another.
func fillNonce(raw, out []byte) {
	n := 0
	for n < len(out) {
		_, _ = rand.Read(raw) // never fails since Go 1.24
		for _, c := range raw {
			if c >= 248 { // 248 = 4*62: keep the distribution uniform
				continue
			}
			out[n] = nonceAlphabet[c%62]
			n++
			if n == len(out) {
				return
			}
		}
	}
}
