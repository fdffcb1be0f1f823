package wechatpay_test

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/aggracct"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
	"github.com/gowechatpay/wechatpay/profitsharing"
	"github.com/gowechatpay/wechatpay/redpack"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// The emulator's seed fixtures (see wechatpaytest), which the scenarios
// query and compare with.
const (
	seedOrderID     = "7100000751202203238026613597498"
	seedRedPacketID = "1000041701202510090000000000001"
)

// fastRetry is the default policy with millisecond delays.
var fastRetry = wechatpay.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 4 * time.Millisecond}

// exposure gathers what failure scenarios show the outside world: every log
// record of the clients and emulators (at debug level), every error the
// calls return, and the Authorization values the test servers received.
// secrets_test.go scans it.
type exposure struct {
	mu    sync.Mutex
	logs  bytes.Buffer
	errs  []string
	auths []string
}

func newExposure() *exposure { return &exposure{} }

// Write implements io.Writer for the log handler.
func (x *exposure) Write(p []byte) (int, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.logs.Write(p)
}

func (x *exposure) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(x, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// record keeps the text of a non-nil error.
func (x *exposure) record(err error) {
	if err == nil {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.errs = append(x.errs, err.Error())
}

// requireRefused records err and requires it to be an *APIError of status,
// with no result (got, a typed nil).
func (x *exposure) requireRefused(t *testing.T, err error, status int, got any) *wechatpay.APIError {
	t.Helper()
	x.record(err)
	var apiErr *wechatpay.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, status, apiErr.StatusCode)
	require.Nil(t, got)
	return apiErr
}

// punishSentOnce sends a punish (not re-entrant) numbered no through c, and
// requires it to have been sent once, with no result; it returns the
// error.
func (x *exposure) punishSentOnce(t *testing.T, srv *wechatpaytest.Server, c *wechatpay.Client, no string) error {
	t.Helper()
	before := srv.Requests()
	var out map[string]any
	resp, err := c.DoV3(t.Context(), punishRequest(t, c, no, false), &out)
	x.record(err)
	require.Equal(t, 1, resp.Attempts)
	require.Equal(t, 1, srv.Requests()-before)
	require.Nil(t, out)
	return err
}

func (x *exposure) sawRequest(r *http.Request) {
	if a := r.Header.Get("Authorization"); a != "" {
		x.mu.Lock()
		defer x.mu.Unlock()
		x.auths = append(x.auths, a)
	}
}

// emulator starts a logging emulator, closed when t ends.
func (x *exposure) emulator(t testing.TB, opts ...wechatpaytest.Option) *wechatpaytest.Server {
	t.Helper()
	srv := wechatpaytest.Start(t, append([]wechatpaytest.Option{wechatpaytest.WithLogger(x.logger())}, opts...)...)
	return srv
}

// emulatorClient is a logging client of srv with fast retries.
func (x *exposure) emulatorClient(t testing.TB, srv *wechatpaytest.Server, opts ...wechatpay.Option) *wechatpay.Client {
	t.Helper()
	c := srv.Client(append([]wechatpay.Option{wechatpay.WithLogger(x.logger()), wechatpay.WithRetry(fastRetry)}, opts...)...)
	t.Cleanup(c.Close)
	return c
}

// server starts a loopback TLS server that counts its hits and records
// the Authorization it receives.
func (x *exposure) server(t testing.TB, h http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		x.sawRequest(r)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// client is a logging client of a loopback test server.
func (x *exposure) client(t testing.TB, srv *httptest.Server, opts ...wechatpay.Option) *wechatpay.Client {
	t.Helper()
	return liveClient(t, srv, append([]wechatpay.Option{wechatpay.WithLogger(x.logger()), wechatpay.WithAPIv3Key(wechatpaytest.TestAPIv3Key)}, opts...)...)
}

// responseKey is the test WeChat Pay public-key-id private key.
var responseKey = sync.OnceValues(func() (*rsa.PrivateKey, error) {
	return wxcrypto.LoadPrivateKeyFile("testdata/wechatpay_pubkey_test_key.pem")
})

// signedHeaders are the headers of a 200 answer carrying body, signed now
// with the test public-key-id key.
func signedHeaders(t testing.TB, body []byte) http.Header {
	t.Helper()
	key, err := responseKey()
	require.NoError(t, err)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	nonce := wechatpay.NewNonce()
	sig, err := wxcrypto.SignSHA256WithRSA(key, []byte(ts+"\n"+nonce+"\n"+string(body)+"\n"))
	require.NoError(t, err)
	return http.Header{
		wechatpay.HeaderTimestamp: {ts},
		wechatpay.HeaderNonce:     {nonce},
		wechatpay.HeaderSignature: {sig},
		wechatpay.HeaderSerial:    {pubKeyID},
		wechatpay.HeaderRequestID: {"REQ-" + nonce[:8]},
		"Content-Type":            {"application/json"},
	}
}

// okBody is a verified answer of the loopback scenarios.
const okBody = `{"ok":true,"pad":"0123456789abcdefghijklmnopqrstuvwxyz"}`

// scenario is one failure test; the secrets test replays them all into a
// single exposure.
type scenario struct {
	name string
	run  func(t *testing.T, x *exposure)
}

// failureScenarios are the faults and fail-closed tables of issue 7.
var failureScenarios = []scenario{
	{"connection refused", faultConnectionRefused},
	{"reset mid-body", faultResetMidBody},
	{"truncated body", faultTruncatedBody},
	{"read timeout", faultReadTimeout},
	{"oversized body", faultOversizedBody},
	{"slow server past the deadline", faultSlowServer},
	{"5xx then success", faultServerErrorThenSuccess},
	{"429 with backoff", faultRateLimitedBackoff},
	{"primary domain down", faultPrimaryDown},
	{"context cancelled mid-call", faultContextCancelled},
	{"dropped connection and re-entrancy", faultDroppedConnection},
	{"4xx answers are final", faultClientErrorsFinal},
	{"fail closed v3", failClosedV3},
	{"fail closed v2", failClosedV2},
}

func TestFaults(t *testing.T) {
	for _, sc := range failureScenarios {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, newExposure()) })
	}
}

