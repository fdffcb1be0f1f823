package wechatpay

import (
	"crypto/rand"
	"crypto/rsa"
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
type Signer struct {
	mchID  string
	serial string
	key    *rsa.PrivateKey
}

// NewSigner returns a Signer for merchant mchID whose API certificate has the
// given serial (upper-case hex) and private key.
func NewSigner(mchID, serial string, key *rsa.PrivateKey) (*Signer, error) {
	switch {
	case mchID == "":
		return nil, &FieldError{Field: "mchid", Reason: "empty", Missing: true}
	case serial == "":
		return nil, &FieldError{Field: "merchant_serial_no", Reason: "empty", Missing: true}
	case key == nil:
		return nil, &FieldError{Field: "merchant_private_key", Reason: "nil", Missing: true}
	}
	return &Signer{mchID: mchID, serial: serial, key: key}, nil
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
	sig, err := wxcrypto.SignSHA256WithRSA(s.key, msg)
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
