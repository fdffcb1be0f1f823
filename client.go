package wechatpay

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptrace"
	"net/textproto"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
	"golang.org/x/net/http/httpguts"

	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
)

// Version is the SDK's version, sent in the User-Agent header.
const Version = "0.1.0"

// The WeChat Pay domains.
const (
	// PrimaryURL is the primary domain for v3 and v2 calls.
	PrimaryURL = "https://api.mch.weixin.qq.com"
	// BackupURL is used only after a connection-level failure on PrimaryURL.
	BackupURL = "https://api2.mch.weixin.qq.com"
	// GlobalURL serves the cross-border (global) APIs.
	GlobalURL = "https://apihk.mch.weixin.qq.com"
)

// DefaultMaxResponseBytes is the default limit on a response body.
const DefaultMaxResponseBytes = 4 << 20

// maxResponseHeaderBytes bounds the response headers on the SDK's own
// transport: a wide margin over WeChat Pay's answers.
const maxResponseHeaderBytes = 64 << 10

// DefaultTimeout is the default bound on one call, retries included.
const DefaultTimeout = 30 * time.Second

// Client calls the WeChat Pay merchant APIs. It signs every v3 request,
// verifies every v3 response before any of it reaches the caller, encrypts
// and decrypts sensitive fields, and signs and checks APIv2 XML. Build it
// once with NewClient and share it: it is safe for concurrent use.
type Client struct {
	mchID, appID string
	signer       *Signer
	verifier     *Verifier
	keys         *clientKeys // behind a pointer: no fmt verb reaches it (redact.go)

	primary, backup, global string

	rc    *resty.Client // v3 and v2 calls without client certificate
	rcTLS *resty.Client // v2 secure endpoints (mTLS); nil without a certificate

	logger    *slog.Logger
	now       func() time.Time
	timeout   time.Duration
	retry     RetryPolicy
	maxBody   int64
	userAgent string
	// userAgentHeader is the User-Agent header value, shared read-only.
	userAgentHeader []string

	refresher *certRefresher // nil unless WithCertificateRefresh
}

// NewClient builds a Client. It needs the merchant (WithMerchant or
// WithMerchantPEM) and at least one WeChat Pay key (WithPublicKey or
// WithPlatformCertificates), unless WithCertificateRefresh is to download
// the platform certificates; everything else has a default. Bad
// configuration fails here, with an error matching ErrInvalidConfig.
func NewClient(opts ...Option) (*Client, error) {
	cfg := config{retry: DefaultRetryPolicy, maxBody: DefaultMaxResponseBytes, timeout: DefaultTimeout}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, configError(err)
		}
	}
	c, err := newClient(&cfg)
	if err != nil {
		return nil, configError(err)
	}
	return c, nil
}

func configError(err error) error {
	if errors.Is(err, ErrInvalidConfig) {
		return err // already says so (the credentials file's errors)
	}
	return &configErr{err}
}

// configErr is a construction error: it matches ErrInvalidConfig and its
// cause, and says "wechatpay: " once.
type configErr struct{ err error }

func (e *configErr) Error() string {
	return ErrInvalidConfig.Error() + ": " + strings.TrimPrefix(e.err.Error(), "wechatpay: ")
}

func (e *configErr) Unwrap() []error { return []error{ErrInvalidConfig, e.err} }

