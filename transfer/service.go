package transfer

import (
	"fmt"
	"log/slog"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/service"
)

// Service calls the merchant transfer APIs. Build it with New; it is safe
// for concurrent use.
type Service core

// core is what a Service is: its client and limiter.
type core = service.Core[wechatpay.Client, struct{}]

// Option configures a Service.
type Option func(*Service)

// WithLimiter sets a client-side rate limiter that every call of the
// service waits on (context-aware) after input validation and before any
// I/O. The documented limits are per merchant: 100 requests per second for
// CreateBill and the queries, 20 per second for CancelBill (partner FAQ;
// the partner page says 100). A nil limiter sets none; a 429 answer is
// retried with back-off by the core client.
func WithLimiter(l wechatpay.Limiter) Option {
	return func(s *Service) { s.core().SetLimiter(l) }
}

// New returns a Service that calls WeChat Pay through c.
func New(c *wechatpay.Client, opts ...Option) *Service {
	return service.New((*Service)(service.NewCore[struct{}](c)), opts)
}

// core is the client and limiter of s; nil for a nil *Service, whose calls
// Operation.Do reports as missing a client.
func (s *Service) core() *core { return (*core)(s) }

// redaction describes the service without the keys its client holds.
func (s Service) redaction() wechatpay.Redaction {
	return wechatpay.Redaction{Type: "transfer.Service", Client: s.core().Client()}
}

// Format implements fmt.Formatter: under every verb, the service and its
// client's merchant number, serials and key ids; never a key.
func (s Service) Format(f fmt.State, verb rune) { s.redaction().Format(f, verb) }

// LogValue implements slog.LogValuer with the redacted description.
func (s Service) LogValue() slog.Value { return s.redaction().LogValue() }
