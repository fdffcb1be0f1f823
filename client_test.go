package wechatpay_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"log"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
)

// signResponse writes a 2xx answer signed the way WeChat Pay signs it, with
// the test public-key-id key.
func signResponse(t testing.TB, w http.ResponseWriter, status int, body string) {
	t.Helper()
	key, err := wxcrypto.LoadPrivateKey(readFile(t, "wechatpay_pubkey_test_key.pem"))
	require.NoError(t, err)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	nonce := wechatpay.NewNonce()
	sig, err := wxcrypto.SignSHA256WithRSA(key, []byte(ts+"\n"+nonce+"\n"+body+"\n"))
	require.NoError(t, err)
	h := w.Header()
	h.Set("Wechatpay-Timestamp", ts)
	h.Set("Wechatpay-Nonce", nonce)
	h.Set("Wechatpay-Signature", sig)
	h.Set("Wechatpay-Serial", pubKeyID)
	h.Set("Request-ID", "REQ-"+nonce[:8])
	h.Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func writeError(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Request-ID", "REQ-ERR")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, `{"code":"`+code+`","message":"m","detail":{"field":"/x","location":"body"}}`)
}

// liveClient is a client for a loopback test server.
func liveClient(t testing.TB, srv *httptest.Server, extra ...wechatpay.Option) *wechatpay.Client {
	t.Helper()
	v := loadVectors(t)
	opts := []wechatpay.Option{
		wechatpay.WithMerchant(v.Identities.Merchant.MchID, v.Identities.Merchant.Serial, merchantKey(t)),
		wechatpay.WithPublicKey(pubKeyID, wechatpayPubKey(t)),
		wechatpay.WithBaseURL(srv.URL),
		wechatpay.WithHTTPClient(srv.Client()),
		wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}),
	}
	c, err := wechatpay.NewClient(append(opts, extra...)...)
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return c
}

func TestNewClientRejectsBadConfiguration(t *testing.T) {
	v := loadVectors(t)
	mchID, serial := v.Identities.Merchant.MchID, v.Identities.Merchant.Serial
	key := merchantKey(t)
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	otherKey, err := wxcrypto.LoadPrivateKey(readFile(t, "wechatpay_platform_test_key.pem"))
	require.NoError(t, err)
	pub := wechatpay.WithPublicKey(pubKeyID, wechatpayPubKey(t))
	tests := []struct {
		name  string
		opts  []wechatpay.Option
		field string
	}{
		{"no merchant", []wechatpay.Option{pub}, "mchid"},
		{"no serial", []wechatpay.Option{wechatpay.WithMerchant(mchID, "", key), pub}, "merchant_serial_no"},
		{"key too small", []wechatpay.Option{wechatpay.WithMerchant(mchID, serial, small), pub}, "key"},
		{"key does not match certificate", []wechatpay.Option{wechatpay.WithMerchant(mchID, serial, otherKey), wechatpay.WithMerchantCertificate(merchantCert(t)), pub}, "merchant_private_key"},
		{"serial does not match certificate", []wechatpay.Option{wechatpay.WithMerchant(mchID, "ABCDEF", key), wechatpay.WithMerchantCertificate(merchantCert(t)), pub}, "merchant_serial_no"},
		{"apiv3 key of 31 bytes", []wechatpay.Option{wechatpay.WithMerchant(mchID, serial, key), pub, wechatpay.WithAPIv3Key(strings.Repeat("k", 31))}, "apiv3_key"},
		{"apiv2 key of 33 bytes", []wechatpay.Option{wechatpay.WithMerchant(mchID, serial, key), pub, wechatpay.WithAPIv2Key(strings.Repeat("k", 33))}, "apiv2_key"},
		{"no wechatpay key", []wechatpay.Option{wechatpay.WithMerchant(mchID, serial, key)}, "wechatpay_public_key"},
		{"bad public key id", []wechatpay.Option{wechatpay.WithMerchant(mchID, serial, key), wechatpay.WithPublicKey("KEY_1", wechatpayPubKey(t))}, "wechatpay_public_key_id"},
		{"merchant certificate as platform certificate", []wechatpay.Option{wechatpay.WithMerchant(mchID, serial, key), wechatpay.WithPlatformCertificates(merchantCert(t))}, "platform_certificate"},
		{"merchant key as wechatpay key", []wechatpay.Option{wechatpay.WithMerchant(mchID, serial, key), wechatpay.WithPublicKey(pubKeyID, &key.PublicKey)}, "wechatpay_public_key"},
		{"public-key mode without public key", []wechatpay.Option{wechatpay.WithMerchant(mchID, serial, key), wechatpay.WithPlatformCertificates(platformCert(t)), wechatpay.WithKeyMode(wechatpay.KeyModePublicKey)}, "wechatpay_public_key"},
		{"both mode without certificates", []wechatpay.Option{wechatpay.WithMerchant(mchID, serial, key), pub, wechatpay.WithKeyMode(wechatpay.KeyModeBoth)}, "platform_certificate"},
		{"base URL with query", []wechatpay.Option{wechatpay.WithMerchant(mchID, serial, key), pub, wechatpay.WithBaseURL("https://x.example/?a=b")}, "base_url"},
		{"bad PEM", []wechatpay.Option{wechatpay.WithMerchantPEM(mchID, serial, []byte("not pem")), pub}, "merchant_private_key"},
		{"retry without attempts", []wechatpay.Option{wechatpay.WithMerchant(mchID, serial, key), pub, wechatpay.WithRetry(wechatpay.RetryPolicy{})}, "retry"},
		{"certificate mode without certificates", []wechatpay.Option{wechatpay.WithMerchant(mchID, serial, key), pub, wechatpay.WithKeyMode(wechatpay.KeyModeCertificates)}, "platform_certificate"},
		{"response limit of MaxInt64", []wechatpay.Option{wechatpay.WithMerchant(mchID, serial, key), pub, wechatpay.WithMaxResponseBytes(math.MaxInt64)}, "max_response_bytes"},
		{"zero-value public key", []wechatpay.Option{wechatpay.WithMerchant(mchID, serial, key), wechatpay.WithPublicKey(pubKeyID, &rsa.PublicKey{})}, "key"},
		{"zero-value private key", []wechatpay.Option{wechatpay.WithMerchant(mchID, serial, &rsa.PrivateKey{}), pub}, "key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := wechatpay.NewClient(tt.opts...)
			require.Nil(t, c)
			require.ErrorIs(t, err, wechatpay.ErrInvalidConfig)
			var fe *wechatpay.FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, tt.field, fe.Field)
		})
	}
}

