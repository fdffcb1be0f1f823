package redpack

import (
	"context"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/service"
)

// Service calls the cash red-packet (现金红包) and WeCom red-packet
// (企业微信红包) APIv2 endpoints. Build it with New; it is safe for
// concurrent use. The client needs the APIv2 key (wechatpay.WithAPIv2Key)
// and the merchant certificate (wechatpay.WithMerchantCertificate) for
// mTLS; SendWorkWx also needs WithWorkWxSecret.
type Service core

// core is what a Service is: its client, limiter and settings.
type core = service.Core[wechatpay.Client, settings]

// settings are a Service's own.
type settings struct {
	// workwx is behind a pointer so that fmt, which does not follow
	// pointers below the top level, never prints it.
	workwx *workwxSecret
}

// redaction describes the service without the keys its client holds or
// the WeCom payment secret.
func (s Service) redaction() wechatpay.Redaction {
	r := wechatpay.Redaction{Type: "redpack.Service", Client: s.core().Client()}
	if s.core().Own().workwx != nil {
		r.Secrets = []string{"WorkWxSecret"}
	}
	return r
}

// workwxSecret is the secret of the WeCom 企业支付 application.
type workwxSecret struct{ v string }

// Option configures a Service.
type Option func(*Service)

// WithLimiter sets a client-side rate limiter that every call of the
// service waits on (context-aware) after input validation and before any
// I/O (a limiter of golang.org/x/time/rate is one). The documented limits
// are per merchant: 30 packets a second for Send, 1800 a minute for
// SendWorkWx, none for the queries.
func WithLimiter(l wechatpay.Limiter) Option {
	return func(s *Service) { s.core().SetLimiter(l) }
}

// WithWorkWxSecret sets the secret of the WeCom 企业支付 (payment)
// application, from the WeCom admin console, that SendWorkWx signs
// workwx_sign with; it is not the APIv2 or APIv3 key. In a credentials file
// it is wecom_payment_secret (wechatpay.Credentials.WeComPaymentSecret).
// The secret is never logged or printed.
func WithWorkWxSecret(secret string) Option {
	return func(s *Service) {
		if secret == "" {
			s.core().Own().workwx = nil
			return
		}
		s.core().Own().workwx = &workwxSecret{v: secret}
	}
}

// New returns a Service that calls WeChat Pay through c.
func New(c *wechatpay.Client, opts ...Option) *Service {
	return service.New((*Service)(service.NewCore[settings](c)), opts)
}

// core is the client, limiter and settings of s; nil for a nil *Service,
// whose calls the operations report as missing a client.
func (s *Service) core() *core { return (*core)(s) }

// wait is the limiter of s, its errors marked as coming before any I/O
// (so that a send that never left is not an unknown outcome); nil when
// there is none.
func (s *Service) wait() wechatpay.Limiter {
	if s.core().Limiter() == nil {
		return nil
	}
	return waitBeforeIO{s.core().Limiter()}
}

// waitBeforeIO marks the errors of a limiter.
type waitBeforeIO struct{ l wechatpay.Limiter }

func (w waitBeforeIO) Wait(ctx context.Context) error {
	if err := service.Wait(ctx, w.l); err != nil {
		return &notSentError{err}
	}
	return nil
}

// notSentError is the error of a limiter, before any I/O.
type notSentError struct{ err error }

func (e *notSentError) Error() string { return e.err.Error() }
func (e *notSentError) Unwrap() error { return e.err }
