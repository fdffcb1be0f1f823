package profitsharing

import (
	"context"
	"net/http"
	"net/url"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/svc"
)

// Service calls the cross-border profit-sharing (跨境分账) APIs on WeChat
// Pay's global domain. Build it with New; it is safe for concurrent use.
type Service struct {
	c       *wechatpay.Client
	limiter wechatpay.Limiter
	maxBill int64 // DownloadBill's limit; 0 for the default
}

// Option configures a Service.
type Option func(*Service)

// WithLimiter sets a client-side rate limiter that every call of the
// service waits on (context-aware) after input validation and before any
// I/O (a limiter of golang.org/x/time/rate is one). No rate limit is documented for these APIs; a 429 answer is retried
// with back-off by the core client.
func WithLimiter(l wechatpay.Limiter) Option {
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
	if s == nil {
		return svc.Ready("profitsharing", false, nil)
	}
	return svc.Ready("profitsharing", true, s.c)
}

func (s *Service) wait(ctx context.Context) error { return svc.Wait(ctx, "profitsharing", s.limiter) }

// get is a read on the global domain (QueryReceiver, QueryUnsplitAmount,
// QueryBillDownloadURL): the wait on the limiter, then the GET, its answer
// decoded into out.
func (s *Service) get(ctx context.Context, path string, query url.Values, out any) (*wechatpay.Response, error) {
	if err := s.wait(ctx); err != nil {
		return nil, err
	}
	return svc.DoV3(ctx, "profitsharing", s.c, &wechatpay.Request{Method: http.MethodGet, Path: path, Query: query, Global: true}, out)
}