func TestKeyModeDrivesSerialAndEncryption(t *testing.T) {
	v := loadVectors(t)
	base := []wechatpay.Option{
		wechatpay.WithMerchant(v.Identities.Merchant.MchID, v.Identities.Merchant.Serial, merchantKey(t)),
	}
	pub := wechatpay.WithPublicKey(pubKeyID, wechatpayPubKey(t))
	cert := wechatpay.WithPlatformCertificates(platformCert(t))
	const platformSerial = "5F0E1D2C3B4A59687766554433221100FFEEDDCC"
	tests := []struct {
		name       string
		opts       []wechatpay.Option
		wantSerial string
		wantMode   wechatpay.KeyMode
	}{
		{"public key only", []wechatpay.Option{pub}, pubKeyID, wechatpay.KeyModePublicKey},
		{"certificates only", []wechatpay.Option{cert}, platformSerial, wechatpay.KeyModeCertificates},
		{"both prefer public key", []wechatpay.Option{pub, cert}, pubKeyID, wechatpay.KeyModeBoth},
		{"both, certificate mode forced", []wechatpay.Option{pub, cert, wechatpay.WithKeyMode(wechatpay.KeyModeCertificates)}, platformSerial, wechatpay.KeyModeCertificates},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := wechatpay.NewClient(append(base, tt.opts...)...)
			require.NoError(t, err)
			require.Equal(t, tt.wantMode, c.Verifier().Mode())
			_, serial, err := c.EncryptSensitive("x")
			require.NoError(t, err)
			require.Equal(t, tt.wantSerial, serial)
		})
	}
	// Certificate mode must refuse a response signed with the public key.
	c, err := wechatpay.NewClient(append(base, pub, cert, wechatpay.WithKeyMode(wechatpay.KeyModeCertificates),
		wechatpay.WithClock(func() time.Time { return time.Unix(v.Verification.Now, 0) }))...)
	require.NoError(t, err)
	h := http.Header{}
	for k, val := range v.Verification.Cases[0].Headers {
		h.Set(k, val)
	}
	require.ErrorIs(t, c.Verifier().Verify(h, []byte(v.Verification.Cases[0].Body)), wechatpay.ErrUnknownSerial)
}

func TestDoV3PathTemplates(t *testing.T) {
	var got string
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		got = r.URL.RequestURI()
		return nil, errors.New("captured")
	})
	c := vectorClient(t, time.Now().Unix(), rt)
	_, err := c.DoV3(context.Background(), &wechatpay.Request{
		Path:       "/v3/a/{x}/b/{y}",
		PathParams: map[string]string{"x": "AbC/d e", "y": "中"},
	}, nil)
	require.Error(t, err)
	require.Equal(t, "/v3/a/AbC%2Fd%20e/b/%E4%B8%AD", got)

	for name, req := range map[string]*wechatpay.Request{
		"empty param":   {Path: "/v3/a/{x}", PathParams: map[string]string{"x": ""}},
		"missing param": {Path: "/v3/a/{x}"},
		"extra param":   {Path: "/v3/a/{x}", PathParams: map[string]string{"x": "1", "y": "2"}},
		"relative path": {Path: "v3/a"},
		"unclosed":      {Path: "/v3/a/{x", PathParams: map[string]string{"x": "1"}},
		"GET with body": {Path: "/v3/a", Body: map[string]int{"a": 1}},
	} {
		t.Run(name, func(t *testing.T) {
			got = ""
			_, err := c.DoV3(context.Background(), req, nil)
			require.ErrorIs(t, err, wechatpay.ErrInvalidInput)
			require.Empty(t, got, "no request may be sent")
		})
	}
}

func TestDoV3Retries(t *testing.T) {
	tests := []struct {
		name         string
		method       string
		idempotent   bool
		failures     []int // statuses answered before success
		wantAttempts int
		wantErr      string
	}{
		{"GET retried after 500", http.MethodGet, false, []int{500, 503}, 3, ""},
		{"GET retried after 429", http.MethodGet, false, []int{429}, 2, ""},
		{"GET gives up after 3 attempts", http.MethodGet, false, []int{500, 500, 500}, 3, "SYSTEM_ERROR"},
		{"GET not retried after 400", http.MethodGet, false, []int{400}, 1, "PARAM_ERROR"},
		{"GET not retried after 401", http.MethodGet, false, []int{401}, 1, "SIGN_ERROR"},
		{"POST not retried after 500", http.MethodPost, false, []int{500}, 1, "SYSTEM_ERROR"},
		{"re-entrant POST retried after 500", http.MethodPost, true, []int{500}, 2, ""},
	}
	codes := map[int]string{400: "PARAM_ERROR", 401: "SIGN_ERROR", 429: "FREQUENCY_LIMITED", 500: "SYSTEM_ERROR", 503: "SERVICE_UNAVAILABLE"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n atomic.Int32
			var bodies [][]byte
			srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				bodies = append(bodies, b)
				i := int(n.Add(1)) - 1
				if i < len(tt.failures) {
					writeError(w, tt.failures[i], codes[tt.failures[i]])
					return
				}
				signResponse(t, w, 200, `{"ok":true}`)
			}))
			defer srv.Close()
			c := liveClient(t, srv)
			var out struct{ OK bool }
			req := &wechatpay.Request{Method: tt.method, Path: "/v3/x", Idempotent: tt.idempotent}
			if tt.method == http.MethodPost {
				req.Body = map[string]string{"out_request_no": "N1"}
			}
			resp, err := c.DoV3(context.Background(), req, &out)
			require.Equal(t, tt.wantAttempts, resp.Attempts)
			require.EqualValues(t, tt.wantAttempts, n.Load())
			if tt.wantErr == "" {
				require.NoError(t, err)
				require.True(t, out.OK)
			} else {
				var apiErr *wechatpay.APIError
				require.ErrorAs(t, err, &apiErr)
				require.Equal(t, tt.wantErr, apiErr.Code)
				require.Equal(t, "REQ-ERR", apiErr.RequestID)
				require.JSONEq(t, `{"field":"/x","location":"body"}`, string(apiErr.Detail))
			}
			for _, b := range bodies[1:] {
				require.Equal(t, bodies[0], b, "a retry sends the same body")
			}
		})
	}
}

