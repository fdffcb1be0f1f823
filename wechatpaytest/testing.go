package wechatpaytest

import (
	"testing"
	"time"

	"github.com/gowechatpay/wechatpay"
)

// This file holds what a Go test needs around the emulator: a server that
// the test's end closes, a client that retries without waiting, and an
// emulator that refuses everything for one test.

// Start starts a server with opts for the test (or benchmark) t, as
// NewServer does, and closes it, with the clients it gave out, when t and
// its subtests end.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	srv := NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// FastRetry is a client option for tests that inject the faults a client
// retries (FaultRateLimited, FaultSystemError):
// it keeps the default retry budget of three attempts but backs off for
// milliseconds instead of seconds.
func FastRetry() wechatpay.Option {
	return wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond})
}

// FailAll makes srv answer every request with status and WeChat Pay's error
// code (a FaultAPIError on every route) until t ends. It returns a client
// with FastRetry and the number of requests srv took since the call, so a
// test can tell a refusal that was retried from one that was not.
func FailAll(t testing.TB, srv *Server, status int, code string) (c *wechatpay.Client, requests func() int) {
	t.Helper()
	srv.InjectFault(Fault{Kind: FaultAPIError, Status: status, Code: code})
	t.Cleanup(srv.ClearFaults)
	before := srv.Requests()
	return srv.Client(FastRetry()), func() int { return srv.Requests() - before }
}
