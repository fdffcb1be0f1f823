package wechatpaytest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gowechatpay/wechatpay"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
)

// summaries of well-known event types; others get a generic summary.
var summaries = map[string]string{
	"TRANSACTION.SUCCESS":   "支付成功",
	"REFUND.SUCCESS":        "退款成功",
	"REFUND.ABNORMAL":       "退款异常",
	"REFUND.CLOSED":         "退款关闭",
	"SECURITY_ECHO.SUCCESS": "回调通知成功",

	"MCHTRANSFER.BILL.FINISHED":           "商家转账单据终态通知",
	"MCHTRANSFER.AUTHORIZATION.CONFIRMED": "商家转账用户免确认收款授权确认通知",
	"MCHTRANSFER.AUTHORIZATION.CLOSED":    "商家转账用户免确认收款授权关闭通知",
}

// documentedResources are the original_type of the events whose official
// example gives one of its own, with empty associated_data.
var documentedResources = map[string]string{"SECURITY_ECHO.SUCCESS": "security"}

// SignNotification builds a callback notification as WeChat Pay would POST
// it and returns its headers and exact body. resource is the plaintext
// object: []byte or json.RawMessage are used as they are, anything else is
// encoded with encoding/json. The envelope carries a fresh unique id,
// create_time (now, UTC+8), eventType, resource_type "encrypt-resource" and
// a summary; resource is AEAD_AES_256_GCM-encrypted with the APIv3 key under
// a fresh 12-character nonce, with original_type and associated_data set to
// the lower-cased part of eventType before its first dot (TRANSACTION.SUCCESS
// → "transaction"), except that SECURITY_ECHO.SUCCESS has original_type
// "security" and empty associated_data, as in WeChat Pay's example, and
// the MCHTRANSFER.* events have both "mch_payment", as observed. The
// body is signed with the WeChat Pay public-key-id key (Wechatpay-Serial is
// PublicKeyID), or in KeyModeCertificates with the platform certificate key
// (PlatformSerial).
func (s *Server) SignNotification(eventType string, resource any) (http.Header, []byte, error) {
	body, err := s.notificationBody(eventType, resource)
	if err != nil {
		return nil, nil, err
	}
	h, err := s.signNotification(body, false)
	if err != nil {
		return nil, nil, err
	}
	return h, body, nil
}

// notificationBody builds the envelope of SignNotification.
func (s *Server) notificationBody(eventType string, resource any) ([]byte, error) {
	if eventType == "" {
		return nil, fmt.Errorf("wechatpaytest: SignNotification: empty event type")
	}
	plain, err := rawOrJSON(resource)
	if err != nil {
		return nil, fmt.Errorf("wechatpaytest: SignNotification: encoding the resource: %w", err)
	}
	originalType, _, _ := strings.Cut(eventType, ".")
	originalType = strings.ToLower(originalType)
	aad := originalType
	if t, ok := documentedResources[eventType]; ok {
		originalType, aad = t, ""
	}
	if strings.HasPrefix(eventType, "MCHTRANSFER.") {
		originalType, aad = "mch_payment", "mch_payment" // the merchant transfer's, as observed
	}
	nonce := wechatpay.NewNonce()[:wxcrypto.GCMNonceSize]
	ct, err := wxcrypto.SealAESGCM([]byte(TestAPIv3Key), []byte(nonce), []byte(aad), plain)
	if err != nil {
		return nil, fmt.Errorf("wechatpaytest: SignNotification: %w", err)
	}
	summary, ok := summaries[eventType]
	if !ok {
		summary = "通知 " + eventType
	}
	type encResource struct {
		OriginalType   string `json:"original_type"`
		Algorithm      string `json:"algorithm"`
		Ciphertext     string `json:"ciphertext"`
		AssociatedData string `json:"associated_data"`
		Nonce          string `json:"nonce"`
	}
	body, err := marshalJSON(struct {
		ID           string      `json:"id"`
		CreateTime   string      `json:"create_time"`
		ResourceType string      `json:"resource_type"`
		EventType    string      `json:"event_type"`
		Summary      string      `json:"summary"`
		Resource     encResource `json:"resource"`
	}{
		ID:           newNotificationID(),
		CreateTime:   rfc3339(s.now()),
		ResourceType: "encrypt-resource",
		EventType:    eventType,
		Summary:      summary,
		Resource:     encResource{originalType, "AEAD_AES_256_GCM", ct, aad, nonce},
	})
	if err != nil {
		return nil, fmt.Errorf("wechatpaytest: SignNotification: %w", err)
	}
	return body, nil
}