// budgetCase is one request shape of the retry-budget tables: GETs and
// re-entrant POSTs may be repeated after the request may have reached the
// server, other POSTs never.
type budgetCase struct {
	name       string
	method     string
	idempotent bool
	wantHits   int32
}

var budgetCases = []budgetCase{
	{"GET retried up to the budget", http.MethodGet, false, 3},
	{"non-re-entrant POST sent once", http.MethodPost, false, 1},
	{"re-entrant POST retried up to the budget", http.MethodPost, true, 3},
}

func (bc budgetCase) request() *wechatpay.Request {
	req := &wechatpay.Request{Method: bc.method, Path: "/v3/x", Idempotent: bc.idempotent}
	if bc.method == http.MethodPost {
		req.Body = map[string]string{"out_request_no": "N1"}
	}
	return req
}

func faultConnectionRefused(t *testing.T, x *exposure) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		t.Run(method, func(t *testing.T) {
			c := vectorClient(t, time.Now().Unix(), nil, wechatpay.WithBaseURL("https://"+addr),
				wechatpay.WithRetry(fastRetry), wechatpay.WithLogger(x.logger()))
			t.Cleanup(c.Close)
			req := &wechatpay.Request{Method: method, Path: "/v3/x"}
			if method == http.MethodPost {
				req.Body = []byte(`{}`) // not re-entrant, yet safe: nothing was sent
			}
			var out map[string]any
			resp, err := c.DoV3(t.Context(), req, &out)
			x.record(err)
			var te *wechatpay.TransportError
			require.ErrorAs(t, err, &te)
			require.ErrorIs(t, err, syscall.ECONNREFUSED)
			require.Equal(t, fastRetry.MaxAttempts, resp.Attempts, "a refused connection is retried for any method")
			require.Nil(t, out)
		})
	}
}

// resetConnection answers with the headers of a 200 carrying body and half
// of body, then resets the connection (SO_LINGER 0: an RST, not a FIN).
// Content-Length promises the whole body.
func resetConnection(t testing.TB, w http.ResponseWriter, body []byte) {
	conn, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	// Closing the TCP connection under the TLS one sends no close_notify:
	// the client sees the connection die, not a TLS end of stream.
	raw := conn
	if tc, ok := conn.(*tls.Conn); ok {
		raw = tc.NetConn()
	}
	defer raw.Close()
	if tcp, ok := raw.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	h := signedHeaders(t, body)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = rw.WriteString("HTTP/1.1 200 OK\r\n")
	_ = h.Write(rw)
	_, _ = rw.WriteString("\r\n")
	_, _ = rw.Write(body[:len(body)/2])
	_ = rw.Flush()
}

func faultResetMidBody(t *testing.T, x *exposure) {
	x.requireBudgetFailures(t, "", syscall.ECONNRESET, func(t *testing.T, w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		resetConnection(t, w, []byte(okBody))
	})
}

// requireBudgetFailures requires each of budgetCases (its name after
// prefix) to fail with a *wechatpay.TransportError matching want against a
// server that answers with h (given the case's t), having made the case's
// attempts, each of which reached the server, and left out alone.
func (x *exposure) requireBudgetFailures(t *testing.T, prefix string, want error, h func(t *testing.T, w http.ResponseWriter, r *http.Request)) {
	for _, bc := range budgetCases {
		t.Run(prefix+bc.name, func(t *testing.T) {
			srv, hits := x.server(t, func(w http.ResponseWriter, r *http.Request) { h(t, w, r) })
			var out map[string]any
			resp, err := x.client(t, srv).DoV3(t.Context(), bc.request(), &out)
			x.record(err)
			var te *wechatpay.TransportError
			require.ErrorAs(t, err, &te)
			require.ErrorIs(t, err, want)
			require.Equal(t, bc.wantHits, hits.Load())
			require.EqualValues(t, bc.wantHits, resp.Attempts)
			require.Nil(t, out)
		})
	}
}

func faultTruncatedBody(t *testing.T, x *exposure) {
	x.requireBudgetFailures(t, "short read: ", io.ErrUnexpectedEOF, func(t *testing.T, w http.ResponseWriter, r *http.Request) {
		body := []byte(okBody)
		h := signedHeaders(t, body)
		for k, v := range h {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body[:len(body)/2]) // the server closes: the reply is short
	})
	t.Run("complete-looking truncation fails verification, once", func(t *testing.T) {
		srv, hits := x.server(t, func(w http.ResponseWriter, r *http.Request) {
			body := []byte(okBody)
			for k, v := range signedHeaders(t, body) {
				w.Header()[k] = v
			}
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(body[:len(body)-5]) // framed correctly, signed for more
		})
		var raw json.RawMessage
		_, err := x.client(t, srv).DoV3(t.Context(), &wechatpay.Request{Path: "/v3/x"}, &raw)
		x.record(err)
		require.ErrorIs(t, err, wechatpay.ErrInvalidSignature)
		require.ErrorIs(t, err, wechatpay.ErrBadSignature)
		require.Nil(t, raw)
		require.EqualValues(t, 1, hits.Load())
	})
}

