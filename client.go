package wechatpay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
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
	keys         *clientKeys // behind a pointer: no fmt verb reaches it (redact.go)

	primary, backup, global string

	// Every request on them goes through send.
	rc    *resty.Client // v3 and v2 calls without client certificate
	rcTLS *resty.Client // v2 secure endpoints (mTLS); nil without a certificate

	logger  *slog.Logger
	now     func() time.Time
	timeout time.Duration
	retry   RetryPolicy
	maxBody int64
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

func newClient(cfg *config) (*Client, error) {
	signer, err := cfg.merchantSigner()
	if err != nil {
		return nil, err
	}
	if err := cfg.checkAPIKeys(); err != nil {
		return nil, err
	}
	now := cfg.now
	if now == nil {
		now = time.Now
	}
	v, err := cfg.verifier(signer, now)
	if err != nil {
		return nil, err
	}
	c := &Client{
		mchID:    cfg.mchID,
		appID:    cfg.appID,
		signer:   signer,
		verifier: v,
		keys:     &clientKeys{apiV2: cfg.apiV2Key},
		logger:   cfg.logger,
		now:      now,
		timeout:  cfg.timeout,
		retry:    cfg.retry,
		maxBody:  cfg.maxBody,
	}
	if c.primary, c.backup, c.global, err = cfg.domains(); err != nil {
		return nil, err
	}
	if cfg.apiV3Set {
		c.keys.apiV3 = []byte(cfg.apiV3Key)
	}
	if cfg.userAgent == "" {
		cfg.userAgent = "gowechatpay/" + Version + " (" + runtime.GOOS + "/" + runtime.GOARCH + ") " + runtime.Version()
	}
	c.userAgentHeader = []string{cfg.userAgent}
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

// newResty is the resty client behind one *http.Client: the SDK's steps of
// an attempt hang on resty's hooks (see send), and resty's retry and
// back-off carry out the client's RetryPolicy.
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
	// resty fails an over-limit read (ErrResponseBodyTooLarge) rather than
	// truncating it. DownloadV3 streams on the http.Client, without resty.
	rc.SetResponseBodyLimit(int(min(c.maxBody, math.MaxInt)))
	rc.OnBeforeRequest(func(_ *resty.Client, r *resty.Request) error { return exchangeOf(r.Context()).begin(r) })
	rc.SetPreRequestHook(func(_ *resty.Client, r *http.Request) error { return exchangeOf(r.Context()).authorize(r) })
	return rc
}

// Close stops the certificate refresh, if any, and releases the idle
// connections of the client's transports.
func (c *Client) Close() {
	if !c.built() {
		return
	}
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
	meta, verified, err := c.doV3(ctx, req, out)
	if err != nil {
		return meta, err
	}
	return meta, decodeInto(verified, out, meta.RequestID)
}

// doV3 is DoV3 without the decoding (out is only checked): it returns the
// verified body as resty read it, the caller's to keep.
func (c *Client) doV3(ctx context.Context, req *Request, out any) (*Response, []byte, error) {
	if !c.built() {
		return nil, nil, nilClientError()
	}
	x, err := c.v3Exchange(req, out)
	if err != nil {
		return nil, nil, err
	}
	var verified []byte
	x.judge = func(resp *http.Response, data []byte) error {
		if err := c.verifyV3(resp, data); err != nil {
			return err
		}
		verified = data
		return nil
	}
	meta, err := c.send(ctx, x, false)
	return meta, verified, err
}

// verifyV3 is the verdict on one v3 answer: an *APIError for a 4xx/5xx,
// a verification error for a 2xx that does not verify, nil otherwise.
func (c *Client) verifyV3(resp *http.Response, data []byte) error {
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return newV3APIError(resp.StatusCode, resp.Header.Get(HeaderRequestID), data)
	}
	return c.verifier.Verify(resp.Header, data)
}

