package crypto

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
)

// ErrDecrypt is wrapped by every error of DecryptOAEP: bad base64, wrong
// length, wrong padding or wrong key.
var ErrDecrypt = errors.New("wechatpay/crypto: decryption failed")

// ErrPlaintextTooLong is returned by EncryptOAEP when the plaintext exceeds
// what one RSA-OAEP/SHA-1 block can hold (214 bytes for a 2048-bit key).
var ErrPlaintextTooLong = errors.New("wechatpay/crypto: plaintext too long for RSA-OAEP")

// oaepSHA1Overhead is 2*hLen + 2 for SHA-1 (hLen = 20).
const oaepSHA1Overhead = 2*sha1.Size + 2

// EncryptOAEP encrypts plaintext (the UTF-8 bytes of a sensitive field)
// for pub with RSAES-OAEP, SHA-1, MGF1-SHA-1 and an empty label, using
// crypto/rand, and returns the ciphertext in standard base64. It fails
// with an error wrapping ErrPlaintextTooLong when the plaintext does not
// fit (more than 214 bytes for a 2048-bit key), and ErrKeyType for a nil
// key.
func EncryptOAEP(pub *rsa.PublicKey, plaintext []byte) (string, error) {
	if pub == nil || pub.N == nil || pub.N.Sign() <= 0 {
		return "", fmt.Errorf("%w: nil or incomplete public key", ErrKeyType)
	}
	if limit := max(pub.Size()-oaepSHA1Overhead, 0); len(plaintext) > limit {
		return "", fmt.Errorf("%w: %d bytes, at most %d", ErrPlaintextTooLong, len(plaintext), limit)
	}
	ct, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, pub, plaintext, nil)
	if err != nil {
		return "", fmt.Errorf("wechatpay/crypto: RSA-OAEP encrypt: %w", err)
	}
	return base64.StdEncoding.EncodeToString(ct), nil
}

// DecryptOAEP decodes ciphertextB64 (standard base64) and decrypts it with
// priv using RSAES-OAEP, SHA-1, MGF1-SHA-1 and an empty label. Any failure
// (bad base64, wrong length, wrong padding parameters, wrong key, nil key)
// returns an error wrapping ErrDecrypt and no plaintext.
func DecryptOAEP(priv *rsa.PrivateKey, ciphertextB64 string) ([]byte, error) {
	if priv == nil || priv.N == nil || priv.D == nil {
		return nil, fmt.Errorf("%w: nil or incomplete private key", ErrDecrypt)
	}
	ct, err := base64.StdEncoding.DecodeString(ciphertextB64)
	if err != nil {
		return nil, fmt.Errorf("%w: ciphertext is not valid base64", ErrDecrypt)
	}
	if len(ct) != priv.Size() {
		return nil, fmt.Errorf("%w: ciphertext is %d bytes, want %d", ErrDecrypt, len(ct), priv.Size())
	}
	pt, err := rsa.DecryptOAEP(sha1.New(), nil, priv, ct, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDecrypt, err)
	}
	return pt, nil
}
