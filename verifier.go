package wechatpay

import (
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
)

// Header names of the v3 signature scheme.
const (
	HeaderTimestamp     = "Wechatpay-Timestamp"
	HeaderNonce         = "Wechatpay-Nonce"
	HeaderSignature     = "Wechatpay-Signature"
	HeaderSerial        = "Wechatpay-Serial"
	HeaderSignatureType = "Wechatpay-Signature-Type"
	HeaderRequestID     = "Request-Id"
)

// PublicKeyIDPrefix starts every WeChat Pay public key id.
const PublicKeyIDPrefix = "PUB_KEY_ID_"

// ProbePrefix starts the deliberately wrong signatures WeChat Pay sends to
// check that merchants verify.
const ProbePrefix = "WECHATPAY/SIGNTEST/"

// Window is how far a signature timestamp may be from the local clock, in
// either direction. Exactly Window is accepted.
const Window = 5 * time.Minute

// KeyMode says which kind of WeChat Pay key a client trusts and uses. One
// setting drives response and callback verification, the key that encrypts
// sensitive request fields, and the Wechatpay-Serial request header.
type KeyMode int

const (
	// KeyModeAuto picks the mode from what is configured: both kinds give
	// KeyModeBoth, otherwise the one kind present.
	KeyModeAuto KeyMode = iota
	// KeyModePublicKey trusts only the WeChat Pay public key (PUB_KEY_ID_...).
	KeyModePublicKey
	// KeyModeCertificates trusts only platform certificates.
	KeyModeCertificates
	// KeyModeBoth trusts both kinds (a migration) and prefers the public key
	// for encryption and the Wechatpay-Serial header.
	KeyModeBoth
)

// String returns the mode's name.
func (m KeyMode) String() string {
	switch m {
	case KeyModeAuto:
		return "auto"
	case KeyModePublicKey:
		return "public-key"
	case KeyModeCertificates:
		return "certificates"
	case KeyModeBoth:
		return "both"
	}
	return "KeyMode(" + strconv.Itoa(int(m)) + ")"
}

// Verifier checks the signatures of v3 responses and callbacks. It holds the
// WeChat Pay public key and the platform certificates, is safe for
// concurrent use, and has no switch that turns verification off.
type Verifier struct {
	now func() time.Time

	mu       sync.RWMutex
	mode     KeyMode
	pubID    string
	pubKey   *rsa.PublicKey
	certs    map[string]*x509.Certificate // serial (upper-case hex) → certificate
	excluded string                       // the merchant's own serial, never trusted
}

// NewVerifier returns a Verifier trusting no key yet, using now as its clock
// (time.Now when nil). Add keys with SetPublicKey and AddCertificate.
func NewVerifier(mode KeyMode, now func() time.Time) *Verifier {
	if now == nil {
		now = time.Now
	}
	return &Verifier{now: now, mode: mode, certs: map[string]*x509.Certificate{}}
}

// SetPublicKey sets the WeChat Pay public key and its id (PUB_KEY_ID_...).
func (v *Verifier) SetPublicKey(id string, key *rsa.PublicKey) error {
	if !strings.HasPrefix(id, PublicKeyIDPrefix) {
		return &FieldError{Field: "wechatpay_public_key_id", Reason: "must start with " + PublicKeyIDPrefix}
	}
	if key == nil {
		return &FieldError{Field: "wechatpay_public_key", Reason: "nil", Missing: true}
	}
	if err := checkKeySize(key); err != nil {
		return err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.pubID, v.pubKey = id, key
	return nil
}

// AddCertificate trusts a platform certificate under its serial and returns
// the serial. An expired certificate or one that is not RSA is refused.
func (v *Verifier) AddCertificate(cert *x509.Certificate) (string, error) {
	if cert == nil {
		return "", &FieldError{Field: "platform_certificate", Reason: "nil", Missing: true}
	}
	key, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return "", &FieldError{Field: "platform_certificate", Reason: "not an RSA certificate"}
	}
	if err := checkKeySize(key); err != nil {
		return "", err
	}
	if v.now().After(cert.NotAfter) {
		return "", &FieldError{Field: "platform_certificate", Reason: "expired on " + cert.NotAfter.Format(time.RFC3339)}
	}
	serial := wxcrypto.CertificateSerial(cert)
	v.mu.Lock()
	defer v.mu.Unlock()
	if serial == v.excluded {
		return "", &FieldError{Field: "platform_certificate", Reason: "serial " + serial + " is the merchant's own certificate"}
	}
	v.certs[serial] = cert
	return serial, nil
}