func TestDoV3NeverRetriesAVerificationFailure(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(200) // unsigned 2xx: forged
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	defer srv.Close()
	var out map[string]any
	_, err := liveClient(t, srv).DoV3(context.Background(), &wechatpay.Request{Path: "/v3/x"}, &out)
	require.ErrorIs(t, err, wechatpay.ErrMissingHeader)
	require.Nil(t, out)
	require.EqualValues(t, 1, n.Load())
}

// TestBackupDomainAfterConnectionFailure needs a failure of one host name
// and success of another, which a loopback server cannot give: httpmock
// stands in for the real domains (PrimaryURL, BackupURL).
func TestBackupDomainAfterConnectionFailure(t *testing.T) {
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		t.Run(method, func(t *testing.T) {
			var hosts []string
			rec := httptest.NewRecorder()
			signResponse(t, rec, 200, `{"ok":true}`)
			mt := httpmock.NewMockTransport()
			mt.RegisterResponder(method, wechatpay.PrimaryURL+"/v3/x", func(r *http.Request) (*http.Response, error) {
				hosts = append(hosts, r.URL.Host)
				return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
			})
			mt.RegisterResponder(method, wechatpay.BackupURL+"/v3/x", func(r *http.Request) (*http.Response, error) {
				hosts = append(hosts, r.URL.Host)
				resp := httpmock.NewBytesResponse(200, rec.Body.Bytes())
				resp.Header = rec.Header().Clone()
				return resp, nil
			})
			c := vectorClient(t, time.Now().Unix(), mt, wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))
			var out struct{ OK bool }
			req := &wechatpay.Request{Method: method, Path: "/v3/x"}
			if method == http.MethodPost {
				req.Body = []byte(`{}`) // not re-entrant, yet safe: the request never left
			}
			resp, err := c.DoV3(context.Background(), req, &out)
			require.NoError(t, err)
			require.True(t, out.OK)
			require.Equal(t, 2, resp.Attempts)
			require.Equal(t, []string{"api.mch.weixin.qq.com", "api2.mch.weixin.qq.com"}, hosts)
			require.Equal(t, 2, mt.GetTotalCallCount())
		})
	}
	t.Run("global APIs stay on apihk", func(t *testing.T) {
		var hosts []string
		rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			hosts = append(hosts, r.URL.Host)
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
		})
		c := vectorClient(t, time.Now().Unix(), rt, wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))
		_, err := c.DoV3(context.Background(), &wechatpay.Request{Path: "/v3/global/x", Global: true}, nil)
		var te *wechatpay.TransportError
		require.ErrorAs(t, err, &te)
		require.Equal(t, []string{"apihk.mch.weixin.qq.com", "apihk.mch.weixin.qq.com"}, hosts)
	})
	t.Run("POST not retried after a failure mid-exchange", func(t *testing.T) {
		var n int
		rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			n++
			return nil, io.ErrUnexpectedEOF
		})
		c := vectorClient(t, time.Now().Unix(), rt, wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))
		_, err := c.DoV3(context.Background(), &wechatpay.Request{Method: http.MethodPost, Path: "/v3/x", Body: []byte(`{}`)}, nil)
		require.ErrorIs(t, err, io.ErrUnexpectedEOF)
		require.Equal(t, 1, n)
	})
}

// TestCertificateFailureIsNotRetriedOnTheSameHost: a server certificate
// that does not verify will not verify on the next attempt to the same
// host; only the move from api to api2 is worth one more (issue 19 item
// 15).
func TestCertificateFailureIsNotRetriedOnTheSameHost(t *testing.T) {
	policy := wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond})
	both := []string{"api.mch.weixin.qq.com", "api2.mch.weixin.qq.com"}
	for _, tt := range []struct {
		name  string
		req   *wechatpay.Request
		hosts []string
	}{
		{"api, then api2", &wechatpay.Request{Path: "/v3/x"}, both},
		{"a POST too: nothing was sent", &wechatpay.Request{Method: http.MethodPost, Path: "/v3/x", Body: []byte(`{}`)}, both},
		{"apihk has no backup", &wechatpay.Request{Path: "/v3/global/x", Global: true}, []string{"apihk.mch.weixin.qq.com"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var hosts []string
			rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
				hosts = append(hosts, r.URL.Host)
				return nil, &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}
			})
			resp, err := vectorClient(t, time.Now().Unix(), rt, policy).DoV3(context.Background(), tt.req, nil)
			var te *wechatpay.TransportError
			require.ErrorAs(t, err, &te)
			var ce *tls.CertificateVerificationError
			require.ErrorAs(t, err, &ce)
			require.Equal(t, tt.hosts, hosts)
			require.Equal(t, len(tt.hosts), resp.Attempts)
		})
	}

	t.Run("an untrusted loopback server over real TLS", func(t *testing.T) {
		var hellos atomic.Int32
		srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
			t.Error("no request may arrive")
		}))
		srv.TLS = &tls.Config{GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
			hellos.Add(1)
			return nil, nil
		}}
		srv.Config.ErrorLog = log.New(io.Discard, "", 0)
		srv.StartTLS()
		defer srv.Close()
		// The SDK's own transport trusts the system's roots, not the
		// test server's certificate.
		c := vectorClient(t, time.Now().Unix(), nil, wechatpay.WithBaseURL(srv.URL), policy)
		defer c.Close()
		resp, err := c.DoV3(context.Background(), &wechatpay.Request{Path: "/v3/x"}, nil)
		var ce *tls.CertificateVerificationError
		require.ErrorAs(t, err, &ce)
		require.Equal(t, 1, resp.Attempts)
		require.EqualValues(t, 1, hellos.Load())
	})
}

