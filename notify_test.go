package wechatpay_test

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
	"github.com/gowechatpay/wechatpay/internal/testvectors"
)

const (
	ntAPIv3Key   = "TestOnlyApiV3Key0123456789abcdef"
	ntPubKeyID   = "PUB_KEY_ID_0114232134912410000000000000"
	ntMchID      = "1900016681"
	ntMchSerial  = "1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D"
	ntPlatSerial = "5F0E1D2C3B4A59687766554433221100FFEEDDCC"
)

// loadNotifyVector is the v3_notification vector of testdata/vectors.json.
func loadNotifyVector(t testing.TB) *testvectors.Notification {
	return &testvectors.Load(t).Notification
}

func ntReadFile(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return data
}

func ntPrivateKey(t testing.TB, name string) *rsa.PrivateKey {
	t.Helper()
	k, err := wxcrypto.LoadPrivateKey(ntReadFile(t, name))
	require.NoError(t, err)
	return k
}

// notifyClient holds the test identities and a clock fixed at now.
func notifyClient(t testing.TB, now int64, extra ...wechatpay.Option) *wechatpay.Client {
	t.Helper()
	pub, err := wxcrypto.LoadPublicKey(ntReadFile(t, "wechatpay_pubkey_test.pem"))
	require.NoError(t, err)
	cert, err := wxcrypto.LoadCertificate(ntReadFile(t, "wechatpay_platform_test_cert.pem"))
	require.NoError(t, err)
	opts := []wechatpay.Option{
		wechatpay.WithMerchantPEM(ntMchID, ntMchSerial, ntReadFile(t, "merchant_test_key.pem")),
		wechatpay.WithPublicKey(ntPubKeyID, pub),
		wechatpay.WithPlatformCertificates(cert),
		wechatpay.WithAPIv3Key(ntAPIv3Key),
		wechatpay.WithClock(func() time.Time { return time.Unix(now, 0) }),
	}
	c, err := wechatpay.NewClient(append(opts, extra...)...)
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return c
}

// signCallback signs body as WeChat Pay would, with key under serial.
func signCallback(t testing.TB, key *rsa.PrivateKey, serial string, ts int64, body []byte) http.Header {
	t.Helper()
	nonce := "n0nce" + strconv.FormatInt(ts, 10)
	msg := strconv.FormatInt(ts, 10) + "\n" + nonce + "\n" + string(body) + "\n"
	sig, err := wxcrypto.SignSHA256WithRSA(key, []byte(msg))
	require.NoError(t, err)
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set(wechatpay.HeaderTimestamp, strconv.FormatInt(ts, 10))
	h.Set(wechatpay.HeaderNonce, nonce)
	h.Set(wechatpay.HeaderSignature, sig)
	h.Set(wechatpay.HeaderSerial, serial)
	h.Set(wechatpay.HeaderSignatureType, wechatpay.AuthScheme)
	return h
}

// callbackBody builds an envelope whose resource is plaintext sealed with
// the test APIv3 key; edit changes the resource before it is encoded.
func callbackBody(t testing.TB, plaintext string, edit func(r map[string]any)) []byte {
	t.Helper()
	nonce := "abcdefghijkl"
	ct, err := wxcrypto.SealAESGCM([]byte(ntAPIv3Key), []byte(nonce), []byte("transaction"), []byte(plaintext))
	require.NoError(t, err)
	res := map[string]any{
		"algorithm": "AEAD_AES_256_GCM", "ciphertext": ct, "associated_data": "transaction",
		"original_type": "transaction", "nonce": nonce,
	}
	if edit != nil {
		edit(res)
	}
	body, err := json.Marshal(map[string]any{
		"id": "EV-TEST-1", "create_time": "2025-10-09T17:00:01+08:00", "resource_type": "encrypt-resource",
		"event_type": "TRANSACTION.SUCCESS", "summary": "支付成功", "resource": res,
	})
	require.NoError(t, err)
	return body
}

