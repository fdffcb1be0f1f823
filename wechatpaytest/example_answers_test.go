package wechatpaytest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/profitsharing"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// An answer WeChat Pay should never send, correctly signed: the amount the
// API always carries is missing. The typed call refuses it rather than
// reading the amount as 0.
func ExampleServer_ClientWithAnswers() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	client := srv.ClientWithAnswers(func(*http.Request) []byte {
		return []byte(`{"transaction_id":"4208450740201411110007820472","currency":"CNY"}`)
	})
	defer client.Close()

	_, err := profitsharing.New(client).QueryUnsplitAmount(context.Background(),
		&profitsharing.QueryUnsplitAmountRequest{TransactionID: "4208450740201411110007820472"})
	fmt.Println(errors.Is(err, wechatpay.ErrMalformedResponse))
	// Output: true
}
