package wechatpay

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultMaxDownloadBytes is the default limit on a file fetched with
// DownloadV3: 256 MiB, after decompression.
const DefaultMaxDownloadBytes = 256 << 20

// DownloadV3 fetches a file from a download URL that a v3 API returned
// (such as the download_url of a bill), streaming: it returns the body as a
// reader, never holding the file in memory. The GET is signed by the
// merchant like every v3 request, over the path and query of rawURL as
// given, with an empty body line. The answer is not signed by WeChat Pay
// (downloads carry no Wechatpay-* headers), so it is not verified: only its
// status is checked. A 4xx/5xx answer is an *APIError; only a 200 is the
// file, and another 2xx (such as 206 Partial Content, though no range is
// asked for) is an error matching ErrMalformedResponse. A gzip answer
// (Content-Encoding gzip, or a body of type application/x-gzip or
// application/gzip) is decompressed.
//
// rawURL must be an https URL on a WeChat Pay domain (*.mch.weixin.qq.com)
// or on the host of one of the client's base URLs (WithBaseURL); any other
// is a *FieldError before any I/O, so that the client never signs a
// request for another host.
//
// maxBytes bounds the file after decompression (0 or less for
// DefaultMaxDownloadBytes): an answer that declares a longer
// Content-Length fails at once, and the reader returns an error matching
// ErrResponseTooLarge when the body turns out longer, never a truncated
// file reported as complete. The client's timeout (WithTimeout) bounds the
// wait for the answer; reading the body is bounded by ctx. The call is not
// retried: download URLs are short-lived, so ask the API for a new one.
// Close the reader when done.
func (c *Client) DownloadV3(ctx context.Context, rawURL string, maxBytes int64) (io.ReadCloser, *Response, error) {
	if !c.built() {
		return nil, &Response{}, nilClientError()
	}
	if ctx == nil {
		return nil, &Response{}, nilContextError()
	}
	u, err := c.checkDownloadURL(rawURL)
	if err != nil {
		return nil, &Response{}, err
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxDownloadBytes
	}
	auth, err := c.signer.Authorization(http.MethodGet, u.RequestURI(), nil, c.now().Unix(), NewNonce())
	if err != nil {
		return nil, &Response{}, err
	}
	ctx, cancel := context.WithCancel(ctx)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		cancel()
		return nil, &Response{}, &FieldError{Field: "download_url", Reason: "is not a valid request URL"}
	}
	req.Header = http.Header{"User-Agent": c.userAgentHeader, "Accept": {"*/*"}, "Authorization": {auth}}
	var timer *time.Timer
	if c.timeout > 0 {
		timer = time.AfterFunc(c.timeout, cancel)
	}
	start := time.Now()
	// Not retried, not parsed: resty's http.Client without its pipeline.
	raw, err := c.rc.GetClient().Do(req)
	timedOut := timer != nil && !timer.Stop()
	meta, path := &Response{Attempts: 1}, u.EscapedPath()
	if err != nil {
		cancel()
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err // its text quotes the whole URL, token included
		}
		if timedOut {
			err = fmt.Errorf("%w (the client's timeout of %s)", context.DeadlineExceeded, c.timeout)
		}
		c.log(ctx, http.MethodGet, path, 0, "", start, err)
		return nil, meta, &TransportError{Method: http.MethodGet, Path: path, Err: err}
	}
	meta.StatusCode, meta.Header, meta.RequestID = raw.StatusCode, raw.Header, peerID(raw.Header.Get(HeaderRequestID))
	rd, err := c.openDownload(raw, maxBytes, timedOut, path)
	c.log(ctx, http.MethodGet, path, raw.StatusCode, meta.RequestID, start, err)
	if err != nil {
		_ = raw.Body.Close()
		cancel()
		return nil, meta, err
	}
	return &download{ctx: ctx, r: rd, body: raw.Body, cancel: cancel, left: maxBytes, max: maxBytes, path: path, requestID: meta.RequestID}, meta, nil
}

