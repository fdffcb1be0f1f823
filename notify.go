package wechatpay

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/textproto"
	"runtime"
	"strconv"
	"strings"
	"time"

	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
	"github.com/gowechatpay/wechatpay/internal/wire"
)

// MaxNotificationBytes is the largest callback body ParseNotification and
// ParseNotificationRequest accept (1 MiB); WeChat Pay callbacks are a few
// kilobytes.
const MaxNotificationBytes = 1 << 20

// AlgorithmAEADAES256GCM is the only encryption algorithm of callback
// resources and downloaded platform certificates.
const AlgorithmAEADAES256GCM = "AEAD_AES_256_GCM"

// ErrMalformedNotification is matched when a verified callback body is not
// the expected JSON envelope, or its decrypted resource is not JSON.
var ErrMalformedNotification = errors.New("wechatpay: malformed notification")

// ErrUnsupportedAlgorithm is matched when an encrypted resource (callback or
// platform certificate) names an algorithm other than AEAD_AES_256_GCM.
var ErrUnsupportedAlgorithm = errors.New("wechatpay: unsupported encryption algorithm")

// Notification is a verified and decrypted WeChat Pay callback (回调通知).
//
// WeChat Pay redelivers a callback until it gets a timely 2xx, so the same
// notification can arrive more than once: process it idempotently on ID (or
// on the business object's state).
type Notification struct {
	// ID is the unique notification id, the idempotency key.
	ID string
	// CreateTime is when WeChat Pay created the notification.
	CreateTime time.Time
	// EventType says what happened, e.g. TRANSACTION.SUCCESS.
	EventType string
	// ResourceType is "encrypt-resource".
	ResourceType string
	// Summary is a human-readable summary, e.g. 支付成功.
	Summary string
	// Resource is the encrypted payload as received.
	Resource NotificationResource
	// Plaintext is the decrypted resource JSON. It may hold personal or
	// otherwise sensitive data: the SDK never logs it, String and LogValue
	// leave it out, and callers should not log it either.
	Plaintext []byte
}

// NotificationResource is the encrypted resource of a callback.
type NotificationResource struct {
	// Algorithm is AEAD_AES_256_GCM, the only one supported.
	Algorithm string `json:"algorithm"`
	// Ciphertext is base64 of the ciphertext followed by the 16-byte tag.
	Ciphertext string `json:"ciphertext"`
	// AssociatedData is the GCM associated data; may be empty.
	AssociatedData string `json:"associated_data"`
	// OriginalType names the plaintext object, e.g. "transaction".
	OriginalType string `json:"original_type"`
	// Nonce is the 12-character GCM nonce.
	Nonce string `json:"nonce"`
}

// notificationEnvelope is the callback body on the wire.
type notificationEnvelope struct {
	ID           string                `json:"id"`
	CreateTime   json.RawMessage       `json:"create_time"`
	EventType    string                `json:"event_type"`
	ResourceType string                `json:"resource_type"`
	Summary      string                `json:"summary"`
	Resource     *NotificationResource `json:"resource"`
}

// ParseNotification verifies a callback from its headers and exact raw body,
// decrypts its resource with the APIv3 key and returns it. Verification
// follows the rules of responses (the four Wechatpay-* headers, the ±5 minute
// window, probe rejection, the serial naming a trusted public key or platform
// certificate) and every failure matches ErrInvalidSignature. A verified body
// that is not a callback envelope matches ErrMalformedNotification, an
// algorithm other than AEAD_AES_256_GCM ErrUnsupportedAlgorithm, and a
// resource that does not decrypt ErrDecrypt. Without an APIv3 key
// (WithAPIv3Key) it fails with an error matching ErrInvalidConfig.
//
// It works with any web framework: pass the request headers (keys in any
// case, e.g. the lower-case maps of API gateways) and the body bytes exactly
// as read, before any JSON decoding.
func (c *Client) ParseNotification(header http.Header, body []byte) (*Notification, error) {
	if !c.built() {
		return nil, nilClientError()
	}
	if len(body) > MaxNotificationBytes {
		return nil, fmt.Errorf("%w: notification body exceeds %d bytes", ErrResponseTooLarge, MaxNotificationBytes)
	}
	if err := c.verifier.Verify(canonicalHeader(header), body); err != nil {
		return nil, err
	}
	var env notificationEnvelope
	if err := wire.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformedNotification, err)
	}
	if env.ID == "" {
		return nil, fmt.Errorf("%w: no id", ErrMalformedNotification)
	}
	if env.Resource == nil || env.Resource.Ciphertext == "" {
		return nil, fmt.Errorf("%w: no resource", ErrMalformedNotification)
	}
	var created time.Time
	if err := wire.TimeField("create_time", env.CreateTime, &created); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformedNotification, wire.Describe(err))
	}
	n := &Notification{
		ID:           env.ID,
		EventType:    env.EventType,
		ResourceType: env.ResourceType,
		Summary:      env.Summary,
		Resource:     *env.Resource,
		CreateTime:   created,
	}
	plain, err := c.openResource(&n.Resource, "resource")
	if err != nil {
		return nil, err
	}
	if !json.Valid(plain) {
		clear(plain)
		return nil, fmt.Errorf("%w: decrypted resource is not JSON", ErrMalformedNotification)
	}
	n.Plaintext = plain
	return n, nil
}

