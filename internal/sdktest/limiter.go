package sdktest

import (
	"context"
	"sync/atomic"
)

// CountingLimiter is a Limiter that lets every call through at once and
// counts the waits: a test asserts that a call waited on it, without
// measuring time.
type CountingLimiter struct{ n atomic.Int64 }

// Wait counts the wait and returns ctx's error, if any.
func (l *CountingLimiter) Wait(ctx context.Context) error {
	l.n.Add(1)
	return ctx.Err()
}

// Waits is the number of waits so far.
func (l *CountingLimiter) Waits() int64 { return l.n.Load() }
