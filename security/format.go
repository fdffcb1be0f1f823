package security

import (
	"fmt"
	"log/slog"

	"github.com/gowechatpay/wechatpay"
)

// redaction describes the service without the keys its client holds.
func (s Service) redaction() wechatpay.Redaction {
	return wechatpay.Redaction{Type: "security.Service", Client: s.core().Client()}
}

// Format implements fmt.Formatter: under every verb, the service and its
// client's merchant number, serials and key ids; never a key.
func (s Service) Format(f fmt.State, verb rune) { s.redaction().Format(f, verb) }

// LogValue implements slog.LogValuer with the redacted description.
func (s Service) LogValue() slog.Value { return s.redaction().LogValue() }
