package wechatpaytest

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/gowechatpay/wechatpay"
)

// serveSecurityEcho answers the echo (商户签名验签/加解密测试): the
// Wechatpay-Serial header must name a WeChat Pay key of the server's key
// mode, which also chooses the key that signs the answer (WithKeyMode);
// echo_message is answered as sent; encrypted_echo_message is decrypted
// with the named key and answered encrypted with the merchant
// certificate's key; a notify_url (https, no query) gets one
// SECURITY_ECHO.SUCCESS callback, sent in the background as
// SetEchoCallbacks says (it may arrive before the answer does).
func (s *Server) serveSecurityEcho(r *V3Request) (int, any) {
	var req struct {
		EchoMessage string `json:"echo_message"`
		Encrypted   string `json:"encrypted_echo_message"`
		NotifyURL   string `json:"notify_url"`
	}
	if e := r.DecodeJSON(&req); e != nil {
		return e.Answer()
	}
	if r.Header.Get(wechatpay.HeaderSerial) == "" {
		return paramError(wechatpay.HeaderSerial, "header", "required").Answer()
	}
	if _, e := s.decryptionKey(r.Request); e != nil {
		return e.Answer()
	}
	if e := checkFields("body", field{name: "/echo_message", value: req.EchoMessage, required: true},
		field{name: "/notify_url", value: req.NotifyURL, max: 256, valid: isNotifyURL, issue: "must be an https URL without a query string"},
	); e != nil {
		return e.Answer()
	}
	back, e := echoBack(r, req.Encrypted)
	if e != nil {
		return e.Answer()
	}
	if req.NotifyURL != "" {
		s.sendEchoCallback(req.NotifyURL, struct {
			EchoMessage string `json:"echo_message"`
			Encrypted   string `json:"encrypt_echo_message,omitempty"` // sic, as WeChat Pay's example
		}{req.EchoMessage, back})
	}
	return http.StatusOK, struct {
		EchoMessage string `json:"echo_message"`
		Encrypted   string `json:"encrypted_echo_message,omitempty"`
	}{req.EchoMessage, back}
}

// echoBack decrypts an encrypted_echo_message with the key the request
// names and encrypts it again for the merchant; empty stays empty.
func echoBack(r *V3Request, ciphertext string) (string, *ErrorAnswer) {
	if ciphertext == "" {
		return "", nil
	}
	plain, e := r.DecryptField("/encrypted_echo_message", "body", ciphertext)
	if e != nil {
		return "", e
	}
	return r.EncryptForMerchant(plain)
}

// isNotifyURL reports whether v is a notify_url WeChat Pay calls: https,
// with a host, without a query string or fragment.
func isNotifyURL(v string) bool {
	u, err := url.Parse(v)
	return err == nil && u.Scheme == "https" && u.Host != "" && u.RawQuery == "" && !u.ForceQuery && u.Fragment == ""
}

// sendEchoCallback sends the SECURITY_ECHO.SUCCESS callback of resource to
// notifyURL in the background, as the server's EchoCallbacks say, unless
// the server is closed. Close cancels it and waits for it.
func (s *Server) sendEchoCallback(notifyURL string, resource any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sendCallbackLocked(s.sec.callbacks, notifyURL, "SECURITY_ECHO.SUCCESS", resource)
}

// sendCallbackLocked sends the eventType callback of resource to notifyURL
// in the background, as cb says, unless the server is closed; Close
// cancels it and waits for it. The caller holds s.mu.
func (s *Server) sendCallbackLocked(cb EchoCallbacks, notifyURL, eventType string, resource any) {
	if s.closed || cb.Drop {
		return
	}
	opts := append([]NotifyOption{WithRedelivery(1)}, slices.Clone(cb.Options)...)
	s.sec.wg.Go(func() {
		cfg := notifyConfig{wait: sleep}
		for _, o := range opts {
			if o != nil {
				o(&cfg)
			}
		}
		ctx := s.sec.ctx
		if cb.Delay > 0 && cfg.wait(ctx, cb.Delay) != nil {
			return
		}
		resp, err := s.SendNotification(ctx, notifyURL, eventType, resource, opts...)
		if err == nil {
			_ = resp.Body.Close()
		}
	})
}

// stopCallbacks cancels the callbacks in flight and waits for them; the
// server is closed, so no more start.
func (st *securityState) stopCallbacks() {
	st.stop()
	st.wg.Wait()
}
