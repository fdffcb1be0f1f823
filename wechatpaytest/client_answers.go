package wechatpaytest

import (
	"bytes"
	"io"
	"net/http"

	"github.com/gowechatpay/wechatpay"
)

// ClientWithAnswers returns a client like Client (opts applied after the
// server's options) whose requests never reach the server: each is
// answered 200 with the body answer returns for it, signed as the server
// signs its callbacks (with the key of its key mode, named in
// Wechatpay-Serial). It is for testing what WeChat Pay should never send
// but a client must survive, such as an answer without a field the API
// always sends or arbitrary bytes under a valid signature: the server's
// own routes never answer so.
func (s *Server) ClientWithAnswers(answer func(r *http.Request) []byte, opts ...wechatpay.Option) *wechatpay.Client {
	rt := answerTransport(func(r *http.Request) (*http.Response, error) {
		if r.Body != nil {
			_ = r.Body.Close()
		}
		body := answer(r)
		h := http.Header{"Content-Type": {"application/json"}}
		key, serial := s.notificationKey()
		if err := signHeaders(h, key, serial, s.wall(), body, false); err != nil {
			return nil, err
		}
		return &http.Response{StatusCode: http.StatusOK, Header: h, Body: io.NopCloser(bytes.NewReader(body)), Request: r}, nil
	})
	return s.Client(append([]wechatpay.Option{wechatpay.WithTransport(rt)}, opts...)...)
}

// answerTransport is the transport of ClientWithAnswers.
type answerTransport func(r *http.Request) (*http.Response, error)

// RoundTrip answers r.
func (f answerTransport) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
