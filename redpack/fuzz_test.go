package redpack

import (
	"errors"
	"testing"

	"github.com/gowechatpay/wechatpay"
)

// FuzzDecodeWorkWx checks that any reply field decodes or fails with
// ErrMalformedResponse, never panics, and that unknown fields land in Extra.
func FuzzDecodeWorkWx(f *testing.F) {
	f.Add("total_amount", "5000")
	f.Add("send_time", "2025-10-09 16:00:00")
	f.Add("rcv_time", "2025-02-30 25:61:61")
	f.Add("amount", "-1")
	f.Add("new_field", "x")
	f.Add("status", "RFUND_ING")
	f.Fuzz(func(t *testing.T, key, value string) {
		p, err := decodeWorkWx(map[string]string{key: value, "return_code": "SUCCESS"})
		if err != nil {
			if !errors.Is(err, wechatpay.ErrMalformedResponse) {
				t.Fatalf("error %v does not match ErrMalformedResponse", err)
			}
			return
		}
		if p.Extra != nil && p.Extra[key] != value {
			t.Fatalf("extra field %q lost", key)
		}
	})
}
