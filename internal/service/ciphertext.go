package service

import "encoding/base64"

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
