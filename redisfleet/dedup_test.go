package redisfleet_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/redisfleet"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func post(t testing.TB, h http.Handler, hdr http.Header, body []byte) int {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/notify", bytes.NewReader(body))
	req.Header = hdr.Clone()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

// TestCallbackRunsOnce hands one signed callback to 8 goroutines at once,
// each a replica with its own go-redis client, Deduplicator, wechatpay
// client and NotificationHandler. The merchant's function holds its run
// until the 7 others have been answered, so they all meet the claim while
// it is held: exactly one run, one 204, seven 409. A redelivery afterwards
// gets 204 without a run.
func TestCallbackRunsOnce(t *testing.T) {
	const replicas = 8
	srv := wechatpaytest.NewServer()
	t.Cleanup(srv.Close)
	hdr, body, err := srv.SignNotification("TRANSACTION.SUCCESS", map[string]any{"out_trade_no": "RUN-ONCE-1", "trade_state": "SUCCESS"})
	require.NoError(t, err)
	prefix := uniqueKey("run-once") + ":"

	var runs atomic.Int64
	others := make(chan int, replicas)
	extra := make(chan struct{}) // closed by a second run, to fail rather than hang
	var extraOnce sync.Once
	handlers := make([]http.Handler, replicas)
	for i := range handlers {
		c := srv.Client()
		t.Cleanup(c.Close)
		d := redisfleet.NewDeduplicator(newRedis(t), redisfleet.WithKeyPrefix(prefix))
		handlers[i] = c.NotificationHandler(func(ctx context.Context, n *wechatpay.Notification) error {
			if runs.Add(1) > 1 {
				extraOnce.Do(func() { close(extra) })
				return nil
			}
			for range replicas - 1 {
				select {
				case <-others:
				case <-extra:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			return nil
		}, wechatpay.WithDeduplicator(d))
	}

	start := make(chan struct{})
	statuses := make(chan int, replicas)
	var wg sync.WaitGroup
	for _, h := range handlers {
		wg.Go(func() {
			<-start
			code := post(t, h, hdr, body)
			if code != http.StatusNoContent {
				others <- code
			}
			statuses <- code
		})
	}
	close(start)
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for code := range statuses {
		count[code]++
	}
	t.Logf("run once: %d replicas, same callback at once: %d run(s), replies %v", replicas, runs.Load(), count)
	require.Equal(t, int64(1), runs.Load())
	require.Equal(t, map[int]int{http.StatusNoContent: 1, http.StatusConflict: replicas - 1}, count)

	for _, h := range handlers[:2] {
		require.Equal(t, http.StatusNoContent, post(t, h, hdr, body), "a redelivery of a done callback")
	}
	require.Equal(t, int64(1), runs.Load())
}

func TestDeduplicatorKeys(t *testing.T) {
	rdb := newRedis(t)
	prefix := uniqueKey("keys") + ":"
	d := redisfleet.NewDeduplicator(rdb, redisfleet.WithKeyPrefix(prefix), redisfleet.WithLease(time.Minute))
	ctx := t.Context()

	claim, state, err := d.Claim(ctx, "N1")
	require.NoError(t, err)
	require.Equal(t, wechatpay.ClaimAcquired, state)
	ttl, err := rdb.PTTL(ctx, prefix+"N1").Result()
	require.NoError(t, err)
	require.True(t, ttl > 0 && ttl <= time.Minute, "a claim lasts its lease: %v", ttl)

	_, state, err = d.Claim(ctx, "N1")
	require.NoError(t, err)
	require.Equal(t, wechatpay.ClaimBusy, state)

	// A stale claim (one whose lease expired and was taken over) releases
	// nothing.
	require.NoError(t, d.Release(ctx, "N1", "claim:someone-else"))
	_, state, err = d.Claim(ctx, "N1")
	require.NoError(t, err)
	require.Equal(t, wechatpay.ClaimBusy, state)

	require.NoError(t, d.Release(ctx, "N1", claim))
	claim, state, err = d.Claim(ctx, "N1")
	require.NoError(t, err)
	require.Equal(t, wechatpay.ClaimAcquired, state, "released: the redelivery is processed")

	require.NoError(t, d.Done(ctx, "N1", claim))
	ttl, err = rdb.PTTL(ctx, prefix+"N1").Result()
	require.NoError(t, err)
	require.Greater(t, ttl, 24*time.Hour, "done outlasts the 24 h redelivery window")
	require.NoError(t, d.Release(ctx, "N1", claim), "a release after done keeps done")
	_, state, err = d.Claim(ctx, "N1")
	require.NoError(t, err)
	require.Equal(t, wechatpay.ClaimDone, state)

	short := redisfleet.NewDeduplicator(rdb, redisfleet.WithKeyPrefix(prefix), redisfleet.WithRetention(time.Hour))
	claim, _, err = short.Claim(ctx, "N2")
	require.NoError(t, err)
	require.NoError(t, short.Done(ctx, "N2", claim))
	ttl, err = rdb.PTTL(ctx, prefix+"N2").Result()
	require.NoError(t, err)
	require.Greater(t, ttl, 24*time.Hour, "retention is never shorter than the redelivery window")

	_, _, err = d.Claim(ctx, "")
	var fe *wechatpay.FieldError
	require.ErrorAs(t, err, &fe)
}

// TestDeduplicatorWithoutRedis: the function never runs unprotected, and
// the answer makes WeChat Pay deliver again.
func TestDeduplicatorWithoutRedis(t *testing.T) {
	srv := wechatpaytest.NewServer()
	t.Cleanup(srv.Close)
	c := srv.Client()
	t.Cleanup(c.Close)
	hdr, body, err := srv.SignNotification("TRANSACTION.SUCCESS", map[string]any{"out_trade_no": "NO-REDIS"})
	require.NoError(t, err)
	for name, d := range map[string]*redisfleet.Deduplicator{
		"unreachable": redisfleet.NewDeduplicator(deadRedis(t)),
		"nil client":  redisfleet.NewDeduplicator(nil),
	} {
		t.Run(name, func(t *testing.T) {
			ran := false
			h := c.NotificationHandler(func(context.Context, *wechatpay.Notification) error { ran = true; return nil }, wechatpay.WithDeduplicator(d))
			require.Equal(t, http.StatusServiceUnavailable, post(t, h, hdr, body))
			require.False(t, ran)
			_, _, err := d.Claim(t.Context(), "N")
			require.ErrorIs(t, err, redisfleet.ErrUnavailable)
			require.ErrorIs(t, d.Release(t.Context(), "N", "c"), redisfleet.ErrUnavailable)
			require.ErrorIs(t, d.Done(t.Context(), "N", "c"), redisfleet.ErrUnavailable)
		})
	}
}

// TestClaimWhoseReplyIsLost: Redis runs a claim and the network loses its
// reply (the proxy drops it and the connection). go-redis retries on a new
// connection with the same token, and the claim is the caller's own:
// acquired, not busy.
func TestClaimWhoseReplyIsLost(t *testing.T) {
	p := newRedisProxy(t)
	rdb := newProxiedRedis(t, p, redis.Options{})
	prefix := uniqueKey("lost-reply") + ":"
	d := redisfleet.NewDeduplicator(rdb, redisfleet.WithKeyPrefix(prefix))

	p.dropEvalReply()
	claim, state, err := d.Claim(t.Context(), "N1")
	require.NoError(t, err)
	require.True(t, <-p.evalReplies, "the first reply was dropped after Redis ran the claim")
	require.False(t, <-p.evalReplies, "go-redis's retry got its reply")
	require.Equal(t, wechatpay.ClaimAcquired, state, "the retried claim is the caller's own")
	require.Equal(t, claim, newRedis(t).Get(t.Context(), prefix+"N1").Val())

	requireClaim(t, d, "N1", wechatpay.ClaimBusy, "a duplicate while the claim is held")
	require.NoError(t, d.Release(t.Context(), "N1", claim))
	requireClaim(t, d, "N1", wechatpay.ClaimAcquired, "the token released the claim")
}

// TestRedeliveryAfterALostClaimReply: without go-redis's retries, a claim
// whose reply is lost after Redis ran it answers 503 and the function does
// not run. Another replica's copy of the callback finds the id held (409),
// but WeChat Pay's redelivery to the replica whose claim it is runs the
// function at once (204), not after the lease; then the id is done for
// every replica.
func TestRedeliveryAfterALostClaimReply(t *testing.T) {
	srv := wechatpaytest.NewServer()
	t.Cleanup(srv.Close)
	hdr, body, err := srv.SignNotification("TRANSACTION.SUCCESS", map[string]any{"out_trade_no": uniqueKey("LOST"), "trade_state": "SUCCESS"})
	require.NoError(t, err)
	prefix := uniqueKey("lost-redelivery") + ":"
	p := newRedisProxy(t)
	var runs atomic.Int64
	fn := func(context.Context, *wechatpay.Notification) error { runs.Add(1); return nil }
	replica := func(d *redisfleet.Deduplicator) http.Handler {
		c := srv.Client()
		t.Cleanup(c.Close)
		return c.NotificationHandler(fn, wechatpay.WithDeduplicator(d))
	}
	here := replica(redisfleet.NewDeduplicator(newProxiedRedis(t, p, redis.Options{MaxRetries: -1}), redisfleet.WithKeyPrefix(prefix)))
	there := replica(redisfleet.NewDeduplicator(newRedis(t), redisfleet.WithKeyPrefix(prefix)))

	p.dropEvalReply()
	require.Equal(t, http.StatusServiceUnavailable, post(t, here, hdr, body))
	require.True(t, <-p.evalReplies, "Redis ran the claim and its reply was dropped")
	require.Zero(t, runs.Load())
	require.Equal(t, http.StatusConflict, post(t, there, hdr, body), "another replica finds the claim held")

	require.Equal(t, http.StatusNoContent, post(t, here, hdr, body), "the redelivery takes its own claim")
	require.False(t, <-p.evalReplies)
	require.Equal(t, int64(1), runs.Load())
	require.Equal(t, http.StatusNoContent, post(t, there, hdr, body))
	require.Equal(t, int64(1), runs.Load())
}

// TestAbandonedClaimIsTheRetrysOwn: a claim that a frozen Redis holds ends
// with its context (an error matching both ErrUnavailable and
// context.Canceled) while Redis is still frozen. Thawed, Redis runs it; the
// retry on the same Deduplicator acquires it, another replica finds it
// busy, and so does a duplicate while the retry holds it.
func TestAbandonedClaimIsTheRetrysOwn(t *testing.T) {
	p := newRedisProxy(t)
	prefix := uniqueKey("abandoned") + ":"
	d := redisfleet.NewDeduplicator(newProxiedRedis(t, p, redis.Options{ReadTimeout: -1, WriteTimeout: -1, MaxRetries: -1}), redisfleet.WithKeyPrefix(prefix))
	other := redisfleet.NewDeduplicator(newRedis(t), redisfleet.WithKeyPrefix(prefix))

	p.freeze()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { _, _, err := d.Claim(ctx, "N1"); done <- err }()
	<-p.held // the claim reached the frozen Redis
	cancel()
	err := <-done
	require.ErrorIs(t, err, redisfleet.ErrUnavailable)
	require.ErrorIs(t, err, context.Canceled)
	require.True(t, p.frozen(), "Claim returned while Redis was frozen")
	p.thaw()
	require.False(t, <-p.evalReplies, "Redis ran the abandoned claim")

	requireClaim(t, other, "N1", wechatpay.ClaimBusy, "another replica finds the abandoned claim held")
	claim := requireClaim(t, d, "N1", wechatpay.ClaimAcquired, "the retry's own claim")
	requireClaim(t, d, "N1", wechatpay.ClaimBusy, "a duplicate while the retry holds it")
	require.NoError(t, d.Done(t.Context(), "N1", claim))
	requireClaim(t, other, "N1", wechatpay.ClaimDone, "done for every replica")
}

// requireClaim claims id with d, requires the state want, and returns the
// claim.
func requireClaim(t *testing.T, d *redisfleet.Deduplicator, id string, want wechatpay.ClaimState, msg string) string {
	t.Helper()
	claim, state, err := d.Claim(t.Context(), id)
	require.NoError(t, err, msg)
	require.Equal(t, want, state, msg)
	return claim
}
