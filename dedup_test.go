package wechatpay_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// mapDeduplicator is a single-process NotificationDeduplicator that records
// every call, for the tests of NotificationHandler's side of the contract.
type mapDeduplicator struct {
	mu       sync.Mutex
	state    map[string]string // id -> claim, or "done"
	next     int
	calls    []string
	failAll  error
	failDone error
}

func newMapDeduplicator() *mapDeduplicator {
	return &mapDeduplicator{state: map[string]string{}}
}

func (m *mapDeduplicator) Claim(_ context.Context, id string) (string, wechatpay.ClaimState, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls = append(m.calls, "claim")
	if m.failAll != nil {
		return "", 0, m.failAll
	}
	switch v := m.state[id]; v {
	case "":
		m.next++
		claim := "c" + strconv.Itoa(m.next)
		m.state[id] = claim
		return claim, wechatpay.ClaimAcquired, nil
	case "done":
		return "", wechatpay.ClaimDone, nil
	}
	return "", wechatpay.ClaimBusy, nil
}

func (m *mapDeduplicator) Release(_ context.Context, id, claim string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls = append(m.calls, "release")
	if m.state[id] == claim {
		delete(m.state, id)
	}
	return nil
}

func (m *mapDeduplicator) Done(ctx context.Context, id, claim string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls = append(m.calls, "done")
	if m.failDone != nil {
		return m.failDone
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	m.state[id] = "done"
	return nil
}

func (m *mapDeduplicator) log() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.calls...)
}

