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
// which also moves from api to api2. It maps onto resty's retry: the n-th
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