func newClient(cfg *config) (*Client, error) {
	if cfg.merchantCert != nil {
		serial := wxcrypto.CertificateSerial(cfg.merchantCert)
		if cfg.serial == "" {
			cfg.serial = serial
		} else if !strings.EqualFold(cfg.serial, serial) {
			return nil, &FieldError{Field: "merchant_serial_no", Reason: "does not match the merchant certificate's serial " + serial}
		}
	}
	cfg.serial = strings.ToUpper(cfg.serial)
	signer, err := cfg.merchantSigner()
	if err != nil {
		return nil, err
	}
	if cfg.apiV3Set && len(cfg.apiV3Key) != 32 {
		return nil, &FieldError{Field: "apiv3_key", Reason: "must be 32 bytes, got " + strconv.Itoa(len(cfg.apiV3Key))}
	}
	if cfg.apiV2Set && len(cfg.apiV2Key) != 32 {
		return nil, &FieldError{Field: "apiv2_key", Reason: "must be 32 bytes, got " + strconv.Itoa(len(cfg.apiV2Key))}
	}
	now := cfg.now
	if now == nil {
		now = time.Now
	}

	v := NewVerifier(cfg.mode, now)
	v.excluded = cfg.serial
	if cfg.pubKey != nil || cfg.pubKeyID != "" {
		if err := v.SetPublicKey(cfg.pubKeyID, cfg.pubKey); err != nil {
			return nil, err
		}
		if cfg.pubKey.Equal(signer.pub) {
			return nil, &FieldError{Field: "wechatpay_public_key", Reason: "is the merchant's own public key"}
		}
	}
	for _, cert := range cfg.certs {
		if _, err := v.AddCertificate(cert); err != nil {
			return nil, err
		}
		if k, ok := cert.PublicKey.(*rsa.PublicKey); ok && k.Equal(signer.pub) {
			return nil, &FieldError{Field: "platform_certificate", Reason: "holds the merchant's own public key"}
		}
	}
	switch cfg.mode {
	case KeyModePublicKey, KeyModeBoth:
		if cfg.pubKey == nil {
			return nil, &FieldError{Field: "wechatpay_public_key", Reason: "required by key mode " + cfg.mode.String(), Missing: true}
		}
	}
	if (cfg.mode == KeyModeBoth || cfg.mode == KeyModeCertificates) && len(cfg.certs) == 0 && cfg.certRefresh == 0 {
		return nil, &FieldError{Field: "platform_certificate", Reason: "required by key mode " + cfg.mode.String() + " (or WithCertificateRefresh)", Missing: true}
	}
	if cfg.pubKey == nil && len(cfg.certs) == 0 && cfg.certRefresh == 0 {
		return nil, &FieldError{Field: "wechatpay_public_key", Reason: "no WeChat Pay public key or platform certificate configured", Missing: true}
	}

	c := &Client{
		mchID:     cfg.mchID,
		appID:     cfg.appID,
		signer:    signer,
		verifier:  v,
		keys:      &clientKeys{apiV2: cfg.apiV2Key},
		primary:   PrimaryURL,
		backup:    BackupURL,
		global:    GlobalURL,
		logger:    cfg.logger,
		now:       now,
		timeout:   cfg.timeout,
		retry:     cfg.retry,
		maxBody:   cfg.maxBody,
		userAgent: cfg.userAgent,
	}
	if cfg.apiV3Set {
		c.keys.apiV3 = []byte(cfg.apiV3Key)
	}
	if c.userAgent == "" {
		c.userAgent = "gowechatpay/" + Version + " (" + runtime.GOOS + "/" + runtime.GOARCH + ") " + runtime.Version()
	}
	c.userAgentHeader = []string{c.userAgent}
	if cfg.baseURL != "" {
		u, err := url.Parse(cfg.baseURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return nil, &FieldError{Field: "base_url", Reason: "must be an absolute http(s) URL without query"}
		}
		base := strings.TrimRight(u.String(), "/")
		c.primary, c.backup, c.global = base, "", base
	}

	hc, hcTLS, err := httpClients(cfg, signer)
	if err != nil {
		return nil, err
	}
	c.rc = c.newResty(hc)
	if hcTLS != nil {
		c.rcTLS = c.newResty(hcTLS)
	}
	if err := c.startCertificateRefresh(cfg.certRefresh); err != nil {
		return nil, err
	}
	return c, nil
}

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

