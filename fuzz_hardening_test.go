package wechatpay_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/gowechatpay/wechatpay"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
	"github.com/gowechatpay/wechatpay/internal/v2xml"
)

// replyKey carries a fuzzed reply to the fake transport through the
// request's context.
type replyKey struct{}

// FuzzDoV2Reply answers DoV2 with random bytes: it must never panic, and
// it may return fields only from a SUCCESS reply whose sign verifies with
// the APIv2 key.
func FuzzDoV2Reply(f *testing.F) {
	v := loadVectors(f)
	for _, r := range v.V2.Responses {
		f.Add([]byte(r.XML), false)
		f.Add([]byte(r.XML), true)
	}
	// A reply signed with HMAC-SHA256, and one carrying sign_type.
	fields := map[string]string{"return_code": "SUCCESS", "result_code": "SUCCESS", "mch_billno": "B1", "nonce_str": "n"}
	for _, withType := range []bool{false, true} {
		if withType {
			fields["sign_type"] = string(wxcrypto.SignTypeHMACSHA256)
		}
		sign, err := wxcrypto.SignV2(fields, v.Identities.APIv2Key, wxcrypto.SignTypeHMACSHA256)
		if err != nil {
			f.Fatal(err)
		}
		fields["sign"] = sign
		data, err := v2xml.Encode(fields)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, true)
		delete(fields, "sign")
	}
	f.Add([]byte(`<xml><return_code>SUCCESS</return_code><result_code>SUCCESS</result_code></xml>`), false)
	f.Add([]byte(`<xml><sign></sign><return_code>SUCCESS</return_code><result_code>SUCCESS</result_code></xml>`), false)

	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.Body != nil {
			_ = r.Body.Close()
		}
		reply, _ := r.Context().Value(replyKey{}).([]byte)
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(reply)), Request: r}, nil
	})
	c := vectorClient(f, time.Now().Unix(), rt)
	apiKey := v.Identities.APIv2Key
	f.Fuzz(func(t *testing.T, reply []byte, hmacRequest bool) {
		req := &wechatpay.V2Request{Path: "/mmpaymkttransfers/queryworkwxredpack", Params: map[string]string{"mch_billno": "B1"}}
		if hmacRequest {
			req.SignType = wxcrypto.SignTypeHMACSHA256
		}
		ctx := context.WithValue(context.Background(), replyKey{}, reply)
		got, _, err := c.DoV2(ctx, req)
		if err != nil {
			if got != nil {
				t.Fatalf("fields returned with the error %v", err)
			}
			return
		}
		if got["return_code"] != "SUCCESS" || got["result_code"] != "SUCCESS" {
			t.Fatalf("accepted a reply that is not SUCCESS: %q", reply)
		}
		sign := got["sign"]
		if !wxcrypto.VerifyV2(got, apiKey, wxcrypto.SignTypeMD5, sign) && !wxcrypto.VerifyV2(got, apiKey, wxcrypto.SignTypeHMACSHA256, sign) {
			t.Fatalf("accepted a reply whose sign does not verify: %q", reply)
		}
	})
}
