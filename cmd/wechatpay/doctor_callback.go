package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/security"
)

// listen opens -listen's listener (a test hands over one it holds).
var listen = net.Listen

// delivery is one callback the doctor's notify_url received: its decoded
// resource, or why it was refused.
type delivery struct {
	echo *security.EchoNotification
	err  error
}

// callback is step 7: an echo with notify_url, and with -listen the
// callback itself, checked as README §6 says.
func (d *doctor) callback(ctx context.Context, c *wechatpay.Client) {
	if d.notifyURL == "" {
		d.line("7 callback", "skipped", "", "no -notify-url: give the https URL of a callback handler (with -listen to let the doctor check the callback itself)")
		return
	}
	svc := security.New(c)
	var got chan delivery
	if d.listen != "" {
		stop, ch, err := d.serve(c, svc)
		if err != nil {
			d.line("7 callback", "FAIL", "", "-listen "+d.listen+": "+err.Error())
			return
		}
		defer stop()
		got = ch
	}
	sent := randomText("callback-")
	echo, err := svc.Echo(ctx, &security.EchoRequest{EchoMessage: sent, NotifyURL: d.notifyURL})
	if err != nil {
		d.line("7 callback", "FAIL", requestID(err), errorText(err)+"; fix: -notify-url must be an https URL without a query string")
		return
	}
	if got == nil {
		d.line("7 callback", "pass", echo.Meta.RequestID, "WeChat Pay accepted notify_url; look in its handler's logs for a SECURITY_ECHO.SUCCESS callback (or run with -listen)")
		return
	}
	d.awaitCallback(ctx, got, sent, echo.Meta.RequestID)
}

// serve serves -listen until stop: each callback is verified and decrypted
// with c and reported on the returned channel.
func (d *doctor) serve(c *wechatpay.Client, svc *security.Service) (stop func(), got chan delivery, err error) {
	ln, err := listen("tcp", d.listen)
	if err != nil {
		return nil, nil, err
	}
	d.listen = ln.Addr().String() // the port of :0, for the failure text
	got = make(chan delivery, 16)
	hs := &http.Server{Handler: callbackHandler(c, svc, got), ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if d.tlsCert != "" {
			_ = hs.ServeTLS(ln, d.tlsCert, d.tlsKey)
			return
		}
		_ = hs.Serve(ln)
	}()
	return func() { _ = hs.Close(); <-done }, got, nil
}

// callbackHandler answers callbacks as a merchant must (204 when accepted,
// 401 for a signature that does not verify, 400 otherwise) and reports
// each on got without blocking.
func callbackHandler(c *wechatpay.Client, svc *security.Service, got chan<- delivery) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := c.ParseNotificationRequest(r)
		var echo *security.EchoNotification
		if err == nil {
			echo, err = svc.DecodeEchoNotification(n)
		}
		select {
		case got <- delivery{echo, err}:
		default:
		}
		switch {
		case err == nil:
			w.WriteHeader(http.StatusNoContent)
		case errors.Is(err, wechatpay.ErrInvalidSignature):
			w.WriteHeader(http.StatusUnauthorized)
		default:
			w.WriteHeader(http.StatusBadRequest)
		}
	})
}

// awaitCallback waits for the callback of the echo with echo_message sent
// and reports it; probes are refused and waited past.
func (d *doctor) awaitCallback(ctx context.Context, got <-chan delivery, sent, requestID string) {
	timer := time.NewTimer(d.wait)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			d.line("7 callback", "FAIL", requestID, "interrupted while waiting for the callback")
			return
		case <-timer.C:
			d.line("7 callback", "FAIL", requestID, "no callback within "+d.wait.String()+
				": -notify-url "+d.notifyURL+" is not reachable from WeChat Pay (DNS, firewall, TLS certificate) or does not lead to -listen "+d.listen)
			return
		case g := <-got:
			if d.delivered(g, sent, requestID) {
				return
			}
		}
	}
}

// delivered reports one callback; false means wait for another (a
// signature probe, which is refused as it must be, or another echo's).
func (d *doctor) delivered(g delivery, sent, requestID string) bool {
	switch {
	case errors.Is(g.err, wechatpay.ErrSignatureProbe):
		return false
	case errors.Is(g.err, wechatpay.ErrDecrypt):
		d.line("7 callback", "FAIL", requestID, "the callback verifies but its resource does not decrypt (AES-256-GCM): apiv3_key is wrong; "+
			"set it to the APIv3 key (APIv3密钥) of 商户平台 > 账户中心 > API安全, or set a new one there and here")
	case errors.Is(g.err, wechatpay.ErrInvalidSignature):
		d.line("7 callback", "FAIL", requestID, "the callback does not verify: "+errorText(g.err)+"; fix: configure the WeChat Pay key family that signs callbacks (wechatpay_public_key_file or platform_certificate_files)")
	case g.err != nil:
		d.line("7 callback", "FAIL", requestID, "the callback was refused: "+errorText(g.err))
	case g.echo.EchoMessage != sent:
		return false
	default:
		d.line("7 callback", "pass", requestID, "the SECURITY_ECHO.SUCCESS callback reached -listen, verified, decrypted with apiv3_key and was answered 204")
	}
	return true
}
