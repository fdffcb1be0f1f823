package wechatpaytest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// flakyMerchant is a notify_url served by a real NotificationHandler that
// answers 500 to its first failures deliveries (before verifying them), and
// records what it was sent.
type flakyMerchant struct {
	mu         sync.Mutex
	failures   int
	deliveries []delivered
	handled    []string // notification ids the handler accepted
}

type delivered struct {
	id, nonce, timestamp string
}

func newFlakyMerchant(t *testing.T, srv *wechatpaytest.Server, failures int) (*flakyMerchant, *httptest.Server) {
	t.Helper()
	m := &flakyMerchant{failures: failures}
	client := srv.Client()
	t.Cleanup(client.Close)
	h, err := client.NotificationHandler(func(_ context.Context, n *wechatpay.Notification) error {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.handled = append(m.handled, n.ID)
		return nil
	})
	require.NoError(t, err)
	hs := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var env struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(body, &env)
		m.mu.Lock()
		m.deliveries = append(m.deliveries, delivered{env.ID, r.Header.Get(wechatpay.HeaderNonce), r.Header.Get(wechatpay.HeaderTimestamp)})
		fail := len(m.deliveries) <= m.failures
		m.mu.Unlock()
		if fail {
			http.Error(w, `{"code":"FAIL","message":"busy"}`, http.StatusInternalServerError)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	return m, hs
}

func TestSendNotificationRedelivers(t *testing.T) {
	// Every emulator has the fixed keys: keys gives the merchant's client
	// the keys the notifier signs with.
	keys := wechatpaytest.NewServer()
	t.Cleanup(keys.Close)
	m, hs := newFlakyMerchant(t, keys, 2)
	notifier := wechatpaytest.NewServer(wechatpaytest.WithNotificationClient(hs.Client()))
	t.Cleanup(notifier.Close)

	var waits []time.Duration
	var seen []wechatpaytest.Delivery
	resp, err := notifier.SendNotification(t.Context(), hs.URL, "TRANSACTION.SUCCESS", map[string]string{"out_trade_no": "T1"},
		wechatpaytest.WithRedelivery(0.5),
		wechatpaytest.WithRedeliveryWait(func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }),
		wechatpaytest.WithDeliveryObserver(func(d wechatpaytest.Delivery) { seen = append(seen, d) }),
	)
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, []time.Duration{7500 * time.Millisecond, 7500 * time.Millisecond}, waits, "15s, 15s scaled by 0.5")

	require.Len(t, seen, 3)
	for i, d := range seen[:2] {
		require.Equal(t, i+1, d.Attempt)
		require.Equal(t, http.StatusInternalServerError, d.StatusCode)
		require.False(t, d.OK())
		require.Contains(t, string(d.Body), "busy")
		require.Equal(t, waits[i], d.Next)
	}
	require.True(t, seen[2].OK())
	require.Zero(t, seen[2].Next)

	m.mu.Lock()
	defer m.mu.Unlock()
	require.Len(t, m.deliveries, 3)
	for _, d := range m.deliveries[1:] {
		require.Equal(t, m.deliveries[0].id, d.id, "a redelivery is the same notification")
		require.NotEqual(t, m.deliveries[0].nonce, d.nonce, "each delivery is signed afresh")
	}
	require.Equal(t, []string{m.deliveries[0].id}, m.handled)
}

func TestSendNotificationWholeSchedule(t *testing.T) {
	hs := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	t.Cleanup(hs.Close)
	srv := wechatpaytest.NewServer(wechatpaytest.WithNotificationClient(hs.Client()))
	t.Cleanup(srv.Close)

	var waits []time.Duration
	attempts := 0
	resp, err := srv.SendNotification(t.Context(), hs.URL, "REFUND.SUCCESS", []byte(`{}`),
		wechatpaytest.WithRedelivery(1),
		wechatpaytest.WithRedeliveryWait(func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }),
		wechatpaytest.WithDeliveryObserver(func(wechatpaytest.Delivery) { attempts++ }),
	)
	require.NoError(t, err)
	require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, "down\n", string(body), "the last answer is replayable")
	require.Equal(t, wechatpaytest.RedeliverySchedule(), waits)
	require.Equal(t, 16, attempts, "one delivery and 15 redeliveries")
	var total time.Duration
	for _, w := range waits {
		total += w
	}
	require.Equal(t, 24*time.Hour+4*time.Minute, total)

	// The schedule handed out is a copy.
	s := wechatpaytest.RedeliverySchedule()
	s[0] = 0
	require.Equal(t, 15*time.Second, wechatpaytest.RedeliverySchedule()[0])
}

func TestSendNotificationRedeliveryStops(t *testing.T) {
	// Nothing listens: every delivery is a transport error.
	hs := httptest.NewTLSServer(http.NotFoundHandler())
	url := hs.URL
	hs.Close()
	srv := wechatpaytest.NewServer()
	t.Cleanup(srv.Close)

	ctx, cancel := context.WithCancel(t.Context())
	var seen []wechatpaytest.Delivery
	_, err := srv.SendNotification(ctx, url, "TRANSACTION.SUCCESS", []byte(`{}`),
		wechatpaytest.WithRedelivery(1),
		wechatpaytest.WithDeliveryObserver(func(d wechatpaytest.Delivery) {
			seen = append(seen, d)
			cancel() // the real timer waits 15 s: cancelling ends it at once
		}),
	)
	require.ErrorIs(t, err, context.Canceled)
	require.Len(t, seen, 1)
	require.Error(t, seen[0].Err)
	require.Zero(t, seen[0].StatusCode)
	require.Equal(t, 15*time.Second, seen[0].Next)

	_, err = srv.SendNotification(t.Context(), url, "TRANSACTION.SUCCESS", []byte(`{}`), wechatpaytest.WithRedelivery(0))
	require.ErrorContains(t, err, "scale must be positive")
	_, err = srv.SendNotification(t.Context(), url, "TRANSACTION.SUCCESS", []byte(`{}`))
	require.Error(t, err, "without redelivery a transport error is returned at once")
	require.False(t, errors.Is(err, context.Canceled))
}

