package crypto

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"iter"
	"os"
	"slices"
	"strings"
)

// ErrInvalidPEM is returned when the input holds no PEM block of the
// expected type, or when the block cannot be decoded.
var ErrInvalidPEM = errors.New("wechatpay/crypto: invalid PEM")

// ErrKeyType is returned when a key or certificate holds a key that is not
// RSA (or when a nil key is given).
var ErrKeyType = errors.New("wechatpay/crypto: not an RSA key")

const (
	pemTypePKCS8Private = "PRIVATE KEY"
	pemTypePKCS1Private = "RSA PRIVATE KEY"
	pemTypeEncPrivate   = "ENCRYPTED PRIVATE KEY"
	pemTypeSPKIPublic   = "PUBLIC KEY"
	pemTypePKCS1Public  = "RSA PUBLIC KEY"
	pemTypeCertificate  = "CERTIFICATE"
)

// LoadPrivateKey parses the first private key PEM block in pemBytes. It
// accepts "PRIVATE KEY" (PKCS#8, the form of a real apiclient_key.pem) and
// "RSA PRIVATE KEY" (PKCS#1) blocks, skipping any text and any other PEM
// blocks before it. The key must be RSA, otherwise the error wraps
// ErrKeyType; a missing or undecodable block gives an error wrapping
// ErrInvalidPEM. Encrypted keys are not supported.
func LoadPrivateKey(pemBytes []byte) (*rsa.PrivateKey, error) {
	block, err := firstBlock(pemBytes, "private key", pemTypePKCS8Private, pemTypePKCS1Private, pemTypeEncPrivate,
		"EC PRIVATE KEY", "DSA PRIVATE KEY", "OPENSSH PRIVATE KEY")
	if err != nil {
		return nil, err
	}
	switch block.Type {
	case pemTypePKCS8Private:
		return parsePKCS8Private(block.Bytes)
	case pemTypePKCS1Private:
		if _, enc := block.Headers["DEK-Info"]; enc {
			return nil, fmt.Errorf("%w: encrypted private keys are not supported", ErrInvalidPEM)
		}
		key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			// Some tools mislabel PKCS#8 keys; accept them too.
			if k8, err8 := parsePKCS8Private(block.Bytes); err8 == nil {
				return k8, nil
			}
			return nil, fmt.Errorf("%w: parse PKCS#1 private key: %w", ErrInvalidPEM, err)
		}
		return key, nil
	case pemTypeEncPrivate:
		return nil, fmt.Errorf("%w: encrypted private keys are not supported", ErrInvalidPEM)
	}
	return nil, fmt.Errorf("%w: PEM block %q", ErrKeyType, block.Type)
}

// blocks yields the PEM blocks of pemBytes in order, skipping any text
// between them.
func blocks(pemBytes []byte) iter.Seq[*pem.Block] {
	return func(yield func(*pem.Block) bool) {
		for rest := pemBytes; ; {
			var block *pem.Block
			if block, rest = pem.Decode(rest); block == nil || !yield(block) {
				return
			}
		}
	}
}

// firstBlock returns the first PEM block of pemBytes of one of types,
// skipping any text and other blocks before it; the error that there is
// none, wrapping ErrInvalidPEM, names what.
func firstBlock(pemBytes []byte, what string, types ...string) (*pem.Block, error) {
	for block := range blocks(pemBytes) {
		if slices.Contains(types, block.Type) {
			return block, nil
		}
	}
	return nil, fmt.Errorf("%w: no %s block", ErrInvalidPEM, what)
}

// loadFile reads the file at path and parses it with parse; what names the
// file in a read error.
func loadFile[T any](path, what string, parse func([]byte) (T, error)) (T, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		var zero T
		return zero, fmt.Errorf("wechatpay/crypto: read %s file: %w", what, err)
	}
	return parse(b)
}

func parsePKCS8Private(der []byte) (*rsa.PrivateKey, error) {
	return parseRSA(der, "PKCS#8 private key", x509.ParsePKCS8PrivateKey, x509.ParsePKCS1PrivateKey)
}

// parseRSA parses der with parse and requires an RSA key, a *K; when parse
// refuses der, it tries pkcs1, as some tools mislabel PKCS#1 keys. label
// names der's form in errors.
func parseRSA[K any](der []byte, label string, parse func([]byte) (any, error), pkcs1 func([]byte) (*K, error)) (*K, error) {
	key, err := parse(der)
	if err != nil {
		if k1, err1 := pkcs1(der); err1 == nil {
			return k1, nil
		}
		return nil, fmt.Errorf("%w: parse %s: %w", ErrInvalidPEM, label, err)
	}
	rsaKey, ok := key.(*K)
	if !ok {
		return nil, fmt.Errorf("%w: %s is %T", ErrKeyType, label, key)
	}
	return rsaKey, nil
}

