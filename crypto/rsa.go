package crypto

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// ErrMalformedSignature is returned by VerifySHA256WithRSA when the
// signature is not valid standard base64.
var ErrMalformedSignature = errors.New("wechatpay/crypto: signature is not valid base64")

// ErrBadSignature is returned by VerifySHA256WithRSA when the signature
// does not verify against the message and key.
var ErrBadSignature = errors.New("wechatpay/crypto: signature does not verify")

// SignSHA256WithRSA signs message with RSASSA-PKCS1-v1_5 over SHA-256 (the
// APIv3 "SHA256-RSA2048" scheme) and returns the signature in standard
// base64 with padding. PKCS#1 v1.5 is deterministic: the same key and
// message always give the same signature. A nil key gives an error wrapping
// ErrKeyType.
func SignSHA256WithRSA(priv *rsa.PrivateKey, message []byte) (string, error) {
	if priv == nil || priv.N == nil || priv.D == nil {
		return "", fmt.Errorf("%w: nil or incomplete private key", ErrKeyType)
	}
	digest := sha256.Sum256(message)
	// rand is only used for blinding; the signature itself is deterministic.
	sig, err := rsa.SignPKCS1v15(rand.Reader, priv, crypto.SHA256, digest[:])
	if err != nil {
		return "", fmt.Errorf("wechatpay/crypto: sign SHA256-RSA: %w", err)
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// VerifySHA256WithRSA checks signatureB64, a standard base64 RSASSA-PKCS1-v1_5
// SHA-256 signature, against message and pub. It returns nil on success, an
// error wrapping ErrMalformedSignature when signatureB64 is not strict
// standard base64, and an error wrapping ErrBadSignature otherwise
// (including a nil key).
func VerifySHA256WithRSA(pub *rsa.PublicKey, message []byte, signatureB64 string) error {
	// The decoder skips \r and \n; a signature containing them is not the
	// canonical form and is refused rather than silently normalised.
	if len(signatureB64) == 0 || strings.ContainsAny(signatureB64, "\r\n") {
		return ErrMalformedSignature
	}
	sig, err := base64.StdEncoding.Strict().DecodeString(signatureB64)
	if err != nil {
		return ErrMalformedSignature
	}
	if pub == nil || pub.N == nil || pub.N.Sign() <= 0 {
		return fmt.Errorf("%w: nil or incomplete public key", ErrBadSignature)
	}
	digest := sha256.Sum256(message)
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig); err != nil {
		return fmt.Errorf("%w: %w", ErrBadSignature, err)
	}
	return nil
}
