package wechatpay_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// billURL asks the emulator for today's bill download URL of the seed
// sub-merchant.
func billURL(t *testing.T, c *wechatpay.Client) string {
	t.Helper()
	var out struct {
		DownloadURL string `json:"download_url"`
	}
	_, err := c.DoV3(t.Context(), &wechatpay.Request{
		Path:   "/v3/global/profit-sharing/bill-download-url",
		Query:  url.Values{"sub_mchid": {"1900000109"}, "bill_date": {time.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)}},
		Global: true,
	}, &out)
	require.NoError(t, err)
	return out.DownloadURL
}

func TestDownloadV3SignedUnverified(t *testing.T) {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	u := billURL(t, c)
	require.True(t, strings.HasPrefix(u, srv.URL+"/v3/bill/downloadurl?token="), u)

	rc, meta, err := c.DownloadV3(t.Context(), u, 0)
	require.NoError(t, err) // the emulator answers 401 to a request it cannot verify
	defer rc.Close()
	require.Equal(t, http.StatusOK, meta.StatusCode)
	require.Empty(t, meta.Header.Get(wechatpay.HeaderSignature), "the file is not signed")
	data, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(data), "create_time,initiator,sponsor,"), string(data))

	// An unknown token is the emulator's 400, an *APIError.
	_, _, err = c.DownloadV3(t.Context(), srv.URL+"/v3/bill/downloadurl?token=nope", 0)
	var apiErr *wechatpay.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
	require.Equal(t, "INVALID_REQUEST", apiErr.Code)
}

func TestDownloadV3RefusesForeignHosts(t *testing.T) {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	before := srv.Requests()
	base, _ := url.Parse(srv.URL)
	for _, u := range []string{
		"",
		"/v3/bill/downloadurl?token=x",
		"https://example.com/v3/bill/downloadurl?token=x",
		"https://api.mch.weixin.qq.com.example.com/x",
		"http://api.mch.weixin.qq.com/x",          // not https
		"https://api.mch.weixin.qq.com:8443/x",    // another port
		"http://" + base.Host + "/x",              // the base URL's host, another scheme
		"https://user:pw@" + base.Host + "/x",     // user information
		"https://127.0.0.2:" + base.Port() + "/x", // another host
	} {
		rc, _, err := c.DownloadV3(t.Context(), u, 0)
		require.Nil(t, rc, u)
		var fe *wechatpay.FieldError
		require.ErrorAs(t, err, &fe, u)
		require.Equal(t, "download_url", fe.Field)
		require.NotContains(t, err.Error(), "pw")
	}
	require.Equal(t, before, srv.Requests(), "no request left")
	//lint:ignore SA1012 a nil context is refused, not dereferenced
	_, _, err := c.DownloadV3(nil, srv.URL+"/x", 0) //nolint:staticcheck
	require.ErrorIs(t, err, wechatpay.ErrInvalidInput)
}

// fileServer serves body at every path, through an emulator-made client
// pointed at it.
func fileServer(t *testing.T, h http.HandlerFunc) (*wechatpay.Client, string) {
	t.Helper()
	ts := httptest.NewTLSServer(h)
	t.Cleanup(ts.Close)
	srv := wechatpaytest.Start(t)
	pool := ts.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	return srv.Client(wechatpay.WithBaseURL(ts.URL), wechatpay.WithRootCAs(pool)), ts.URL
}

func TestDownloadV3SizeLimit(t *testing.T) {
	file := bytes.Repeat([]byte("0123456789"), 100) // 1000 bytes
	var chunked bool
	c, base := fileServer(t, func(w http.ResponseWriter, r *http.Request) {
		require.True(t, strings.HasPrefix(r.Header.Get("Authorization"), wechatpay.AuthScheme+" "))
		if chunked {
			_, _ = w.Write(file[:500])
			w.(http.Flusher).Flush() // no Content-Length
			_, _ = w.Write(file[500:])
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(file)))
		_, _ = w.Write(file)
	})

	// A declared length over the limit fails at once.
	_, _, err := c.DownloadV3(t.Context(), base+"/bill", 999)
	require.ErrorIs(t, err, wechatpay.ErrResponseTooLarge)

	// Exactly the limit is the whole file.
	rc, _, err := c.DownloadV3(t.Context(), base+"/bill", 1000)
	require.NoError(t, err)
	data, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.Equal(t, file, data)
	require.NoError(t, rc.Close())

	// A longer body than it said is an error, not a cut file.
	chunked = true
	rc, _, err = c.DownloadV3(t.Context(), base+"/bill", 600)
	require.NoError(t, err)
	data, err = io.ReadAll(rc)
	require.ErrorIs(t, err, wechatpay.ErrResponseTooLarge)
	require.Len(t, data, 600)
	require.NoError(t, rc.Close())
}

