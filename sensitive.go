package wechatpay

import (
	"fmt"

	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
)

// EncryptSensitive encrypts the value of a request field marked 【加密】 with
// the WeChat Pay key that the client's key mode prefers (RSA-OAEP, SHA-1),
// and returns the base64 ciphertext with the id or serial of that key. Send
// the serial as the request's Wechatpay-Serial header: every encrypted field
// of one request must use the same key. An empty value stays empty.
func (c *Client) EncryptSensitive(plaintext string) (ciphertext, serial string, err error) {
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
// encrypted with the merchant certificate's public key. An empty value stays
// empty; any failure matches ErrDecrypt and reveals nothing of the value.
func (c *Client) DecryptSensitive(ciphertext string) (string, error) {
	if ciphertext == "" {
		return "", nil
	}
	plain, err := wxcrypto.DecryptOAEP(c.key, ciphertext)
	if err != nil {
		return "", fmt.Errorf("%w: sensitive field: %w", ErrDecrypt, err)
	}
	return string(plain), nil
}