// openDownload checks a download's answer and returns the reader of the
// file: decompressed, not yet bounded by maxBytes.
func (c *Client) openDownload(raw *http.Response, maxBytes int64, timedOut bool, path string) (io.Reader, error) {
	requestID := peerID(raw.Header.Get(HeaderRequestID))
	if err := c.downloadStatus(raw, path, requestID); err != nil {
		return nil, err
	}
	if timedOut {
		return nil, &TransportError{Method: http.MethodGet, Path: path, Err: fmt.Errorf("%w (the client's timeout of %s)", context.DeadlineExceeded, c.timeout), RequestID: requestID}
	}
	if raw.ContentLength > maxBytes && !isGzip(raw) {
		return nil, fmt.Errorf("%w: the file is %d bytes, more than %d allowed%s", ErrResponseTooLarge, raw.ContentLength, maxBytes, requestIDNote(requestID))
	}
	if !isGzip(raw) {
		return raw.Body, nil
	}
	zr, err := gzip.NewReader(raw.Body)
	if err != nil {
		return nil, fmt.Errorf("%w: the gzip file does not decompress: %w%s", ErrMalformedResponse, err, requestIDNote(requestID))
	}
	return zr, nil
}

// downloadStatus is nil for a 200, the file; a status outside 2xx is an
// *APIError and another 2xx an error matching ErrMalformedResponse: no
// range is asked for, so a 206 is a part, a 204 no file.
func (c *Client) downloadStatus(raw *http.Response, path, requestID string) error {
	switch {
	case raw.StatusCode == http.StatusOK:
		return nil
	case raw.StatusCode < 200 || raw.StatusCode > 299:
		data, err := io.ReadAll(io.LimitReader(raw.Body, c.maxBody))
		if err != nil {
			return &TransportError{Method: http.MethodGet, Path: path, Err: fmt.Errorf("reading body: %w", err), RequestID: requestID}
		}
		return newV3APIError(raw.StatusCode, requestID, data)
	}
	return fmt.Errorf("%w: a %d %s answer is not the whole file (only 200 is)%s", ErrMalformedResponse, raw.StatusCode, http.StatusText(raw.StatusCode), requestIDNote(requestID))
}

// checkDownloadURL parses rawURL and refuses a URL the client must not
// sign a request for.
func (c *Client) checkDownloadURL(rawURL string) (*url.URL, error) {
	refuse := func(reason string) (*url.URL, error) {
		return nil, &FieldError{Field: "download_url", Reason: reason, Missing: rawURL == ""}
	}
	if rawURL == "" {
		return refuse("is required")
	}
	u, err := url.Parse(rawURL)
	switch {
	case err != nil || !u.IsAbs() || u.Host == "" || u.Opaque != "":
		return refuse("is not an absolute URL")
	case u.User != nil:
		return refuse("carries user information")
	}
	host := strings.ToLower(u.Hostname())
	if u.Scheme == "https" && (u.Port() == "" || u.Port() == "443") && strings.HasSuffix(host, ".mch.weixin.qq.com") {
		return u, nil
	}
	for _, base := range []string{c.primary, c.backup, c.global} {
		b, err := url.Parse(base)
		if base != "" && err == nil && strings.EqualFold(b.Scheme, u.Scheme) && strings.EqualFold(b.Host, u.Host) {
			return u, nil
		}
	}
	return refuse("is not on a WeChat Pay domain (https://*.mch.weixin.qq.com) nor on the client's base URL")
}

// isGzip reports whether a download answer is a gzip file.
func isGzip(resp *http.Response) bool {
	if strings.EqualFold(strings.TrimSpace(resp.Header.Get("Content-Encoding")), "gzip") {
		return true
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	return mt == "application/x-gzip" || mt == "application/gzip"
}

// download is the reader DownloadV3 returns: the body (decompressed),
// bounded by the size limit with an error.
type download struct {
	ctx       context.Context
	r         io.Reader
	body      io.Closer
	cancel    context.CancelFunc
	left, max int64
	path      string
	requestID string
	err       error
}

// Read reads the file; past the size limit it fails with an error matching
// ErrResponseTooLarge.
func (d *download) Read(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	if int64(len(p)) > d.left+1 {
		p = p[:d.left+1]
	}
	n, err := d.r.Read(p)
	if int64(n) > d.left {
		n = int(d.left)
		d.err = fmt.Errorf("%w: the file is more than %s bytes%s", ErrResponseTooLarge, strconv.FormatInt(d.max, 10), requestIDNote(d.requestID))
		d.left = 0
		return n, d.err
	}
	d.left -= int64(n)
	if err == io.EOF && d.ctx.Err() != nil {
		// A body cut by the end of ctx may read as a clean end.
		err = d.ctx.Err()
	}
	if err != nil && err != io.EOF {
		err = &TransportError{Method: http.MethodGet, Path: d.path, Err: fmt.Errorf("reading body: %w", err), RequestID: d.requestID}
		d.err = err
	}
	return n, err
}

// Close closes the body and releases the request.
func (d *download) Close() error {
	err := d.body.Close()
	d.cancel()
	return err
}
