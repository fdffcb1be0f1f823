package redisfleet_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/redisfleet"
)

// fleetLimiters returns n limiters of key at limit, each on its own
// go-redis client, as on n replicas.
func fleetLimiters(t *testing.T, key string, limit redis_rate.Limit, n int) []*redisfleet.Limiter {
	t.Helper()
	limiters := make([]*redisfleet.Limiter, n)
	for i := range limiters {
		l, err := redisfleet.NewLimiter(newRedis(t), key, limit, redisfleet.ReturnError())
		require.NoError(t, err)
		limiters[i] = l
	}
	return limiters
}

// TestFleetRate runs 4 limiters, as on 4 replicas, with 2 callers each,
// against one Redis at 50 requests per second for about 2 seconds. GCRA on
// Redis's clock allows at most burst + rate*span requests over a span; a
// request counts only if it was allowed before the run was cancelled, so
// the count may not pass burst + rate*elapsed, elapsed measured once
// cancelled (+1 for the microsecond rounding between Redis's clock and
// Go's); four unshared limiters would allow 4 times the rate. A busy
// machine only lowers the count: that the fleet is not held below its
// limit is TestFleetShareOneBurst's assertion, which no load can upset.
func TestFleetRate(t *testing.T) {
	const (
		replicas = 4
		callers  = 2
		rate     = 50
		run      = 2 * time.Second
	)
	limit := redis_rate.Limit{Rate: rate, Period: time.Second, Burst: 1}
	limiters := fleetLimiters(t, uniqueKey("fleet-rate"), limit, replicas)
	var allowed atomic.Int64
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	errs := make(chan error, replicas*callers)
	start := time.Now()
	for _, l := range limiters {
		for range callers {
			wg.Go(func() {
				for {
					err := l.Wait(ctx)
					if ctx.Err() != nil {
						return
					}
					if err != nil {
						errs <- err
						return
					}
					allowed.Add(1)
				}
			})
		}
	}
	timer := time.NewTimer(run)
	<-timer.C
	cancel()
	elapsed := time.Since(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	n := allowed.Load()
	upper := int64(float64(rate)*elapsed.Seconds()) + int64(limit.Burst) + 1
	t.Logf("fleet rate: %d replicas x %d callers, limit %v: %d allowed in %v = %.1f/s (at most %d)",
		replicas, callers, limit, n, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds(), upper)
	require.LessOrEqual(t, n, upper, "the fleet went over its limit")
}

// TestFleetShareOneBurst runs 4 limiters, as on 4 replicas, with 2 callers
// each, on a limit of 10 requests a day with a burst of 10: the burst may
// go at once, and the next slot is 2.4 hours away. Each caller waits with
// a deadline an hour away until Wait answers that waiting would pass it
// (at once, not at the deadline). The fleet gets exactly the burst,
// whatever the machine's load: fewer would hold it below its limit, and
// four unshared limiters would allow 4 times as many.
func TestFleetShareOneBurst(t *testing.T) {
	const (
		replicas = 4
		callers  = 2
		burst    = 10
	)
	limiters := fleetLimiters(t, uniqueKey("fleet-burst"), redis_rate.Limit{Rate: burst, Period: 24 * time.Hour, Burst: burst}, replicas)
	ctx, cancel := context.WithTimeout(t.Context(), time.Hour)
	defer cancel()
	var allowed atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, replicas*callers)
	for _, l := range limiters {
		for range callers {
			wg.Go(func() {
				for {
					if err := l.Wait(ctx); err != nil {
						errs <- err
						return
					}
					allowed.Add(1)
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.ErrorIs(t, err, context.DeadlineExceeded)
	}
	require.NoError(t, ctx.Err(), "answered at once, not at the deadline")
	n := allowed.Load()
	require.LessOrEqual(t, n, int64(burst), "the fleet went over its limit")
	require.GreaterOrEqual(t, n, int64(burst), "the fleet was held far below its limit")
}

func TestLimiterHonoursTheContext(t *testing.T) {
	rdb := newRedis(t)
	l, err := redisfleet.NewLimiter(rdb, uniqueKey("ctx"), redis_rate.Limit{Rate: 1, Period: time.Hour, Burst: 1}, redisfleet.ReturnError())
	require.NoError(t, err)
	require.NoError(t, l.Wait(t.Context()), "the burst lets the first call go")

	// The next slot is an hour away: a deadline before it fails at once.
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	err = l.Wait(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.NoError(t, ctx.Err(), "returned before the deadline, not at it")

	// Without a deadline it waits until the context is cancelled.
	ctx, cancel = context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- l.Wait(ctx) }()
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)

	// An already-cancelled context does not reach Redis.
	require.ErrorIs(t, l.Wait(ctx), context.Canceled)
}

// countingLimiter is a local limiter that lets everything through and
// counts.
type countingLimiter struct{ n atomic.Int64 }

func (c *countingLimiter) Wait(ctx context.Context) error { c.n.Add(1); return ctx.Err() }

func TestLimiterWithoutRedis(t *testing.T) {
	rdb := deadRedis(t)
	l, err := redisfleet.NewQueryLimiter(rdb, "1900016681", redisfleet.ReturnError())
	require.NoError(t, err)
	err = l.Wait(t.Context())
	require.ErrorIs(t, err, redisfleet.ErrUnavailable)
	require.ErrorContains(t, err, "special-reduction:1900016681")

	local := &countingLimiter{}
	l, err = redisfleet.NewPunishLimiter(rdb, "1900016681", redisfleet.WaitLocally(local))
	require.NoError(t, err)
	require.NoError(t, l.Wait(t.Context()))
	require.NoError(t, l.Wait(t.Context()))
	require.Equal(t, int64(2), local.n.Load(), "each Wait fell back to the local limiter")

	var zero redisfleet.OnRedisError
	l, err = redisfleet.NewLimiter(rdb, "k", redisfleet.QueryLimit, zero)
	require.NoError(t, err)
	require.ErrorIs(t, l.Wait(t.Context()), redisfleet.ErrUnavailable, "the zero OnRedisError is ReturnError")
}

func TestNewLimiterRefusesBadInput(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	t.Cleanup(func() { _ = rdb.Close() })
	for name, tt := range map[string]struct {
		build func() (*redisfleet.Limiter, error)
		field string
	}{
		"nil client": {func() (*redisfleet.Limiter, error) {
			return redisfleet.NewLimiter(nil, "k", redisfleet.QueryLimit, redisfleet.ReturnError())
		}, "redis_client"},
		"empty key": {func() (*redisfleet.Limiter, error) {
			return redisfleet.NewLimiter(rdb, "", redisfleet.QueryLimit, redisfleet.ReturnError())
		}, "key"},
		"zero limit": {func() (*redisfleet.Limiter, error) {
			return redisfleet.NewLimiter(rdb, "k", redis_rate.Limit{}, redisfleet.ReturnError())
		}, "limit"},
		"no target merchant": {func() (*redisfleet.Limiter, error) {
			return redisfleet.NewQueryLimiter(rdb, "", redisfleet.ReturnError())
		}, "mchid"},
		"no punish merchant": {func() (*redisfleet.Limiter, error) {
			return redisfleet.NewPunishLimiter(rdb, "", redisfleet.ReturnError())
		}, "mchid"},
	} {
		t.Run(name, func(t *testing.T) {
			l, err := tt.build()
			require.Nil(t, l)
			var fe *wechatpay.FieldError
			require.True(t, errors.As(err, &fe), "%v", err)
			require.Equal(t, tt.field, fe.Field)
		})
	}
	l, err := redisfleet.NewLimiter(rdb, "k", redisfleet.QueryLimit, redisfleet.ReturnError())
	require.NoError(t, err)
	//lint:ignore SA1012 a nil context is the bad input under test
	err = l.Wait(nil)
	var fe *wechatpay.FieldError
	require.ErrorAs(t, err, &fe)
}

func TestDocumentedLimits(t *testing.T) {
	require.Equal(t, redis_rate.Limit{Rate: 100, Period: time.Second, Burst: 1}, redisfleet.QueryLimit)
	require.Equal(t, redis_rate.Limit{Rate: 200, Period: time.Minute, Burst: 1}, redisfleet.PunishLimit)
	rdb := newRedis(t)
	l, err := redisfleet.NewQueryLimiter(rdb, "1900016681", redisfleet.ReturnError())
	require.NoError(t, err)
	require.Equal(t, "wechatpay:aggracct:special-reduction:1900016681", l.Key())
}

// TestLimiterWaitEndsWithItsContext freezes Redis (the proxy holds every
// command) while Wait asks it, on a client without read or write timeout,
// so only the context can end the wait: cancelled once the request reached
// the frozen Redis, Wait returns context.Canceled while Redis is still
// frozen, under either OnRedisError (a cancelled wait is not a Redis
// failure: the local limiter is not asked). A deadline that passes while
// Redis is frozen ends the wait with context.DeadlineExceeded.
func TestLimiterWaitEndsWithItsContext(t *testing.T) {
	p := newRedisProxy(t)
	rdb := newProxiedRedis(t, p, redis.Options{ReadTimeout: -1, WriteTimeout: -1, MaxRetries: -1})
	local := &countingLimiter{}
	for _, onErr := range []redisfleet.OnRedisError{redisfleet.ReturnError(), redisfleet.WaitLocally(local)} {
		l, err := redisfleet.NewLimiter(rdb, uniqueKey("frozen"), redisfleet.QueryLimit, onErr)
		require.NoError(t, err)
		p.freeze()
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- l.Wait(ctx) }()
		<-p.held // Wait's request reached the frozen Redis
		cancel()
		require.ErrorIs(t, <-done, context.Canceled)
		require.True(t, p.frozen(), "Wait returned while Redis was frozen")
		p.thaw()
	}
	require.Zero(t, local.n.Load(), "a cancelled wait is not a Redis failure")

	l, err := redisfleet.NewLimiter(rdb, uniqueKey("frozen"), redisfleet.QueryLimit, redisfleet.ReturnError())
	require.NoError(t, err)
	p.freeze()
	ctx, cancel := context.WithTimeout(t.Context(), time.Millisecond)
	defer cancel()
	require.ErrorIs(t, l.Wait(ctx), context.DeadlineExceeded)
	require.True(t, p.frozen(), "Wait returned while Redis was frozen")
}