// postV2 makes an APIv2 call: each attempt's XML is signed afresh and each
// answer judged by judgeV2Reply; a secure call is sent with the merchant
// client certificate, never over plain HTTP.
func (c *Client) postV2(ctx context.Context, call *v2Call) (*Response, error) {
	header := http.Header{"User-Agent": c.userAgentHeader, "Content-Type": contentTypeXML, "Accept": acceptXML}
	x := &exchange{c: c, method: http.MethodPost, path: call.path, target: call.path, header: header, v2: call, retryable: call.retryable, base: c.primary}
	return c.send(ctx, x, call.secure)
}

// Header values shared by every request; never modified.
var (
	acceptJSON      = []string{"application/json"}
	contentTypeJSON = []string{"application/json"}
	acceptXML       = []string{"text/xml"}
	contentTypeXML  = []string{"text/xml; charset=utf-8"}
)

// exchange is one call as resty runs it: what every attempt sends, and the
// attempt under way. Its attempts run one after another: it needs no lock.
type exchange struct {
	c            *Client
	method, path string // for errors and logs: the path has no query
	target       string // the path and query of every attempt
	header       http.Header
	body         []byte                                       // v3: the body of every attempt
	v2           *v2Call                                      // v2: the call, its body signed afresh on each attempt
	retryable    bool                                         // safe to repeat once sent
	judge        func(resp *http.Response, body []byte) error // v3: the verdict on an answer
	base         string                                       // the domain of the next attempt
	try          attempt
	meta         Response
}

// attempt is one try of an exchange, from its start to its judgement.
type attempt struct {
	n        int // resty's count, from 1
	start    time.Time
	sent     []byte // the body the v3 signature covers
	status   int    // 0 while no answer arrived
	answered bool   // an answer was read whole: err is the judge's ruling
	ended    bool   // end has judged the attempt
	retry    bool   // end decided on another attempt
	err      error  // the attempt's outcome

	signed signedMessage // the rest of what the v3 signature covers, to explain a SIGN_ERROR
}

type exchangeKey struct{}

// exchangeOf returns the exchange of the attempt whose context is ctx: every
// request on the client's resty clients goes through send.
func exchangeOf(ctx context.Context) *exchange {
	x, _ := ctx.Value(exchangeKey{}).(*exchange)
	return x
}

// restyNoParse is the response content type every request tells resty to
// assume: neither JSON nor XML, so resty's parse step, which has nothing to
// do (the SDK decodes only verified bodies, itself), skips its two
// regular-expression matches on the answer's Content-Type (2–3 µs a call).
const restyNoParse = "none"

