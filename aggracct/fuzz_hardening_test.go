package aggracct_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/aggracct"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// fuzzReplyKey carries the fuzzed answer body to the fake transport.
type fuzzReplyKey struct{}

// signingClient returns a client whose every request is answered with the
// body in the request's context (fuzzReplyKey), correctly signed with the
// WeChat Pay key the client trusts.
func signingClient(tb testing.TB) *wechatpay.Client {
	return wechatpaytest.Start(tb).ClientWithAnswers(func(r *http.Request) []byte {
		body, _ := r.Context().Value(fuzzReplyKey{}).([]byte)
		return body
	}, wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 1}))
}

// TestSignedAnswersWithoutRequiredFields: a correctly signed answer that
// lacks a field the API always sends, or is {}, null, "" or whitespace, is
// ErrMalformedResponse naming the field, never a zero result.
func TestSignedAnswersWithoutRequiredFields(t *testing.T) {
	svc := aggracct.New(signingClient(t))
	query := func(body string) error {
		ctx := context.WithValue(t.Context(), fuzzReplyKey{}, []byte(body))
		r, err := svc.QuerySpecialReduction(ctx, &aggracct.QuerySpecialReductionRequest{OutRequestNo: "N1", BalAccountNo: "B"})
		require.Equal(t, err != nil, r == nil, "%q: a result or an error", body)
		return err
	}
	punish := func(body string) error {
		ctx := context.WithValue(t.Context(), fuzzReplyKey{}, []byte(body))
		r, err := svc.Punish(ctx, &aggracct.PunishRequest{OutRequestNo: "N1", MchID: "1900016681", BalAccountNo: "B", PunishScene: 1})
		require.Equal(t, err != nil, r == nil, "%q: a result or an error", body)
		return err
	}
	for _, tt := range []struct {
		call        func(string) error
		body, field string
	}{
		{query, `{}`, "mchid"},
		{query, `null`, "mchid"},
		{query, ``, "mchid"},
		{query, " \n\t", "mchid"},
		{query, `{"mchid":"1900016681","bal_account_no":"B","out_request_no":"N1"}`, "state"},
		{query, `{"mchid":"1900016681","bal_account_no":"B","state":"SUCCESS"}`, "out_request_no"},
		{punish, `{}`, "wxpay_punish_no"},
		{punish, `null`, "wxpay_punish_no"},
		{punish, ``, "wxpay_punish_no"},
		{punish, `{"wxpay_punish_no":"1000"}`, "out_request_no"},
	} {
		err := tt.call(tt.body)
		require.ErrorIs(t, err, wechatpay.ErrMalformedResponse, "%q", tt.body)
		require.ErrorContains(t, err, "the answer has no "+tt.field, "%q", tt.body)
	}
	for field, body := range map[string]string{
		`"success_time"`: `{"mchid":"1900016681","bal_account_no":"B","out_request_no":"N1","state":"SUCCESS","success_time":"2015-05-20 13:29:35"}`,
		`"amount"`:       `{"mchid":"1900016681","bal_account_no":"B","out_request_no":"N1","state":"SUCCESS","amount":92233720368547758070}`,
		`"state"`:        `{"mchid":"1900016681","bal_account_no":"B","out_request_no":"N1","state":7654321}`,
	} {
		err := query(body)
		require.ErrorIs(t, err, wechatpay.ErrMalformedResponse, body)
		require.ErrorContains(t, err, field, body)
		for _, v := range []string{"13:29:35", "92233720368547758070", "7654321"} {
			require.NotContains(t, err.Error(), v, "the value is never echoed")
		}
	}
	require.NoError(t, query(`{"mchid":"1900016681","bal_account_no":"B","out_request_no":"N1","state":"PROCESSING"}`), "the plaintext ledger number the caller sent is taken as it is")
	require.NoError(t, punish(`{"wxpay_punish_no":"1000","out_request_no":"N1"}`))
}

// FuzzVerifiedReply answers QuerySpecialReduction and Punish with random
// bodies that carry a valid WeChat Pay signature, so that everything after
// verification (JSON decoding, bal_account_no decryption, RFC 3339 times,
// the required fields) sees arbitrary bytes. It must never panic; a failure
// must be ErrMalformedResponse or ErrDecrypt with no result, and a success
// needs a JSON body with every required field.
func FuzzVerifiedReply(f *testing.F) {
	merchant, err := wxcrypto.LoadPrivateKeyFile("../testdata/merchant_test_key.pem")
	if err != nil {
		f.Fatal(err)
	}
	cipher, err := wxcrypto.EncryptOAEP(&merchant.PublicKey, []byte("8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(`{"mchid":"1900016681","bal_account_no":"`+cipher+`","out_request_no":"N1","reduction_type":"JUDICIAL_DEDUCTION","amount":1,"state":"SUCCESS","success_time":"2015-05-20T13:29:35+08:00"}`), false)
	f.Add([]byte(`{"mchid":"1900016681","bal_account_no":"`+cipher+`","out_request_no":"N1","state":"FAILED","fail_time":"2015-05-20T13:29:35.120+08:00","fail_reason":"X"}`), false)
	f.Add([]byte(`{"bal_account_no":"AAAA","success_time":"not a time"}`), false)
	f.Add([]byte(`{"wxpay_punish_no":"1","out_request_no":"N1"}`), true)
	f.Add([]byte(`null`), true)
	f.Add([]byte(`{}`), true)
	f.Add([]byte(`{"out_request_no":"N1"}`), true)
	f.Add([]byte(``), false)
	c := signingClient(f)
	svc := aggracct.New(c)
	f.Fuzz(func(t *testing.T, body []byte, punish bool) {
		ctx := context.WithValue(context.Background(), fuzzReplyKey{}, body)
		var (
			result any
			isNil  bool
			err    error
		)
		if punish {
			var r *aggracct.PunishResult
			r, err = svc.Punish(ctx, &aggracct.PunishRequest{OutRequestNo: "N1", MchID: "1900016681", BalAccountNo: "B", PunishScene: 1})
			result, isNil = r, r == nil
		} else {
			var r *aggracct.SpecialReduction
			r, err = svc.QuerySpecialReduction(ctx, &aggracct.QuerySpecialReductionRequest{OutRequestNo: "N1", BalAccountNo: "B"})
			result, isNil = r, r == nil
		}
		switch {
		case err != nil && !isNil:
			t.Fatalf("result %+v with the error %v", result, err)
		case err != nil && !errors.Is(err, wechatpay.ErrMalformedResponse) && !errors.Is(err, wechatpay.ErrDecrypt):
			t.Fatalf("unexpected error class: %v", err)
		case err == nil && isNil:
			t.Fatal("no result and no error")
		case err == nil && !json.Valid(body):
			t.Fatalf("accepted a body that is not JSON: %q", body)
		case err == nil && punish && (result.(*aggracct.PunishResult).WxpayPunishNo == "" || result.(*aggracct.PunishResult).OutRequestNo == ""):
			t.Fatalf("acknowledged a punish without its numbers: %q", body)
		case err == nil && !punish && (result.(*aggracct.SpecialReduction).State == "" || result.(*aggracct.SpecialReduction).OutRequestNo == ""):
			t.Fatalf("a special reduction without state or number: %q", body)
		}
	})
}
