package wechatpaytest_test

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gowechatpay/wechatpay"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
	"github.com/gowechatpay/wechatpay/internal/v2xml"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// FuzzServeHTTP sends the emulator random requests, as the sandbox command
// receives them from anyone: random method, path and query, Wechatpay-Serial
// and body. v3 requests carry a valid merchant Authorization over exactly
// what is sent, and v2 bodies that parse as XML are signed, so the fuzzer
// reaches the body and parameter handling behind authentication. The
// emulator must never panic nor answer 5xx, and every 2xx v3 answer must
// verify with the client's verifier.
func FuzzServeHTTP(f *testing.F) {
	f.Add("GET", "/v3/aggracct-bc/wb-channel/special-reduction/htozr8denqegbt6tk6u10iymo7yww5pn?mchid=1900016681&bal_account_no=x", "", []byte(nil))
	f.Add("POST", "/v3/aggracct-bc/wb-channel/control-orders/punish", wechatpaytest.TestPublicKeyID, []byte(`{"out_request_no":"A","mchid":"1900016681","bal_account_no":"QUJD","punish_scene":1,"punish_end_time":"2025-01-01T00:00:00+08:00"}`))
	f.Add("POST", "/v3/aggracct-bc/wb-channel/control-orders/punish", "", []byte(`{"out_request_no":null} {}`))
	f.Add("GET", "/v3/global/profit-sharing/orders/P20150806125346?sub_mchid=1900000109&transaction_id=4208450740201411110007820472", "", []byte(nil))
	f.Add("GET", "/v3/certificates", "", []byte(nil))
	f.Add("POST", "/mmpaymkttransfers/queryworkwxredpack", "", []byte(`<xml><mch_billno>10000098201411111234567890</mch_billno><mch_id>10000098</mch_id><appid>wxe062425f740d30d8</appid><nonce_str>n</nonce_str></xml>`))
	f.Add("POST", "/mmpaymkttransfers/queryworkwxredpack", "", []byte(`<xml><sign_type>HMAC-SHA256</sign_type><mch_billno>1</mch_billno></xml>`))
	f.Add("DELETE", "/v3/nowhere/%zz", "", []byte("\x00"))

	srv := wechatpaytest.NewServer() // the fuzzer calls ServeHTTP directly
	defer srv.Close()
	c := srv.Client()
	defer c.Close()
	cipher, serial, err := c.EncryptSensitive("8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f")
	if err != nil {
		f.Fatal(err)
	}
	f.Add("GET", "/v3/aggracct-bc/wb-channel/special-reduction/htozr8denqegbt6tk6u10iymo7yww5pn?mchid=1900016681&bal_account_no="+url.QueryEscape(cipher), serial, []byte(nil))
	f.Add("POST", "/v3/aggracct-bc/wb-channel/control-orders/punish", serial, []byte(`{"out_request_no":"A","mchid":"1900016681","bal_account_no":"`+cipher+`","punish_scene":1}`))
	peer := &tls.ConnectionState{PeerCertificates: []*x509.Certificate{srv.CACertificate()}}

	f.Fuzz(func(t *testing.T, method, target, wechatpaySerial string, body []byte) {
		if !strings.HasPrefix(target, "/") {
			return
		}
		r, err := http.NewRequest(method, "https://127.0.0.1"+target, bytes.NewReader(body))
		if err != nil {
			return
		}
		r.RequestURI = r.URL.RequestURI()
		r.Header.Set("Content-Type", "application/json")
		if wechatpaySerial != "" {
			r.Header.Set(wechatpay.HeaderSerial, wechatpaySerial)
		}
		if strings.HasPrefix(r.URL.Path, "/v3/") {
			auth, err := c.Signer().Authorization(method, r.RequestURI, body, time.Now().Unix(), wechatpay.NewNonce())
			if err != nil {
				return
			}
			r.Header.Set("Authorization", auth)
		} else {
			r.TLS = peer
			if params, err := v2xml.Decode(body); err == nil {
				st := wxcrypto.SignType(params["sign_type"])
				if st != wxcrypto.SignTypeHMACSHA256 {
					st = wxcrypto.SignTypeMD5
				}
				if params["sign"], err = wxcrypto.SignV2(params, wechatpaytest.TestAPIv2Key, st); err != nil {
					t.Fatal(err)
				}
				if body, err = v2xml.Encode(params); err != nil {
					return
				}
				r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
			}
		}
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("%s %s answered %d: %s", method, target, w.Code, w.Body)
		}
		if w.Code/100 == 2 && strings.HasPrefix(r.URL.Path, "/v3/") {
			if err := c.Verifier().Verify(w.Header(), w.Body.Bytes()); err != nil {
				t.Fatalf("%s %s: a 2xx answer that does not verify: %v", method, target, err)
			}
		}
	})
}