// TestQueryOfTheRequestTarget: Query, when not nil, replaces RawQuery, and
// an empty one sends the bare path (no "?"), as the signature covers it.
func TestQueryOfTheRequestTarget(t *testing.T) {
	var mu sync.Mutex
	var got []string
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.RequestURI)
		mu.Unlock()
		signResponse(t, w, 200, `{}`)
	}))
	defer srv.Close()
	c := liveClient(t, srv)
	for _, req := range []*wechatpay.Request{
		{Path: "/v3/x", Query: url.Values{}, RawQuery: "ignored=1"},
		{Path: "/v3/x", RawQuery: "a=1"},
		{Path: "/v3/x", Query: url.Values{"b": {"2 3"}}, RawQuery: "ignored=1"},
	} {
		_, err := c.DoV3(context.Background(), req, nil)
		require.NoError(t, err)
	}
	mu.Lock()
	defer mu.Unlock()
	require.Equal(t, []string{"/v3/x", "/v3/x?a=1", "/v3/x?b=2+3"}, got)
}

func TestResponseSizeLimit(t *testing.T) {
	big := `{"pad":"` + strings.Repeat("x", 2000) + `"}`
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		signResponse(t, w, 200, big)
	}))
	defer srv.Close()
	var out map[string]any
	_, err := liveClient(t, srv, wechatpay.WithMaxResponseBytes(1000)).DoV3(context.Background(), &wechatpay.Request{Path: "/v3/x"}, &out)
	require.ErrorIs(t, err, wechatpay.ErrResponseTooLarge)
	require.Nil(t, out)
	_, err = liveClient(t, srv, wechatpay.WithMaxResponseBytes(int64(len(big)))).DoV3(context.Background(), &wechatpay.Request{Path: "/v3/x"}, &out)
	require.NoError(t, err)
}

func TestContextAndTimeout(t *testing.T) {
	release := make(chan struct{})
	arrived := make(chan struct{}, 1)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case arrived <- struct{}{}:
		default:
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)

	// Cancelled while the server holds the request.
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-arrived
		cancel()
	}()
	_, err := liveClient(t, srv).DoV3(ctx, &wechatpay.Request{Path: "/v3/x"}, nil)
	require.ErrorIs(t, err, context.Canceled)

	_, err = liveClient(t, srv, wechatpay.WithTimeout(30*time.Millisecond)).DoV3(context.Background(), &wechatpay.Request{Path: "/v3/x"}, nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)

	// A later caller deadline does not lift the client's timeout ...
	ctx, cancel = context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	start := time.Now()
	_, err = liveClient(t, srv, wechatpay.WithTimeout(30*time.Millisecond)).DoV3(ctx, &wechatpay.Request{Path: "/v3/x"}, nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Less(t, time.Since(start), 10*time.Second)

	// ... and an earlier one bounds the call on its own.
	ctx, cancel = context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, err = liveClient(t, srv, wechatpay.WithTimeout(time.Hour)).DoV3(ctx, &wechatpay.Request{Path: "/v3/x"}, nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestCallerHeadersCanonicalAndUntouched(t *testing.T) {
	var got http.Header
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		signResponse(t, w, 200, `{}`)
	}))
	defer srv.Close()

	vals := make([]string, 1, 4) // spare capacity the client must not write into
	vals[0] = "a"
	h := http.Header{"x-trace": vals, "X-Trace": {"b"}, "X-Empty": {}}
	_, err := liveClient(t, srv).DoV3(context.Background(), &wechatpay.Request{Path: "/v3/x", Header: h}, nil)
	require.NoError(t, err)
	require.ElementsMatch(t, []string{"a", "b"}, got.Values("X-Trace"))
	require.NotContains(t, got, "X-Empty")
	require.Equal(t, []string{"a"}, vals)
	require.Equal(t, "", vals[:2][1], "nothing appended into the caller's array")
	require.Len(t, h, 3, "the caller's header is not modified")
	require.NotEmpty(t, got.Get("Authorization"))
	require.NotEmpty(t, got.Get("Wechatpay-Serial"))
}

func TestDebugLogKeepsSecretsOut(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			writeError(w, 400, "PARAM_ERROR")
			return
		}
		signResponse(t, w, 200, `{}`)
	}))
	defer srv.Close()
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := liveClient(t, srv, wechatpay.WithLogger(logger), wechatpay.WithAPIv3Key("TestOnlyApiV3Key0123456789abcdef"))
	enc, serial, err := c.EncryptSensitive("8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f")
	require.NoError(t, err)
	_, err = c.DoV3(context.Background(), &wechatpay.Request{Path: "/v3/x", Header: http.Header{"Wechatpay-Serial": {serial}}}, nil)
	require.NoError(t, err)
	_, err = c.DoV3(context.Background(), &wechatpay.Request{Method: "POST", Path: "/v3/y", Body: map[string]string{"bal_account_no": enc}}, nil)
	require.Error(t, err)

	out := logs.String()
	require.Contains(t, out, "path=/v3/x")
	require.Contains(t, out, "status=200")
	require.Contains(t, out, "request_id=REQ-")
	require.Contains(t, out, "status=400")
	for _, secret := range []string{"WECHATPAY2-SHA256-RSA2048", "signature=", "8609cb22", "TestOnlyApiV3Key", "PRIVATE KEY", enc} {
		require.NotContains(t, out, secret)
		require.NotContains(t, err.Error(), secret)
	}
}

func TestAPIErrorMatchesThroughWrapping(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, 404, "RESOURCE_NOT_EXISTS")
	}))
	defer srv.Close()
	_, err := liveClient(t, srv).DoV3(context.Background(), &wechatpay.Request{Path: "/v3/x"}, nil)
	wrapped := errors.Join(errors.New("context"), err)
	var apiErr *wechatpay.APIError
	require.ErrorAs(t, wrapped, &apiErr)
	require.Equal(t, 404, apiErr.StatusCode)
	require.Equal(t, "RESOURCE_NOT_EXISTS", apiErr.Code)
	require.False(t, apiErr.Temporary())
	require.Equal(t, "wechatpay: HTTP 404 RESOURCE_NOT_EXISTS: m (Request-ID REQ-ERR)", apiErr.Error())
}

