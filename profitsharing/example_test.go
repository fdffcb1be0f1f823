package profitsharing_test

import (
	"context"
	"encoding/json"
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

// An answer saved earlier (a log of verified bodies, a fixture) decodes with
// encoding/json into the same Order that QueryOrder returns.
func ExampleOrder() {
	body := []byte(`{"order_id":"7100000751202203238026613597498","out_order_no":"P20150806125346",` +
		`"state":"FINISHED","transaction_id":"4208450740201411110007820472","receivers":[` +
		`{"type":"MERCHANT_ID","account":"2480248971","amount":99,"currency":"CNY","result":"SUCCESS",` +
		`"detail_type":"DISTRIBUTE_TO_OTHERS","detail_id":"7200000751202203238026613597767",` +
		`"create_time":"2022-03-23T17:10:13+08:00","finish_time":"2022-03-23T17:12:40+08:00"}]}`)
	var order profitsharing.Order
	if err := json.Unmarshal(body, &order); err != nil {
		fmt.Println("error:", err)
		return
	}
	r := order.Receivers[0]
	fmt.Println(order.State, r.Result, r.Amount, r.Currency, r.FinishTime.Sub(r.CreateTime))
	// Output: FINISHED SUCCESS 99 CNY 2m27s
}