// newResty is the resty client behind one *http.Client: the SDK's steps
// hang on resty's pipeline (see run), and its retry carries out the
// client's RetryPolicy.
func (c *Client) newResty(hc *http.Client) *resty.Client {
	guarded := *hc
	_, std := hc.Transport.(*http.Transport)
	guarded.Transport = guardTransport{next: hc.Transport, stdBodies: std}
	rc := resty.NewWithClient(&guarded)
	rc.SetLogger(discardLogger{})
	rc.SetDisableWarn(true)
	rc.SetRetryCount(c.retry.MaxAttempts - 1)
	rc.SetRetryWaitTime(c.retry.BaseDelay)
	rc.SetRetryMaxWaitTime(c.retry.MaxDelay)
	rc.SetRetryAfter(retryAfter)
	rc.AddRetryCondition(c.retryCondition)
	// resty fails an over-limit read (ErrResponseBodyTooLarge) rather than
	// truncating it; the limit would not apply with DoNotParseResponse,
	// which the SDK does not use.
	rc.SetResponseBodyLimit(int(min(c.maxBody, math.MaxInt)))
	rc.OnBeforeRequest(c.prepareAttempt)
	rc.SetPreRequestHook(c.signAttempt)
	rc.OnAfterResponse(c.verifyAttempt)
	return rc
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
	// WithClientTrace merges a caller's own trace into this one.
	ctx := httptrace.WithClientTrace(r.Context(), &httptrace.ClientTrace{Got1xxResponse: got1xx})
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

// MchID returns the merchant number of the client.
func (c *Client) MchID() string { return c.mchID }

// AppID returns the default appid set with WithAppID.
func (c *Client) AppID() string { return c.appID }

// Signer returns the client's request signer.
func (c *Client) Signer() *Signer { return c.signer }

// Verifier returns the client's response and callback verifier.
func (c *Client) Verifier() *Verifier { return c.verifier }

// Now returns the client's clock reading.
func (c *Client) Now() time.Time { return c.now() }

// Close stops the certificate refresh, if any, and releases the idle
// connections of the client's transports.
func (c *Client) Close() {
	c.stopCertificateRefresh()
	c.rc.GetClient().CloseIdleConnections()
	if c.rcTLS != nil {
		c.rcTLS.GetClient().CloseIdleConnections()
	}
}

// DoV3 makes a v3 call and decodes the verified JSON body into out (a
// pointer; nil to discard, *[]byte or *json.RawMessage for the raw bytes).
// A 4xx/5xx answer is an *APIError; a 2xx answer that fails verification is
// an error matching ErrInvalidSignature and out is left untouched. The
// request is signed again on every attempt. Bad input (a nil ctx, an
// invalid method or header, a path parameter "." or "..") is a
// *FieldError before any I/O. Once ctx is done the call fails with a
// *TransportError wrapping ctx.Err(), whatever the answer said; a 1xx
// answer (other than 100/103) and any redirect are never followed.
func (c *Client) DoV3(ctx context.Context, req *Request, out any) (*Response, error) {
	if req == nil {
		return nil, &FieldError{Field: "request", Reason: "nil", Missing: true}
	}
	method := strings.ToUpper(req.Method)
	if method == "" {
		method = http.MethodGet
	}
	if !httpguts.ValidHeaderFieldName(method) {
		return nil, &FieldError{Field: "method", Reason: "is not an HTTP method token"}
	}
	for k, vs := range req.Header {
		if !httpguts.ValidHeaderFieldName(k) {
			return nil, &FieldError{Field: "header", Reason: "a header name is not a token"}
		}
		for _, v := range vs {
			if !httpguts.ValidHeaderFieldValue(v) {
				return nil, &FieldError{Field: "header", Reason: "the value of " + truncate(k, 64) + " has a control character"}
			}
		}
	}
	path, err := expandPath(req.Path, req.PathParams)
	if err != nil {
		return nil, err
	}
	rawQuery := req.RawQuery
	if req.Query != nil {
		rawQuery = encodeQuery(req.Query)
	}
	// A DELETE may carry a JSON body, signed like a POST's (the
	// profit-sharing receiver delete); a GET or HEAD carries none.
	if req.Body != nil && (method == http.MethodGet || method == http.MethodHead) {
		return nil, &FieldError{Field: "body", Reason: method + " requests carry no body"}
	}
	if err := checkOut(out); err != nil {
		return nil, err
	}
	body, err := encodeBody(req.Body)
	if err != nil {
		return nil, err
	}
	// The default Wechatpay-Serial is added by attempt, without copying
	// the caller's header.
	var serial string
	if req.Header.Get(HeaderSerial) == "" {
		if s, _, err := c.verifier.EncryptionKey(); err == nil {
			serial = s
		}
	}
	base := c.primary
	if req.Global {
		base = c.global
	}
	retryable := method == http.MethodGet || method == http.MethodHead || req.Idempotent
	call := &call{method: method, path: path, rawQuery: rawQuery, body: body, header: req.Header, serial: serial, retryable: retryable, v2: false}
	var verified []byte
	meta, err := c.run(ctx, call, base, func(resp *http.Response, data []byte) error {
		if err := c.verifyV3(resp, data); err != nil {
			return err
		}
		verified = data
		return nil
	})
	if err != nil {
		return meta, err
	}
	return meta, decodeInto(verified, out, meta.RequestID)
}

// verifyV3 is the verdict on one v3 answer: an *APIError for a 4xx/5xx,
// a verification error for a 2xx that does not verify, nil otherwise.
func (c *Client) verifyV3(resp *http.Response, data []byte) error {
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return newV3APIError(resp.StatusCode, resp.Header.Get(HeaderRequestID), data)
	}
	return c.verifier.Verify(resp.Header, data)
}