func faultReadTimeout(t *testing.T, x *exposure) {
	for _, bc := range budgetCases {
		t.Run(bc.name, func(t *testing.T) {
			release, hungUp := make(chan struct{}), make(chan struct{})
			srv, hits := x.server(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/v3/warm" {
					writeError(w, http.StatusNotFound, "RESOURCE_NOT_EXISTS")
					return
				}
				// The body read to its end, the server watches the connection:
				// the request's context ends when the client hangs up.
				_, _ = io.Copy(io.Discard, r.Body)
				select { // no headers until the client gives up
				case <-release:
				case <-r.Context().Done():
					close(hungUp)
				}
			})
			t.Cleanup(func() { close(release) }) // runs before srv.Close
			c := x.client(t, srv, wechatpay.WithTimeout(500*time.Millisecond))
			// A warm connection: the timeout is not spent on a TLS handshake
			// of a loaded machine, only on the held request.
			_, err := c.DoV3(t.Context(), &wechatpay.Request{Path: "/v3/warm"}, nil)
			require.Error(t, err)
			warm := hits.Load()
			var out map[string]any
			resp, err := c.DoV3(t.Context(), bc.request(), &out)
			x.record(err)
			require.ErrorIs(t, err, context.DeadlineExceeded)
			<-hungUp // the client gave up on its own: the server still held the request
			require.EqualValues(t, 1, hits.Load()-warm, "WithTimeout bounds the call, retries included")
			require.Equal(t, 1, resp.Attempts)
			require.Nil(t, out)
		})
	}
}

func faultOversizedBody(t *testing.T, x *exposure) {
	t.Run("signed body over the limit", func(t *testing.T) {
		big := []byte(`{"pad":"` + strings.Repeat("x", 2000) + `"}`)
		srv, hits := x.server(t, func(w http.ResponseWriter, r *http.Request) {
			for k, v := range signedHeaders(t, big) {
				w.Header()[k] = v
			}
			_, _ = w.Write(big)
		})
		var out map[string]any
		_, err := x.client(t, srv, wechatpay.WithMaxResponseBytes(1000)).DoV3(t.Context(), &wechatpay.Request{Path: "/v3/x"}, &out)
		x.record(err)
		require.ErrorIs(t, err, wechatpay.ErrResponseTooLarge)
		require.Nil(t, out)
		require.EqualValues(t, 1, hits.Load(), "an oversized answer is not retried")
	})
	t.Run("endless body stops at the limit", func(t *testing.T) {
		hungUp := make(chan bool, 1)
		srv, _ := x.server(t, func(w http.ResponseWriter, r *http.Request) {
			chunk := bytes.Repeat([]byte("x"), 1024)
			for range 16 << 10 { // at most 16 MiB; the client hangs up long before
				if _, err := w.Write(chunk); err != nil {
					hungUp <- true
					return
				}
			}
			hungUp <- false
		})
		var raw []byte
		_, err := x.client(t, srv, wechatpay.WithMaxResponseBytes(4096)).DoV3(t.Context(), &wechatpay.Request{Path: "/v3/x"}, &raw)
		x.record(err)
		require.ErrorIs(t, err, wechatpay.ErrResponseTooLarge)
		require.Nil(t, raw)
		require.True(t, <-hungUp, "the client hung up rather than read the 16 MiB")
	})
	t.Run("typed call", func(t *testing.T) {
		srv := x.emulator(t)
		c := x.emulatorClient(t, srv, wechatpay.WithMaxResponseBytes(64))
		got, err := querySeedReduction(t.Context(), c)
		x.record(err)
		require.ErrorIs(t, err, wechatpay.ErrResponseTooLarge)
		require.Nil(t, got)
		require.Equal(t, 1, srv.Requests())
	})
}

// emulatorFront puts a loopback TLS server in front of the emulator that
// calls arrived once the emulator holds a request (counted, reading its
// body), and returns the client options that use it: tests synchronise on
// the server holding the request, not on time.
func emulatorFront(t testing.TB, srv *wechatpaytest.Server, arrived func()) []wechatpay.Option {
	t.Helper()
	front := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = &arrivalBody{ReadCloser: r.Body, arrived: arrived}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	return []wechatpay.Option{wechatpay.WithBaseURL(front.URL), wechatpay.WithHTTPClient(front.Client())}
}

// arrivalBody calls arrived at the first read of a request body.
type arrivalBody struct {
	io.ReadCloser
	once    sync.Once
	arrived func()
}

func (b *arrivalBody) Read(p []byte) (int, error) {
	b.once.Do(b.arrived)
	return b.ReadCloser.Read(p)
}

// eventDeadline is a context whose deadline passes when expire is called,
// so that it passes while the server holds the request however loaded the
// machine is. Deadline reports an hour ahead until then.
type eventDeadline struct {
	context.Context
	at   time.Time
	done chan struct{}
	once sync.Once
}

func newEventDeadline(parent context.Context) *eventDeadline {
	return &eventDeadline{Context: parent, at: time.Now().Add(time.Hour), done: make(chan struct{})}
}

func (d *eventDeadline) Deadline() (time.Time, bool) { return d.at, true }
func (d *eventDeadline) Done() <-chan struct{}       { return d.done }

