package profitsharing

import (
	"context"
	"fmt"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/service"
)

// Service calls the cross-border profit-sharing (跨境分账) APIs on WeChat
// Pay's global domain. Build it with New; it is safe for concurrent use.
type Service struct {
	c       *wechatpay.Client
	limiter wechatpay.Limiter
	maxBill int64 // DownloadBill's limit; 0 for the default
}

// redaction describes the service without the keys its client holds.
func (s Service) redaction() wechatpay.Redaction {
	return wechatpay.Redaction{Type: "profitsharing.Service", Client: s.c}
}

// Option configures a Service.
type Option func(*Service)

// WithLimiter sets a client-side rate limiter that every call of the
// service waits on (context-aware) after input validation and before any
// I/O (a limiter of golang.org/x/time/rate is one). No rate limit is
// documented for these APIs; a 429 answer is retried with back-off by the
// core client. A nil limiter, or a nil pointer, sets none.
func WithLimiter(l wechatpay.Limiter) Option {
	return func(s *Service) { s.limiter = l }
}

// New returns a Service that calls WeChat Pay through c.
func New(c *wechatpay.Client, opts ...Option) *Service { return service.New(&Service{c: c}, opts) }

// client is the service's client; nil for a nil *Service, which the
// operations report as a missing client.
func (s *Service) client() *wechatpay.Client {
	if s == nil {
		return nil
	}
	return s.c
}

// ready refuses a service without a client, before any I/O (DownloadBill,
// which is no Operation).
func (s *Service) ready() error {
	if s.client() == nil {
		return &wechatpay.FieldError{Field: "client", Reason: "profitsharing.New was given a nil *wechatpay.Client", Missing: true}
	}
	return nil
}

// limit is the service's limiter; nil for a nil *Service.
func (s *Service) limit() wechatpay.Limiter {
	if s == nil {
		return nil
	}
	return s.limiter
}

// wait waits on the limiter before a download (the operations wait on it
// themselves).
func (s *Service) wait(ctx context.Context) error {
	if err := service.Wait(ctx, s.limiter); err != nil {
		return fmt.Errorf("profitsharing: waiting for the rate limiter: %w", err)
	}
	return nil
}