func TestMalformedVerifiedBody(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		signResponse(t, w, 200, `{"ok":`)
	}))
	defer srv.Close()
	var out map[string]any
	_, err := liveClient(t, srv).DoV3(context.Background(), &wechatpay.Request{Path: "/v3/x"}, &out)
	require.ErrorIs(t, err, wechatpay.ErrMalformedResponse)
	var raw json.RawMessage
	_, err = liveClient(t, srv).DoV3(context.Background(), &wechatpay.Request{Path: "/v3/x"}, &raw)
	require.NoError(t, err)
	require.Equal(t, `{"ok":`, string(raw))
}

// TestRedirectIsNotFollowed: a signed request is not re-sent to wherever a
// 3xx points, with the SDK's own client (302 to a GET) or whichever client
// the caller passes (307 to a POST, issue 12 item 6), which is left alone.
func TestRedirectIsNotFollowed(t *testing.T) {
	for _, tt := range []struct {
		name   string
		status int
		req    wechatpay.Request
		// client returns a client of srv, and the caller's *http.Client
		// it was given, if any.
		client func(t *testing.T, srv *httptest.Server) (*wechatpay.Client, *http.Client)
	}{
		{"the SDK's client", http.StatusFound, wechatpay.Request{Path: "/v3/x"},
			func(t *testing.T, srv *httptest.Server) (*wechatpay.Client, *http.Client) {
				v := loadVectors(t)
				c, err := wechatpay.NewClient(
					wechatpay.WithMerchant(v.Identities.Merchant.MchID, v.Identities.Merchant.Serial, merchantKey(t)),
					wechatpay.WithPublicKey(pubKeyID, wechatpayPubKey(t)),
					wechatpay.WithBaseURL(srv.URL),
					wechatpay.WithTransport(srv.Client().Transport),
				)
				require.NoError(t, err)
				t.Cleanup(c.Close)
				return c, nil
			}},
		{"the caller's client", http.StatusTemporaryRedirect, wechatpay.Request{Method: http.MethodPost, Path: "/v3/x", Body: []byte(`{}`)},
			func(t *testing.T, srv *httptest.Server) (*wechatpay.Client, *http.Client) {
				mine := &http.Client{Transport: srv.Client().Transport}
				return liveClient(t, srv, wechatpay.WithHTTPClient(mine)), mine
			}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var hits atomic.Int32
			target := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				signResponse(t, w, 200, `{}`)
			}))
			defer target.Close()
			srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, target.URL+"/v3/x", tt.status)
			}))
			defer srv.Close()
			c, mine := tt.client(t, srv)
			_, err := c.DoV3(context.Background(), &tt.req, nil)
			var apiErr *wechatpay.APIError
			require.ErrorAs(t, err, &apiErr)
			require.Equal(t, tt.status, apiErr.StatusCode)
			require.Zero(t, hits.Load(), "the signed request was replayed to the redirect target")
			if mine != nil {
				require.Nil(t, mine.CheckRedirect, "the caller's client is not modified")
			}
		})
	}
}

func TestDoV3RefusesAnOutItCannotFill(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		signResponse(t, w, 200, `{}`)
	}))
	defer srv.Close()
	var m map[string]any
	for _, out := range []any{struct{}{}, m, (*struct{})(nil)} {
		_, err := liveClient(t, srv).DoV3(context.Background(), &wechatpay.Request{Method: http.MethodPost, Path: "/v3/x", Body: []byte(`{}`)}, out)
		var fe *wechatpay.FieldError
		require.ErrorAs(t, err, &fe)
		require.Equal(t, "out", fe.Field)
	}
	require.Zero(t, hits.Load(), "refused before any request")
}

func TestWithHTTPClientLeavesTheCallersClientAlone(t *testing.T) {
	mine := &http.Client{Timeout: time.Minute}
	v := loadVectors(t)
	_, err := wechatpay.NewClient(
		wechatpay.WithMerchant(v.Identities.Merchant.MchID, v.Identities.Merchant.Serial, merchantKey(t)),
		wechatpay.WithMerchantCertificate(merchantCert(t)),
		wechatpay.WithPublicKey(pubKeyID, wechatpayPubKey(t)),
		wechatpay.WithHTTPClient(mine),
	)
	require.NoError(t, err)
	require.Nil(t, mine.Transport)
	require.Nil(t, mine.CheckRedirect)
}

// TestExpiredCertificateIsNotTrusted: a platform certificate that expires
// while the process runs stops verifying, and a download forgets it.
func TestExpiredCertificateIsNotTrusted(t *testing.T) {
	cert := platformCert(t)
	key, err := wxcrypto.LoadPrivateKey(readFile(t, "wechatpay_platform_test_key.pem"))
	require.NoError(t, err)
	now := cert.NotAfter.Add(-time.Hour)
	v := wechatpay.NewVerifier(wechatpay.KeyModeCertificates, func() time.Time { return now })
	serial, err := v.AddCertificate(cert)
	require.NoError(t, err)
	signed := func() http.Header {
		ts := strconv.FormatInt(now.Unix(), 10)
		sig, err := wxcrypto.SignSHA256WithRSA(key, []byte(ts+"\nN\n{}\n"))
		require.NoError(t, err)
		return http.Header{"Wechatpay-Timestamp": {ts}, "Wechatpay-Nonce": {"N"}, "Wechatpay-Signature": {sig}, "Wechatpay-Serial": {serial}}
	}
	require.NoError(t, v.Verify(signed(), []byte("{}")))
	now = cert.NotAfter.Add(time.Hour)
	require.ErrorIs(t, v.Verify(signed(), []byte("{}")), wechatpay.ErrUnknownSerial)
	_, _, err = v.EncryptionKey()
	require.ErrorIs(t, err, wechatpay.ErrNoWechatpayKey)
}