// openResource decrypts an AEAD_AES_256_GCM resource (a callback resource or
// an encrypt_certificate) with the APIv3 key; what names it in errors.
func (c *Client) openResource(r *NotificationResource, what string) ([]byte, error) {
	if len(c.apiV3Key()) == 0 {
		return nil, noAPIv3Key(what)
	}
	if r.Algorithm != AlgorithmAEADAES256GCM {
		return nil, fmt.Errorf("%w: %s.algorithm %q", ErrUnsupportedAlgorithm, what, truncate(r.Algorithm, 32))
	}
	if len(r.Nonce) != wxcrypto.GCMNonceSize {
		return nil, fmt.Errorf("%w: %s.nonce: %w", ErrDecrypt, what, wxcrypto.ErrInvalidNonce)
	}
	plain, err := wxcrypto.OpenAESGCM(c.apiV3Key(), []byte(r.Nonce), []byte(r.AssociatedData), r.Ciphertext)
	if err != nil {
		// It verified, so WeChat Pay sent it: the key is the likely cause.
		return nil, fmt.Errorf("%w: the APIv3 key does not open this %s (check the key set with WithAPIv3Key, credentials field apiv3_key, against the one in the merchant platform): %w", ErrDecrypt, what, err)
	}
	return plain, nil
}

// noAPIv3Key is the error of a client without an APIv3 key asked to
// decrypt what.
func noAPIv3Key(what string) error {
	return configError(&FieldError{Field: "apiv3_key", Reason: "not configured (WithAPIv3Key, credentials field apiv3_key); it decrypts " + what, Missing: true})
}

// ParseNotificationRequest is ParseNotification for an *http.Request. It
// reads at most MaxNotificationBytes of the body and puts the bytes back in
// r.Body, so the caller can still read them.
func (c *Client) ParseNotificationRequest(r *http.Request) (*Notification, error) {
	if r == nil {
		return nil, &FieldError{Field: "request", Reason: "nil", Missing: true}
	}
	var body []byte
	if r.Body != nil && r.Body != http.NoBody {
		var err error
		body, err = io.ReadAll(io.LimitReader(r.Body, MaxNotificationBytes+1))
		// Put back what was read, followed by anything left unread.
		r.Body = readCloser{io.MultiReader(bytes.NewReader(body), r.Body), r.Body}
		if err != nil {
			return nil, fmt.Errorf("wechatpay: reading notification body: %w", err)
		}
	}
	return c.ParseNotification(r.Header, body)
}

type readCloser struct {
	io.Reader
	io.Closer
}

// Decode unmarshals the decrypted resource JSON into v, e.g. a struct with
// the fields of the resource's original_type. Its errors match
// ErrMalformedNotification and name the field, never a value of the
// resource.
func (n *Notification) Decode(v any) error {
	if n == nil || len(n.Plaintext) == 0 {
		return fmt.Errorf("%w: no decrypted resource", ErrMalformedNotification)
	}
	if err := wire.Unmarshal(n.Plaintext, v); err != nil {
		return fmt.Errorf("%w: decoding the %s resource: %w", ErrMalformedNotification, n.Resource.OriginalType, err)
	}
	return nil
}

// String describes the notification without its plaintext.
func (n *Notification) String() string {
	if n == nil {
		return "<nil>"
	}
	return "wechatpay.Notification{ID:" + n.ID + " EventType:" + n.EventType +
		" OriginalType:" + n.Resource.OriginalType + " Plaintext:(" + strconv.Itoa(len(n.Plaintext)) + " bytes redacted)}"
}

// LogValue implements slog.LogValuer: the envelope without the plaintext.
func (n *Notification) LogValue() slog.Value {
	if n == nil {
		return slog.AnyValue(nil)
	}
	return slog.GroupValue(
		slog.String("id", n.ID),
		slog.Time("create_time", n.CreateTime),
		slog.String("event_type", n.EventType),
		slog.String("resource_type", n.ResourceType),
		slog.String("original_type", n.Resource.OriginalType),
	)
}

