package wechatpay

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/textproto"
	"time"
)

// maxResponseHeaderBytes bounds the response headers on the SDK's own
// transport: a wide margin over WeChat Pay's answers.
const maxResponseHeaderBytes = 64 << 10

// httpClients returns the HTTP client for ordinary calls and, when a
// merchant certificate is configured, the one presenting it for mTLS.
func httpClients(cfg *config, s *Signer) (*http.Client, *http.Client, error) {
	var clientCert *tls.Certificate
	if cfg.merchantCert != nil {
		clientCert = &tls.Certificate{
			Certificate: [][]byte{cfg.merchantCert.Raw},
			PrivateKey:  s.key,
			Leaf:        cfg.merchantCert,
		}
	}
	switch {
	case cfg.httpClient != nil && cfg.transport != nil:
		return nil, nil, &FieldError{Field: "http_client", Reason: "WithHTTPClient and WithTransport are exclusive"}
	case cfg.httpClient != nil:
		// A copy: resty fills in a nil Transport, a signed request never
		// follows a redirect, and the caller's client (perhaps
		// http.DefaultClient) must stay as it is.
		hc := new(http.Client)
		*hc = *cfg.httpClient
		hc.CheckRedirect = noRedirects
		if hc.Transport == nil {
			hc.Transport = http.DefaultTransport
		}
		if clientCert == nil {
			return hc, nil, nil
		}
		tlsHC := *hc
		if t, ok := hc.Transport.(*http.Transport); ok {
			tlsHC.Transport = withClientCert(t, clientCert)
		}
		return hc, &tlsHC, nil
	case cfg.transport != nil:
		hc := &http.Client{Transport: cfg.transport, CheckRedirect: noRedirects}
		if clientCert == nil {
			return hc, nil, nil
		}
		if t, ok := cfg.transport.(*http.Transport); ok {
			return hc, &http.Client{Transport: withClientCert(t, clientCert), CheckRedirect: noRedirects}, nil
		}
		return hc, hc, nil
	}
	hc := &http.Client{Transport: newTransport(cfg.rootCAs, nil), CheckRedirect: noRedirects}
	if clientCert == nil {
		return hc, nil, nil
	}
	return hc, &http.Client{Transport: newTransport(cfg.rootCAs, clientCert), CheckRedirect: noRedirects}, nil
}

// noRedirects makes a 3xx answer the call's result (an *APIError): WeChat
// Pay does not redirect API calls, and a signed request is not replayed to
// wherever a redirect points.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// newTransport is the SDK's own transport: keep-alive with enough idle
// connections per host for concurrent callers, HTTP/2 when offered, TLS 1.2
// at least.
func newTransport(roots *x509.CertPool, cert *tls.Certificate) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 256
	t.MaxIdleConnsPerHost = 64
	t.IdleConnTimeout = 90 * time.Second
	t.ForceAttemptHTTP2 = true
	// WeChat Pay's answers carry about 1 KiB of headers.
	t.MaxResponseHeaderBytes = maxResponseHeaderBytes
	t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: roots}
	if cert != nil {
		t.TLSClientConfig.Certificates = []tls.Certificate{*cert}
	}
	return t
}

func withClientCert(t *http.Transport, cert *tls.Certificate) *http.Transport {
	t = t.Clone()
	if t.TLSClientConfig == nil {
		t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	t.TLSClientConfig.Certificates = []tls.Certificate{*cert}
	return t
}

// errInformational is a 1xx answer other than 100 Continue and 103 Early
// Hints, or a protocol switch: no WeChat Pay answer.
var errInformational = errors.New("unexpected informational (1xx) answer")

// guardTransport keeps two guarantees resty and net/http do not give: a 1xx
// answer or protocol switch fails at once (got1xx), and every body read
// ends with the request's context. net/http's Transport ends its body reads
// itself, over HTTP/1.1 and HTTP/2 alike; the body of any other
// RoundTripper is closed when the context ends.
type guardTransport struct {
	next      http.RoundTripper
	stdBodies bool // next is an *http.Transport
}

func (g guardTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	// WithClientTrace merges a caller's own trace into the one it is
	// given, which is then this request's own; without one to merge, the
	// shared trace is left as it is.
	ctx, trace := r.Context(), guard1xx
	if httptrace.ContextClientTrace(ctx) != nil {
		trace = &httptrace.ClientTrace{Got1xxResponse: got1xx}
	}
	ctx = httptrace.WithClientTrace(ctx, trace)
	resp, err := g.next.RoundTrip(r.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 {
		_ = resp.Body.Close()
		return nil, fmt.Errorf("%w: %d", errInformational, resp.StatusCode)
	}
	if !g.stdBodies && ctx.Done() != nil && resp.Body != nil {
		body := resp.Body
		resp.Body = &ctxBody{ReadCloser: body, stop: context.AfterFunc(ctx, func() { _ = body.Close() })}
	}
	return resp, nil
}

// guard1xx is the trace of every attempt made without a trace of the
// caller's: it is never modified.
var guard1xx = &httptrace.ClientTrace{Got1xxResponse: got1xx}

// got1xx is the Got1xxResponse hook of every attempt's trace: net/http skips
// informational answers unless a hook refuses them.
func got1xx(code int, _ textproto.MIMEHeader) error {
	if code == http.StatusContinue || code == http.StatusEarlyHints {
		return nil
	}
	return fmt.Errorf("%w: %d", errInformational, code)
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the
// transport.
func (g guardTransport) CloseIdleConnections() {
	if ci, ok := g.next.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

// ctxBody is a body closed when its request's context ends.
type ctxBody struct {
	io.ReadCloser
	stop func() bool
}

func (b *ctxBody) Close() error {
	b.stop()
	return b.ReadCloser.Close()
}

type discardLogger struct{}

func (discardLogger) Errorf(string, ...any) {}

func (discardLogger) Warnf(string, ...any) {}

func (discardLogger) Debugf(string, ...any) {}
