package profitsharing

import (
	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/service"
)

// Service calls the cross-border profit-sharing (跨境分账) APIs on WeChat
// Pay's global domain. Build it with New; it is safe for concurrent use.
type Service core

// core is what a Service is: its client, limiter and settings.
type core = service.Core[wechatpay.Client, settings]

// settings are a Service's own.
type settings struct {
	maxBill int64 // DownloadBill's limit; 0 for the default
}

// redaction describes the service without the keys its client holds.
func (s Service) redaction() wechatpay.Redaction {
	return wechatpay.Redaction{Type: "profitsharing.Service", Client: s.core().Client()}
}

// Option configures a Service.
type Option func(*Service)

// WithLimiter sets a client-side rate limiter that every call of the
// service waits on (context-aware) after input validation and before any
// I/O (a limiter of golang.org/x/time/rate is one). No rate limit is
// documented for these APIs; a 429 answer is retried with back-off by the
// core client. A nil limiter, or a nil pointer, sets none.
func WithLimiter(l wechatpay.Limiter) Option {
	return func(s *Service) { s.core().SetLimiter(l) }
}

// New returns a Service that calls WeChat Pay through c.
func New(c *wechatpay.Client, opts ...Option) *Service {
	return service.New((*Service)(service.NewCore[settings](c)), opts)
}

// core is the client, limiter and settings of s; nil for a nil *Service,
// whose calls the operations report as missing a client.
func (s *Service) core() *core { return (*core)(s) }

// ready refuses a service without a client, before any I/O (DownloadBill,
// which is no Operation).
func (s *Service) ready() error {
	if s.core().Client() == nil {
		return &wechatpay.FieldError{Field: "client", Reason: "profitsharing.New was given a nil *wechatpay.Client", Missing: true}
	}
	return nil
}