// signNotification returns the headers of a delivery of body, signed now
// with a fresh nonce: each redelivery of one notification is signed afresh,
// as WeChat Pay does, so that its timestamp is current.
func (s *Server) signNotification(body []byte, probe bool) (http.Header, error) {
	h := http.Header{"Content-Type": {"application/json"}}
	key, serial := s.notificationKey()
	if err := signHeaders(h, key, serial, s.wall(), body, probe); err != nil {
		return nil, fmt.Errorf("wechatpaytest: SignNotification: %w", err)
	}
	return h, nil
}

// newNotificationID returns a random UUID-shaped id (36 characters).
func newNotificationID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails since Go 1.24
	x := hex.EncodeToString(b[:])
	return x[:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:]
}

// redeliverySchedule is WeChat Pay's: the waits before the redeliveries
// of a callback that got no timely 2xx answer (24 h 4 min in all).
var redeliverySchedule = [...]time.Duration{
	15 * time.Second, 15 * time.Second, 30 * time.Second,
	3 * time.Minute, 10 * time.Minute, 20 * time.Minute,
	30 * time.Minute, 30 * time.Minute, 30 * time.Minute, 60 * time.Minute,
	3 * time.Hour, 3 * time.Hour, 3 * time.Hour, 6 * time.Hour, 6 * time.Hour,
}

// RedeliverySchedule returns WeChat Pay's schedule of callback
// redeliveries: the wait before each redelivery after a failure answer (any
// status but 2xx, or no answer): 15s, 15s, 30s, 3m, 10m, 20m, 30m, 30m, 30m,
// 60m, 3h, 3h, 3h, 6h, 6h. The slice is a copy.
func RedeliverySchedule() []time.Duration {
	return slices.Clone(redeliverySchedule[:])
}

// maxDeliveryBody bounds how much of an answer SendNotification keeps.
const maxDeliveryBody = 64 << 10

// answerDeadline is how long WeChat Pay waits for the merchant's answer to
// one callback delivery: 5 s, the deadline WeChat Pay documents for
// answering a callback (protocol/apis-2026.md, callback
// SECURITY_ECHO.SUCCESS: "within 5 seconds", from the partner callback
// page 4019605946). A later answer is a failure, as no answer is.
const answerDeadline = 5 * time.Second

// errLateAnswer is the cause of a delivery's end at the answer deadline.
var errLateAnswer = errors.New("answer deadline passed")

// Delivery is one delivery of a notification, as reported to the function
// set by WithDeliveryObserver.
type Delivery struct {
	// Attempt counts deliveries from 1.
	Attempt int
	// StatusCode is the answer's status; 0 when there was no answer.
	StatusCode int
	// Body is the answer's body (at most 64 KiB).
	Body []byte
	// Err is the transport error when there was no answer, or the error
	// of an answer (status and body) that came after the answer deadline
	// (see WithAnswerDeadline); it wraps context.DeadlineExceeded then.
	Err error
	// Next is the wait before the next delivery (already scaled); 0 when
	// none follows (a 2xx answer, redelivery off, or the schedule done).
	Next time.Duration
}

// OK reports whether the delivery got a 2xx answer, which ends redelivery.
func (d Delivery) OK() bool {
	return d.Err == nil && d.StatusCode >= 200 && d.StatusCode < 300
}

// NotifyOption configures one SendNotification.
type NotifyOption func(*notifyConfig)

type notifyConfig struct {
	redeliver bool
	probe     bool
	deadline  time.Duration
	scale     float64
	wait      func(ctx context.Context, d time.Duration) error
	observe   func(Delivery)
}

// WithRedelivery makes SendNotification redeliver the notification after a
// failure answer (a status other than 2xx, or a transport error) on WeChat
// Pay's schedule (RedeliverySchedule) with every wait multiplied by scale
// (1 for the real schedule; 0.001 runs the whole schedule in under 90 s, its
// first redeliveries after 15 ms). Each redelivery carries the same body
// (the same notification id) with fresh signature headers. scale must be
// positive.
func WithRedelivery(scale float64) NotifyOption {
	return func(c *notifyConfig) { c.redeliver, c.scale = true, scale }
}

// WithAnswerDeadline sets how long each delivery waits for the merchant's
// answer, its status and body, before it counts as a failure (redelivered
// with WithRedelivery): 5 s by default, WeChat Pay's documented deadline. A
// test can shorten it to see a hanging handler abandoned. d must be
// positive.
func WithAnswerDeadline(d time.Duration) NotifyOption {
	return func(c *notifyConfig) { c.deadline = d }
}