// call is one logical request, repeated by resty's retry as the policy
// allows. Its attempts run one after another, so it needs no lock.
type call struct {
	method, path, rawQuery string
	body                   []byte
	header                 http.Header
	serial                 string // Wechatpay-Serial to add; "" when header has one
	retryable              bool
	v2                     bool
	secure                 bool // v2 with client certificate
	// sign, for v2, rebuilds the body for each attempt (fresh nonce_str).
	sign func() ([]byte, error)

	// The state of the attempts, kept by the resty hooks.
	c       *Client
	h       handler
	base    string    // the domain of the next attempt
	sent    []byte    // the body of the current attempt
	start   time.Time // when the current attempt began
	verdict error     // the answer step's error for the current attempt
	settled int       // attempts already judged by settle
	err     error     // the SDK's error for the last judged attempt
	waiting bool      // resty is backing off before the next attempt
	meta    Response
}

// handler is the answer step: it judges a response read whole within the
// size limit, before anything of it reaches the caller.
type handler func(resp *http.Response, body []byte) error

type callKey struct{}

// callOf returns the call a resty request belongs to.
func callOf(ctx context.Context) *call {
	cl, _ := ctx.Value(callKey{}).(*call)
	return cl
}

// restyNoParse is the response content type every request tells resty to
// assume: neither JSON nor XML, so resty's parse step, which has nothing to
// do (the SDK decodes only verified bodies, itself), skips its two
// regular-expression matches on the answer's Content-Type (2–3 µs a call).
const restyNoParse = "none"

// Header values shared by every request; never modified.
var (
	acceptJSON      = []string{"application/json"}
	contentTypeJSON = []string{"application/json"}
	acceptXML       = []string{"text/xml"}
	contentTypeXML  = []string{"text/xml; charset=utf-8"}
)

// run makes one call through resty: prepareAttempt, signAttempt and
// verifyAttempt run on every attempt, retryCondition judges each one, and
// resty's back-off spaces the retries.
func (c *Client) run(ctx context.Context, cl *call, base string, h handler) (*Response, error) {
	if ctx == nil {
		return &Response{}, &FieldError{Field: "ctx", Reason: "nil context.Context (use context.Background())", Missing: true}
	}
	rc := c.rc
	if cl.secure {
		if c.rcTLS == nil {
			return &Response{}, &FieldError{Field: "merchant_certificate", Reason: "this v2 endpoint needs the merchant client certificate (WithMerchantCertificate)", Missing: true}
		}
		rc = c.rcTLS
	}
	if c.timeout > 0 {
		// A caller's deadline that comes first already bounds the call.
		if dl, ok := ctx.Deadline(); !ok || time.Until(dl) > c.timeout {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, c.timeout)
			defer cancel()
		}
	}
	cl.c, cl.h, cl.base = c, h, base
	r := rc.R().SetContext(context.WithValue(ctx, callKey{}, cl)).ForceContentType(restyNoParse)
	// The caller's values are shared, capped so that nothing appends into
	// them: resty copies the headers into each attempt's request.
	for k, vs := range cl.header {
		if len(vs) == 0 {
			continue
		}
		ck := textproto.CanonicalMIMEHeaderKey(k)
		if prev := r.Header[ck]; prev != nil {
			r.Header[ck] = append(prev[:len(prev):len(prev)], vs...)
		} else {
			r.Header[ck] = vs[:len(vs):len(vs)]
		}
	}
	// Fixed values share read-only slices.
	r.Header["User-Agent"] = c.userAgentHeader
	if cl.v2 {
		r.Header["Content-Type"] = contentTypeXML
		r.Header["Accept"] = acceptXML
	} else {
		r.Header["Accept"] = acceptJSON
		if cl.body != nil {
			r.Header["Content-Type"] = contentTypeJSON
		}
		if cl.serial != "" {
			r.Header[HeaderSerial] = []string{cl.serial}
		}
	}
	resp, err := r.Execute(cl.method, cl.url())
	if r.Attempt > cl.settled {
		// Resty judges no attempt after the context ended, nor any
		// without retries: the last one is judged here.
		cl.settle(r.Attempt, resp, err)
	}
	cl.meta.Attempts = max(r.Attempt, 1)
	meta := &cl.meta
	// Once the context is done the call fails with its error, whatever
	// the answer said: no success for a call whose caller gave up.
	if cerr := ctx.Err(); cerr != nil {
		if cl.waiting {
			// The back-off was cut short: the last answer is kept.
			return meta, fmt.Errorf("%w (retry abandoned: %w)", cl.err, cerr)
		}
		return meta, &TransportError{Method: cl.method, Path: cl.path, Err: cerr, RequestID: meta.RequestID}
	}
	return meta, cl.err
}

