package security

import (
	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/service"
)

// Service calls the security test endpoint. Build it with New; it is safe
// for concurrent use.
type Service struct {
	c       *wechatpay.Client
	limiter wechatpay.Limiter
}

// Option configures a Service.
type Option func(*Service)

// WithLimiter sets a client-side rate limiter that every call of the
// service waits on (context-aware) after input validation and before any
// I/O. No rate limit is documented for the echo; a 429 answer is retried
// with back-off by the core client. A nil limiter sets none.
func WithLimiter(l wechatpay.Limiter) Option {
	return func(s *Service) { s.limiter = l }
}

// New returns a Service that calls WeChat Pay through c.
func New(c *wechatpay.Client, opts ...Option) *Service { return service.New(&Service{c: c}, opts) }

// client is the service's client; nil for a nil *Service, which
// Operation.Do reports.
func (s *Service) client() *wechatpay.Client {
	if s == nil {
		return nil
	}
	return s.c
}

// limit is the service's limiter; nil for a nil *Service.
func (s *Service) limit() wechatpay.Limiter {
	if s == nil {
		return nil
	}
	return s.limiter
}
