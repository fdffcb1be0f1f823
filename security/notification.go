package security

import (
	"fmt"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/service"
)

// EventEchoSuccess is the event type of the callback an echo with a
// notify_url makes WeChat Pay send.
const EventEchoSuccess = "SECURITY_ECHO.SUCCESS"

// EchoNotification is the decrypted resource of a SECURITY_ECHO.SUCCESS
// callback. Verify and answer the callback as any other (within 5 s):
// wechatpay.Client.NotificationHandler does both.
type EchoNotification struct {
	// EchoMessage is the echo request's echo_message.
	EchoMessage string
	// EncryptedEchoMessage is the resource's encrypt_echo_message (as
	// WeChat Pay's examples spell it) or encrypted_echo_message, decrypted
	// with the merchant private key when it has the form of an RSA-OAEP
	// ciphertext, else as sent: its content is not documented.
	EncryptedEchoMessage string
}

// DecodeEchoNotification reads the resource of a verified
// SECURITY_ECHO.SUCCESS callback, n from the client's ParseNotification or
// NotificationHandler. Another event type, or a resource that does not
// decode, matches wechatpay.ErrMalformedNotification; a field that does
// not decrypt, wechatpay.ErrDecrypt.
func (s *Service) DecodeEchoNotification(n *wechatpay.Notification) (*EchoNotification, error) {
	c := s.core().Client()
	switch {
	case c == nil:
		return nil, &wechatpay.FieldError{Field: "client", Reason: "security.New was given a nil *wechatpay.Client", Missing: true}
	case n == nil || n.EventType != EventEchoSuccess:
		return nil, fmt.Errorf("security: %w: not a %s callback", wechatpay.ErrMalformedNotification, EventEchoSuccess)
	}
	var res struct {
		EchoMessage string `json:"echo_message"`
		Encrypt     string `json:"encrypt_echo_message"`
		Encrypted   string `json:"encrypted_echo_message"`
	}
	if err := n.Decode(&res); err != nil {
		return nil, fmt.Errorf("security: %w", err)
	}
	out := &EchoNotification{EchoMessage: res.EchoMessage, EncryptedEchoMessage: res.Encrypt}
	if out.EncryptedEchoMessage == "" {
		out.EncryptedEchoMessage = res.Encrypted
	}
	if service.LooksEncrypted(out.EncryptedEchoMessage) {
		plain, err := c.DecryptSensitive(out.EncryptedEchoMessage)
		if err != nil {
			return nil, fmt.Errorf("security: the callback's encrypt_echo_message (notification %s): %w", n.ID, err)
		}
		out.EncryptedEchoMessage = plain
	}
	return out, nil
}
