package wechatpay

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"fmt"

	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
)

// EncryptSensitive encrypts the value of a request field marked 【加密】 with
// the WeChat Pay key that the client's key mode prefers (RSA-OAEP, SHA-1),
// and returns the base64 ciphertext with the id or serial of that key.
// DoV3 and the typed services send that serial as the request's
// Wechatpay-Serial header themselves (every encrypted field of one request
// uses the same key); a request built by other means must send it. An empty
// value stays empty.
func (c *Client) EncryptSensitive(plaintext string) (ciphertext, serial string, err error) {
	if !c.built() {
		return "", "", nilClientError()
	}
	serial, key, err := c.verifier.EncryptionKey()
	if err != nil {
		return "", "", err
	}
	if plaintext == "" {
		return "", serial, nil
	}
	ciphertext, err = wxcrypto.EncryptOAEP(key, []byte(plaintext))
	if err != nil {
		return "", "", fmt.Errorf("wechatpay: encrypting a sensitive field: %w", err)
	}
	return ciphertext, serial, nil
}

// DecryptSensitive decrypts a response or callback field that WeChat Pay
// encrypted with the merchant certificate's public key (RSA-OAEP, SHA-1).
// An empty value stays empty; any failure matches ErrDecrypt and reveals
// nothing of the value. With WithMerchantSigner the signer decrypts when it
// is also a crypto.Decrypter; otherwise the error also matches
// ErrInvalidConfig and names that option.
func (c *Client) DecryptSensitive(ciphertext string) (string, error) {
	if !c.built() {
		return "", nilClientError()
	}
	if ciphertext == "" {
		return "", nil
	}
	s := c.signer
	if s.rsa != nil {
		plain, err := wxcrypto.DecryptOAEP(s.rsa, ciphertext)
		if err != nil {
			return "", fmt.Errorf("%w: sensitive field: %w", ErrDecrypt, err)
		}
		return string(plain), nil
	}
	d, ok := s.key.(crypto.Decrypter)
	if !ok {
		return "", fmt.Errorf("%w: sensitive field: %w", ErrDecrypt, configError(&FieldError{Field: "merchant_signer",
			Reason: fmt.Sprintf("%T is not a crypto.Decrypter: WithMerchantSigner needs one to decrypt response fields encrypted with the merchant key", s.key)}))
	}
	ct, err := base64.StdEncoding.DecodeString(ciphertext)
	if err != nil {
		return "", fmt.Errorf("%w: sensitive field: ciphertext is not valid base64", ErrDecrypt)
	}
	if len(ct) != s.pub.Size() {
		return "", fmt.Errorf("%w: sensitive field: ciphertext is %d bytes, want %d", ErrDecrypt, len(ct), s.pub.Size())
	}
	plain, err := d.Decrypt(rand.Reader, ct, &rsa.OAEPOptions{Hash: crypto.SHA1, MGFHash: crypto.SHA1})
	if err != nil {
		return "", fmt.Errorf("%w: sensitive field: merchant signer (WithMerchantSigner): %w", ErrDecrypt, err)
	}
	return string(plain), nil
}
