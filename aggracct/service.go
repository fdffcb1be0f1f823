package aggracct

import (
	"time"

	"golang.org/x/time/rate"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/service"
)

// The documented rate limits of the APIs, as the least time between two
// requests. Each API has a limit of its own.
const (
	// QueryInterval is the documented limit of QuerySpecialReduction,
	// CreateSpecialReduction and QueryBalance, each: 100 requests per
	// second for each target merchant, one every 10 ms.
	QueryInterval = time.Second / 100
	// PunishInterval is the documented limit of Punish, Recover,
	// QueryControlOrder and SyncInfoUpdateAuditResult, each: 200 requests
	// per minute, one every 300 ms.
	PunishInterval = time.Minute / 200
)

// Service calls the aggregated-account (聚合账户) APIs of the WeBank
// channel (微众银行渠道). Build it with New; it is safe for concurrent use.
type Service core

// core is what a Service is: its client, the limiter every call waits on
// (WithLimiter), and each API's own limiter.
type core = service.Core[wechatpay.Client, [apis]wechatpay.Limiter]

// redaction describes the service without the keys its client holds.
func (s Service) redaction() wechatpay.Redaction {
	return wechatpay.Redaction{Type: "aggracct.Service", Client: s.core().Client()}
}

// api names an API by the index of its own limiter.
type api int

const (
	apiQuery api = iota
	apiPunish
	apiCreate
	apiBalance
	apiRecover
	apiControl
	apiAudit
	apiArchives
	apiMedia
	apiRename
	apiRenameQuery
	apis
)

// Option configures a Service.
type Option func(*Service)

// WithLimiter sets a client-side rate limiter that every call of the
// service waits on (context-aware) after input validation and before any
// I/O. The limiter is shared by whoever holds it, so one limiter can cap
// several services (or, if it is shared through Redis, several
// processes). Retries made by the core client within one call are not
// counted again; a 429 answer is retried with back-off by the core.
func WithLimiter(l wechatpay.Limiter) Option {
	return func(s *Service) { s.core().SetLimiter(l) }
}

// WithQueryLimiter sets a limiter that QuerySpecialReduction waits on, in
// addition to any WithLimiter limiter. NewQueryLimiter builds one at the
// documented rate.
func WithQueryLimiter(l wechatpay.Limiter) Option { return withOwn(apiQuery, l) }

// WithPunishLimiter sets a limiter that Punish waits on, in addition to any
// WithLimiter limiter. NewPunishLimiter builds one at the documented rate.
func WithPunishLimiter(l wechatpay.Limiter) Option { return withOwn(apiPunish, l) }

// WithCreateReductionLimiter sets a limiter that CreateSpecialReduction
// waits on, in addition to any WithLimiter limiter. NewQueryLimiter builds
// one at the documented rate (100 per second per target merchant).
func WithCreateReductionLimiter(l wechatpay.Limiter) Option { return withOwn(apiCreate, l) }

// WithBalanceLimiter sets a limiter that QueryBalance waits on, in
// addition to any WithLimiter limiter. NewQueryLimiter builds one at the
// documented rate (100 per second per target merchant).
func WithBalanceLimiter(l wechatpay.Limiter) Option { return withOwn(apiBalance, l) }

// WithRecoverLimiter sets a limiter that Recover waits on, in addition to
// any WithLimiter limiter. NewPunishLimiter builds one at the documented
// rate (200 per minute).
func WithRecoverLimiter(l wechatpay.Limiter) Option { return withOwn(apiRecover, l) }

// WithControlQueryLimiter sets a limiter that QueryControlOrder waits on,
// in addition to any WithLimiter limiter. NewPunishLimiter builds one at
// the documented rate (200 per minute).
func WithControlQueryLimiter(l wechatpay.Limiter) Option { return withOwn(apiControl, l) }

// WithAuditResultLimiter sets a limiter that SyncInfoUpdateAuditResult
// waits on, in addition to any WithLimiter limiter. NewPunishLimiter builds
// one at the documented rate (200 per minute).
func WithAuditResultLimiter(l wechatpay.Limiter) Option { return withOwn(apiAudit, l) }

// withOwn sets the limiter of API a.
func withOwn(a api, l wechatpay.Limiter) Option {
	return func(s *Service) { s.core().Own()[a] = l }
}

// NewQueryLimiter returns an in-process limiter at the documented rate of
// QuerySpecialReduction (one request per QueryInterval, 100 per second)
// with a burst of 1, built on golang.org/x/time/rate. The
// documented limit applies per target merchant: one limiter for all
// targets is conservative; give each target its own Service and limiter to
// use the full rate for each. It limits this process only: servers that
// share a merchant need a limiter they share.
func NewQueryLimiter() wechatpay.Limiter {
	return rate.NewLimiter(rate.Every(QueryInterval), 1)
}

// NewPunishLimiter returns an in-process limiter at the documented rate of
// Punish (one request per PunishInterval, 200 per minute) with a burst of
// 1, built on golang.org/x/time/rate; it limits this
// process only.
func NewPunishLimiter() wechatpay.Limiter {
	return rate.NewLimiter(rate.Every(PunishInterval), 1)
}

// New returns a Service that calls WeChat Pay through c.
func New(c *wechatpay.Client, opts ...Option) *Service {
	return service.New((*Service)(service.NewCore[[apis]wechatpay.Limiter](c)), opts)
}

// core is the client and limiters of s; nil for a nil *Service, whose
// calls Operation.Do reports as missing a client.
func (s *Service) core() *core { return (*core)(s) }

// limits are the limiters a call of a waits on, the service's then the
// API's own; none for a nil *Service.
func (s *Service) limits(a api) []wechatpay.Limiter {
	if s == nil {
		return nil
	}
	return []wechatpay.Limiter{s.core().Limiter(), s.core().Own()[a]}
}

// then returns out once check accepts it, or the first error: never a
// result with an error.
func then[T any](out *T, err error, check func(*T) error) (*T, error) {
	if err == nil {
		err = check(out)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ArchivesInterval and MediaInterval are the documented limits of
// QueryMerchantArchives (10 requests per minute per merchant) and
// QueryMerchantMedia (100 per minute for the whole API); ApplyRename and
// QueryRename each allow 200 per minute per merchant (PunishInterval).
// rate.NewLimiter(rate.Every(aggracct.ArchivesInterval), 1) builds a
// limiter at one of them.
const (
	ArchivesInterval = time.Minute / 10
	MediaInterval    = time.Minute / 100
)

// WithArchivesLimiter sets a limiter that QueryMerchantArchives waits on,
// in addition to any WithLimiter limiter (ArchivesInterval).
func WithArchivesLimiter(l wechatpay.Limiter) Option { return withOwn(apiArchives, l) }

// WithMediaLimiter sets a limiter that QueryMerchantMedia waits on, in
// addition to any WithLimiter limiter (MediaInterval).
func WithMediaLimiter(l wechatpay.Limiter) Option { return withOwn(apiMedia, l) }

// WithRenameLimiter sets a limiter that ApplyRename waits on, in addition
// to any WithLimiter limiter. NewPunishLimiter builds one at the
// documented rate (200 per minute).
func WithRenameLimiter(l wechatpay.Limiter) Option { return withOwn(apiRename, l) }

// WithRenameQueryLimiter sets a limiter that QueryRename waits on, in
// addition to any WithLimiter limiter. NewPunishLimiter builds one at the
// documented rate (200 per minute).
func WithRenameQueryLimiter(l wechatpay.Limiter) Option { return withOwn(apiRenameQuery, l) }
