package aggracct

import (
	"errors"

	"github.com/gowechatpay/wechatpay"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
)

// encrypt encrypts the sensitive field with the client's preferred WeChat
// Pay key and returns the ciphertext and the key's id or serial for the
// Wechatpay-Serial header. A value too long for one RSA-OAEP block is a
// *wechatpay.FieldError.
func (s *Service) encrypt(field, plain string) (ciphertext, serial string, err error) {
	ciphertext, serial, err = s.c.EncryptSensitive(plain)
	if errors.Is(err, wxcrypto.ErrPlaintextTooLong) {
		return "", "", &wechatpay.FieldError{Field: field, Reason: "is too long to encrypt with RSA-OAEP"}
	}
	if err != nil {
		return "", "", err
	}
	return ciphertext, serial, nil
}
