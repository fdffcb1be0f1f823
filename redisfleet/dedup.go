package redisfleet

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gowechatpay/wechatpay"
)

// DefaultLease is how long a claim on a notification id lasts unless the
// handler marks it done or releases it first: it bounds the time a replica
// that died while running the function keeps a redelivery from being
// processed. WeChat Pay waits 5 seconds for an answer, so a function runs
// for far less.
const DefaultLease = 10 * time.Minute

// DefaultRetention is how long a done notification id is remembered: 72
// hours, longer than WeChat Pay's redelivery window of about 24 hours.
const DefaultRetention = 72 * time.Hour

// doneValue marks a processed id; a claim's value is its token (see
// Deduplicator.Claim), which starts with "claim:".
const doneValue = "done"

// claimScript atomically claims KEYS[1] for the token ARGV[1] for ARGV[2]
// milliseconds, when it is free or already holds that token (a retried
// claim whose first reply was lost), or returns what holds it.
var claimScript = redis.NewScript(`
local v = redis.call("GET", KEYS[1])
if v and v ~= ARGV[1] then return v end
redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2])
return false
`)

// releaseScript deletes KEYS[1] only while it holds the caller's claim.
var releaseScript = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end
return 0
`)

// Deduplicator is a wechatpay.NotificationDeduplicator on Redis, shared by
// every replica that uses the same Redis and prefix. It is safe for
// concurrent use.
type Deduplicator struct {
	rdb       redis.UniversalClient
	prefix    string
	lease     time.Duration
	retention time.Duration
	owner     string // this Deduplicator's part of every claim token
	unsettled unsettledClaims
}

var _ wechatpay.NotificationDeduplicator = (*Deduplicator)(nil)

// DedupOption configures a Deduplicator.
type DedupOption func(*Deduplicator)

// WithLease sets how long a claim lasts (default DefaultLease). A longer
// lease than the merchant's function takes is needed, or a redelivery
// during a slow run runs it a second time; a lease past 24 hours means a
// replica that dies while running the function loses the notification.
// Values ≤ 0 keep the default.
func WithLease(d time.Duration) DedupOption {
	return func(x *Deduplicator) {
		if d > 0 {
			x.lease = d
		}
	}
}

// WithRetention sets how long a done id is kept (default DefaultRetention).
// Values below 25 hours are raised to 25 hours, to outlast WeChat Pay's
// redelivery window.
func WithRetention(d time.Duration) DedupOption {
	return func(x *Deduplicator) { x.retention = max(d, 25*time.Hour) }
}

// WithKeyPrefix puts the Deduplicator's keys under prefix instead of
// KeyPrefix+"notify:", for instance to keep two merchants apart on one
// Redis.
func WithKeyPrefix(prefix string) DedupOption {
	return func(x *Deduplicator) { x.prefix = prefix }
}

// NewDeduplicator returns a Deduplicator on rdb. A nil rdb makes every
// Claim fail, so that no notification is processed unprotected. Build one
// per process and keep it: its claims carry its own token, and only the
// Deduplicator that made a claim recognises it as its own (see Claim).
func NewDeduplicator(rdb redis.UniversalClient, opts ...DedupOption) *Deduplicator {
	d := &Deduplicator{rdb: rdb, prefix: KeyPrefix + "notify:", lease: DefaultLease, retention: DefaultRetention, owner: rand.Text()}
	for _, o := range opts {
		if o != nil {
			o(d)
		}
	}
	return d
}

// Claim claims notification id atomically: it returns
// wechatpay.ClaimAcquired and the claim's token when no replica holds id,
// wechatpay.ClaimDone when id was processed, and wechatpay.ClaimBusy when
// another claim holds it. Errors match ErrUnavailable; Claim returns as
// soon as ctx is done, with an error that also matches ctx's error.
//
// A claim stores a token unique to this Deduplicator (one per replica) and
// to the claim. Claim is safe to retry: when Redis ran a claim but its
// reply was lost (a dropped connection that go-redis retries, a timeout, a
// cancelled context), the claim is this Deduplicator's own, and a retry
// with the same token takes it instead of finding it busy. go-redis's own
// retry sends the same token; after an error, the next Claim of the same
// id on the same Deduplicator (WeChat Pay's redelivery to this replica)
// reuses the token, so the callback is processed at once rather than
// answered 409 until the lease ends. Another replica, or a duplicate that
// arrives here while a claim is held, still finds the id busy.
func (d *Deduplicator) Claim(ctx context.Context, id string) (string, wechatpay.ClaimState, error) {
	if d.rdb == nil {
		return "", 0, fmt.Errorf("%w: no redis client", ErrUnavailable)
	}
	if id == "" {
		return "", 0, &wechatpay.FieldError{Field: "id", Reason: "empty", Missing: true}
	}
	token, ok := d.unsettled.take(id)
	if !ok {
		token = "claim:" + d.owner + ":" + rand.Text()
	}
	v, err := untilDone(ctx, func(ctx context.Context) (string, error) {
		return claimScript.Run(ctx, d.rdb, []string{d.prefix + id}, token, d.lease.Milliseconds()).Text()
	})
	switch {
	case err == redis.Nil:
		return token, wechatpay.ClaimAcquired, nil
	case err != nil:
		// Redis may have run the claim: its token is kept for a retry.
		d.unsettled.keep(id, token, time.Now().Add(d.lease))
		return "", 0, fmt.Errorf("%w: claiming a notification: %w", ErrUnavailable, err)
	case v == doneValue:
		return "", wechatpay.ClaimDone, nil
	}
	return "", wechatpay.ClaimBusy, nil
}

// Release deletes the claim on id if it is still the one Claim returned,
// so that the redelivery is processed. Errors match ErrUnavailable; the
// claim then expires after its lease. Release returns as soon as ctx is
// done.
func (d *Deduplicator) Release(ctx context.Context, id, claim string) error {
	if d.rdb == nil {
		return fmt.Errorf("%w: no redis client", ErrUnavailable)
	}
	_, err := untilDone(ctx, func(ctx context.Context) (any, error) {
		return releaseScript.Run(ctx, d.rdb, []string{d.prefix + id}, claim).Result()
	})
	if err != nil {
		return fmt.Errorf("%w: releasing a notification: %w", ErrUnavailable, err)
	}
	return nil
}

// Done records id as processed for the retention period, whoever holds it:
// the merchant's function has run. Errors match ErrUnavailable. Done
// returns as soon as ctx is done.
func (d *Deduplicator) Done(ctx context.Context, id, _ string) error {
	if d.rdb == nil {
		return fmt.Errorf("%w: no redis client", ErrUnavailable)
	}
	_, err := untilDone(ctx, func(ctx context.Context) (string, error) {
		return d.rdb.Set(ctx, d.prefix+id, doneValue, d.retention).Result()
	})
	if err != nil {
		return fmt.Errorf("%w: marking a notification done: %w", ErrUnavailable, err)
	}
	return nil
}
