package wechatpay

import (
	"context"
	"crypto/tls"
	"errors"
	"math/rand/v2"
	"net"
	"syscall"
	"time"
)

// RetryPolicy bounds the retries of calls that are safe to repeat: transport
// failures, 5xx and 429 on GET and on POSTs documented as re-entrant. Delays
// grow exponentially from BaseDelay to MaxDelay, each drawn from ±50 % of
// its nominal value.
type RetryPolicy struct {
	// MaxAttempts counts the first attempt; 1 disables retries.
	MaxAttempts int
	// BaseDelay is the delay before the first retry (before jitter).
	BaseDelay time.Duration
	// MaxDelay caps any one delay, jitter included.
	MaxDelay time.Duration
}

// DefaultRetryPolicy makes at most three attempts: the retries come about
// 100 ms and 200 ms (±50 %) after the failures before them.
var DefaultRetryPolicy = RetryPolicy{MaxAttempts: 3, BaseDelay: 100 * time.Millisecond, MaxDelay: 2 * time.Second}

// attemptStatus is what shouldRetry needs to know of a failed attempt.
type attemptStatus struct {
	status    int  // 0 when no response was read
	transport bool // the failure is in the transport, not an answer
}

// shouldRetry decides whether a failed attempt is repeated, and whether the
// next attempt goes to the backup domain.
func (c *Client) shouldRetry(cl *call, st attemptStatus, err error) (retry, backup bool) {
	if st.transport {
		if st.status == 0 && isConnectFailure(err) {
			// The request never reached the server: safe for any method.
			return true, true
		}
		return cl.retryable, false
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) && cl.retryable && apiErr.Temporary() {
		return true, false
	}
	return false, false
}

// isConnectFailure reports failures before any byte of the request could
// have been processed: DNS, connect, TLS handshake.
func isConnectFailure(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	var recErr tls.RecordHeaderError
	if errors.As(err, &recErr) {
		return true
	}
	var certErr *tls.CertificateVerificationError
	return errors.As(err, &certErr)
}

func (c *Client) backoff(attempt int) time.Duration {
	d := c.retry.BaseDelay << (attempt - 1)
	if d > c.retry.MaxDelay || d <= 0 {
		d = c.retry.MaxDelay
	}
	if d <= 0 {
		return 0
	}
	return min(rand.N(d)+d/2, c.retry.MaxDelay)
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// TransportError is a failure to exchange a request and response with
// WeChat Pay: DNS, connection, TLS, timeout, or a body cut short. Whether
// the server processed the request is unknown unless the cause says the
// connection never opened.
type TransportError struct {
	// Method and Path name the call (the path without its query).
	Method string
	Path   string
	// Err is the cause, e.g. a *net.OpError or context.DeadlineExceeded.
	Err error
	// RequestID is the Request-ID when the answer's headers arrived before
	// the failure (a body cut short); quote it to support.
	RequestID string
}

// Error implements error.
func (e *TransportError) Error() string {
	return "wechatpay: " + e.Method + " " + e.Path + ": " + e.Err.Error() + requestIDNote(e.RequestID)
}

// Unwrap returns the cause.
func (e *TransportError) Unwrap() error { return e.Err }