func (d *eventDeadline) Err() error {
	select {
	case <-d.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

func (d *eventDeadline) expire() { d.once.Do(func() { close(d.done) }) }

func faultSlowServer(t *testing.T, x *exposure) {
	ctx := newEventDeadline(t.Context())
	requireHeldQueryEnded(t, x, ctx, ctx.expire, context.DeadlineExceeded)
}

// requireHeldQueryEnded makes the seed reduction query of an emulator that
// holds it a minute; end, called once the emulator holds the request, ends
// ctx. The call must return want at once, with no retry.
func requireHeldQueryEnded(t *testing.T, x *exposure, ctx context.Context, end func(), want error) {
	t.Helper()
	srv := x.emulator(t)
	srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIQuerySpecialReduction, Kind: wechatpaytest.FaultDelay, Delay: time.Minute})
	c := x.emulatorClient(t, srv, emulatorFront(t, srv, end)...)
	start := time.Now()
	got, err := querySeedReduction(ctx, c)
	x.record(err)
	require.ErrorIs(t, err, want)
	require.Nil(t, got)
	require.Less(t, time.Since(start), 10*time.Second, "far below the minute-long delay")
	require.Equal(t, 1, srv.Requests(), "no retry once the context has ended")
}

func faultServerErrorThenSuccess(t *testing.T, x *exposure) {
	srv := x.emulator(t)
	c := x.emulatorClient(t, srv)
	for _, tc := range slices.Concat(v3SeedCalls, v2SeedCalls) {
		t.Run(string(tc.api), func(t *testing.T) {
			srv.InjectFault(wechatpaytest.Fault{API: tc.api, Kind: wechatpaytest.FaultSystemError, Count: 1})
			before := srv.Requests()
			_, meta, err := tc.call(t.Context(), t, c)
			x.record(err)
			require.NoError(t, err)
			require.Equal(t, 2, meta.Attempts)
			require.Equal(t, 2, srv.Requests()-before)
		})
	}
	t.Run("persistent 5xx stays within the budget", func(t *testing.T) {
		srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIQuerySpecialReduction, Kind: wechatpaytest.FaultSystemError})
		defer srv.ClearFaults()
		before := srv.Requests()
		got, err := querySeedReduction(t.Context(), c)
		x.requireRefused(t, err, http.StatusInternalServerError, got)
		require.Equal(t, fastRetry.MaxAttempts, srv.Requests()-before)
	})
	t.Run("non-re-entrant POST is not retried after 5xx", func(t *testing.T) {
		srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIPunish, Kind: wechatpaytest.FaultSystemError, Count: 1})
		err := x.punishSentOnce(t, srv, c, "FAULT-5XX-ONCE")
		var apiErr *wechatpay.APIError
		require.ErrorAs(t, err, &apiErr)
		require.True(t, apiErr.Temporary())
	})
}

func faultRateLimitedBackoff(t *testing.T, x *exposure) {
	t.Run("attempts are spaced", func(t *testing.T) {
		var mu sync.Mutex
		var times []time.Time
		srv, hits := x.server(t, func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			times = append(times, time.Now())
			n := len(times)
			mu.Unlock()
			if n <= 2 {
				writeError(w, http.StatusTooManyRequests, "FREQUENCY_LIMITED")
				return
			}
			for k, v := range signedHeaders(t, []byte(okBody)) {
				w.Header()[k] = v
			}
			_, _ = io.WriteString(w, okBody)
		})
		policy := wechatpay.RetryPolicy{MaxAttempts: 3, BaseDelay: 40 * time.Millisecond, MaxDelay: 400 * time.Millisecond}
		var out struct{ OK bool }
		resp, err := x.client(t, srv, wechatpay.WithRetry(policy)).DoV3(t.Context(), &wechatpay.Request{Path: "/v3/x"}, &out)
		x.record(err)
		require.NoError(t, err)
		require.True(t, out.OK)
		require.Equal(t, 3, resp.Attempts)
		require.EqualValues(t, 3, hits.Load())
		mu.Lock()
		defer mu.Unlock()
		// The n-th delay is drawn from [d/2, 3d/2) with d = BaseDelay·2^(n-1).
		first, second := times[1].Sub(times[0]), times[2].Sub(times[1])
		require.GreaterOrEqual(t, first, 20*time.Millisecond, "first back-off")
		require.GreaterOrEqual(t, second, 40*time.Millisecond, "second back-off")
		require.Less(t, first+second, 2*time.Second)
	})
	t.Run("typed call", func(t *testing.T) {
		srv := x.emulator(t)
		srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIProfitSharingQueryOrder, Kind: wechatpaytest.FaultRateLimited, Count: 1})
		o, err := querySeedOrder(t.Context(), x.emulatorClient(t, srv))
		x.record(err)
		require.NoError(t, err)
		checkSeedOrder(t, o)
		require.Equal(t, 2, o.Meta.Attempts)
		require.Equal(t, 2, srv.Requests())
	})
	t.Run("persistent 429 stays within the budget", func(t *testing.T) {
		srv := x.emulator(t)
		srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIPunish, Kind: wechatpaytest.FaultRateLimited})
		got, err := punish(t.Context(), x.emulatorClient(t, srv), "FAULT-429")
		x.requireRefused(t, err, http.StatusTooManyRequests, got)
		require.Equal(t, fastRetry.MaxAttempts, srv.Requests())
	})
}

// backupTransport plays the two WeChat Pay domains: the primary refuses
// connections, the backup is the emulator.
type backupTransport struct {
	mu     sync.Mutex
	hosts  []string
	target string
	next   *http.Transport
}

func (b *backupTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	b.mu.Lock()
	b.hosts = append(b.hosts, r.URL.Host)
	b.mu.Unlock()
	switch r.URL.Host {
	case "api.mch.weixin.qq.com":
		if r.Body != nil {
			_ = r.Body.Close()
		}
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	case "api2.mch.weixin.qq.com":
		r2 := r.Clone(r.Context())
		r2.URL.Host, r2.Host = b.target, ""
		return b.next.RoundTrip(r2)
	}
	return nil, errors.New("unexpected host " + r.URL.Host)
}

func (b *backupTransport) takeHosts() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	h := b.hosts
	b.hosts = nil
	return h
}

