package wechatpay

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/textproto"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"

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
	apiV3Key     []byte
	apiV2Key     string

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
	return fmt.Errorf("%w: %w", ErrInvalidConfig, err)
}

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
		apiV2Key:  cfg.apiV2Key,
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
		c.apiV3Key = []byte(cfg.apiV3Key)
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
	c.rc = newResty(hc)
	if hcTLS != nil {
		c.rcTLS = newResty(hcTLS)
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
		// A copy: resty fills in a nil Transport, and the caller's client
		// (perhaps http.DefaultClient) must stay as it is.
		hc := new(http.Client)
		*hc = *cfg.httpClient
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

func newResty(hc *http.Client) *resty.Client {
	rc := resty.NewWithClient(hc)
	rc.SetLogger(discardLogger{})
	rc.SetRetryCount(0)
	rc.SetDisableWarn(true)
	return rc
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
// request is signed again on every attempt.
func (c *Client) DoV3(ctx context.Context, req *Request, out any) (*Response, error) {
	if req == nil {
		return nil, &FieldError{Field: "request", Reason: "nil", Missing: true}
	}
	method := strings.ToUpper(req.Method)
	if method == "" {
		method = http.MethodGet
	}
	path, err := expandPath(req.Path, req.PathParams)
	if err != nil {
		return nil, err
	}
	rawQuery := req.RawQuery
	if req.Query != nil {
		rawQuery = encodeQuery(req.Query)
	}
	if req.Body != nil && (method == http.MethodGet || method == http.MethodHead || method == http.MethodDelete) {
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
	return c.run(ctx, call, base, func(resp *http.Response, data []byte) error {
		return c.handleV3(resp, data, out)
	})
}

// handleV3 turns one v3 answer into the call's result.
func (c *Client) handleV3(resp *http.Response, data []byte, out any) error {
	requestID := resp.Header.Get(HeaderRequestID)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return newV3APIError(resp.StatusCode, requestID, data)
	}
	if err := c.verifier.Verify(resp.Header, data); err != nil {
		return err
	}
	return decodeInto(data, out, requestID)
}

// call is one logical request, repeated by run as the retry policy allows.
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
}

type handler func(resp *http.Response, body []byte) error

// run makes the attempts of one call: sign, send, read the body within the
// size limit, hand it to h, and retry what is safe to retry.
func (c *Client) run(ctx context.Context, cl *call, base string, h handler) (*Response, error) {
	if c.timeout > 0 {
		// A caller's deadline that comes first already bounds the call.
		if dl, ok := ctx.Deadline(); !ok || time.Until(dl) > c.timeout {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, c.timeout)
			defer cancel()
		}
	}
	meta := &Response{}
	host := base
	for attempt := 1; ; attempt++ {
		meta.Attempts = attempt
		resp, err := c.attempt(ctx, cl, host, h, meta)
		if err == nil {
			return meta, nil
		}
		if attempt >= c.retry.MaxAttempts || ctx.Err() != nil {
			return meta, err
		}
		retry, useBackup := c.shouldRetry(cl, resp, err)
		if !retry {
			return meta, err
		}
		if useBackup && host == c.primary && c.backup != "" {
			host = c.backup
		}
		if serr := sleep(ctx, c.backoff(attempt)); serr != nil {
			return meta, fmt.Errorf("%w (retry abandoned: %w)", err, serr)
		}
	}
}

// readBuf is a pooled response buffer with its size-limiting reader.
type readBuf struct {
	bytes.Buffer
	lr io.LimitedReader
}

var bufPool = sync.Pool{New: func() any { return new(readBuf) }}

// Header values shared by every request; never modified.
var (
	acceptJSON      = []string{"application/json"}
	contentTypeJSON = []string{"application/json"}
	acceptXML       = []string{"text/xml"}
	contentTypeXML  = []string{"text/xml; charset=utf-8"}
)

func (c *Client) attempt(ctx context.Context, cl *call, base string, h handler, meta *Response) (attemptStatus, error) {
	start := time.Now()
	var fullURL string
	if cl.rawQuery != "" {
		fullURL = base + cl.path + "?" + cl.rawQuery
	} else {
		fullURL = base + cl.path
	}
	u, err := url.Parse(fullURL)
	if err != nil {
		return attemptStatus{}, &FieldError{Field: "path", Reason: "does not form a valid URL"}
	}
	rc := c.rc
	if cl.secure {
		if c.rcTLS == nil {
			return attemptStatus{}, &FieldError{Field: "merchant_certificate", Reason: "this v2 endpoint needs the merchant client certificate (WithMerchantCertificate)", Missing: true}
		}
		rc = c.rcTLS
	}
	r := rc.R().SetContext(ctx).SetDoNotParseResponse(true)
	// The caller's values are shared, capped so that nothing appends into
	// them: the headers are only read on the way out.
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
	// Fixed values share read-only slices: the headers are only read on
	// the way out.
	r.Header["User-Agent"] = c.userAgentHeader
	body := cl.body
	if cl.v2 {
		if body, err = cl.sign(); err != nil {
			return attemptStatus{}, err
		}
		r.Header["Content-Type"] = contentTypeXML
		r.Header["Accept"] = acceptXML
	} else {
		r.Header["Accept"] = acceptJSON
		if body != nil {
			r.Header["Content-Type"] = contentTypeJSON
		}
		auth, err := c.signer.Authorization(cl.method, requestTarget(fullURL, u), body, c.now().Unix(), NewNonce())
		if err != nil {
			return attemptStatus{}, err
		}
		// The two values made per attempt share one array.
		vals := &[2]string{auth, cl.serial}
		r.Header["Authorization"] = vals[0:1:1]
		if cl.serial != "" {
			r.Header[HeaderSerial] = vals[1:2:2]
		}
	}
	if body != nil {
		r.SetBody(bytes.NewReader(body))
	}
	// resty parses the URL string again; fullURL parses to u, so the
	// request-target sent is the one signed.
	resp, err := r.Execute(cl.method, fullURL)
	if err != nil {
		c.log(ctx, cl, 0, "", start, err)
		return attemptStatus{transport: true}, &TransportError{Method: cl.method, Path: cl.path, Err: err}
	}
	raw := resp.RawResponse
	rb := resp.RawBody()
	defer rb.Close()
	buf := bufPool.Get().(*readBuf)
	buf.Reset()
	defer func() {
		buf.lr = io.LimitedReader{}
		if buf.Cap() <= 64<<10 {
			bufPool.Put(buf)
		}
	}()
	buf.lr = io.LimitedReader{R: rb, N: c.maxBody + 1}
	n, err := buf.ReadFrom(&buf.lr)
	requestID := raw.Header.Get(HeaderRequestID)
	meta.StatusCode, meta.Header, meta.RequestID = raw.StatusCode, raw.Header, requestID
	if err != nil {
		c.log(ctx, cl, raw.StatusCode, requestID, start, err)
		return attemptStatus{status: raw.StatusCode, transport: true}, &TransportError{Method: cl.method, Path: cl.path, Err: fmt.Errorf("reading body: %w", err), RequestID: requestID}
	}
	if n > c.maxBody {
		c.log(ctx, cl, raw.StatusCode, requestID, start, ErrResponseTooLarge)
		return attemptStatus{status: raw.StatusCode}, fmt.Errorf("%w: more than %d bytes%s", ErrResponseTooLarge, c.maxBody, requestIDNote(requestID))
	}
	err = h(raw, buf.Bytes())
	c.log(ctx, cl, raw.StatusCode, requestID, start, err)
	return attemptStatus{status: raw.StatusCode}, err
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