// Certificates returns the trusted platform certificates.
func (v *Verifier) Certificates() []*x509.Certificate {
	v.mu.RLock()
	defer v.mu.RUnlock()
	out := make([]*x509.Certificate, 0, len(v.certs))
	for _, c := range v.certs {
		out = append(out, c)
	}
	return out
}

// Mode returns the effective key mode.
func (v *Verifier) Mode() KeyMode {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.effectiveMode()
}

func (v *Verifier) effectiveMode() KeyMode {
	if v.mode != KeyModeAuto {
		return v.mode
	}
	switch {
	case v.pubKey != nil && len(v.certs) > 0:
		return KeyModeBoth
	case v.pubKey != nil:
		return KeyModePublicKey
	default:
		return KeyModeCertificates
	}
}

// EncryptionKey returns the WeChat Pay key that the mode prefers, with its id
// or serial: the public key in public-key and both modes, otherwise the
// platform certificate that expires last.
func (v *Verifier) EncryptionKey() (string, *rsa.PublicKey, error) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	mode := v.effectiveMode()
	if mode != KeyModeCertificates && v.pubKey != nil {
		return v.pubID, v.pubKey, nil
	}
	if mode != KeyModePublicKey {
		var best *x509.Certificate
		var bestSerial string
		now := v.now()
		for serial, c := range v.certs {
			if !validAt(c, now) {
				continue
			}
			if best == nil || c.NotAfter.After(best.NotAfter) || (c.NotAfter.Equal(best.NotAfter) && serial > bestSerial) {
				best, bestSerial = c, serial
			}
		}
		if best != nil {
			return bestSerial, best.PublicKey.(*rsa.PublicKey), nil
		}
	}
	return "", nil, ErrNoWechatpayKey
}

// keyFor returns the key named by a Wechatpay-Serial value, if trusted.
func (v *Verifier) keyFor(serial string) *rsa.PublicKey {
	v.mu.RLock()
	defer v.mu.RUnlock()
	mode := v.effectiveMode()
	if strings.HasPrefix(serial, PublicKeyIDPrefix) {
		if mode != KeyModeCertificates && serial == v.pubID {
			return v.pubKey
		}
		return nil
	}
	if mode == KeyModePublicKey {
		return nil
	}
	if c, ok := v.certs[serial]; ok && validAt(c, v.now()) {
		return c.PublicKey.(*rsa.PublicKey)
	}
	return nil
}

// validAt reports whether now is within the certificate's validity.
func validAt(c *x509.Certificate, now time.Time) bool {
	return !now.Before(c.NotBefore) && !now.After(c.NotAfter)
}

// pruneExpired forgets the platform certificates that have expired.
func (v *Verifier) pruneExpired() {
	now := v.now()
	v.mu.Lock()
	defer v.mu.Unlock()
	for serial, c := range v.certs {
		if now.After(c.NotAfter) {
			delete(v.certs, serial)
		}
	}
}

// Verify checks a v3 response or callback from its headers and exact raw
// body. It applies the rules of the protocol in order: the four Wechatpay-*
// headers, the timestamp's form and ±5 minute window, the probe prefix, the
// serial, the base64 form and the RSA signature. Every failure matches
// ErrInvalidSignature and its own sentinel.
func (v *Verifier) Verify(h http.Header, body []byte) error {
	return v.verify(h.Get(HeaderTimestamp), h.Get(HeaderNonce), h.Get(HeaderSignature),
		h.Get(HeaderSerial), h.Get(HeaderSignatureType), h.Get(HeaderRequestID), body)
}