// emulatorTransport is a transport that trusts the emulator's CA.
func emulatorTransport(t testing.TB, srv *wechatpaytest.Server) *http.Transport {
	roots := x509.NewCertPool()
	roots.AddCert(srv.CACertificate())
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}}
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}

func faultPrimaryDown(t *testing.T, x *exposure) {
	srv := x.emulator(t)
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	rt := &backupTransport{target: u.Host, next: emulatorTransport(t, srv)}
	// WithBaseURL("") restores the real domains that ClientOptions replaced.
	c := x.emulatorClient(t, srv, wechatpay.WithBaseURL(""), wechatpay.WithTransport(rt))
	both := []string{"api.mch.weixin.qq.com", "api2.mch.weixin.qq.com"}

	r, err := querySeedReduction(t.Context(), c)
	x.record(err)
	require.NoError(t, err)
	checkSeedReduction(t, r)
	require.Equal(t, 2, r.Meta.Attempts)
	require.Equal(t, both, rt.takeHosts())

	p, err := punish(t.Context(), c, "FAULT-BACKUP")
	x.record(err)
	require.NoError(t, err)
	require.Equal(t, "FAULT-BACKUP", p.OutRequestNo)
	require.Equal(t, both, rt.takeHosts())

	var out map[string]any
	resp, err := c.DoV3(t.Context(), punishRequest(t, c, "FAULT-BACKUP-POST", false), &out)
	x.record(err)
	require.NoError(t, err, "a request that never left may go to the backup whatever its method")
	require.Equal(t, 2, resp.Attempts)
	require.Equal(t, "FAULT-BACKUP-POST", out["out_request_no"])
	require.Equal(t, both, rt.takeHosts())
	require.Equal(t, 3, srv.Requests(), "the emulator saw each call once")
}

func faultContextCancelled(t *testing.T, x *exposure) {
	t.Run("while the server works", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		requireHeldQueryEnded(t, x, ctx, cancel, context.Canceled) // cancelled once the server holds the request
	})
	for _, bc := range budgetCases {
		t.Run("after the body was sent: "+bc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			// Cancel once the server holds the whole request, however long
			// the handshake takes on a loaded machine.
			srv, hits := x.server(t, func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				cancel()
				<-r.Context().Done()
			})
			var out map[string]any
			resp, err := x.client(t, srv).DoV3(ctx, bc.request(), &out)
			x.record(err)
			require.ErrorIs(t, err, context.Canceled)
			require.Equal(t, 1, resp.Attempts)
			require.EqualValues(t, 1, hits.Load(), "a cancelled call is never retried")
			require.Nil(t, out)
		})
	}
	t.Run("during the back-off", func(t *testing.T) {
		srv := x.emulator(t)
		srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIQuerySpecialReduction, Kind: wechatpaytest.FaultSystemError})
		slow := wechatpay.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Minute, MaxDelay: time.Minute}
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		// The client logs each attempt as it judges it, before it backs
		// off: cancel then, at the start of the first back-off (a minute).
		var once sync.Once
		var start time.Time
		hook := &logHook{Handler: x.logger().Handler(), f: func() {
			once.Do(func() {
				start = time.Now()
				cancel()
			})
		}}
		c := x.emulatorClient(t, srv, wechatpay.WithRetry(slow), wechatpay.WithLogger(slog.New(hook)))
		got, err := querySeedReduction(ctx, c)
		x.record(err)
		require.ErrorIs(t, err, context.Canceled)
		var apiErr *wechatpay.APIError
		require.ErrorAs(t, err, &apiErr, "the last answer is kept")
		require.Nil(t, got)
		require.Less(t, time.Since(start), 10*time.Second, "the back-off was abandoned, far below the minute-long delay")
		require.Equal(t, 1, srv.Requests())
	})
}

// logHook calls f on every record it handles.
type logHook struct {
	slog.Handler
	f func()
}

func (h *logHook) Handle(ctx context.Context, r slog.Record) error {
	h.f()
	return h.Handler.Handle(ctx, r)
}

func faultDroppedConnection(t *testing.T, x *exposure) {
	srv := x.emulator(t)
	t.Run("re-entrant Punish is retried and recorded once", func(t *testing.T) {
		c := x.emulatorClient(t, srv) // a fresh connection: no transparent net/http retry
		srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIPunish, Kind: wechatpaytest.FaultDropConnection, Count: 1})
		before := srv.Requests()
		p, err := punish(t.Context(), c, "FAULT-DROP")
		x.record(err)
		require.NoError(t, err)
		require.Equal(t, 2, p.Meta.Attempts)
		require.Equal(t, 2, srv.Requests()-before)
		var n int
		for _, rec := range srv.Punishments() {
			if rec.OutRequestNo == "FAULT-DROP" {
				n++
				require.Equal(t, rec.WxpayPunishNo, p.WxpayPunishNo)
				require.Equal(t, wechatpaytest.SeedBalAccountNo, rec.BalAccountNo)
			}
		}
		require.Equal(t, 1, n)
	})
	t.Run("non-re-entrant POST is sent once", func(t *testing.T) {
		c := x.emulatorClient(t, srv)
		srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIPunish, Kind: wechatpaytest.FaultDropConnection})
		defer srv.ClearFaults()
		var te *wechatpay.TransportError
		require.ErrorAs(t, x.punishSentOnce(t, srv, c, "FAULT-DROP-ONCE"), &te)
	})
	t.Run("GET is retried", func(t *testing.T) {
		c := x.emulatorClient(t, srv)
		srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIQuerySpecialReduction, Kind: wechatpaytest.FaultDropConnection, Count: 1})
		r, err := querySeedReduction(t.Context(), c)
		x.record(err)
		require.NoError(t, err)
		checkSeedReduction(t, r)
		require.Equal(t, 2, r.Meta.Attempts)
	})
}

