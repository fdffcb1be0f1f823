package redpack

import (
	"errors"
	"maps"
	"slices"
	"testing"

	"github.com/gowechatpay/wechatpay"
)

// FuzzDecodeWorkWx checks that any reply field, added to a signed reply
// of QueryWorkWx, decodes or fails with ErrMalformedResponse, never
// panics, and that unknown fields land in Extra.
func FuzzDecodeWorkWx(f *testing.F) {
	seeds := [][2]string{{"total_amount", "5000"}, {"send_time", "2025-10-09 16:00:00"},
		{"rcv_time", "2025-02-30 25:61:61"}, {"amount", "-1"}, {"new_field", "x"}, {"status", "RFUND_ING"}}
	base := func(t *testing.T) map[string]string { return maps.Clone(vectorFields(t, "success_signed_md5")) }
	fuzzReplyField(f, seeds, base, []string{"return_code", "result_code"}, true, func(t *testing.T, svc *Service) (map[string]string, error) {
		p, err := svc.QueryWorkWx(t.Context(), &QueryWorkWxRequest{MchBillNo: "B"})
		if err != nil {
			return nil, err
		}
		return p.Extra, nil
	})
}

// FuzzDecodeRedPacket checks that any gethbinfo reply field, hblist
// included, decodes or fails with ErrMalformedResponse, never panics.
func FuzzDecodeRedPacket(f *testing.F) {
	seeds := [][2]string{
		{"hblist", "<hbinfo><openid>o</openid><amount>1</amount><rcv_time>2025-10-09 16:01:30</rcv_time></hbinfo>"},
		{"hblist", "<hbinfo><amount>x</amount></hbinfo>"}, {"hblist", "<hbinfo>"},
		{"total_num", "1"}, {"refund_time", "2025-10-09"}, {"new_field", "x"},
	}
	base := func(*testing.T) map[string]string {
		return map[string]string{"return_code": "SUCCESS", "result_code": "SUCCESS", "mch_billno": "B", "mch_id": "M", "detail_id": "D"}
	}
	fuzzReplyField(f, seeds, base, []string{"return_code", "result_code", "mch_billno", "mch_id", "detail_id"}, false, func(t *testing.T, svc *Service) (map[string]string, error) {
		p, err := svc.Query(t.Context(), &QueryRequest{MchBillNo: "B"})
		if err != nil {
			return nil, err
		}
		return p.Extra, nil
	})
}

// fuzzReplyField, from the seeds (key, value), sets one fuzzed field in
// the reply of fields base gives (signed or not), except sign and the
// fields keep names, which are the call's verdict rather than the
// decoder's; call must then decode the reply, keeping an unknown field in
// the extra it returns, or fail with ErrMalformedResponse.
func fuzzReplyField(f *testing.F, seeds [][2]string, base func(*testing.T) map[string]string, keep []string, signed bool, call func(t *testing.T, svc *Service) (extra map[string]string, err error)) {
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	fake := newFakeReplies(f)
	f.Fuzz(func(t *testing.T, key, value string) {
		fields := base(t)
		if key == "sign" || slices.Contains(keep, key) {
			return // the call's verdict, not the decoder's
		}
		fields[key] = value
		if !fake.reply(fields, signed) {
			return
		}
		extra, err := call(t, fake.svc)
		if err != nil {
			checkDecodeErr(t, err)
			return
		}
		checkExtraKept(t, extra, key, value)
	})
}

// FuzzDecodeSend checks that any send reply field decodes or leaves the
// outcome unknown (ErrUnknownOutcome), never panics, for both sends.
func FuzzDecodeSend(f *testing.F) {
	f.Add("total_amount", "1000")
	f.Add("mch_billno", "B")
	f.Add("sign", "X")
	f.Add("new_field", "x")
	fake := newFakeReplies(f)
	f.Fuzz(func(t *testing.T, key, value string) {
		fields := map[string]string{"return_code": "SUCCESS", "result_code": "SUCCESS", "send_listid": "1"}
		fields[key] = value
		if !fake.reply(fields, false) {
			return
		}
		for _, send := range []func() (*SendResult, error){
			func() (*SendResult, error) { return fake.svc.Send(t.Context(), sendRequest("B")) },
			func() (*SendResult, error) { return fake.svc.SendWorkWx(t.Context(), sendWorkWxRequest("B")) },
		} {
			r, err := send()
			if err != nil {
				if !errors.Is(err, ErrUnknownOutcome) {
					t.Fatalf("error %v of a send with a 200 reply is not an unknown outcome", err)
				}
				continue
			}
			checkExtraKept(t, r.Extra, key, value)
		}
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

func sendRequest(billNo string) *SendRequest {
	return &SendRequest{MchBillNo: billNo, SendName: "s", ReOpenID: "o", TotalAmount: 100, Wishing: "w", ClientIP: "10.0.0.1", ActName: "a", Remark: "r"}
}

func sendWorkWxRequest(billNo string) *SendWorkWxRequest {
	return &SendWorkWxRequest{MchBillNo: billNo, SenderName: "s", ReOpenID: "o", TotalAmount: 100, Wishing: "w", ActName: "a", Remark: "r"}
}