// TestParseNotificationLowerCaseHeaderKeys: gateways and several frameworks
// hand over header maps with lower-case keys (issue 12 item 11).
func TestParseNotificationLowerCaseHeaderKeys(t *testing.T) {
	v := loadNotifyVector(t)
	c := notifyClient(t, v.Now)
	h := http.Header{}
	for k, val := range v.Headers {
		h[strings.ToLower(k)] = []string{val}
	}
	n, err := c.ParseNotification(h, []byte(v.Body))
	require.NoError(t, err)
	require.Equal(t, v.ExpectPlaintext, string(n.Plaintext))
	require.Len(t, h, len(v.Headers), "the caller's map is not modified")
}

// TestDotSegmentsRefusedBeforeIO: "." or ".." as a path value would be
// normalised away by a proxy (issue 12 item 8).
func TestDotSegmentsRefusedBeforeIO(t *testing.T) {
	var hits atomic.Int32
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		hits.Add(1)
		return nil, errors.New("no request may be sent")
	})
	c := vectorClient(t, time.Now().Unix(), rt)
	for _, v := range []string{".", ".."} {
		_, err := c.DoV3(context.Background(), &wechatpay.Request{Path: "/v3/x/{out_request_no}", PathParams: map[string]string{"out_request_no": v}}, nil)
		var fe *wechatpay.FieldError
		require.ErrorAs(t, err, &fe, v)
		require.Equal(t, "out_request_no", fe.Field)
	}
	require.Zero(t, hits.Load())
}

// TestInvalidInputIsAFieldError: an invalid method or header value, and a
// nil context, are the caller's input (issue 12 item 9).
func TestInvalidInputIsAFieldError(t *testing.T) {
	var hits atomic.Int32
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		hits.Add(1)
		return nil, errors.New("no request may be sent")
	})
	c := vectorClient(t, time.Now().Unix(), rt, wechatpay.WithAppID("wxd678efh567hg6787"))
	for name, req := range map[string]*wechatpay.Request{
		"method":       {Method: "GE T", Path: "/v3/x"},
		"header value": {Path: "/v3/x", Header: http.Header{"X-Trace": {"a\r\nInjected: 1"}}},
		"header name":  {Path: "/v3/x", Header: http.Header{"X Trace": {"a"}}},
	} {
		_, err := c.DoV3(context.Background(), req, nil)
		var fe *wechatpay.FieldError
		require.ErrorAs(t, err, &fe, name)
		var te *wechatpay.TransportError
		require.False(t, errors.As(err, &te), name)
	}
	_, err := c.DoV3(nil, &wechatpay.Request{Path: "/v3/x"}, nil) //lint:ignore SA1012 a nil context is the point
	require.ErrorIs(t, err, wechatpay.ErrInvalidInput)
	_, _, err = c.DoV2(nil, &wechatpay.V2Request{Path: "/x"}) //lint:ignore SA1012 a nil context is the point
	require.ErrorIs(t, err, wechatpay.ErrInvalidInput)
	_, err = querySeedRedPacket(nil, c) //lint:ignore SA1012 a nil context is the point
	require.ErrorContains(t, err, "nil context", "and so every service")
	_, err = querySeedReduction(nil, c) //lint:ignore SA1012 a nil context is the point
	require.ErrorContains(t, err, "nil context", "and so every service")
	require.Zero(t, hits.Load())
}

// TestTransportErrorNamesMethodPathAndCauseOnce: no query in the message,
// no repetition of method and path (issue 12 item 10).
func TestTransportErrorNamesMethodPathAndCauseOnce(t *testing.T) {
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	})
	c := vectorClient(t, time.Now().Unix(), rt)
	_, err := c.DoV3(context.Background(), &wechatpay.Request{Path: "/v3/x", RawQuery: "bal_account_no=SECRETCIPHER&transaction_id=4208"}, nil)
	var te *wechatpay.TransportError
	require.ErrorAs(t, err, &te)
	require.Equal(t, "/v3/x", te.Path)
	msg := err.Error()
	require.NotContains(t, msg, "SECRETCIPHER")
	require.NotContains(t, msg, "4208")
	require.Equal(t, 1, strings.Count(msg, "/v3/x"), msg)
	require.Equal(t, 1, strings.Count(msg, "GET"), msg)
	require.Contains(t, msg, "connection refused")
}

// TestPeerValuesAreCutShort: unauthenticated header values and error bodies
// reach errors and logs only as a short prefix; the SDK's own transport
// refuses a huge response header block (issue 12 item 7).
func TestPeerValuesAreCutShort(t *testing.T) {
	huge := strings.Repeat("S", 1<<20)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Request-ID", huge)
		switch r.URL.Path {
		case "/v3/serial":
			signResponse(t, w, 200, `{}`)
			return // never reached: signResponse wrote
		case "/v3/error":
			w.WriteHeader(400)
			_, _ = io.WriteString(w, `{"code":"`+huge+`","message":"`+huge+`"}`)
		}
	}))
	defer srv.Close()
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := liveClient(t, srv, wechatpay.WithLogger(logger), wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 1}))
	_, err := c.DoV3(context.Background(), &wechatpay.Request{Path: "/v3/error"}, nil)
	var apiErr *wechatpay.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Less(t, len(err.Error()), 1024)
	require.Less(t, len(apiErr.RequestID), 1024)
	require.Less(t, logs.Len(), 4096)

	// An unknown Wechatpay-Serial of 1 MiB.
	v := loadNotifyVector(t)
	nc := notifyClient(t, v.Now, wechatpay.WithLogger(logger))
	h := v.Header()
	h.Set("Wechatpay-Serial", huge)
	_, err = nc.ParseNotification(h, []byte(v.Body))
	require.ErrorIs(t, err, wechatpay.ErrUnknownSerial)
	require.Less(t, len(err.Error()), 1024)
	logs.Reset()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/notify", strings.NewReader(v.Body))
	req.Header = h
	notifyHandler(t, nc, func(context.Context, *wechatpay.Notification) error { return nil }).ServeHTTP(rec, req)
	require.Equal(t, http.StatusUnauthorized, rec.Code)
	require.NotZero(t, logs.Len())
	require.Less(t, logs.Len(), 4096)
}

