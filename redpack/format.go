package redpack

import (
	"fmt"
	"log/slog"

	"github.com/gowechatpay/wechatpay"
)

// redaction describes the service without the keys its client holds or
// the WeCom payment secret.
func (s Service) redaction() wechatpay.Redaction {
	r := wechatpay.Redaction{Type: "redpack.Service", Client: s.c}
	if s.workwx != nil {
		r.Secrets = []string{"WorkWxSecret"}
	}
	return r
}

// Format implements fmt.Formatter: under every verb, the service, its
// client's merchant number, serials and key ids, and whether the WeCom
// payment secret is set; never a key or the secret.
func (s Service) Format(f fmt.State, verb rune) { s.redaction().Format(f, verb) }

// LogValue implements slog.LogValuer with the redacted description.
func (s Service) LogValue() slog.Value { return s.redaction().LogValue() }