func serveCallback(h http.Handler, hdr http.Header, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/notify", bytes.NewReader(body))
	req.Header = hdr.Clone()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestNotificationHandlerDeduplicates(t *testing.T) {
	srv := wechatpaytest.Start(t)
	c := srv.Client()
	hdr, body, err := srv.SignNotification("TRANSACTION.SUCCESS", map[string]any{"out_trade_no": "DEDUP-1"})
	require.NoError(t, err)

	t.Run("fails, then succeeds, then is a duplicate", func(t *testing.T) {
		d := newMapDeduplicator()
		runs := 0
		fail := true
		h := notifyHandler(t, c, func(context.Context, *wechatpay.Notification) error {
			runs++
			if fail {
				return errors.New("database down")
			}
			return nil
		}, wechatpay.WithDeduplicator(d))

		require.Equal(t, http.StatusInternalServerError, serveCallback(h, hdr, body).Code)
		fail = false
		require.Equal(t, http.StatusNoContent, serveCallback(h, hdr, body).Code, "the redelivery after a failure runs fn")
		rec := serveCallback(h, hdr, body)
		require.Equal(t, http.StatusNoContent, rec.Code, "a duplicate gets the 2xx")
		require.Empty(t, rec.Body.Bytes())
		require.Equal(t, 2, runs, "fn not run for the duplicate")
		require.Equal(t, []string{"claim", "release", "claim", "done", "claim"}, d.log())
	})

	t.Run("a callback being processed elsewhere gets 409", func(t *testing.T) {
		d := newMapDeduplicator()
		_, state, err := d.Claim(t.Context(), mustParse(t, c, hdr, body).ID) // another replica holds it
		require.NoError(t, err)
		require.Equal(t, wechatpay.ClaimAcquired, state)
		ran := false
		h := notifyHandler(t, c, func(context.Context, *wechatpay.Notification) error { ran = true; return nil }, wechatpay.WithDeduplicator(d))
		rec := serveCallback(h, hdr, body)
		require.Equal(t, http.StatusConflict, rec.Code)
		require.Contains(t, rec.Body.String(), `"code":"FAIL"`)
		require.False(t, ran)
	})

	t.Run("a store that fails: 503, fn not run", func(t *testing.T) {
		d := newMapDeduplicator()
		d.failAll = errors.New("redis: connection refused")
		ran := false
		h := notifyHandler(t, c, func(context.Context, *wechatpay.Notification) error { ran = true; return nil }, wechatpay.WithDeduplicator(d))
		rec := serveCallback(h, hdr, body)
		require.Equal(t, http.StatusServiceUnavailable, rec.Code)
		require.NotContains(t, rec.Body.String(), "redis", "the store's error stays in the log")
		require.False(t, ran)
	})

	t.Run("a panic releases the claim", func(t *testing.T) {
		d := newMapDeduplicator()
		h := notifyHandler(t, c, func(context.Context, *wechatpay.Notification) error { panic("boom") }, wechatpay.WithDeduplicator(d))
		require.NotPanics(t, func() {
			require.Equal(t, http.StatusInternalServerError, serveCallback(h, hdr, body).Code)
		}, "the panic is the 500 the docs promise, not net/http's dropped connection")
		require.Equal(t, []string{"claim", "release"}, d.log())
	})

	t.Run("an abort still aborts, and releases the claim", func(t *testing.T) {
		d := newMapDeduplicator()
		h := notifyHandler(t, c, func(context.Context, *wechatpay.Notification) error { panic(http.ErrAbortHandler) }, wechatpay.WithDeduplicator(d))
		require.PanicsWithValue(t, http.ErrAbortHandler, func() { serveCallback(h, hdr, body) })
		require.Equal(t, []string{"claim", "release"}, d.log())
	})

	t.Run("a cancelled request still marks the id done", func(t *testing.T) {
		d := newMapDeduplicator()
		ctx, cancel := context.WithCancel(t.Context())
		h := notifyHandler(t, c, func(context.Context, *wechatpay.Notification) error { cancel(); return nil }, wechatpay.WithDeduplicator(d))
		req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/notify", bytes.NewReader(body))
		req.Header = hdr.Clone()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		require.Equal(t, http.StatusNoContent, rec.Code)
		_, state, err := d.Claim(t.Context(), mustParse(t, c, hdr, body).ID)
		require.NoError(t, err)
		require.Equal(t, wechatpay.ClaimDone, state)
	})

	t.Run("a Done that fails after fn succeeded still answers 204", func(t *testing.T) {
		d := newMapDeduplicator()
		d.failDone = errors.New("redis: i/o timeout")
		runs := 0
		h := notifyHandler(t, c, func(context.Context, *wechatpay.Notification) error { runs++; return nil }, wechatpay.WithDeduplicator(d))
		require.Equal(t, http.StatusNoContent, serveCallback(h, hdr, body).Code)
		require.Equal(t, 1, runs)
		require.Equal(t, []string{"claim", "done"}, d.log())
	})

	t.Run("an unverified callback is never claimed", func(t *testing.T) {
		d := newMapDeduplicator()
		h := notifyHandler(t, c, func(context.Context, *wechatpay.Notification) error { return nil }, wechatpay.WithDeduplicator(d))
		bad := hdr.Clone()
		bad.Set(wechatpay.HeaderSignature, "AAAA")
		require.Equal(t, http.StatusUnauthorized, serveCallback(h, bad, body).Code)
		require.Empty(t, d.log())
	})
}

func mustParse(t *testing.T, c *wechatpay.Client, hdr http.Header, body []byte) *wechatpay.Notification {
	t.Helper()
	n, err := c.ParseNotification(hdr, body)
	require.NoError(t, err)
	return n
}

func ExampleWithDeduplicator() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	client := srv.Client()

	// One process; for a fleet, a store shared by every replica, such as
	// redisfleet.NewDeduplicator(redisClient).
	dedup := wechatpay.NewMemoryDeduplicator()
	runs := 0
	handler, err := client.NotificationHandler(func(ctx context.Context, n *wechatpay.Notification) error {
		runs++ // record the payment
		return nil
	}, wechatpay.WithDeduplicator(dedup))
	if err != nil { // a client without an APIv3 key
		fmt.Println("error:", err)
		return
	}

	hdr, body, err := srv.SignNotification("TRANSACTION.SUCCESS", map[string]any{"out_trade_no": "ORDER-1"})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	for range 2 { // WeChat Pay delivers the same callback twice
		fmt.Println(serveCallback(handler, hdr, body).Code)
	}
	fmt.Println("runs:", runs)
	// Output:
	// 204
	// 204
	// runs: 1
}

// TestMemoryDeduplicatorRunsOnce hands one callback to 8 goroutines of one
// process at once: the function, which holds its run until the 7 others
// have been answered, runs once; the others get 409, a redelivery 204.
func TestMemoryDeduplicatorRunsOnce(t *testing.T) {
	const callers = 8
	srv := wechatpaytest.Start(t)
	c := srv.Client()
	hdr, body, err := srv.SignNotification("TRANSACTION.SUCCESS", map[string]any{"out_trade_no": "MEM-1"})
	require.NoError(t, err)
	var mu sync.Mutex
	runs := 0
	others := make(chan struct{}, callers)
	extra := make(chan struct{}) // closed by a second run, to fail rather than hang
	var extraOnce sync.Once
	h := notifyHandler(t, c, func(context.Context, *wechatpay.Notification) error {
		mu.Lock()
		runs++
		n := runs
		mu.Unlock()
		if n > 1 {
			extraOnce.Do(func() { close(extra) })
			return nil
		}
		for range callers - 1 {
			select {
			case <-others:
			case <-extra:
				return nil
			}
		}
		return nil
	}, wechatpay.WithDeduplicator(wechatpay.NewMemoryDeduplicator()))
	codes := make(chan int, callers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() {
			<-start
			code := serveCallback(h, hdr, body).Code
			if code != http.StatusNoContent {
				others <- struct{}{}
			}
			codes <- code
		})
	}
	close(start)
	wg.Wait()
	close(codes)
	count := map[int]int{}
	for code := range codes {
		count[code]++
	}
	require.Equal(t, 1, runs)
	require.Equal(t, map[int]int{http.StatusNoContent: 1, http.StatusConflict: callers - 1}, count)
	require.Equal(t, http.StatusNoContent, serveCallback(h, hdr, body).Code)
	require.Equal(t, 1, runs)
}

