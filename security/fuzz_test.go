package security_test

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/gowechatpay/wechatpay"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
	"github.com/gowechatpay/wechatpay/internal/service"
	"github.com/gowechatpay/wechatpay/security"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// fuzzSecret is what the ciphertext standing for $CT$ in a seed decrypts
// to: a value of the callback that no error may show.
const fuzzSecret = "FUZZ-SECRET-ECHO-PLAINTEXT"

// FuzzDecodeEchoNotification runs DecodeEchoNotification on any decrypted
// resource (seeds in testdata/fuzz; $CT$ in one stands for a ciphertext
// of fuzzSecret under the merchant key): it never panics; an error
// matches wechatpay.ErrMalformedNotification or wechatpay.ErrDecrypt with
// a nil answer and shows neither a ciphertext nor fuzzSecret; an answer
// holds echo_message as sent and encrypt_echo_message (else
// encrypted_echo_message) decrypted when it has the form of a ciphertext,
// else as sent.
func FuzzDecodeEchoNotification(f *testing.F) {
	srv := wechatpaytest.Start(f)
	svc := security.New(srv.Client())
	ct, err := wxcrypto.EncryptOAEP(srv.MerchantPublicKey(), []byte(fuzzSecret))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, plaintext []byte) {
		plaintext = bytes.ReplaceAll(plaintext, []byte("$CT$"), []byte(ct))
		var sent struct {
			EchoMessage string `json:"echo_message"`
			Encrypt     string `json:"encrypt_echo_message"`
			Encrypted   string `json:"encrypted_echo_message"`
		}
		sentErr := json.Unmarshal(plaintext, &sent)
		raw := cmp.Or(sent.Encrypt, sent.Encrypted)
		n := &wechatpay.Notification{ID: "FUZZ-NOTIFICATION-ID", EventType: security.EventEchoSuccess, ResourceType: "encrypt-resource",
			Resource: wechatpay.NotificationResource{Algorithm: wechatpay.AlgorithmAEADAES256GCM, OriginalType: "security"}, Plaintext: plaintext}
		echo, err := svc.DecodeEchoNotification(n)
		if err != nil {
			checkEchoError(t, err, echo, raw)
			return
		}
		want := raw
		if service.LooksEncrypted(raw) {
			want = fuzzSecret // no other ciphertext decrypts under the merchant key
		}
		if sentErr != nil || echo.EchoMessage != sent.EchoMessage || echo.EncryptedEchoMessage != want {
			t.Fatalf("echo %+v from %+v (%v)", echo, sent, sentErr)
		}
	})
}

// checkEchoError fails t unless err matches ErrMalformedNotification or
// ErrDecrypt, echo is nil, and the error shows neither raw, when it has
// the form of a ciphertext, nor fuzzSecret.
func checkEchoError(t *testing.T, err error, echo *security.EchoNotification, raw string) {
	t.Helper()
	if echo != nil {
		t.Fatalf("an answer with the error %v", err)
	}
	if !errors.Is(err, wechatpay.ErrMalformedNotification) && !errors.Is(err, wechatpay.ErrDecrypt) {
		t.Fatalf("error matches neither ErrMalformedNotification nor ErrDecrypt: %v", err)
	}
	msg := err.Error()
	if service.LooksEncrypted(raw) && strings.Contains(msg, raw[:16]) || strings.Contains(msg, fuzzSecret) {
		t.Fatalf("error shows the ciphertext or its plaintext: %v", err)
	}
}
