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
// # Waits end with their context
//
// Every method that asks Redis (Limiter.Wait, Deduplicator.Claim, Release
// and Done) returns as soon as its context is done, with an error matching
// the context's, even while Redis does not answer (a frozen server, a
// half-open connection). go-redis itself ends a call at the context's
// deadline only on a client with ContextTimeoutEnabled, and never when the
// context is cancelled: the package stops waiting for the reply instead,
// and the abandoned call ends in the background when go-redis ends it (at
// the client's ReadTimeout, 5 seconds by default, or at the context's
// deadline with ContextTimeoutEnabled, which frees the connection sooner).
//
// # Callback de-duplication
//
// WeChat Pay redelivers a callback until it gets a 2xx, and two replicas
// can receive the same one at once. A Deduplicator implements
// wechatpay.NotificationDeduplicator:
//
//	h := client.NotificationHandler(recordPayment,
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
//
// A claim stores a token unique to its Deduplicator (one per replica) and
// to the claim, so a claim is recognisable as one's own: when Redis ran a
// claim but its reply was lost, go-redis's retry (the same token) acquires
// it, and after a failed Claim the redelivery of that callback to the same
// replica reuses the token and runs the function at once, instead of
// getting 409 until the lease ends. Other replicas find the id busy until
// then, as for a replica that died while running the function.
package redisfleet
