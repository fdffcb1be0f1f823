package redisfleet

import "context"

// untilDone runs call, which asks Redis, and returns what it returns, or
// ctx's error as soon as ctx is done, whichever comes first.
//
// go-redis does not end a call when its context is cancelled: it sets the
// socket's deadline from the context's deadline on a client with
// ContextTimeoutEnabled, and otherwise from its ReadTimeout (5 s by
// default), so a caller of a frozen Redis would wait that long whatever
// its context says. A call untilDone stops waiting for goes on in the
// background until go-redis ends it (its read timeout, or the context's
// deadline with ContextTimeoutEnabled), and its result is dropped.
func untilDone[T any](ctx context.Context, call func(context.Context) (T, error)) (T, error) {
	if ctx.Done() == nil {
		return call(ctx) // a context that is never done: nothing to end early
	}
	if err := ctx.Err(); err != nil {
		var zero T
		return zero, err // not asked at all
	}
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1) // the abandoned call never blocks on it
	go func() {
		v, err := call(ctx)
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}