// TestOwnTransportLimitsResponseHeaders: 8 MiB of response headers is no
// WeChat Pay answer (issue 12 item 7).
func TestOwnTransportLimitsResponseHeaders(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for i := range 8 {
			w.Header().Set("X-Pad-"+strconv.Itoa(i), strings.Repeat("p", 1<<20))
		}
		signResponse(t, w, 200, `{}`)
	}))
	defer srv.Close()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	v := loadVectors(t)
	c, err := wechatpay.NewClient(
		wechatpay.WithMerchant(v.Identities.Merchant.MchID, v.Identities.Merchant.Serial, merchantKey(t)),
		wechatpay.WithPublicKey(pubKeyID, wechatpayPubKey(t)),
		wechatpay.WithBaseURL(srv.URL),
		wechatpay.WithRootCAs(pool),
		wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 1}),
	)
	require.NoError(t, err)
	defer c.Close()
	_, err = c.DoV3(context.Background(), &wechatpay.Request{Path: "/v3/x"}, nil)
	var te *wechatpay.TransportError
	require.ErrorAs(t, err, &te)
	require.Less(t, len(err.Error()), 1024)
}

// TestInformationalAnswersFailAtOnce: a 101 Switching Protocols (whose body
// ignores the request's context) or another 1xx answer followed by silence
// is a transport error at once (issue 12 item 1).
func TestInformationalAnswersFailAtOnce(t *testing.T) {
	for _, status := range []string{"101 Switching Protocols", "102 Processing", "199 Whatever"} {
		t.Run(status, func(t *testing.T) {
			release := make(chan struct{})
			srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				conn, rw, err := http.NewResponseController(w).Hijack()
				if err != nil {
					t.Errorf("hijack: %v", err)
					return
				}
				defer conn.Close()
				_, _ = rw.WriteString("HTTP/1.1 " + status + "\r\nConnection: Upgrade\r\nUpgrade: x-test\r\n\r\n")
				_ = rw.Flush()
				<-release // then silence
			}))
			defer srv.Close()
			defer close(release)
			c := liveClient(t, srv, wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 1}), wechatpay.WithTimeout(0))
			done := make(chan error, 1)
			go func() {
				_, err := c.DoV3(context.Background(), &wechatpay.Request{Path: "/v3/x"}, nil)
				done <- err
			}()
			select {
			case err := <-done:
				var te *wechatpay.TransportError
				require.ErrorAs(t, err, &te)
				require.Contains(t, err.Error(), status[:3])
			case <-time.After(time.Minute): // a safety net, not a margin: the call never ends otherwise
				t.Fatal("the call hangs")
			}
		})
	}
}

// blockingBody is a response body whose Read blocks until Close, as the
// body of a 101 answer does whatever the request's context says.
type blockingBody struct {
	reading chan struct{}
	closed  chan struct{}
	once    sync.Once
}

func (b *blockingBody) Read([]byte) (int, error) {
	close(b.reading)
	<-b.closed
	return 0, net.ErrClosed
}

func (b *blockingBody) Close() error {
	b.once.Do(func() { close(b.closed) })
	return nil
}

// TestBodyReadBoundedByTheCallsContext: a transport whose body ignores the
// context cannot keep a call past its end (issue 12 item 1).
func TestBodyReadBoundedByTheCallsContext(t *testing.T) {
	body := &blockingBody{reading: make(chan struct{}), closed: make(chan struct{})}
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Header: http.Header{}, Body: body, Request: r}, nil
	})
	c := vectorClient(t, time.Now().Unix(), rt)
	requireEndsOnCancel(t, c, body.reading, func() { _ = body.Close() })
}

// requireEndsOnCancel makes a DoV3 call of c, cancels its context once
// reading is closed (the client is reading the body), and requires the
// call to end with context.Canceled; onStuck runs before the test fails
// if it does not.
func requireEndsOnCancel(t *testing.T, c *wechatpay.Client, reading <-chan struct{}, onStuck func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-reading
		cancel()
	}()
	done := make(chan error, 1)
	go func() {
		_, err := c.DoV3(ctx, &wechatpay.Request{Path: "/v3/x"}, nil)
		done <- err
	}()
	select {
	case err := <-done:
		require.ErrorIs(t, err, context.Canceled)
	case <-time.After(time.Minute): // a safety net, not a margin
		onStuck()
		t.Fatal("the body read outlived the call's context")
	}
}

// TestStdTransportBodyReadEndsWithTheContext: with net/http's Transport,
// which the client leaves to end its own body reads, a body that stalls
// half-way ends with the call's context too, over HTTP/1.1 and HTTP/2.
func TestStdTransportBodyReadEndsWithTheContext(t *testing.T) {
	for _, h2 := range []bool{false, true} {
		t.Run(map[bool]string{false: "HTTP/1.1", true: "HTTP/2"}[h2], func(t *testing.T) {
			sent, release := make(chan struct{}), make(chan struct{})
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", "100")
				_, _ = w.Write([]byte(`{"half":`))
				w.(http.Flusher).Flush()
				close(sent)
				select {
				case <-release:
				case <-r.Context().Done():
				}
			}))
			srv.EnableHTTP2 = h2
			srv.StartTLS()
			defer srv.Close()
			defer close(release)
			c := vectorClient(t, time.Now().Unix(), nil, wechatpay.WithHTTPClient(srv.Client()), wechatpay.WithBaseURL(srv.URL))
			// sent: the client has the headers and is reading the body.
			requireEndsOnCancel(t, c, sent, func() {})
		})
	}
}