// WithRedeliveryWait replaces the timer that waits between redeliveries,
// for instance with a fake clock: wait is called with the scaled wait and
// returns an error (such as ctx.Err()) to stop redelivering.
func WithRedeliveryWait(wait func(ctx context.Context, d time.Duration) error) NotifyOption {
	return func(c *notifyConfig) { c.wait = wait }
}

// WithDeliveryObserver calls fn after each delivery, before any wait: a
// test can synchronise on it, a tool can report progress.
func WithDeliveryObserver(fn func(Delivery)) NotifyOption {
	return func(c *notifyConfig) { c.observe = fn }
}

// WithSignatureProbe signs the first delivery with a signature probe
// (WECHATPAY/SIGNTEST/…), as WeChat Pay now and then does to check that
// merchants verify: a merchant that does refuses it, and with
// WithRedelivery gets the notification again, correctly signed.
func WithSignatureProbe() NotifyOption {
	return func(c *notifyConfig) { c.probe = true }
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// SendNotification signs a notification like SignNotification and POSTs it
// to url (http or https) with the client set by WithNotificationClient.
// Each delivery waits for the answer (status and body) at most the answer
// deadline (WithAnswerDeadline: 5 s by default, as WeChat Pay); a later
// answer is a failure, reported as a transport error. The answer's body is
// read (at most 64 KiB) and replayable; the caller closes it.
//
// Without options it delivers once and returns the answer, whatever its
// status. With WithRedelivery it delivers again after each failure (a
// status other than 2xx, no answer or a late one), on WeChat Pay's
// schedule, until a 2xx answer, the end of the schedule or the wait
// function's error (ctx's end); it returns the last answer, or the last
// delivery's error, or the error that stopped the waiting.
func (s *Server) SendNotification(ctx context.Context, url, eventType string, resource any, opts ...NotifyOption) (*http.Response, error) {
	cfg := notifyConfig{wait: sleep, deadline: answerDeadline}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.redeliver && !(cfg.scale > 0) {
		return nil, fmt.Errorf("wechatpaytest: SendNotification: redelivery scale must be positive, got %v", cfg.scale)
	}
	if cfg.deadline <= 0 {
		return nil, fmt.Errorf("wechatpaytest: SendNotification: answer deadline must be positive, got %v", cfg.deadline)
	}
	body, err := s.notificationBody(eventType, resource)
	if err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		resp, d := s.deliver(ctx, url, body, cfg.deadline, cfg.probe && attempt == 1)
		d.Attempt = attempt
		last := !cfg.redeliver || d.OK() || attempt > len(redeliverySchedule)
		if !last {
			d.Next = time.Duration(float64(redeliverySchedule[attempt-1]) * cfg.scale)
		}
		if cfg.observe != nil {
			cfg.observe(d)
		}
		if last {
			return resp, d.Err
		}
		if werr := cfg.wait(ctx, d.Next); werr != nil {
			return nil, fmt.Errorf("wechatpaytest: SendNotification: redelivery stopped after %d deliveries: %w", attempt, werr)
		}
	}
}

// deliver POSTs one delivery of body, signed now, and reads its answer
// within deadline, with a signature probe when probe is set. The answer's
// body is read and replayable; the connection is released before any wait.
func (s *Server) deliver(ctx context.Context, url string, body []byte, deadline time.Duration, probe bool) (*http.Response, Delivery) {
	h, err := s.signNotification(body, probe)
	if err != nil {
		return nil, Delivery{Err: err}
	}
	ctx, cancel := context.WithTimeoutCause(ctx, deadline, errLateAnswer)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, Delivery{Err: fmt.Errorf("wechatpaytest: SendNotification: %w", err)}
	}
	req.Header = h
	resp, err := s.notifyClient.Do(req)
	var b []byte
	if err == nil {
		b, err = io.ReadAll(io.LimitReader(resp.Body, maxDeliveryBody))
		_ = resp.Body.Close()
	}
	switch {
	case err != nil && context.Cause(ctx) == errLateAnswer:
		return nil, Delivery{Err: fmt.Errorf("wechatpaytest: SendNotification: no answer within %v, the answer deadline: %w", deadline, context.DeadlineExceeded)}
	case err != nil:
		return nil, Delivery{Err: fmt.Errorf("wechatpaytest: SendNotification: %w", err)}
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp, Delivery{StatusCode: resp.StatusCode, Body: b}
}