func TestMemoryDeduplicatorClaims(t *testing.T) {
	m := wechatpay.NewMemoryDeduplicator()
	ctx := t.Context()
	claim, state, err := m.Claim(ctx, "N1")
	require.NoError(t, err)
	require.Equal(t, wechatpay.ClaimAcquired, state)
	_, state, err = m.Claim(ctx, "N1")
	require.NoError(t, err)
	require.Equal(t, wechatpay.ClaimBusy, state)
	require.NoError(t, m.Release(ctx, "N1", "not-the-claim"))
	_, state, _ = m.Claim(ctx, "N1")
	require.Equal(t, wechatpay.ClaimBusy, state, "a stale claim releases nothing")
	require.NoError(t, m.Release(ctx, "N1", claim))
	claim, state, _ = m.Claim(ctx, "N1")
	require.Equal(t, wechatpay.ClaimAcquired, state)
	require.NoError(t, m.Done(ctx, "N1", claim))
	require.NoError(t, m.Release(ctx, "N1", claim))
	_, state, _ = m.Claim(ctx, "N1")
	require.Equal(t, wechatpay.ClaimDone, state, "release after done keeps done")
	_, _, err = m.Claim(ctx, "")
	var fe *wechatpay.FieldError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "done", wechatpay.ClaimDone.String())
}

// TestNotificationHandlerPanics: a panic in fn, with or without a
// deduplicator, is answered 500 (so WeChat Pay redelivers), releases the
// claim (so the redelivery runs fn), and is logged with its stack but not
// its value, which may carry a decrypted field.
func TestNotificationHandlerPanics(t *testing.T) {
	srv := wechatpaytest.Start(t)
	const secret = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" // a decrypted payer openid
	hdr, body, err := srv.SignNotification("TRANSACTION.SUCCESS", map[string]any{"out_trade_no": "PANIC-1", "payer": map[string]string{"openid": secret}})
	require.NoError(t, err)

	for name, value := range map[string]any{
		"string":          "payer " + secret,
		"error":           fmt.Errorf("payer %s", secret),
		"runtime error":   nil, // a nil map write
		"panic(nil)":      (*int)(nil),
		"with dedup, too": "payer " + secret,
	} {
		t.Run(name, func(t *testing.T) {
			x := newExposure()
			c := x.emulatorClient(t, srv)
			var opts []wechatpay.NotificationOption
			d := newMapDeduplicator()
			if name == "with dedup, too" {
				opts = append(opts, wechatpay.WithDeduplicator(d))
			}
			runs := 0
			h := notifyHandler(t, c, func(_ context.Context, n *wechatpay.Notification) error {
				runs++
				if runs > 1 {
					return nil
				}
				switch v := value.(type) {
				case nil:
					var m map[string]string
					//lint:ignore SA5000 a runtime error whose cause is a decrypted value
					m[string(n.Plaintext)] = "x"
				case *int:
					panic(nil) // a *runtime.PanicNilError
				default:
					panic(v)
				}
				return nil
			}, opts...)
			rec := serveCallback(h, hdr, body)
			require.Equal(t, http.StatusInternalServerError, rec.Code)
			require.JSONEq(t, `{"code":"FAIL","message":"notification not processed"}`, rec.Body.String())
			x.mu.Lock()
			out := x.logs.String()
			x.mu.Unlock()
			require.Contains(t, out, "wechatpay notification handler failed")
			require.Contains(t, out, "panicked with ")
			if name == "runtime error" {
				require.Contains(t, out, "assignment to entry in nil map")
			}
			require.Contains(t, out, "TestNotificationHandlerPanics", "the stack names the panicking function")
			require.NotContains(t, out, secret, "the panic value is not logged")
			require.NotContains(t, rec.Body.String(), secret)

			require.Equal(t, http.StatusNoContent, serveCallback(h, hdr, body).Code, "the redelivery runs fn again")
			require.Equal(t, 2, runs)
			if name == "with dedup, too" {
				require.Equal(t, []string{"claim", "release", "claim", "done"}, d.log())
			}
		})
	}
}
