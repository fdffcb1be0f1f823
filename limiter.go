package wechatpay

import "context"

// Limiter is a client-side rate limit that a typed service waits on before
// each call: Wait blocks until the call may proceed, or returns an error
// (wrapping ctx.Err() when ctx ends first), and the call is not made.
//
// *rate.Limiter from golang.org/x/time/rate satisfies it, and so does a
// limiter shared by several processes (for example one kept in Redis), so
// that a fleet of servers keeps to a limit WeChat Pay sets per merchant. A
// nil Limiter, or a nil pointer of a type that implements it, means no
// limit.
type Limiter interface {
	Wait(ctx context.Context) error
}
