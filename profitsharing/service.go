package profitsharing

import (
	"context"
	"fmt"

	"golang.org/x/time/rate"

	"github.com/gowechatpay/wechatpay"
)

// Service calls the cross-border profit-sharing (跨境分账) APIs on WeChat
// Pay's global domain. Build it with New; it is safe for concurrent use.
type Service struct {
	c       *wechatpay.Client
	limiter *rate.Limiter
}

// Option configures a Service.
type Option func(*Service)

// WithLimiter sets a client-side rate limiter that every call of the
// service waits on (context-aware) after input validation and before any
// I/O. No rate limit is documented for these APIs; a 429 answer is retried
// with back-off by the core client.
func WithLimiter(l *rate.Limiter) Option {
	return func(s *Service) { s.limiter = l }
}

// New returns a Service that calls WeChat Pay through c.
func New(c *wechatpay.Client, opts ...Option) *Service {
	s := &Service{c: c}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	return s
}

func (s *Service) ready() error {
	if s == nil || s.c == nil {
		return &wechatpay.FieldError{Field: "client", Reason: "profitsharing.New was given a nil *wechatpay.Client", Missing: true}
	}
	return nil
}

func (s *Service) wait(ctx context.Context) error {
	if s.limiter == nil {
		return nil
	}
	if err := s.limiter.Wait(ctx); err != nil {
		return fmt.Errorf("profitsharing: waiting for the rate limiter: %w", err)
	}
	return nil
}
