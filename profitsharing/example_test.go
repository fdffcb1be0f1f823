package profitsharing_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/profitsharing"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func ExampleService_QueryOrder() {
	srv := wechatpaytest.NewServer() // in production: wechatpay.NewClient(...)
	defer srv.Close()
	svc := profitsharing.New(srv.Client())

	order, err := svc.QueryOrder(context.Background(), &profitsharing.QueryOrderRequest{
		OutOrderNo:    "P20150806125346",
		SubMchID:      "1900000109",
		TransactionID: "4208450740201411110007820472",
	})
	var apiErr *wechatpay.APIError
	switch {
	case errors.As(err, &apiErr) && apiErr.Code == "RESOURCE_NOT_EXISTS":
		fmt.Println("no such order")
		return
	case err != nil:
		fmt.Println("error:", err)
		return
	}
	fmt.Println(order.OrderID, order.State)
	for _, r := range order.Receivers {
		fmt.Println(r.DetailType, r.Type, r.Amount, r.Currency, r.Result, r.RateValue)
	}
	// Output:
	// 7100000751202203238026613597498 PROCESSING
	// UNFREEZE_TO_SPONSOR MERCHANT_ID 797 CNY PENDING 83640300
	// DISTRIBUTE_TO_OTHERS PERSONAL_OPENID 99 CNY PENDING 0
	// DISTRIBUTE_TO_OTHERS MERCHANT_ID 99 CNY PENDING 0
}
