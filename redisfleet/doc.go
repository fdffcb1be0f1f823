// Package redisfleet makes a fleet of merchant servers behave as one merchant
// towards WeChat Pay, on a Redis shared by every replica: a rate limiter
// whose limit holds for the whole fleet, and a de-duplicator that makes a
// notification handler run the merchant's function once per callback.
//
// It is a module of its own (github.com/gowechatpay/wechatpay/redisfleet),
// so Redis is in the build only of merchants who import it. It works with
// any go-redis v9 client (redis.NewClient, redis.NewClusterClient,
// redis.NewFailoverClient) and Redis 6 or later.
//
// # Rate limits
//
// WeChat Pay's limits apply per merchant, not per process: the
// special-reduction query allows 100 requests per second per target
// merchant, and punish 200 per minute. A Limiter counts in Redis (GCRA, with
// github.com/go-redis/redis_rate and Redis's clock), so four replicas holding
// a Limiter with the same key share one limit:
//
//	rdb := redis.NewClient(&redis.Options{Addr: "redis:6379"})
//	q, err := redisfleet.NewQueryLimiter(rdb, "1900016681", redisfleet.ReturnError())
//	if err != nil { ... }
//	svc := aggracct.New(client, aggracct.WithQueryLimiter(q))
//
// Wait blocks until the call may go, or the context is done. When Redis
// cannot be reached, Wait does what was chosen at construction: ReturnError
// fails the call, WaitLocally waits on a local limiter instead (for
// instance rate.NewLimiter(aggracct.QueryRate/4, 1) on each of four
// replicas). A Limiter is never silently unlimited.
//
// # Callback de-duplication
//
// WeChat Pay redelivers a callback until it gets a 2xx, and two replicas
// can receive the same one at once. A Deduplicator implements
// wechatpay.NotificationDeduplicator:
//
//	h, err := client.NotificationHandler(recordPayment,
//		wechatpay.WithDeduplicator(redisfleet.NewDeduplicator(rdb)))
//
// Each verified notification's id is claimed with one atomic Redis script
// (SET NX with an expiry) before the function runs, marked done for 72 hours
// (longer than WeChat Pay's 24-hour redelivery window) when it succeeds, and
// released when it fails, so that WeChat Pay's redelivery runs it again. A
// duplicate of a done notification gets 204 without running the function; a
// duplicate that arrives while the first is still running gets 409, and
// WeChat Pay delivers it again later. When Redis cannot be reached the
// function does not run and the answer is 503: WeChat Pay redelivers.
package redisfleet