func faultClientErrorsFinal(t *testing.T, x *exposure) {
	srv := x.emulator(t)
	t.Run("401 from a skewed clock", func(t *testing.T) {
		c := x.emulatorClient(t, srv, wechatpay.WithClock(func() time.Time { return time.Now().Add(-10 * time.Minute) }))
		before := srv.Requests()
		got, err := querySeedReduction(t.Context(), c)
		apiErr := x.requireRefused(t, err, http.StatusUnauthorized, got)
		require.Equal(t, "SIGN_ERROR", apiErr.Code)
		require.Equal(t, 1, srv.Requests()-before)
	})
	t.Run("404 for an unknown id", func(t *testing.T) {
		c := x.emulatorClient(t, srv)
		got, err := aggracct.New(c).QuerySpecialReduction(t.Context(), &aggracct.QuerySpecialReductionRequest{
			OutRequestNo: "nosuchreduction", BalAccountNo: wechatpaytest.SeedBalAccountNo,
		})
		x.requireRefused(t, err, http.StatusNotFound, got)
	})
	t.Run("400 for a field encrypted with the wrong key", func(t *testing.T) {
		c := x.emulatorClient(t, srv)
		cipher, err := wxcrypto.EncryptOAEP(srv.MerchantPublicKey(), []byte(wechatpaytest.SeedBalAccountNo))
		require.NoError(t, err)
		before := srv.Requests()
		var out map[string]any
		_, err = c.DoV3(t.Context(), &wechatpay.Request{
			Path:       "/v3/aggracct-bc/wb-channel/special-reduction/{out_request_no}",
			PathParams: map[string]string{"out_request_no": wechatpaytest.SeedReductionNo},
			Query:      url.Values{"mchid": {srv.MchID()}, "bal_account_no": {cipher}},
			Header:     http.Header{wechatpay.HeaderSerial: {srv.PublicKeyID()}},
		}, &out)
		x.requireRefused(t, err, http.StatusBadRequest, out)
		require.Equal(t, 1, srv.Requests()-before)
	})
}

// verifyFailure is one way a 2xx answer fails verification: an emulator
// fault, or an edit of the answer's headers by a proxy.
type verifyFailure struct {
	name   string
	want   error
	fault  wechatpaytest.FaultKind
	mutate func(h http.Header)
}

var verifyFailures = []verifyFailure{
	{name: "tampered body", want: wechatpay.ErrBadSignature, fault: wechatpaytest.FaultTamperedBody},
	{name: "signature probe", want: wechatpay.ErrSignatureProbe, fault: wechatpaytest.FaultProbeSignature},
	{name: "stale timestamp", want: wechatpay.ErrStaleTimestamp, fault: wechatpaytest.FaultStaleTimestamp},
	{name: "unknown serial", want: wechatpay.ErrUnknownSerial, mutate: func(h http.Header) {
		h.Set(wechatpay.HeaderSerial, "PUB_KEY_ID_0114232134912419999999999999")
	}},
	{name: "missing timestamp", want: wechatpay.ErrMissingHeader, mutate: func(h http.Header) { h.Del(wechatpay.HeaderTimestamp) }},
	{name: "missing nonce", want: wechatpay.ErrMissingHeader, mutate: func(h http.Header) { h.Del(wechatpay.HeaderNonce) }},
	{name: "missing signature", want: wechatpay.ErrMissingHeader, mutate: func(h http.Header) { h.Del(wechatpay.HeaderSignature) }},
	{name: "missing serial", want: wechatpay.ErrMissingHeader, mutate: func(h http.Header) { h.Del(wechatpay.HeaderSerial) }},
	{name: "malformed signature", want: wechatpay.ErrMalformedSignature, mutate: func(h http.Header) {
		h.Set(wechatpay.HeaderSignature, "%%not base64%%")
	}},
	{name: "malformed timestamp", want: wechatpay.ErrMalformedTimestamp, mutate: func(h http.Header) {
		h.Set(wechatpay.HeaderTimestamp, h.Get(wechatpay.HeaderTimestamp)+"x")
	}},
	{name: "timestamp moved by a second", want: wechatpay.ErrBadSignature, mutate: func(h http.Header) {
		ts, _ := strconv.ParseInt(h.Get(wechatpay.HeaderTimestamp), 10, 64)
		h.Set(wechatpay.HeaderTimestamp, strconv.FormatInt(ts+1, 10))
	}},
	{name: "nonce replaced", want: wechatpay.ErrBadSignature, mutate: func(h http.Header) {
		h.Set(wechatpay.HeaderNonce, wechatpay.NewNonce())
	}},
	{name: "unsupported signature type", want: wechatpay.ErrBadSignature, mutate: func(h http.Header) {
		h.Set(wechatpay.HeaderSignatureType, "WECHATPAY2-SM2-WITH-SM3")
	}},
}

// seedCall is one typed or generic call of the emulator's seed fixtures
// (or of a punish of its own number), which checks what it got when it
// succeeds; result is the value a caller would use, which must be nil
// when err is not, and meta the answer's Response.
type seedCall struct {
	api  wechatpaytest.API
	name string
	call func(ctx context.Context, t *testing.T, c *wechatpay.Client) (result any, meta *wechatpay.Response, err error)
}

