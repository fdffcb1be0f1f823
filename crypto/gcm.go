package crypto

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"errors"
	"fmt"
)

// ErrAuthFailed is wrapped by every OpenAESGCM error about the ciphertext:
// bad base64, too short, or a tag that does not authenticate (wrong key,
// nonce, associated data or tampered data).
var ErrAuthFailed = errors.New("wechatpay/crypto: AEAD_AES_256_GCM authentication failed")

// ErrInvalidKeyLength is returned when the APIv3 key is not 32 bytes.
var ErrInvalidKeyLength = errors.New("wechatpay/crypto: APIv3 key must be 32 bytes")

// ErrInvalidNonce is returned when the AES-GCM nonce is not GCMNonceSize
// bytes.
var ErrInvalidNonce = errors.New("wechatpay/crypto: AES-GCM nonce must be 12 bytes")

// GCMNonceSize is the length in bytes of the AEAD_AES_256_GCM nonce
// (resource.nonce: 12 ASCII characters used as bytes).
const GCMNonceSize = 12

const (
	apiV3KeySize = 32
	gcmTagSize   = 16
)

func newGCM(key, nonce []byte) (cipher.AEAD, error) {
	if len(key) != apiV3KeySize {
		return nil, fmt.Errorf("%w: got %d bytes", ErrInvalidKeyLength, len(key))
	}
	if len(nonce) != GCMNonceSize {
		return nil, fmt.Errorf("%w: got %d bytes", ErrInvalidNonce, len(nonce))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("wechatpay/crypto: AES: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("wechatpay/crypto: GCM: %w", err)
	}
	return aead, nil
}

// OpenAESGCM decrypts an AEAD_AES_256_GCM resource: key is the 32-byte
// APIv3 key (its raw ASCII bytes), nonce the 12-byte resource.nonce,
// associatedData resource.associated_data (may be empty) and ciphertextB64
// the standard base64 of ciphertext || 16-byte tag. A wrong key or nonce
// length gives ErrInvalidKeyLength or ErrInvalidNonce; bad base64, a
// ciphertext shorter than the tag, or a failed authentication gives an
// error wrapping ErrAuthFailed, and no partial plaintext is ever returned.
func OpenAESGCM(key, nonce, associatedData []byte, ciphertextB64 string) ([]byte, error) {
	aead, err := newGCM(key, nonce)
	if err != nil {
		return nil, err
	}
	ct, err := base64.StdEncoding.DecodeString(ciphertextB64)
	if err != nil {
		return nil, fmt.Errorf("%w: ciphertext is not valid base64", ErrAuthFailed)
	}
	if len(ct) < gcmTagSize {
		return nil, fmt.Errorf("%w: ciphertext shorter than the tag", ErrAuthFailed)
	}
	// Decrypt in place: ct is ours and exactly overlaps the output.
	pt, err := aead.Open(ct[:0], nonce, ct, associatedData)
	if err != nil {
		clear(ct)
		return nil, fmt.Errorf("%w: %w", ErrAuthFailed, err)
	}
	return pt, nil
}

// SealAESGCM is the inverse of OpenAESGCM: it encrypts plaintext with
// AES-256-GCM and returns the standard base64 of ciphertext || tag. It is
// meant for emulators and tests; key and nonce lengths are checked as in
// OpenAESGCM. Never reuse a nonce with the same key.
func SealAESGCM(key, nonce, associatedData, plaintext []byte) (string, error) {
	aead, err := newGCM(key, nonce)
	if err != nil {
		return "", err
	}
	sealed := aead.Seal(make([]byte, 0, len(plaintext)+gcmTagSize), nonce, plaintext, associatedData)
	return base64.StdEncoding.EncodeToString(sealed), nil
}
