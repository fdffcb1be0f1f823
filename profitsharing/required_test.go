package profitsharing_test

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/profitsharing"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// signedAnswerClient returns a client whose every call gets *body as the
// answer, correctly signed with the WeChat Pay key it trusts.
func signedAnswerClient(t *testing.T, body *string) *wechatpay.Client {
	return wechatpaytest.Start(t).ClientWithAnswers(func(*http.Request) []byte { return []byte(*body) },
		wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 1}))
}

// TestQueryOrderRequiredFields: a correctly signed answer without a field
// the API always sends, or that is {}, null, "" or whitespace, is
// ErrMalformedResponse naming the field, never a zero Order.
func TestQueryOrderRequiredFields(t *testing.T) {
	const receiver = `{"currency":"CNY","amount":1,"description":"d","type":"MERCHANT_ID","account":"a","result":"SUCCESS","create_time":"2022-03-23T17:10:13+08:00","detail_id":"D1","detail_type":"DISTRIBUTE_TO_OTHERS"}`
	const head = `"transaction_id":"4200000012202203235765130087","out_order_no":"P1","order_id":"71","state":"FINISHED"`
	var body string
	svc := profitsharing.New(signedAnswerClient(t, &body))
	req := &profitsharing.QueryOrderRequest{OutOrderNo: "P1", TransactionID: "4200000012202203235765130087"}
	for _, tt := range []struct{ body, field string }{
		{`{}`, "transaction_id"},
		{`null`, "transaction_id"},
		{``, "transaction_id"},
		{"\n ", "transaction_id"},
		{`{"transaction_id":"4200000012202203235765130087","order_id":"71","state":"FINISHED","receivers":[` + receiver + `]}`, "out_order_no"},
		{`{"transaction_id":"4200000012202203235765130087","out_order_no":"P1","order_id":"71","receivers":[` + receiver + `]}`, "state"},
		{`{` + head + `}`, "receivers"},
		{`{` + head + `,"receivers":[]}`, "receivers"},
		{`{` + head + `,"receivers":[` + receiver + `,{}]}`, "receivers[1].currency"},
		{`{` + head + `,"receivers":[{"currency":"CNY","description":"d","type":"MERCHANT_ID","account":"a","result":"SUCCESS","detail_id":"D1","detail_type":"DISTRIBUTE_TO_OTHERS"}]}`, "receivers[0].create_time"},
	} {
		body = tt.body
		o, err := svc.QueryOrder(t.Context(), req)
		require.Nil(t, o, "%q", tt.body)
		require.ErrorIs(t, err, wechatpay.ErrMalformedResponse, "%q", tt.body)
		require.ErrorContains(t, err, "the answer has no "+tt.field, "%q", tt.body)
	}
	body = `{` + head + `,"receivers":[` + receiver + `]}`
	o, err := svc.QueryOrder(t.Context(), req)
	require.NoError(t, err)
	require.Equal(t, profitsharing.StateFinished, o.State)

	body = `{` + head + `,"receivers":[{"amount":12345678901234567890123}]}`
	_, err = svc.QueryOrder(t.Context(), req)
	require.ErrorIs(t, err, wechatpay.ErrMalformedResponse)
	// Receiver has no UnmarshalJSON of its own: encoding/json names the
	// whole path.
	require.Contains(t, err.Error(), `field "receivers.amount"`)
	require.NotContains(t, err.Error(), "12345678901234567890123", "the value is never echoed")

	// The exchange rate's second spelling, rate, is read when rate_value
	// is absent.
	body = `{` + head + `,"receivers":[` + receiver[:len(receiver)-1] + `,"rate":650000000},` + receiver[:len(receiver)-1] + `,"rate_value":0,"rate":3}]}`
	o, err = svc.QueryOrder(t.Context(), req)
	require.NoError(t, err)
	require.Equal(t, int64(650000000), o.Receivers[0].RateValue)
	require.Zero(t, o.Receivers[1].RateValue)
	body = `{` + head + `,"receivers":[` + receiver[:len(receiver)-1] + `,"rate":"SECRET"}]}`
	o, err = svc.QueryOrder(t.Context(), req)
	require.Nil(t, o)
	require.ErrorIs(t, err, wechatpay.ErrMalformedResponse)
	require.NotContains(t, err.Error(), "SECRET")

	body = `{` + head + `,"receivers":[` + receiver + `,{"create_time":"yesterday at 5"}]}`
	o, err = svc.QueryOrder(t.Context(), req)
	require.Nil(t, o)
	require.ErrorIs(t, err, wechatpay.ErrMalformedResponse)
	require.Contains(t, err.Error(), `field "receivers.create_time": want an RFC 3339 time`)
	require.NotContains(t, err.Error(), "yesterday", "the value is never echoed")
}