// TestContextEndedBeforeVerificationIsNeverSuccess: when the caller gives
// up while the answer arrives, the call reports the context's error, never
// the answer's verdict (issue 12 item 5). A plain RoundTripper makes the
// order certain: the context ends, then the answer is handed back.
func TestContextEndedBeforeVerificationIsNeverSuccess(t *testing.T) {
	for _, tc := range []struct {
		name   string
		signed bool
	}{{"signed answer", true}, {"unsigned answer", false}} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
				cancel() // the caller gives up as the answer arrives
				h := http.Header{}
				if tc.signed {
					h = signedHeaders(t, []byte(okBody))
				}
				return &http.Response{StatusCode: 200, Header: h, Body: io.NopCloser(strings.NewReader(okBody)), Request: r}, nil
			})
			c := vectorClient(t, time.Now().Unix(), rt)
			var out map[string]any
			resp, err := c.DoV3(ctx, &wechatpay.Request{Path: "/v3/x"}, &out)
			require.ErrorIs(t, err, context.Canceled)
			require.NotErrorIs(t, err, wechatpay.ErrInvalidSignature)
			var te *wechatpay.TransportError
			require.ErrorAs(t, err, &te)
			require.Nil(t, out)
			require.Equal(t, 1, resp.Attempts)
		})
	}
}

// TestRetryAfterOn429: a 429's Retry-After sets the wait before the retry
// (resty's SetRetryAfter), within the policy's MaxDelay.
func TestRetryAfterOn429(t *testing.T) {
	rec := httptest.NewRecorder()
	signResponse(t, rec, 200, `{"ok":true}`)
	var times []time.Time
	mt := httpmock.NewMockTransport()
	limited := httpmock.NewStringResponse(429, `{"code":"FREQUENCY_LIMITED","message":"m"}`)
	limited.Header.Set("Retry-After", "1")
	mt.RegisterResponder(http.MethodGet, wechatpay.PrimaryURL+"/v3/x", func(r *http.Request) (*http.Response, error) {
		times = append(times, time.Now())
		if len(times) == 1 {
			return limited, nil
		}
		resp := httpmock.NewBytesResponse(200, rec.Body.Bytes())
		resp.Header = rec.Header().Clone()
		return resp, nil
	})
	c := vectorClient(t, time.Now().Unix(), mt, wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Second}))
	var out struct{ OK bool }
	resp, err := c.DoV3(context.Background(), &wechatpay.Request{Path: "/v3/x"}, &out)
	require.NoError(t, err)
	require.True(t, out.OK)
	require.Equal(t, 2, resp.Attempts)
	require.GreaterOrEqual(t, times[1].Sub(times[0]), time.Second, "the retry waited as Retry-After asked")
}

// TestEveryAttemptSignedAfresh: resty's retry re-runs the signing hook, so
// each attempt carries its own Authorization over the exact request sent
// (v3) or its own nonce_str and sign (v2).
func TestEveryAttemptSignedAfresh(t *testing.T) {
	now := time.Now().Unix()
	t.Run("v3", func(t *testing.T) {
		var reqs []*http.Request
		var bodies [][]byte
		mt := httpmock.NewMockTransport()
		mt.RegisterResponder(http.MethodPost, wechatpay.PrimaryURL+"/v3/x", func(r *http.Request) (*http.Response, error) {
			body, err := io.ReadAll(r.Body)
			reqs, bodies = append(reqs, r), append(bodies, body)
			return httpmock.NewStringResponse(500, `{"code":"SYSTEM_ERROR","message":"m"}`), err
		})
		c := vectorClient(t, now, mt, wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))
		resp, err := c.DoV3(context.Background(), &wechatpay.Request{Method: http.MethodPost, Path: "/v3/x", Body: map[string]string{"out_request_no": "N1"}, Idempotent: true}, nil)
		var apiErr *wechatpay.APIError
		require.ErrorAs(t, err, &apiErr)
		require.Equal(t, 3, resp.Attempts)
		require.Len(t, reqs, 3)
		for i, r := range reqs {
			require.Equal(t, `{"out_request_no":"N1"}`, string(bodies[i]))
			requireAuthorizationVerifies(t, r, bodies[i], now)
		}
		require.NotEqual(t, reqs[0].Header.Get("Authorization"), reqs[1].Header.Get("Authorization"))
		require.NotEqual(t, reqs[1].Header.Get("Authorization"), reqs[2].Header.Get("Authorization"))
	})
	t.Run("v2", func(t *testing.T) {
		var bodies []string
		record := func(r *http.Request) (*http.Response, error) {
			body, _ := io.ReadAll(r.Body)
			bodies = append(bodies, string(body))
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
		}
		mt := httpmock.NewMockTransport()
		mt.RegisterResponder(http.MethodPost, wechatpay.PrimaryURL+"/pay/x", record)
		mt.RegisterResponder(http.MethodPost, wechatpay.BackupURL+"/pay/x", record)
		c := vectorClient(t, now, mt, wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))
		_, resp, err := c.DoV2(context.Background(), &wechatpay.V2Request{Path: "/pay/x", Params: map[string]string{"mch_id": "1900016681"}})
		var te *wechatpay.TransportError
		require.ErrorAs(t, err, &te)
		require.Equal(t, 2, resp.Attempts)
		require.Len(t, bodies, 2)
		require.Contains(t, bodies[0], "<nonce_str>")
		require.Contains(t, bodies[0], "<sign>")
		require.NotEqual(t, bodies[0], bodies[1], "a fresh nonce_str and sign")
	})
}

// TestConfigErrorSaysItsPrefixOnce: a construction error reads
// "wechatpay: invalid configuration: invalid apiv3_key: ...", matching
// ErrInvalidConfig and the *FieldError behind it.
func TestConfigErrorSaysItsPrefixOnce(t *testing.T) {
	key, err := wxcrypto.LoadPrivateKeyFile("testdata/merchant_test_key.pem")
	require.NoError(t, err)
	_, err = wechatpay.NewClient(wechatpay.WithMerchant("1900016681", "ABC", key), wechatpay.WithAPIv3Key("short"))
	require.ErrorIs(t, err, wechatpay.ErrInvalidConfig)
	var fe *wechatpay.FieldError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "apiv3_key", fe.Field)
	require.Equal(t, 1, strings.Count(err.Error(), "wechatpay: "), err.Error())
	require.True(t, strings.HasPrefix(err.Error(), "wechatpay: invalid configuration: invalid apiv3_key: "), err.Error())
}