// NotificationHandler returns an http.Handler for a notify_url: it verifies
// and decrypts each callback with ParseNotificationRequest, calls fn with the
// request's context, and writes the reply WeChat Pay expects. A client
// without an APIv3 key (which decrypts every callback) or a nil fn is an
// error matching ErrInvalidConfig here, not at the first callback.
//
//   - fn returns nil: 204 No Content without a body (WeChat Pay accepts 200
//     or 204 with no body as success).
//   - the signature does not verify (including a WECHATPAY/SIGNTEST/ probe
//     or a stale timestamp): 401; any other bad callback: 400; a method other
//     than POST: 405.
//   - fn returns an error: 500.
//   - fn panics: 500, and the panic is logged as an error (the panic
//     value's type, or the text of a Go runtime error, and the stack's
//     function names and lines; never the value itself, which may hold a
//     decrypted field); net/http never sees it. A panic with http.ErrAbortHandler, the deliberate abort, goes on
//     to net/http.
//
// Failure replies carry {"code":"FAIL","message":"..."}; the message names
// the failed check and never includes keys, plaintext or fn's error, which
// goes to the client's logger (WithLogger) instead.
//
// Any reply other than a timely 2xx makes WeChat Pay redeliver the callback
// (for payments after 15s, 15s, 30s, 3m, 10m, 20m, 30m, 30m, 30m, 60m, 3h,
// 3h, 3h, 6h, 6h: about 24 hours in all), and a callback acknowledged with
// 2xx may still arrive again. fn must therefore be idempotent on n.ID,
// unless WithDeduplicator is given.
//
// With WithDeduplicator(d), a verified callback's id is claimed in d before
// fn runs, and:
//
//   - claimed: fn runs; on success the id is marked done and the reply is
//     204; on failure (or panic) the claim is released, so that the
//     redelivery runs fn again, and the reply is 500.
//   - already done: 204 without running fn, the reply a duplicate needs.
//   - held by another request still running fn (on this process or
//     another): 409 Conflict without running fn; WeChat Pay redelivers
//     later and the redelivery finds the id done, or released.
//   - d fails (its store is unreachable): 503 without running fn, since fn
//     must never run unprotected; WeChat Pay redelivers later.
//
// Release and Done run even if the request's context is cancelled, within
// 5 seconds. A Done that fails after fn succeeded is logged and the reply is
// still 204: fn's work is done, and the claim's expiry bounds what remains.
func (c *Client) NotificationHandler(fn func(ctx context.Context, n *Notification) error, opts ...NotificationOption) (http.Handler, error) {
	switch {
	case !c.built():
		return nil, nilClientError()
	case len(c.apiV3Key()) == 0:
		return nil, noAPIv3Key("every callback")
	case fn == nil:
		return nil, configError(&FieldError{Field: "fn", Reason: "is nil", Missing: true})
	}
	var cfg notifyConfig
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			writeNotifyFailure(w, http.StatusMethodNotAllowed, "method not allowed")
			return
		}
		n, err := c.ParseNotificationRequest(r)
		if err != nil {
			status, msg := notifyFailure(err)
			c.logNotify(r.Context(), "wechatpay notification refused", nil, err)
			writeNotifyFailure(w, status, msg)
			return
		}
		if cfg.dedup != nil {
			c.serveDeduplicated(w, r, n, fn, cfg.dedup)
			return
		}
		if err := callNotify(r.Context(), fn, n); err != nil {
			c.logNotify(r.Context(), "wechatpay notification handler failed", n, err)
			writeNotifyFailure(w, http.StatusInternalServerError, "notification not processed")
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}), nil
}

// serveDeduplicated runs fn for n under a claim in d (see NotificationHandler).
func (c *Client) serveDeduplicated(w http.ResponseWriter, r *http.Request, n *Notification, fn func(context.Context, *Notification) error, d NotificationDeduplicator) {
	ctx := r.Context()
	claim, state, err := d.Claim(ctx, n.ID)
	switch {
	case err != nil:
		c.logNotify(ctx, "wechatpay notification not claimed: deduplicator failed", n, err)
		writeNotifyFailure(w, http.StatusServiceUnavailable, "notification not processed: deduplication store unavailable")
		return
	case state == ClaimDone:
		w.WriteHeader(http.StatusNoContent)
		return
	case state == ClaimBusy:
		writeNotifyFailure(w, http.StatusConflict, "notification being processed by another request")
		return
	case state != ClaimAcquired:
		c.logNotify(ctx, "wechatpay notification not claimed: deduplicator failed", n, fmt.Errorf("wechatpay: Claim returned %v", state))
		writeNotifyFailure(w, http.StatusServiceUnavailable, "notification not processed: deduplication store unavailable")
		return
	}
	finished := false
	defer func() {
		if finished {
			return
		}
		// fn aborted the handler (http.ErrAbortHandler) or its goroutine
		// (runtime.Goexit): give the id back before that goes on.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), dedupTimeout)
		defer cancel()
		if err := d.Release(rctx, n.ID, claim); err != nil {
			c.logNotify(ctx, "wechatpay notification claim not released", n, err)
		}
	}()
	ferr := callNotify(ctx, fn, n)
	finished = true
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), dedupTimeout)
	defer cancel()
	if ferr != nil {
		c.logNotify(ctx, "wechatpay notification handler failed", n, ferr)
		if err := d.Release(rctx, n.ID, claim); err != nil {
			c.logNotify(ctx, "wechatpay notification claim not released", n, err)
		}
		writeNotifyFailure(w, http.StatusInternalServerError, "notification not processed")
		return
	}
	if err := d.Done(rctx, n.ID, claim); err != nil {
		c.logNotify(ctx, "wechatpay notification processed but not marked done", n, err)
	}
	w.WriteHeader(http.StatusNoContent)
}