// TestNewAnswersRequiredFields: the new answers without a field the API
// always sends are ErrMalformedResponse naming it.
func TestNewAnswersRequiredFields(t *testing.T) {
	var body string
	svc := profitsharing.New(signedAnswerClient(t, &body))
	ctx := t.Context()
	queryReceiver := func() error {
		_, err := svc.QueryReceiver(ctx, &profitsharing.QueryReceiverRequest{Account: "a", Type: profitsharing.ReceiverTypeMerchantID})
		return err
	}
	for _, tt := range []struct {
		call        func() error
		body, field string
	}{
		{queryReceiver, `{"type":"MERCHANT_ID","state":"INIT"}`, "account"},
		{queryReceiver, `{"type":"MERCHANT_ID","account":"a"}`, "state"},
		{func() error {
			_, err := svc.QueryUnsplitAmount(ctx, &profitsharing.QueryUnsplitAmountRequest{TransactionID: "t"})
			return err
		}, `{"unsplit_amount":0,"transaction_id":"t"}`, "currency"},
		{func() error {
			_, err := svc.QueryBillDownloadURL(ctx, &profitsharing.QueryBillDownloadURLRequest{BillDate: time.Now()})
			return err
		}, `{}`, "download_url"},
		{func() error {
			_, err := svc.QueryRefundableAmounts(ctx, &profitsharing.QueryRefundableAmountsRequest{TransactionID: "t"})
			return err
		}, `{"transaction_id":"t","currency":"CNY","funds_refundable_amount":1}`, "refundable_amount"},
		{func() error { _, err := svc.QueryRefundableBalance(ctx); return err }, `{"sponsor_mchid":"1","currency":"CNY"}`, "balance"},
		{func() error { _, err := svc.QueryRefundableBalance(ctx); return err }, `{"balance":0,"currency":"CNY"}`, "sponsor_mchid"},
		{func() error {
			_, err := svc.QueryRefundBillDownloadURL(ctx, &profitsharing.QueryRefundBillDownloadURLRequest{BillDate: time.Now()})
			return err
		}, `{}`, "download_url"},
	} {
		body = tt.body
		err := tt.call()
		require.ErrorIs(t, err, wechatpay.ErrMalformedResponse, tt.body)
		require.ErrorContains(t, err, "the answer has no "+tt.field, tt.body)
	}

	// A plaintext name is returned as it is; an RSA-sized base64 value
	// that does not decrypt is ErrDecrypt, never echoed.
	body = `{"account":"a","state":"EFFECTIVE","name":"张三"}`
	rel, err := svc.QueryReceiver(ctx, &profitsharing.QueryReceiverRequest{Account: "a", Type: profitsharing.ReceiverTypeMerchantID})
	require.NoError(t, err)
	require.Equal(t, "张三", rel.Name)
	fake := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 256))
	body = `{"account":"a","state":"EFFECTIVE","name":"` + fake + `"}`
	_, err = svc.QueryReceiver(ctx, &profitsharing.QueryReceiverRequest{Account: "a", Type: profitsharing.ReceiverTypeMerchantID})
	require.ErrorIs(t, err, wechatpay.ErrDecrypt)
	require.NotContains(t, err.Error(), fake)
}