// ExampleServer_SendNotification delivers an emulator callback to a
// merchant's notify_url served by wechatpay's NotificationHandler, which
// verifies and decrypts it. The first delivery is refused, so the emulator
// redelivers on WeChat Pay's schedule, here scaled down a thousandfold.
func ExampleServer_SendNotification() {
	// A client holding the emulator's keys, as the merchant's server would.
	keys := wechatpaytest.NewServer()
	defer keys.Close()
	client := keys.Client()
	defer client.Close()

	refused := false
	handler, err := client.NotificationHandler(func(ctx context.Context, n *wechatpay.Notification) error {
		if !refused {
			refused = true
			return errors.New("database busy") // answered 500: WeChat Pay redelivers
		}
		var tx struct {
			OutTradeNo string `json:"out_trade_no"`
			TradeState string `json:"trade_state"`
		}
		if err := n.Decode(&tx); err != nil {
			return err
		}
		fmt.Println("handled", n.EventType, tx.OutTradeNo, tx.TradeState)
		return nil
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	notifyURL := httptest.NewTLSServer(handler)
	defer notifyURL.Close()

	srv := wechatpaytest.NewServer(wechatpaytest.WithNotificationClient(notifyURL.Client()))
	defer srv.Close()
	resp, err := srv.SendNotification(context.Background(), notifyURL.URL, "TRANSACTION.SUCCESS",
		map[string]string{"out_trade_no": "1217752501201407033233368018", "trade_state": "SUCCESS"},
		wechatpaytest.WithRedelivery(0.001),
		wechatpaytest.WithDeliveryObserver(func(d wechatpaytest.Delivery) {
			fmt.Println("delivery", d.Attempt, "answered", d.StatusCode, "next in", d.Next)
		}))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	fmt.Println(resp.Status)
	// Output:
	// delivery 1 answered 500 next in 15ms
	// handled TRANSACTION.SUCCESS 1217752501201407033233368018 SUCCESS
	// delivery 2 answered 204 next in 0s
	// 204 No Content
}

// ExampleRedeliverySchedule prints WeChat Pay's redelivery schedule and how
// long it lasts.
func ExampleRedeliverySchedule() {
	var total time.Duration
	for _, d := range wechatpaytest.RedeliverySchedule() {
		total += d
	}
	fmt.Println(wechatpaytest.RedeliverySchedule()[:4], len(wechatpaytest.RedeliverySchedule()), total)
	// Output: [15s 15s 30s 3m0s] 15 24h4m0s
}

// TestSendNotificationAnswerDeadline: a merchant handler that hangs does
// not hold a delivery: at the answer deadline the delivery is a failure,
// and it is redelivered. The handler blocks until the test releases it (at
// its end), so every delivery is late whatever the machine's speed, whether
// the deadline ends it before or after the handler was reached.
func TestSendNotificationAnswerDeadline(t *testing.T) {
	release := make(chan struct{})
	hs := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(hs.Close)
	t.Cleanup(func() { close(release) }) // runs before hs.Close
	srv := wechatpaytest.NewServer(wechatpaytest.WithNotificationClient(hs.Client()))
	t.Cleanup(srv.Close)

	var seen []wechatpaytest.Delivery
	stop := errors.New("seen enough")
	resp, err := srv.SendNotification(t.Context(), hs.URL, "TRANSACTION.SUCCESS", []byte(`{}`),
		wechatpaytest.WithAnswerDeadline(50*time.Millisecond),
		wechatpaytest.WithRedelivery(1),
		wechatpaytest.WithDeliveryObserver(func(d wechatpaytest.Delivery) { seen = append(seen, d) }),
		wechatpaytest.WithRedeliveryWait(func(_ context.Context, d time.Duration) error {
			if len(seen) == 2 {
				return stop
			}
			return nil
		}),
	)
	require.Nil(t, resp)
	require.ErrorIs(t, err, stop)
	require.ErrorContains(t, err, "after 2 deliveries")
	require.Len(t, seen, 2, "a late answer is a failure: the notification is redelivered")
	for i, d := range seen {
		require.ErrorIs(t, d.Err, context.DeadlineExceeded)
		require.ErrorContains(t, d.Err, "no answer within 50ms")
		require.Zero(t, d.StatusCode)
		require.False(t, d.OK())
		require.Equal(t, wechatpaytest.RedeliverySchedule()[i], d.Next)
	}

	// Without redelivery the late answer is the error returned.
	resp, err = srv.SendNotification(t.Context(), hs.URL, "TRANSACTION.SUCCESS", []byte(`{}`),
		wechatpaytest.WithAnswerDeadline(time.Millisecond))
	require.Nil(t, resp)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.False(t, errors.Is(t.Context().Err(), context.DeadlineExceeded))
	_, err = srv.SendNotification(t.Context(), hs.URL, "TRANSACTION.SUCCESS", []byte(`{}`), wechatpaytest.WithAnswerDeadline(0))
	require.ErrorContains(t, err, "answer deadline must be positive")
}
