package wechatpay

import (
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"

	"github.com/go-resty/resty/v2"
)

// RetryPolicy bounds the retries of calls that are safe to repeat: transport
// failures, 5xx and 429 on GET and on POSTs documented as re-entrant, and
// any call whose connection never opened (DNS, connect, TLS handshake),
// which also moves from api to api2. A server certificate that does not
// verify is not retried on the same host: only api moves to api2. It maps onto resty's retry: the n-th
// retry waits a delay drawn from [d/2, d) with d = BaseDelay·2^(n-1)
// capped at MaxDelay, and never less than BaseDelay; a 429's Retry-After
// is honoured within [BaseDelay, MaxDelay].
type RetryPolicy struct {
	// MaxAttempts counts the first attempt; 1 disables retries.
	MaxAttempts int
	// BaseDelay is the shortest delay before a retry (resty's wait time).
	BaseDelay time.Duration
	// MaxDelay caps any one delay (resty's max wait time).
	MaxDelay time.Duration
}

// DefaultRetryPolicy makes at most three attempts: the first retry comes
// 100 ms after the first failure, the second 100–200 ms after the second.
var DefaultRetryPolicy = RetryPolicy{MaxAttempts: 3, BaseDelay: 100 * time.Millisecond, MaxDelay: 2 * time.Second}

// retries reports whether the failed attempt a is repeated, and moves x to
// the backup domain when the repeat goes there.
func (x *exchange) retries(a *attempt) bool {
	if a.n >= x.c.retry.MaxAttempts {
		return false
	}
	te, transport := errors.AsType[*TransportError](a.err)
	switch {
	case a.answered || !transport:
		apiErr, ok := errors.AsType[*APIError](a.err)
		return ok && x.retryable && apiErr.Temporary()
	case a.status != 0:
		return x.retryable // the answer broke off: the request reached the server
	case isCertificateFailure(te.Err):
		// Not transient on one host: one attempt on api, then api2.
		return x.toBackup()
	case isConnectFailure(te.Err):
		// The request never reached the server: safe for any method.
		x.toBackup()
		return true
	}
	return x.retryable
}

// toBackup moves the next attempt from api to api2 and reports whether it
// did; apihk and WithBaseURL have no backup.
func (x *exchange) toBackup() bool {
	if x.base != x.c.primary || x.c.backup == "" {
		return false
	}
	x.base = x.c.backup
	return true
}

// isConnectFailure reports failures before any byte of the request could
// have been processed: DNS, connect, a peer that does not speak TLS.
func isConnectFailure(err error) bool {
	_, dns := errors.AsType[*net.DNSError](err)
	op, isOp := errors.AsType[*net.OpError](err)
	_, notTLS := errors.AsType[tls.RecordHeaderError](err)
	return dns || isOp && op.Op == "dial" || notTLS || errors.Is(err, syscall.ECONNREFUSED)
}

// isCertificateFailure reports a server certificate that did not verify.
func isCertificateFailure(err error) bool {
	_, ok := errors.AsType[*tls.CertificateVerificationError](err)
	return ok
}

// retryAfter (resty SetRetryAfter) honours the Retry-After of a 429, in
// seconds or as an HTTP date; resty keeps the wait within BaseDelay and
// MaxDelay. Any other answer gets resty's jittered back-off.
func retryAfter(_ *resty.Client, resp *resty.Response) (time.Duration, error) {
	if resp.StatusCode() != http.StatusTooManyRequests {
		return 0, nil
	}
	v := resp.Header().Get("Retry-After")
	if s, err := strconv.Atoi(v); err == nil && s > 0 {
		return time.Duration(s) * time.Second, nil
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d, nil
		}
	}
	return 0, nil
}

// TransportError is a failure to exchange a request and response with
// WeChat Pay: DNS, connection, TLS, timeout, or a body cut short. Whether
// the server processed the request is unknown unless the cause says the
// connection never opened.
type TransportError struct {
	// Method and Path name the call (the path without its query).
	Method string
	Path   string
	// Err is the cause, e.g. a *net.OpError or context.DeadlineExceeded
	// (never the *url.Error around it, whose text quotes the query).
	Err error
	// RequestID is the Request-ID when the answer's headers arrived before
	// the failure (a body cut short); quote it to support.
	RequestID string
}

// Error implements error: method, path (no query) and cause, once each.
func (e *TransportError) Error() string {
	return "wechatpay: " + e.Method + " " + e.Path + ": " + e.Err.Error() + requestIDNote(e.RequestID)
}

// Unwrap returns the cause.
func (e *TransportError) Unwrap() error { return e.Err }