// send runs x through resty. Each attempt: begin (OnBeforeRequest) gives it
// its domain and body, authorize (PreRequestHook) signs the bytes about to
// be sent, resty sends them and reads the answer within the size limit,
// end (the retry condition) judges the attempt and says whether resty
// repeats it after its back-off.
func (c *Client) send(ctx context.Context, x *exchange, secure bool) (*Response, error) {
	if ctx == nil {
		return &Response{}, nilContextError()
	}
	rc := c.rc
	if secure {
		switch {
		case c.rcTLS == nil:
			return &Response{}, &FieldError{Field: "merchant_certificate", Reason: "this v2 endpoint needs the merchant client certificate (WithMerchantCertificate)", Missing: true}
		case strings.HasPrefix(x.base, "http:"):
			return &Response{}, &FieldError{Field: "base_url", Reason: "is plain http://: this v2 endpoint needs the merchant client certificate, which only https:// presents"}
		}
		rc = c.rcTLS
	}
	if dl, ok := ctx.Deadline(); c.timeout > 0 && (!ok || time.Until(dl) > c.timeout) {
		// A caller's deadline that comes first already bounds the call.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	r := rc.R().SetContext(context.WithValue(ctx, exchangeKey{}, x)).ForceContentType(restyNoParse).AddRetryCondition(x.end)
	r.Header = x.header
	resp, err := r.Execute(x.method, x.target) // begin puts the attempt's domain in front
	if !x.try.ended {
		x.end(resp, err) // resty judges no attempt after its context ended, nor any without retries
	}
	x.meta.Attempts = max(r.Attempt, 1)
	cerr := ctx.Err()
	switch {
	case cerr == nil:
		return &x.meta, x.try.err
	case x.try.retry:
		// The back-off was cut short: the last answer is kept.
		return &x.meta, fmt.Errorf("%w (retry abandoned: %w)", x.try.err, cerr)
	}
	// No success for a call whose caller gave up, whatever the answer said.
	return &x.meta, &TransportError{Method: x.method, Path: x.path, Err: cerr, RequestID: x.meta.RequestID}
}

// begin starts an attempt: its domain and its body, for v2 freshly signed.
func (x *exchange) begin(r *resty.Request) error {
	x.try = attempt{n: r.Attempt, start: time.Now()}
	r.URL = x.base + x.target
	body := x.body
	if x.v2 != nil {
		var err error
		if body, err = x.c.signV2(x.v2.params, x.v2.signType); err != nil {
			return err
		}
	}
	x.try.sent = body
	if body != nil {
		r.SetBody(bytes.NewReader(body))
	}
	return nil
}

// authorize signs a v3 attempt over the request-target and body about to
// be sent.
func (x *exchange) authorize(r *http.Request) error {
	if x.v2 != nil {
		return nil
	}
	m := signedMessage{method: r.Method, url: r.URL.RequestURI(), timestamp: x.c.now().Unix(), nonce: NewNonce()}
	auth, err := x.c.signer.Authorization(m.method, m.url, x.try.sent, m.timestamp, m.nonce)
	if err != nil {
		return err
	}
	x.try.signed = m
	r.Header["Authorization"] = []string{auth}
	return nil
}

// end judges the attempt that just ended, once: the judge rules on an
// answer that resty read whole within the size limit, before anything
// decodes it; a failure to get one is a transport error. It logs the
// attempt and says whether resty repeats it (see retries).
func (x *exchange) end(resp *resty.Response, err error) bool {
	a := &x.try
	a.ended, a.answered = true, err == nil
	if resp == nil {
		a.err = err // refused before sending: the caller's input or the signer
		return false
	}
	requestID := ""
	if raw := resp.RawResponse; raw != nil {
		a.status, requestID = raw.StatusCode, peerID(raw.Header.Get(HeaderRequestID))
		x.meta.StatusCode, x.meta.Header, x.meta.RequestID = raw.StatusCode, raw.Header, requestID
	}
	if a.answered {
		if x.v2 != nil {
			a.err = x.c.judgeV2Reply(x.v2, resp.RawResponse, resp.Body())
		} else {
			a.err = x.judge(resp.RawResponse, resp.Body())
		}
		x.explainSignError(a.err, resp.RawResponse)
	} else {
		a.err = x.failure(err, requestID)
	}
	x.c.log(resp.Request.Context(), x.method, x.path, a.status, requestID, a.start, a.err)
	a.retry = a.err != nil && x.retries(a)
	return a.retry
}

// failure is the error of an attempt that got no answer read whole.
func (x *exchange) failure(err error, requestID string) error {
	switch {
	case x.try.status == 0:
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err // its text repeats the method and quotes the whole URL, query included
		}
		return &TransportError{Method: x.method, Path: x.path, Err: err}
	case errors.Is(err, resty.ErrResponseBodyTooLarge):
		return fmt.Errorf("%w: more than %d bytes%s", ErrResponseTooLarge, x.c.maxBody, requestIDNote(requestID))
	}
	return &TransportError{Method: x.method, Path: x.path, Err: fmt.Errorf("reading body: %w", err), RequestID: requestID}
}

// log records one attempt at debug level: never a key, a signature or a
// body.
func (c *Client) log(ctx context.Context, method, path string, status int, requestID string, start time.Time, err error) {
	if c.logger == nil || !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", method),
		slog.String("path", path),
		slog.Int("status", status),
		slog.String("request_id", requestID),
		slog.Duration("duration", time.Since(start)),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "wechatpay call", attrs...)
}