// typedCall is the seedCall of a typed method: do, then check of what it
// got when it succeeds; meta gives the answer's Response.
func typedCall[T any](do func(ctx context.Context, c *wechatpay.Client) (*T, error), meta func(*T) *wechatpay.Response,
	check func(t testing.TB, got *T),
) func(ctx context.Context, t *testing.T, c *wechatpay.Client) (any, *wechatpay.Response, error) {
	return func(ctx context.Context, t *testing.T, c *wechatpay.Client) (any, *wechatpay.Response, error) {
		r, err := do(ctx, c)
		if err != nil {
			return r, nil, err
		}
		check(t, r)
		return r, meta(r), nil
	}
}

// v3SeedCalls are the typed v3 calls of the seed fixtures.
var v3SeedCalls = []seedCall{
	{wechatpaytest.APIQuerySpecialReduction, "aggracct.QuerySpecialReduction", typedCall(querySeedReduction,
		func(r *aggracct.SpecialReduction) *wechatpay.Response { return &r.Meta }, checkSeedReduction)},
	{wechatpaytest.APIPunish, "aggracct.Punish", typedCall(func(ctx context.Context, c *wechatpay.Client) (*aggracct.PunishResult, error) {
		return punish(ctx, c, "FAULT-PUNISH")
	}, func(r *aggracct.PunishResult) *wechatpay.Response { return &r.Meta }, func(t testing.TB, r *aggracct.PunishResult) {
		require.Equal(t, "FAULT-PUNISH", r.OutRequestNo)
		require.NotEmpty(t, r.WxpayPunishNo)
	})},
	{wechatpaytest.APIProfitSharingQueryOrder, "profitsharing.QueryOrder", typedCall(querySeedOrder,
		func(o *profitsharing.Order) *wechatpay.Response { return &o.Meta }, checkSeedOrder)},
}

// v2SeedCalls are the typed v2 calls of the seed fixtures.
var v2SeedCalls = []seedCall{
	{wechatpaytest.APIQueryWorkWxRedPacket, "redpack.QueryWorkWx", typedCall(querySeedRedPacket,
		func(p *redpack.WorkWxRedPacket) *wechatpay.Response { return &p.Meta }, checkSeedRedPacket)},
}

// v3Calls are the typed v3 calls and generic DoV3 calls of the seed
// fixtures.
var v3Calls = slices.Concat(v3SeedCalls, []seedCall{
	{wechatpaytest.APIProfitSharingQueryOrder, "DoV3 GET into a map", func(ctx context.Context, t *testing.T, c *wechatpay.Client) (any, *wechatpay.Response, error) {
		var out map[string]any
		meta, err := c.DoV3(ctx, seedOrderRequest(), &out)
		if err == nil {
			require.Equal(t, seedOrderID, out["order_id"])
		}
		return out, meta, err
	}},
	{wechatpaytest.APIProfitSharingQueryOrder, "DoV3 GET raw bytes", func(ctx context.Context, t *testing.T, c *wechatpay.Client) (any, *wechatpay.Response, error) {
		var raw json.RawMessage
		meta, err := c.DoV3(ctx, seedOrderRequest(), &raw)
		if err == nil {
			require.Contains(t, string(raw), seedOrderID)
		}
		return raw, meta, err
	}},
	{wechatpaytest.APIPunish, "DoV3 POST into a struct pointer", func(ctx context.Context, t *testing.T, c *wechatpay.Client) (any, *wechatpay.Response, error) {
		var out *struct {
			WxpayPunishNo string `json:"wxpay_punish_no"`
		}
		meta, err := c.DoV3(ctx, punishRequest(t, c, "FAIL-CLOSED-DOV3", true), &out)
		if err == nil {
			require.NotEmpty(t, out.WxpayPunishNo)
		}
		return out, meta, err
	}},
})

// seedOrderRequest is the generic DoV3 query of the seed profit-sharing
// order.
func seedOrderRequest() *wechatpay.Request {
	return &wechatpay.Request{
		Path:       "/v3/global/profit-sharing/orders/{out_order_no}",
		PathParams: map[string]string{"out_order_no": wechatpaytest.SeedOutOrderNo},
		Query:      url.Values{"sub_mchid": {wechatpaytest.SeedSubMchID}, "transaction_id": {wechatpaytest.SeedTransactionID}},
		Global:     true,
	}
}

// headerProxy is a TLS reverse proxy to an emulator that edits the headers
// of the answers with the current mutation.
type headerProxy struct {
	*httptest.Server
	hits   atomic.Int32
	mu     sync.Mutex
	mutate func(http.Header)
}

func newHeaderProxy(t testing.TB, x *exposure, srv *wechatpaytest.Server) *headerProxy {
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.Transport = emulatorTransport(t, srv)
	p := &headerProxy{}
	rp.ModifyResponse = func(resp *http.Response) error {
		p.mu.Lock()
		m := p.mutate
		p.mu.Unlock()
		if m != nil && resp.StatusCode/100 == 2 {
			m(resp.Header)
		}
		return nil
	}
	p.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.hits.Add(1)
		x.sawRequest(r)
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *headerProxy) set(m func(http.Header)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.mutate = m
}

func failClosedV3(t *testing.T, x *exposure) {
	srv := x.emulator(t)
	proxy := newHeaderProxy(t, x, srv)
	c := x.emulatorClient(t, srv, wechatpay.WithBaseURL(proxy.URL), wechatpay.WithHTTPClient(proxy.Client()))
	for _, call := range v3Calls {
		t.Run("control/"+call.name, func(t *testing.T) {
			got, _, err := call.call(t.Context(), t, c)
			require.NoError(t, err, "the harness must let a genuine answer through")
			require.NotNil(t, got)
		})
	}
	for _, vf := range verifyFailures {
		for _, call := range v3Calls {
			t.Run(vf.name+"/"+call.name, func(t *testing.T) {
				if vf.fault != 0 {
					srv.InjectFault(wechatpaytest.Fault{Kind: vf.fault})
					defer srv.ClearFaults()
				}
				proxy.set(vf.mutate)
				defer proxy.set(nil)
				before := proxy.hits.Load()
				got, _, err := call.call(t.Context(), t, c)
				x.record(err)
				require.ErrorIs(t, err, wechatpay.ErrInvalidSignature)
				require.ErrorIs(t, err, vf.want)
				require.Nil(t, got, "no result from an unverified answer")
				require.EqualValues(t, 1, proxy.hits.Load()-before, "a verification failure is never retried")
			})
		}
	}
}