func (v *Verifier) verify(ts, nonce, sig, serial, sigType, requestID string, body []byte) error {
	fail := func(kind error, detail string) error {
		return &verifyError{kind: kind, detail: detail, requestID: requestID}
	}
	switch {
	case ts == "":
		return fail(ErrMissingHeader, HeaderTimestamp)
	case nonce == "":
		return fail(ErrMissingHeader, HeaderNonce)
	case sig == "":
		return fail(ErrMissingHeader, HeaderSignature)
	case serial == "":
		return fail(ErrMissingHeader, HeaderSerial)
	}
	t, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || ts[0] == '+' {
		return fail(ErrMalformedTimestamp, "not a decimal integer")
	}
	now := v.now().Unix()
	if d := now - t; d > int64(Window/time.Second) || d < -int64(Window/time.Second) {
		return fail(ErrStaleTimestamp, strconv.FormatInt(d, 10)+"s from the local clock")
	}
	if strings.HasPrefix(sig, ProbePrefix) {
		return fail(ErrSignatureProbe, "")
	}
	key := v.keyFor(serial)
	if key == nil {
		return fail(ErrUnknownSerial, v.unknownSerialDetail(serial))
	}
	if sigType != "" && sigType != AuthScheme {
		return fail(ErrBadSignature, "unsupported "+HeaderSignatureType)
	}
	mb := msgPool.Get().(*[]byte)
	msg := (*mb)[:0]
	msg = append(msg, ts...)
	msg = append(msg, '\n')
	msg = append(msg, nonce...)
	msg = append(msg, '\n')
	msg = append(msg, body...)
	msg = append(msg, '\n')
	err = wxcrypto.VerifySHA256WithRSA(key, msg, sig)
	putMsg(mb, msg)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, wxcrypto.ErrMalformedSignature):
		return fail(ErrMalformedSignature, "")
	default:
		return fail(ErrBadSignature, "")
	}
}

// unknownSerialDetail names the serial an answer carries (cut short: it
// comes from an unauthenticated peer) and what the client holds instead,
// so that a wrong wechatpay_public_key_id shows at once.
func (v *Verifier) unknownSerialDetail(serial string) string {
	const maxShown = 64
	raw := serial
	if len(serial) > maxShown {
		serial = strconv.Quote(serial[:maxShown]) + "... (" + strconv.Itoa(len(serial)) + " bytes)"
	} else {
		serial = strconv.Quote(serial)
	}
	v.mu.RLock()
	defer v.mu.RUnlock()
	mode := v.effectiveMode()
	family := v.serialHint(raw, mode)
	var held []string
	if v.pubID != "" && mode != KeyModeCertificates {
		held = append(held, "wechatpay_public_key_id "+v.pubID)
	}
	if mode != KeyModePublicKey && len(v.certs) > 0 {
		serials := make([]string, 0, len(v.certs))
		for s := range v.certs {
			serials = append(serials, s)
		}
		slices.Sort(serials)
		held = append(held, "platform certificates "+strings.Join(serials, ", "))
	}
	holds := "no WeChat Pay key"
	if len(held) > 0 {
		holds = strings.Join(held, " and ")
	}
	return serial + "; the client holds " + holds + family
}

// serialHint says which family an unknown Wechatpay-Serial belongs to
// (README §3.4) and how a client is given its key: the option, the
// credentials field, or the key mode when the client holds the key but its
// mode excludes it. v.mu is held.
func (v *Verifier) serialHint(serial string, mode KeyMode) string {
	if strings.HasPrefix(serial, PublicKeyIDPrefix) {
		if serial == v.pubID {
			return "; the client holds this public key, but its key mode is " + mode.String() + ": use KeyModePublicKey or KeyModeBoth (WithKeyMode)"
		}
		return "; the serial is a WeChat Pay public key id: if the answer's key is yours, configure its id (wechatpay_public_key_id) " +
			"and key (wechatpay_public_key_file), or WithPublicKey"
	}
	if c, ok := v.certs[serial]; ok {
		if mode == KeyModePublicKey {
			return "; the client holds this platform certificate, but its key mode is public-key: use KeyModeCertificates or KeyModeBoth (WithKeyMode)"
		}
		return "; the client holds this platform certificate, outside its validity (" + c.NotBefore.UTC().Format(time.RFC3339) + " to " +
			c.NotAfter.UTC().Format(time.RFC3339) + "): download the current ones (WithCertificateRefresh)"
	}
	return "; the serial is a platform-certificate serial: if the answer's key is yours, configure the certificate " +
		"(platform_certificate_files), or WithPlatformCertificates or WithCertificateRefresh"
}

func checkKeySize(key *rsa.PublicKey) error {
	if key == nil || key.N == nil || key.E < 2 {
		return &FieldError{Field: "key", Reason: "incomplete RSA key"}
	}
	if bits := key.N.BitLen(); bits < 2048 {
		return &FieldError{Field: "key", Reason: "RSA key of " + strconv.Itoa(bits) + " bits; at least 2048 required"}
	}
	return nil
}