func TestDownloadV3Gzip(t *testing.T) {
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	_, _ = zw.Write(bytes.Repeat([]byte("a"), 10_000))
	require.NoError(t, zw.Close())
	c, base := fileServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		_, _ = w.Write(zipped.Bytes())
	})
	rc, _, err := c.DownloadV3(t.Context(), base+"/bill", 0)
	require.NoError(t, err)
	data, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.Len(t, data, 10_000)
	require.NoError(t, rc.Close())

	// The limit applies after decompression: a small gzip of a big file fails.
	rc, _, err = c.DownloadV3(t.Context(), base+"/bill", 9_999)
	require.NoError(t, err)
	_, err = io.ReadAll(rc)
	require.ErrorIs(t, err, wechatpay.ErrResponseTooLarge)
	require.NoError(t, rc.Close())
}

func TestDownloadV3ContextEndsTheRead(t *testing.T) {
	sent := make(chan struct{})
	c, base := fileServer(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("part"))
		w.(http.Flusher).Flush()
		close(sent)
		<-r.Context().Done() // hold the rest until the client goes away
	})
	ctx, cancel := context.WithCancel(t.Context())
	rc, _, err := c.DownloadV3(ctx, base+"/bill", 0)
	require.NoError(t, err)
	defer rc.Close()
	<-sent
	buf := make([]byte, 4)
	_, err = io.ReadFull(rc, buf)
	require.NoError(t, err)
	cancel()
	rest, err := io.ReadAll(rc)
	require.Error(t, err, "%q", rest)
	var te *wechatpay.TransportError
	require.True(t, errors.As(err, &te), "%v", err)
}

func TestDoV3DeleteWithBody(t *testing.T) {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	meta, err := srv.Client().DoV3(t.Context(), &wechatpay.Request{
		Method: http.MethodDelete,
		Path:   "/v3/global/profit-sharing/receivers",
		Body:   map[string]string{"sub_mchid": "1900000109", "type": "MERCHANT_ID", "account": "86693852"},
		Global: true,
	}, nil)
	require.NoError(t, err) // signed over the body, or the emulator answers 401
	require.Equal(t, http.StatusNoContent, meta.StatusCode)

	_, err = srv.Client().DoV3(t.Context(), &wechatpay.Request{Method: http.MethodGet, Path: "/v3/x", Body: []byte(`{}`)}, nil)
	require.ErrorIs(t, err, wechatpay.ErrInvalidInput, "a GET still carries no body")
}

// TestDownloadV3NotRetried: download URLs are short-lived, so a dropped
// connection or a 500 is not retried.
func TestDownloadV3NotRetried(t *testing.T) {
	var mu sync.Mutex
	n := 0
	c, base := fileServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		mu.Unlock()
		if r.URL.Path == "/drop" {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.Close()
			}
			return
		}
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"code":"SYSTEM_ERROR","message":"busy"}`))
	})
	_, _, err := c.DownloadV3(t.Context(), base+"/drop?token=secret", 0)
	var te *wechatpay.TransportError
	require.ErrorAs(t, err, &te)
	require.NotContains(t, err.Error(), "secret", "the URL's token is not echoed")
	_, _, err = c.DownloadV3(t.Context(), base+"/busy?token=secret", 0)
	var apiErr *wechatpay.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, "SYSTEM_ERROR", apiErr.Code)
	require.NotContains(t, err.Error(), "secret")
	mu.Lock()
	defer mu.Unlock()
	require.Equal(t, 2, n)
}

// TestDownloadV3OnlyA200IsAFile: no range is asked for, so a 206 Partial
// Content (or any other 2xx) is not the file, whatever it carries.
func TestDownloadV3OnlyA200IsAFile(t *testing.T) {
	const file = "create_time,amount\n`2025-10-09 10:00:00,`8.88\n"
	c, base := fileServer(t, func(w http.ResponseWriter, r *http.Request) {
		status, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/"))
		body := file
		switch {
		case r.Header.Get("Range") != "":
			status = http.StatusBadRequest // no range is asked for
		case status == http.StatusPartialContent:
			w.Header().Set("Content-Range", "bytes 0-9/"+strconv.Itoa(len(file)))
			body = file[:10]
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	})
	for _, status := range []int{http.StatusPartialContent, http.StatusCreated, http.StatusAccepted,
		http.StatusNonAuthoritativeInfo, http.StatusNoContent, http.StatusResetContent, 299} {
		rc, meta, err := c.DownloadV3(t.Context(), base+"/"+strconv.Itoa(status), 0)
		require.Nil(t, rc, status)
		require.ErrorIs(t, err, wechatpay.ErrMalformedResponse, status)
		require.ErrorContains(t, err, "only 200 is", status)
		require.Equal(t, status, meta.StatusCode)
	}
	rc, _, err := c.DownloadV3(t.Context(), base+"/200", 0)
	require.NoError(t, err)
	data, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.Equal(t, file, string(data))
	require.NoError(t, rc.Close())
}
