package wechatpay

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/gowechatpay/wechatpay/internal/wire"
)

// FuzzEnvelopeDecode decodes random callback bodies into the envelope as
// ParseNotification does after verification: it must never panic, accept
// only valid JSON, and never echo a string value of the body in its error.
func FuzzEnvelopeDecode(f *testing.F) {
	for _, s := range []string{
		`{"id":"EV-2018022511223320873","create_time":"2015-05-20T13:29:35+08:00","resource_type":"encrypt-resource","event_type":"TRANSACTION.SUCCESS","summary":"支付成功","resource":{"original_type":"transaction","algorithm":"AEAD_AES_256_GCM","ciphertext":"abc","associated_data":"","nonce":"n"}}`,
		`{"resource":{"ciphertext":"x"},"resource":{"nonce":"y"}}`,
		`{"resource":{"ciphertext":"x"},"resource":null,"resource":{"nonce":"y"}}`,
		`{"create_time":"SECRET-NOT-A-TIME"}`, `{"create_time":""}`,
		`{"resource":null}`, `{"resource":[]}`, `{"Resource":{"Ciphertext":"x"}}`, `null`, `{"id":1}`, `{"id":"a",}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var env notificationEnvelope
		err := wire.Unmarshal(data, &env)
		if err == nil {
			if !json.Valid(data) {
				t.Fatalf("accepted a body that is not JSON: %q", data)
			}
			return
		}
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		if errors.As(err, &se) || errors.As(err, &te) {
			t.Fatalf("a raw encoding/json error, which may echo a value: %v", err)
		}
	})
}
