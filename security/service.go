package security

import (
	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/service"
)

// Service calls the security test endpoint. Build it with New; it is safe
// for concurrent use.
type Service core

// core is what a Service is: its client and limiter.
type core = service.Core[wechatpay.Client, struct{}]

// Option configures a Service.
type Option func(*Service)

// WithLimiter sets a client-side rate limiter that every call of the
// service waits on (context-aware) after input validation and before any
// I/O. No rate limit is documented for the echo; a 429 answer is retried
// with back-off by the core client. A nil limiter sets none.
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