// url is the URL of the next attempt.
func (cl *call) url() string {
	if cl.rawQuery != "" {
		return cl.base + cl.path + "?" + cl.rawQuery
	}
	return cl.base + cl.path
}

// prepareAttempt (resty OnBeforeRequest, on every attempt) points the
// attempt at the call's current domain and gives it its body: for v2 a
// freshly signed one.
func (c *Client) prepareAttempt(_ *resty.Client, r *resty.Request) error {
	cl := callOf(r.Context())
	if cl == nil {
		return nil
	}
	cl.start = time.Now()
	cl.verdict, cl.waiting = nil, false
	r.URL = cl.url()
	body := cl.body
	if cl.v2 {
		var err error
		if body, err = cl.sign(); err != nil {
			return err
		}
	}
	cl.sent = body
	if body != nil {
		r.SetBody(bytes.NewReader(body))
	}
	return nil
}

// signAttempt (resty PreRequestHook, on every attempt) signs a v3 request
// over the request-target and body about to be sent.
func (c *Client) signAttempt(_ *resty.Client, r *http.Request) error {
	cl := callOf(r.Context())
	if cl == nil || cl.v2 {
		return nil
	}
	auth, err := c.signer.Authorization(r.Method, r.URL.RequestURI(), cl.sent, c.now().Unix(), NewNonce())
	if err != nil {
		return err
	}
	r.Header["Authorization"] = []string{auth}
	return nil
}

// verifyAttempt (resty OnAfterResponse) runs the call's answer step on a
// body that resty read whole within the size limit.
func (c *Client) verifyAttempt(_ *resty.Client, resp *resty.Response) error {
	cl := callOf(resp.Request.Context())
	if cl == nil {
		return nil
	}
	cl.verdict = cl.h(resp.RawResponse, resp.Body())
	return cl.verdict
}

// retryCondition (resty AddRetryCondition) judges each attempt as it
// ends: whether it is repeated, and on which domain.
func (c *Client) retryCondition(resp *resty.Response, err error) bool {
	if resp == nil || resp.Request == nil {
		return false // refused before sending: the caller's input or the signer
	}
	cl := callOf(resp.Request.Context())
	if cl == nil {
		return false
	}
	retry := cl.settle(resp.Request.Attempt, resp, err)
	cl.waiting = retry && resp.Request.Attempt < c.retry.MaxAttempts
	return retry
}

// settle turns resty's outcome of an attempt into the SDK's error, logs
// the attempt, and decides whether it is repeated.
func (cl *call) settle(attempt int, resp *resty.Response, err error) bool {
	cl.settled = attempt
	var raw *http.Response
	if resp != nil {
		raw = resp.RawResponse
	}
	st := attemptStatus{}
	switch {
	case err == nil:
		cl.err = nil
	case resp == nil:
		cl.err = err // refused before sending
	case raw == nil:
		st.transport = true
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its text repeats the method and quotes the whole URL, query included
		}
		cl.err = &TransportError{Method: cl.method, Path: cl.path, Err: err}
	case cl.verdict != nil && err == cl.verdict:
		cl.err = err
	case errors.Is(err, resty.ErrResponseBodyTooLarge):
		cl.err = fmt.Errorf("%w: more than %d bytes%s", ErrResponseTooLarge, cl.c.maxBody, requestIDNote(raw.Header.Get(HeaderRequestID)))
	default:
		st.transport = true
		cl.err = &TransportError{Method: cl.method, Path: cl.path, Err: fmt.Errorf("reading body: %w", err), RequestID: peerID(raw.Header.Get(HeaderRequestID))}
	}
	requestID := ""
	if raw != nil {
		st.status = raw.StatusCode
		requestID = peerID(raw.Header.Get(HeaderRequestID))
		cl.meta.StatusCode, cl.meta.Header, cl.meta.RequestID = raw.StatusCode, raw.Header, requestID
	}
	if resp != nil {
		cl.c.log(resp.Request.Context(), cl, st.status, requestID, cl.start, cl.err)
	}
	if cl.err == nil || resp == nil {
		return false
	}
	retry, backup := cl.c.shouldRetry(cl, st, cl.err)
	if backup && cl.base == cl.c.primary && cl.c.backup != "" {
		cl.base = cl.c.backup // api -> api2; apihk and WithBaseURL have no backup
	}
	return retry
}

func (c *Client) log(ctx context.Context, cl *call, status int, requestID string, start time.Time, err error) {
	if c.logger == nil || !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", cl.method),
		slog.String("path", cl.path),
		slog.Int("status", status),
		slog.String("request_id", requestID),
		slog.Duration("duration", time.Since(start)),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "wechatpay call", attrs...)
}