func TestParseNotificationVector(t *testing.T) {
	v := loadNotifyVector(t)
	c := notifyClient(t, v.Now)
	n, err := c.ParseNotification(v.Header(), []byte(v.Body))
	require.NoError(t, err)
	require.Equal(t, v.ExpectPlaintext, string(n.Plaintext))
	require.Equal(t, v.ExpectEnvelope.ID, n.ID)
	require.Equal(t, v.ExpectEnvelope.EventType, n.EventType)
	require.Equal(t, v.ExpectEnvelope.ResourceType, n.ResourceType)
	require.Equal(t, v.ExpectEnvelope.Summary, n.Summary)
	want, err := time.Parse(time.RFC3339, v.ExpectEnvelope.CreateTime)
	require.NoError(t, err)
	require.True(t, want.Equal(n.CreateTime))
	require.Equal(t, "AEAD_AES_256_GCM", n.Resource.Algorithm)
	require.Equal(t, "transaction", n.Resource.OriginalType)

	var tx struct {
		OutTradeNo string `json:"out_trade_no"`
		TradeState string `json:"trade_state"`
		Amount     struct {
			Total int64 `json:"total"`
		} `json:"amount"`
	}
	require.NoError(t, n.Decode(&tx))
	require.Equal(t, "TESTORDER20251009000001", tx.OutTradeNo)
	require.Equal(t, "SUCCESS", tx.TradeState)
	require.Equal(t, int64(100), tx.Amount.Total)

	var wrong struct {
		Amount string `json:"amount"`
	}
	require.ErrorIs(t, n.Decode(&wrong), wechatpay.ErrMalformedNotification)

	// Neither String nor LogValue shows the plaintext.
	require.NotContains(t, n.String(), "TESTORDER")
	require.Contains(t, n.String(), v.ExpectEnvelope.ID)
	require.NotContains(t, n.LogValue().String(), "TESTORDER")
}

func TestParseNotificationRequestKeepsBody(t *testing.T) {
	v := loadNotifyVector(t)
	c := notifyClient(t, v.Now)
	r := httptest.NewRequest(http.MethodPost, "/notify", strings.NewReader(v.Body))
	r.Header = v.Header()
	n, err := c.ParseNotificationRequest(r)
	require.NoError(t, err)
	require.Equal(t, v.ExpectPlaintext, string(n.Plaintext))
	again, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	require.Equal(t, v.Body, string(again))
	require.NoError(t, r.Body.Close())

	// A body over the limit is refused and still handed back whole.
	big := bytes.Repeat([]byte("x"), wechatpay.MaxNotificationBytes+10)
	r = httptest.NewRequest(http.MethodPost, "/notify", bytes.NewReader(big))
	r.Header = v.Header()
	_, err = c.ParseNotificationRequest(r)
	require.ErrorIs(t, err, wechatpay.ErrResponseTooLarge)
	again, err = io.ReadAll(r.Body)
	require.NoError(t, err)
	require.Equal(t, big, again)

	_, err = c.ParseNotificationRequest(nil)
	require.ErrorIs(t, err, wechatpay.ErrInvalidInput)
}

