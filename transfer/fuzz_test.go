package transfer_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/transfer"
)

// FuzzDecodeNotifications runs DecodeBillNotification and
// DecodeAuthorizationNotification on any decrypted resource (seeds in
// testdata/fuzz): neither panics; an error matches
// wechatpay.ErrMalformedNotification with a nil answer and never carries
// the resource's openid or user_display_name; an answer has the numbers
// and state its decoder requires.
func FuzzDecodeNotifications(f *testing.F) {
	var svc *transfer.Service // the decoders use no client
	f.Fuzz(func(t *testing.T, plaintext []byte) {
		personal := stringValues(plaintext, "openid", "user_display_name")
		bill, err := svc.DecodeBillNotification(fuzzedNotification(transfer.EventBillFinished, plaintext))
		checkDecodeError(t, err, bill == nil, personal)
		if err == nil && (bill.OutBillNo == "" || bill.TransferBillNo == "" || bill.State == "") {
			t.Fatalf("bill notification without its numbers or state: %+v", bill)
		}
		for _, event := range []string{transfer.EventAuthorizationConfirmed, transfer.EventAuthorizationClosed} {
			auth, err := svc.DecodeAuthorizationNotification(fuzzedNotification(event, plaintext))
			checkDecodeError(t, err, auth == nil, personal)
			if err == nil && (auth.OutAuthorizationNo == "" || auth.State == "") {
				t.Fatalf("authorization notification without its number or state: %+v", auth)
			}
		}
	})
}

// fuzzedNotification is a verified callback of event whose decrypted
// resource is plaintext, as the client's ParseNotification returns it.
func fuzzedNotification(event string, plaintext []byte) *wechatpay.Notification {
	return &wechatpay.Notification{ID: "FUZZ-NOTIFICATION-ID", EventType: event, ResourceType: "encrypt-resource",
		Resource:  wechatpay.NotificationResource{Algorithm: wechatpay.AlgorithmAEADAES256GCM, OriginalType: "mch_payment"},
		Plaintext: plaintext}
}

// checkDecodeError fails t unless err is nil or matches
// ErrMalformedNotification with no answer (nilAnswer) and none of the
// personal values in its text.
func checkDecodeError(t *testing.T, err error, nilAnswer bool, personal []string) {
	t.Helper()
	if err == nil {
		if nilAnswer {
			t.Fatal("no answer and no error")
		}
		return
	}
	if !nilAnswer {
		t.Fatalf("an answer with the error %v", err)
	}
	if !errors.Is(err, wechatpay.ErrMalformedNotification) {
		t.Fatalf("error does not match ErrMalformedNotification: %v", err)
	}
	for _, v := range personal {
		if strings.Contains(err.Error(), v) {
			t.Fatalf("error carries the resource's value %q: %v", v, err)
		}
	}
}

// stringValues returns the string values, of 8 bytes or more, of the keys
// of plaintext's top-level object that match one of keys as encoding/json
// matches them (case-insensitively), every repetition included.
func stringValues(plaintext []byte, keys ...string) []string {
	var vals []string
	dec := json.NewDecoder(bytes.NewReader(plaintext))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	for dec.More() {
		key, err := dec.Token()
		var raw json.RawMessage
		if err != nil || dec.Decode(&raw) != nil {
			break
		}
		var s string
		for _, k := range keys {
			if name, _ := key.(string); strings.EqualFold(name, k) && json.Unmarshal(raw, &s) == nil && len(s) >= 8 {
				vals = append(vals, s)
			}
		}
	}
	return vals
}
