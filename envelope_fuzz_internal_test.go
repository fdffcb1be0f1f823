package wechatpay

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzEnvelopeDecode checks that the callback envelope's hand-written
// decoder accepts exactly what json.Unmarshal accepts (the envelope has no
// UnmarshalJSON, so json.Unmarshal is the reflection oracle) and decodes
// it to the same values, the resource pointer included.
func FuzzEnvelopeDecode(f *testing.F) {
	for _, s := range []string{
		`{"id":"EV-2018022511223320873","create_time":"2015-05-20T13:29:35+08:00","resource_type":"encrypt-resource","event_type":"TRANSACTION.SUCCESS","summary":"支付成功","resource":{"original_type":"transaction","algorithm":"AEAD_AES_256_GCM","ciphertext":"abc","associated_data":"","nonce":"n"}}`,
		`{"resource":{"ciphertext":"x"},"resource":{"nonce":"y"}}`,
		`{"resource":{"ciphertext":"x"},"resource":null,"resource":{"nonce":"y"}}`,
		`{"resource":null}`, `{"resource":[]}`, `{"Resource":{"Ciphertext":"x"}}`, `null`, `{"id":1}`, `{"id":"a",}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var ref, got notificationEnvelope
		refErr := json.Unmarshal(data, &ref)
		err := got.UnmarshalWire(data)
		require.Equal(t, refErr == nil, err == nil, "reference error %v, got %v", refErr, err)
		if refErr == nil {
			require.Equal(t, ref, got)
		}
	})
}