func TestParseNotificationRefusals(t *testing.T) {
	v := loadNotifyVector(t)
	now := v.Now
	pubKey := ntPrivateKey(t, "wechatpay_pubkey_test_key.pem")
	platKey := ntPrivateKey(t, "wechatpay_platform_test_key.pem")
	plain := `{"out_trade_no":"T1"}`

	type tc struct {
		name       string
		header     http.Header
		body       []byte
		wantErr    error
		wantStatus int
	}
	signed := func(body []byte) http.Header { return signCallback(t, pubKey, ntPubKeyID, now, body) }
	tampered := []byte(strings.Replace(v.Body, "支付成功", "支付失败", 1))
	probe := v.Header()
	probe.Set(wechatpay.HeaderSignature, "WECHATPAY/SIGNTEST/"+v.Headers["Wechatpay-Signature"])
	unknown := v.Header()
	unknown.Set(wechatpay.HeaderSerial, "PUB_KEY_ID_0999999999999999999999999999")
	missing := v.Header()
	missing.Del(wechatpay.HeaderNonce)

	wrongAlgo := callbackBody(t, plain, func(r map[string]any) { r["algorithm"] = "AEAD_CHACHA20_POLY1305" })
	badNonce := callbackBody(t, plain, func(r map[string]any) { r["nonce"] = "short" })
	badCipher := callbackBody(t, plain, func(r map[string]any) {
		ct := r["ciphertext"].(string)
		r["ciphertext"] = "AAAA" + ct[4:]
	})
	wrongAAD := callbackBody(t, plain, func(r map[string]any) { r["associated_data"] = "refund" })
	notJSON := callbackBody(t, "not json", nil)
	noID := []byte(strings.Replace(string(callbackBody(t, plain, nil)), `"id":"EV-TEST-1"`, `"id":""`, 1))
	badTime := []byte(strings.Replace(string(callbackBody(t, plain, nil)), "2025-10-09T17:00:01+08:00", "yesterday", 1))
	noResource := []byte(`{"id":"EV-1","event_type":"X"}`)

	cases := []tc{
		{"tampered body", v.Header(), tampered, wechatpay.ErrBadSignature, 401},
		{"probe", probe, []byte(v.Body), wechatpay.ErrSignatureProbe, 401},
		{"stale", signCallback(t, pubKey, ntPubKeyID, now-301, []byte(v.Body)), []byte(v.Body), wechatpay.ErrStaleTimestamp, 401},
		{"future", signCallback(t, pubKey, ntPubKeyID, now+301, []byte(v.Body)), []byte(v.Body), wechatpay.ErrStaleTimestamp, 401},
		{"unknown serial", unknown, []byte(v.Body), wechatpay.ErrUnknownSerial, 401},
		{"missing nonce", missing, []byte(v.Body), wechatpay.ErrMissingHeader, 401},
		{"wrong key for serial", signCallback(t, platKey, ntPubKeyID, now, []byte(v.Body)), []byte(v.Body), wechatpay.ErrBadSignature, 401},
		{"wrong algorithm", signed(wrongAlgo), wrongAlgo, wechatpay.ErrUnsupportedAlgorithm, 400},
		{"bad nonce length", signed(badNonce), badNonce, wechatpay.ErrDecrypt, 400},
		{"bad ciphertext", signed(badCipher), badCipher, wechatpay.ErrDecrypt, 400},
		{"wrong associated data", signed(wrongAAD), wrongAAD, wechatpay.ErrDecrypt, 400},
		{"plaintext not JSON", signed(notJSON), notJSON, wechatpay.ErrMalformedNotification, 400},
		{"no id", signed(noID), noID, wechatpay.ErrMalformedNotification, 400},
		{"bad create_time", signed(badTime), badTime, wechatpay.ErrMalformedNotification, 400},
		{"no resource", signed(noResource), noResource, wechatpay.ErrMalformedNotification, 400},
		{"envelope not JSON", signed([]byte("[1,2")), []byte("[1,2"), wechatpay.ErrMalformedNotification, 400},
	}

	c := notifyClient(t, now)
	var handled int
	srv := httptest.NewServer(notifyHandler(t, c, func(context.Context, *wechatpay.Notification) error {
		handled++
		return nil
	}))
	t.Cleanup(srv.Close)
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			n, err := c.ParseNotification(tt.header, tt.body)
			require.ErrorIs(t, err, tt.wantErr)
			require.Nil(t, n)
			if tt.wantStatus == 401 {
				require.ErrorIs(t, err, wechatpay.ErrInvalidSignature)
			} else {
				require.NotErrorIs(t, err, wechatpay.ErrInvalidSignature)
			}
			require.NotContains(t, err.Error(), "T1")

			status, reply := postCallback(t, srv.URL, tt.header, tt.body)
			require.Equal(t, tt.wantStatus, status)
			require.Equal(t, "FAIL", reply.Code)
			require.NotEmpty(t, reply.Message)
			require.NotContains(t, reply.Message, ntAPIv3Key)
			require.NotContains(t, reply.Message, "T1")
		})
	}
	require.Zero(t, handled)

	// The same callbacks verify with the platform certificate too.
	ok := callbackBody(t, plain, nil)
	n, err := c.ParseNotification(signCallback(t, platKey, ntPlatSerial, now, ok), ok)
	require.NoError(t, err)
	require.JSONEq(t, plain, string(n.Plaintext))

	// A client without the APIv3 key says so.
	pub, err := wxcrypto.LoadPublicKey(ntReadFile(t, "wechatpay_pubkey_test.pem"))
	require.NoError(t, err)
	noKey, err := wechatpay.NewClient(
		wechatpay.WithMerchantPEM(ntMchID, ntMchSerial, ntReadFile(t, "merchant_test_key.pem")),
		wechatpay.WithPublicKey(ntPubKeyID, pub),
		wechatpay.WithClock(func() time.Time { return time.Unix(now, 0) }))
	require.NoError(t, err)
	_, err = noKey.ParseNotification(v.Header(), []byte(v.Body))
	require.ErrorIs(t, err, wechatpay.ErrInvalidConfig)
	// ... and so does its NotificationHandler, when it is built rather than
	// at the first callback (it answered every callback 500 before).
	h, err := noKey.NotificationHandler(func(context.Context, *wechatpay.Notification) error { return nil })
	require.Nil(t, h)
	require.ErrorIs(t, err, wechatpay.ErrInvalidConfig)
	require.ErrorContains(t, err, "apiv3_key")
	require.ErrorContains(t, err, "WithAPIv3Key")
	_, err = c.NotificationHandler(nil)
	require.ErrorIs(t, err, wechatpay.ErrInvalidConfig)

	// Oversized bodies are refused before anything else.
	_, err = c.ParseNotification(v.Header(), make([]byte, wechatpay.MaxNotificationBytes+1))
	require.ErrorIs(t, err, wechatpay.ErrResponseTooLarge)
}

// notifyHandler is c.NotificationHandler(fn, opts...), which must build.
func notifyHandler(t testing.TB, c *wechatpay.Client, fn func(context.Context, *wechatpay.Notification) error, opts ...wechatpay.NotificationOption) http.Handler {
	t.Helper()
	h, err := c.NotificationHandler(fn, opts...)
	require.NoError(t, err)
	return h
}