func failClosedV2(t *testing.T, x *exposure) {
	srv := x.emulator(t)
	c := x.emulatorClient(t, srv)
	calls := append(slices.Clip(v2SeedCalls), seedCall{wechatpaytest.APIQueryWorkWxRedPacket, "DoV2",
		func(ctx context.Context, t *testing.T, c *wechatpay.Client) (any, *wechatpay.Response, error) {
			fields, meta, err := c.DoV2(ctx, &wechatpay.V2Request{
				Path:   "/mmpaymkttransfers/queryworkwxredpack",
				Params: map[string]string{"mch_billno": wechatpaytest.SeedMchBillNo, "mch_id": srv.MchID(), "appid": srv.AppID()},
				Secure: true,
			})
			if err == nil {
				require.Equal(t, seedRedPacketID, fields["detail_id"])
			}
			return fields, meta, err
		}})
	for _, call := range calls {
		t.Run("control/"+call.name, func(t *testing.T) {
			got, _, err := call.call(t.Context(), t, c)
			require.NoError(t, err)
			require.NotNil(t, got)
		})
		for _, kind := range []wechatpaytest.FaultKind{wechatpaytest.FaultTamperedBody, wechatpaytest.FaultProbeSignature} {
			t.Run(kind.String()+"/"+call.name, func(t *testing.T) {
				srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIQueryWorkWxRedPacket, Kind: kind})
				defer srv.ClearFaults()
				before := srv.Requests()
				got, _, err := call.call(t.Context(), t, c)
				x.record(err)
				require.ErrorIs(t, err, wechatpay.ErrV2Sign)
				require.Nil(t, got)
				require.Equal(t, 1, srv.Requests()-before)
			})
		}
	}
}

func querySeedReduction(ctx context.Context, c *wechatpay.Client) (*aggracct.SpecialReduction, error) {
	return aggracct.New(c).QuerySpecialReduction(ctx, &aggracct.QuerySpecialReductionRequest{
		OutRequestNo: wechatpaytest.SeedReductionNo, BalAccountNo: wechatpaytest.SeedBalAccountNo,
	})
}

func checkSeedReduction(t testing.TB, r *aggracct.SpecialReduction) {
	t.Helper()
	require.Equal(t, wechatpaytest.SeedReductionNo, r.OutRequestNo)
	require.Equal(t, wechatpaytest.SeedBalAccountNo, r.BalAccountNo)
	require.Equal(t, aggracct.State("SUCCESS"), r.State)
	require.EqualValues(t, 1, r.Amount)
}

func punish(ctx context.Context, c *wechatpay.Client, no string) (*aggracct.PunishResult, error) {
	return aggracct.New(c).Punish(ctx, &aggracct.PunishRequest{
		OutRequestNo: no, MchID: c.MchID(), BalAccountNo: wechatpaytest.SeedBalAccountNo, PunishScene: 1, PunishReason: "hardening test",
	})
}

// punishRequest is the punish call as a generic DoV3 request.
func punishRequest(t testing.TB, c *wechatpay.Client, no string, idempotent bool) *wechatpay.Request {
	t.Helper()
	cipher, serial, err := c.EncryptSensitive(wechatpaytest.SeedBalAccountNo)
	require.NoError(t, err)
	return &wechatpay.Request{
		Method: http.MethodPost,
		Path:   "/v3/aggracct-bc/wb-channel/control-orders/punish",
		Body: map[string]any{
			"out_request_no": no, "mchid": c.MchID(), "bal_account_no": cipher, "punish_scene": 1,
		},
		Header:     http.Header{wechatpay.HeaderSerial: {serial}},
		Idempotent: idempotent,
	}
}

func querySeedOrder(ctx context.Context, c *wechatpay.Client) (*profitsharing.Order, error) {
	return profitsharing.New(c).QueryOrder(ctx, &profitsharing.QueryOrderRequest{
		OutOrderNo: wechatpaytest.SeedOutOrderNo, SubMchID: wechatpaytest.SeedSubMchID, TransactionID: wechatpaytest.SeedTransactionID,
	})
}

func checkSeedOrder(t testing.TB, o *profitsharing.Order) {
	t.Helper()
	require.Equal(t, seedOrderID, o.OrderID)
	require.Equal(t, wechatpaytest.SeedOutOrderNo, o.OutOrderNo)
	require.Len(t, o.Receivers, 3)
	require.EqualValues(t, 797, o.Receivers[0].Amount)
}

func querySeedRedPacket(ctx context.Context, c *wechatpay.Client) (*redpack.WorkWxRedPacket, error) {
	return redpack.New(c).QueryWorkWx(ctx, &redpack.QueryWorkWxRequest{MchBillNo: wechatpaytest.SeedMchBillNo})
}

func checkSeedRedPacket(t testing.TB, p *redpack.WorkWxRedPacket) {
	t.Helper()
	require.Equal(t, wechatpaytest.SeedMchBillNo, p.MchBillNo)
	require.Equal(t, seedRedPacketID, p.DetailID)
	require.EqualValues(t, 5000, p.TotalAmount)
}
