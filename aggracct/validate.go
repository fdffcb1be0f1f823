package aggracct

import (
	"errors"
	"strconv"

	"github.com/gowechatpay/wechatpay"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
)

// checkID validates an ASCII identifier: required, at most maxLen bytes (0 for
// no documented maximum), visible ASCII only. The value is never echoed.
func checkID(field, v string, maxLen int) error {
	if v == "" {
		return &wechatpay.FieldError{Field: field, Reason: "is required", Missing: true}
	}
	if maxLen > 0 && len(v) > maxLen {
		return &wechatpay.FieldError{Field: field, Reason: "is " + strconv.Itoa(len(v)) + " characters, at most " + strconv.Itoa(maxLen) + " allowed"}
	}
	for i := 0; i < len(v); i++ {
		if v[i] <= ' ' || v[i] > '~' {
			return &wechatpay.FieldError{Field: field, Reason: "must be visible ASCII characters only"}
		}
	}
	return nil
}

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