type failReply struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func postCallback(t testing.TB, url string, h http.Header, body []byte) (int, failReply) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header = h.Clone()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var reply failReply
	if resp.StatusCode >= 300 {
		require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
		require.NoError(t, json.Unmarshal(data, &reply), string(data))
	} else {
		require.Empty(t, data)
	}
	return resp.StatusCode, reply
}

func TestNotificationHandler(t *testing.T) {
	v := loadNotifyVector(t)
	c := notifyClient(t, v.Now)
	var got []string
	fail := false
	srv := httptest.NewServer(notifyHandler(t, c, func(_ context.Context, n *wechatpay.Notification) error {
		if fail {
			return errors.New("database down: secret detail")
		}
		var tx struct {
			OutTradeNo string `json:"out_trade_no"`
		}
		if err := n.Decode(&tx); err != nil {
			return err
		}
		got = append(got, n.ID+" "+tx.OutTradeNo)
		return nil
	}))
	t.Cleanup(srv.Close)

	status, _ := postCallback(t, srv.URL, v.Header(), []byte(v.Body))
	require.Equal(t, http.StatusNoContent, status)
	require.Equal(t, []string{"EV-2025100917000000001 TESTORDER20251009000001"}, got)

	fail = true
	status, reply := postCallback(t, srv.URL, v.Header(), []byte(v.Body))
	require.Equal(t, http.StatusInternalServerError, status)
	require.Equal(t, "FAIL", reply.Code)
	require.NotContains(t, reply.Message, "secret")

	resp, err := http.Get(srv.URL)
	require.NoError(t, err)
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	require.Equal(t, http.MethodPost, resp.Header.Get("Allow"))
	require.JSONEq(t, `{"code":"FAIL","message":"method not allowed"}`, string(data))
}

// FuzzParseNotification feeds random headers and bodies to ParseNotification:
// it must never panic, and only the genuine signed vector may pass.
func FuzzParseNotification(f *testing.F) {
	v := loadNotifyVector(f)
	c := notifyClient(f, v.Now)
	h := v.Header()
	f.Add(h.Get(wechatpay.HeaderTimestamp), h.Get(wechatpay.HeaderNonce), h.Get(wechatpay.HeaderSignature), h.Get(wechatpay.HeaderSerial), []byte(v.Body))
	f.Fuzz(func(t *testing.T, ts, nonce, sig, serial string, body []byte) {
		hdr := http.Header{}
		hdr.Set(wechatpay.HeaderTimestamp, ts)
		hdr.Set(wechatpay.HeaderNonce, nonce)
		hdr.Set(wechatpay.HeaderSignature, sig)
		hdr.Set(wechatpay.HeaderSerial, serial)
		n, err := c.ParseNotification(hdr, body)
		if err != nil {
			if n != nil {
				t.Fatal("notification returned with an error")
			}
			return
		}
		genuine := ts == h.Get(wechatpay.HeaderTimestamp) && nonce == h.Get(wechatpay.HeaderNonce) &&
			sig == h.Get(wechatpay.HeaderSignature) && serial == h.Get(wechatpay.HeaderSerial) && string(body) == v.Body
		if !genuine {
			t.Fatalf("unverified input accepted: ts=%q nonce=%q serial=%q", ts, nonce, serial)
		}
		if string(n.Plaintext) != v.ExpectPlaintext {
			t.Fatal("wrong plaintext")
		}
	})
}

// TestParseNotificationWrongAPIv3Key: a callback WeChat Pay signed that
// the configured APIv3 key does not open says which key and where it is
// set, never the key.
func TestParseNotificationWrongAPIv3Key(t *testing.T) {
	v := loadNotifyVector(t)
	const wrong = "0123456789abcdef0123456789ABCDEF" // 32 bytes, not the merchant's
	c := notifyClient(t, v.Now, wechatpay.WithAPIv3Key(wrong))
	_, err := c.ParseNotification(v.Header(), []byte(v.Body))
	require.ErrorIs(t, err, wechatpay.ErrDecrypt)
	require.ErrorIs(t, err, wxcrypto.ErrAuthFailed)
	require.ErrorContains(t, err, "the APIv3 key does not open this resource")
	require.ErrorContains(t, err, "WithAPIv3Key")
	require.ErrorContains(t, err, "apiv3_key")
	require.NotContains(t, err.Error(), wrong)
	require.NotContains(t, err.Error(), ntAPIv3Key)

	// The handler answers 400 and logs the same hint.
	var logs bytes.Buffer
	lc := notifyClient(t, v.Now, wechatpay.WithAPIv3Key(wrong), wechatpay.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/notify", strings.NewReader(v.Body))
	req.Header = v.Header()
	notifyHandler(t, lc, func(context.Context, *wechatpay.Notification) error { return nil }).ServeHTTP(rec, req)
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, logs.String(), "the APIv3 key does not open this resource")
	require.NotContains(t, logs.String(), wrong)
}
