package service

import (
	"encoding/base64"
	"fmt"
)

// LooksEncrypted reports whether v is standard base64 of one RSA-2048,
// -3072 or -4096 block, the form of an RSA-OAEP ciphertext: how a service
// tells an answer's field that WeChat Pay encrypted from one it sent as it
// is, where the documents do not say which (no name or echo message has
// that form).
func LooksEncrypted(v string) bool {
	n := base64.StdEncoding.DecodedLen(len(v))
	if n < 256 || n > 513 {
		return false
	}
	b, err := base64.StdEncoding.DecodeString(v)
	return err == nil && (len(b) == 256 || len(b) == 384 || len(b) == 512)
}

// Decrypt replaces *field, a sensitive field of a verified answer, by its
// plaintext from decrypt (the client's DecryptSensitive). Its error is
// decrypt's, prefixed with what (the package and the field) and the
// answer's Request-ID, never the value; *field is left as sent then.
func Decrypt(decrypt func(string) (string, error), field *string, what, requestID string) error {
	plain, err := decrypt(*field)
	if err != nil {
		return fmt.Errorf("%s (Request-ID %s): %w", what, requestID, err)
	}
	*field = plain
	return nil
}
