package redisfleet

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"

	"github.com/gowechatpay/wechatpay"
)

// ErrUnavailable is matched by the errors of a Limiter or Deduplicator
// whose Redis could not be asked (connection refused, timeout, an error
// reply).
var ErrUnavailable = errors.New("redisfleet: redis unavailable")

// KeyPrefix starts every Redis key the package writes. The limiter's keys
// carry redis_rate's own "rate:" prefix before it.
const KeyPrefix = "wechatpay:"

// QueryLimit is the documented limit of the special-reduction query
// (aggracct.QuerySpecialReduction): 100 requests per second per target
// merchant, here with a burst of 1, so requests are spaced 10 ms apart.
var QueryLimit = redis_rate.Limit{Rate: 100, Period: time.Second, Burst: 1}

// PunishLimit is the documented limit of punish (aggracct.Punish): 200
// requests per minute, with a burst of 1.
var PunishLimit = redis_rate.Limit{Rate: 200, Period: time.Minute, Burst: 1}

// OnRedisError says what a Limiter's Wait does when Redis cannot be asked.
// Its zero value is ReturnError.
type OnRedisError struct {
	local wechatpay.Limiter
}

// ReturnError makes Wait fail with an error matching ErrUnavailable when
// Redis cannot be asked: the call is not made.
func ReturnError() OnRedisError { return OnRedisError{} }

// WaitLocally makes Wait wait on local instead when Redis cannot be asked,
// for instance a *rate.Limiter at the fleet's limit divided by the number
// of replicas. local must not be nil.
func WaitLocally(local wechatpay.Limiter) OnRedisError {
	return OnRedisError{local: local}
}

// Limiter is a rate limiter shared by every process that holds a Limiter
// with the same key on the same Redis. It has the method set of
// wechatpay.Limiter, so the services take it. It is safe for concurrent
// use.
type Limiter struct {
	lim   *redis_rate.Limiter
	key   string
	limit redis_rate.Limit
	onErr OnRedisError
}

// Limiter has wechatpay.Limiter's method set.
var _ interface{ Wait(context.Context) error } = (*Limiter)(nil)

// NewLimiter returns a Limiter for key (under KeyPrefix) at limit. Every
// Limiter on the same Redis with the same key shares limit; limits are
// counted with Redis's clock, so the replicas' clocks do not matter. A
// missing Redis client, an empty key or a limit whose Rate, Burst or
// Period is not positive is a *wechatpay.FieldError.
func NewLimiter(rdb redis.UniversalClient, key string, limit redis_rate.Limit, onErr OnRedisError) (*Limiter, error) {
	switch {
	case rdb == nil:
		return nil, &wechatpay.FieldError{Field: "redis_client", Reason: "nil", Missing: true}
	case key == "":
		return nil, &wechatpay.FieldError{Field: "key", Reason: "empty", Missing: true}
	case limit.Rate <= 0 || limit.Burst <= 0 || limit.Period <= 0:
		return nil, &wechatpay.FieldError{Field: "limit", Reason: "rate, burst and period must be positive, got " + limit.String()}
	}
	return &Limiter{lim: redis_rate.NewLimiter(rdb), key: KeyPrefix + key, limit: limit, onErr: onErr}, nil
}

// NewQueryLimiter returns the fleet-wide Limiter of the special-reduction
// query towards one target merchant (the request's mchid) at QueryLimit.
// Give each target merchant its own: the limit is per target.
func NewQueryLimiter(rdb redis.UniversalClient, targetMchID string, onErr OnRedisError) (*Limiter, error) {
	if targetMchID == "" {
		return nil, &wechatpay.FieldError{Field: "mchid", Reason: "empty: the query's limit is per target merchant", Missing: true}
	}
	return NewLimiter(rdb, "aggracct:special-reduction:"+targetMchID, QueryLimit, onErr)
}

// NewPunishLimiter returns the fleet-wide Limiter of punish for merchant
// mchID at PunishLimit.
func NewPunishLimiter(rdb redis.UniversalClient, mchID string, onErr OnRedisError) (*Limiter, error) {
	if mchID == "" {
		return nil, &wechatpay.FieldError{Field: "mchid", Reason: "empty", Missing: true}
	}
	return NewLimiter(rdb, "aggracct:punish:"+mchID, PunishLimit, onErr)
}

// Key returns the limiter's Redis key without redis_rate's "rate:" prefix.
func (l *Limiter) Key() string { return l.key }

// Wait blocks until the fleet's limit lets one more request go, and returns
// nil; or until ctx is done, and returns ctx's error at once, also while
// Redis is being asked and does not answer (a frozen Redis, a lost
// connection): the wait ends with its context, not with the client's read
// timeout. When the wait that Redis asks for (redis_rate's RetryAfter)
// would end after ctx's deadline, it returns at once with an error
// matching context.DeadlineExceeded. When Redis cannot be asked it fails
// with an error matching ErrUnavailable, or waits on the local limiter, as
// chosen with OnRedisError.
func (l *Limiter) Wait(ctx context.Context) error {
	if ctx == nil {
		return &wechatpay.FieldError{Field: "ctx", Reason: "nil context", Missing: true}
	}
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		res, err := untilDone(ctx, func(ctx context.Context) (*redis_rate.Result, error) {
			return l.lim.Allow(ctx, l.key, l.limit)
		})
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if l.onErr.local != nil {
				return l.onErr.local.Wait(ctx)
			}
			return fmt.Errorf("%w: rate limit %s: %w", ErrUnavailable, l.key, err)
		}
		if res.Allowed > 0 {
			return nil
		}
		wait := max(res.RetryAfter, time.Millisecond) // never a busy loop on Redis
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			return fmt.Errorf("redisfleet: rate limit %s: waiting %v would pass the context's deadline: %w", l.key, wait, context.DeadlineExceeded)
		}
		if timer == nil {
			timer = time.NewTimer(wait)
		} else {
			timer.Reset(wait)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
		}
	}
}