// LoadPrivateKeyFile reads the file at path and parses it with
// LoadPrivateKey.
func LoadPrivateKeyFile(path string) (*rsa.PrivateKey, error) {
	return loadFile(path, "private key", LoadPrivateKey)
}

// LoadPublicKey parses the first public key PEM block in pemBytes. It
// accepts "PUBLIC KEY" (SPKI, the form of the WeChat Pay public key),
// "RSA PUBLIC KEY" (PKCS#1) and "CERTIFICATE" blocks (returning the
// certificate's public key), skipping any text and other PEM blocks before
// it. The key must be RSA, otherwise the error wraps ErrKeyType; a missing
// or undecodable block gives an error wrapping ErrInvalidPEM.
func LoadPublicKey(pemBytes []byte) (*rsa.PublicKey, error) {
	block, err := firstBlock(pemBytes, "public key or certificate", pemTypeSPKIPublic, pemTypePKCS1Public, pemTypeCertificate)
	if err != nil {
		return nil, err
	}
	switch block.Type {
	case pemTypeSPKIPublic:
		return parseRSA(block.Bytes, "SPKI public key", x509.ParsePKIXPublicKey, x509.ParsePKCS1PublicKey)
	case pemTypePKCS1Public:
		key, err := x509.ParsePKCS1PublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: parse PKCS#1 public key: %w", ErrInvalidPEM, err)
		}
		return key, nil
	}
	cert, err := parseCertificate(block)
	if err != nil {
		return nil, err
	}
	rsaKey, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("%w: certificate key is %T", ErrKeyType, cert.PublicKey)
	}
	return rsaKey, nil
}

// LoadPublicKeyFile reads the file at path and parses it with
// LoadPublicKey.
func LoadPublicKeyFile(path string) (*rsa.PublicKey, error) {
	return loadFile(path, "public key", LoadPublicKey)
}

// LoadCertificate parses the first "CERTIFICATE" PEM block in pemBytes,
// skipping any text and other PEM blocks before it. A missing or
// undecodable certificate gives an error wrapping ErrInvalidPEM. The
// certificate's key type is not checked.
func LoadCertificate(pemBytes []byte) (*x509.Certificate, error) {
	block, err := firstBlock(pemBytes, "certificate", pemTypeCertificate)
	if err != nil {
		return nil, err
	}
	return parseCertificate(block)
}

// parseCertificate parses a "CERTIFICATE" block.
func parseCertificate(block *pem.Block) (*x509.Certificate, error) {
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: parse certificate: %w", ErrInvalidPEM, err)
	}
	return cert, nil
}

// LoadCertificateFile reads the file at path and parses it with
// LoadCertificate.
func LoadCertificateFile(path string) (*x509.Certificate, error) {
	return loadFile(path, "certificate", LoadCertificate)
}

// LoadCertificates parses every "CERTIFICATE" PEM block in pemBytes, in
// order, ignoring other blocks. It fails, wrapping ErrInvalidPEM, when
// there is no certificate block or when any certificate block cannot be
// parsed.
func LoadCertificates(pemBytes []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	for block := range blocks(pemBytes) {
		if block.Type != pemTypeCertificate {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: parse certificate %d: %w", ErrInvalidPEM, len(certs)+1, err)
		}
		certs = append(certs, cert)
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("%w: no certificate block", ErrInvalidPEM)
	}
	return certs, nil
}

// CertificateSerial returns the serial number of cert as WeChat Pay writes
// it in Wechatpay-Serial and serial_no: upper-case hex of the serial's
// big-endian bytes, without prefix or separators (the same as
// fmt.Sprintf("%X", cert.SerialNumber.Bytes()), so the result always has
// an even length). It returns "" for a nil certificate or serial.
func CertificateSerial(cert *x509.Certificate) string {
	if cert == nil || cert.SerialNumber == nil {
		return ""
	}
	return upperHex(cert.SerialNumber.Bytes())
}

const upperHexDigits = "0123456789ABCDEF"

// upperHex encodes b as upper-case hex with a single allocation.
func upperHex(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b) * 2)
	for _, c := range b {
		sb.WriteByte(upperHexDigits[c>>4])
		sb.WriteByte(upperHexDigits[c&0x0f])
	}
	return sb.String()
}