// notifyPanic is a panic of the merchant's notification function: the
// panic value's type and the stack, without the value.
type notifyPanic struct {
	value string // the panic value's type, or a runtime error's text
	stack string // one "function file:line" a line, innermost first
}

func (p *notifyPanic) Error() string {
	return "wechatpay: the notification function panicked with " + p.value
}

// callNotify runs fn, turning a panic into a *notifyPanic; a panic with
// http.ErrAbortHandler goes on.
func callNotify(ctx context.Context, fn func(context.Context, *Notification) error, n *Notification) (err error) {
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		if v == http.ErrAbortHandler { // as net/http compares it
			panic(v)
		}
		typ := fmt.Sprintf("%T", v)
		value := "a " + typ + " (value not logged)"
		if re, ok := v.(runtime.Error); ok && strings.HasPrefix(strings.TrimPrefix(typ, "*"), "runtime.") {
			value = "runtime error: " + strings.TrimPrefix(re.Error(), "runtime error: ") // types and indexes, no data
		}
		err = &notifyPanic{value: value, stack: panicStack()}
	}()
	return fn(ctx, n)
}

// panicStack is the stack of a recovered panic from the panicking frame
// out: function names, files and lines, never argument values.
func panicStack() string {
	pc := make([]uintptr, 32)
	frames := runtime.CallersFrames(pc[:runtime.Callers(4, pc)]) // past Callers, panicStack, the deferred func, gopanic
	var b strings.Builder
	for {
		f, more := frames.Next()
		fmt.Fprintf(&b, "%s %s:%d\n", f.Function, f.File, f.Line)
		if !more {
			return b.String()
		}
	}
}

// notifyFailure maps a ParseNotification error to the reply's status and a
// message that is safe to send back.
func notifyFailure(err error) (int, string) {
	switch {
	case errors.Is(err, ErrInvalidSignature):
		var ve *verifyError
		if errors.As(err, &ve) {
			return http.StatusUnauthorized, ve.kind.Error()
		}
		return http.StatusUnauthorized, ErrInvalidSignature.Error()
	case errors.Is(err, ErrInvalidConfig):
		return http.StatusInternalServerError, "notification cannot be decrypted: server configuration"
	case errors.Is(err, ErrResponseTooLarge):
		return http.StatusBadRequest, "notification body too large"
	case errors.Is(err, ErrUnsupportedAlgorithm):
		return http.StatusBadRequest, ErrUnsupportedAlgorithm.Error()
	case errors.Is(err, ErrDecrypt):
		return http.StatusBadRequest, ErrDecrypt.Error()
	case errors.Is(err, ErrMalformedNotification):
		return http.StatusBadRequest, ErrMalformedNotification.Error()
	}
	return http.StatusBadRequest, "notification not accepted"
}

func writeNotifyFailure(w http.ResponseWriter, status int, msg string) {
	body, _ := json.Marshal(struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}{"FAIL", msg}) // cannot fail: two strings
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func (c *Client) logNotify(ctx context.Context, msg string, n *Notification, err error) {
	if c.logger == nil || !c.logger.Enabled(ctx, slog.LevelWarn) {
		return
	}
	attrs := []slog.Attr{slog.String("error", err.Error())}
	if p, ok := errors.AsType[*notifyPanic](err); ok {
		attrs = append(attrs, slog.String("stack", p.stack))
	}
	if n != nil {
		attrs = append(attrs, slog.Any("notification", n))
	}
	c.logger.LogAttrs(ctx, slog.LevelWarn, msg, attrs...)
}

// canonicalHeader is h, or a copy with canonical keys when some key is not
// (lower-case maps of gateways and serverless events): http.Header.Get
// looks up the canonical form only.
func canonicalHeader(h http.Header) http.Header {
	for k := range h {
		if textproto.CanonicalMIMEHeaderKey(k) != k {
			c := make(http.Header, len(h))
			for k, vs := range h {
				ck := textproto.CanonicalMIMEHeaderKey(k)
				c[ck] = append(c[ck], vs...)
			}
			return c
		}
	}
	return h
}
