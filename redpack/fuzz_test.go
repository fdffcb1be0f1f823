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
			checkDecodeErr(t, err)
			return
		}
		checkExtraKept(t, p.Extra, key, value)
	})
}

// FuzzDecodeRedPacket checks that any gethbinfo reply field, hblist
// included, decodes or fails with ErrMalformedResponse, never panics.
func FuzzDecodeRedPacket(f *testing.F) {
	f.Add("hblist", "<hbinfo><openid>o</openid><amount>1</amount><rcv_time>2025-10-09 16:01:30</rcv_time></hbinfo>")
	f.Add("hblist", "<hbinfo><amount>x</amount></hbinfo>")
	f.Add("hblist", "<hbinfo>")
	f.Add("total_num", "1")
	f.Add("refund_time", "2025-10-09")
	f.Add("new_field", "x")
	f.Fuzz(func(t *testing.T, key, value string) {
		p, err := decodeRedPacket(map[string]string{key: value, "return_code": "SUCCESS"})
		if err != nil {
			checkDecodeErr(t, err)
			return
		}
		checkExtraKept(t, p.Extra, key, value)
	})
}

// FuzzDecodeSend checks that any send reply field decodes or fails with
// ErrMalformedResponse, never panics.
func FuzzDecodeSend(f *testing.F) {
	f.Add("total_amount", "1000")
	f.Add("mch_billno", "B")
	f.Add("sign", "X")
	f.Add("new_field", "x")
	f.Fuzz(func(t *testing.T, key, value string) {
		r, err := decodeSend(map[string]string{key: value, "send_listid": "1"}, "B")
		if err != nil {
			checkDecodeErr(t, err)
			return
		}
		checkExtraKept(t, r.Extra, key, value)
	})
}

// checkDecodeErr fails unless a decoder's error matches
// ErrMalformedResponse.
func checkDecodeErr(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, wechatpay.ErrMalformedResponse) {
		t.Fatalf("error %v does not match ErrMalformedResponse", err)
	}
}

// checkExtraKept fails when a field that went into extra lost its value.
func checkExtraKept(t *testing.T, extra map[string]string, key, value string) {
	t.Helper()
	if extra != nil && extra[key] != value {
		t.Fatalf("extra field %q lost", key)
	}
}
