package redpack_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/redpack"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func ExampleService_QueryWorkWx() {
	srv := wechatpaytest.NewServer() // in production: wechatpay.NewClient(...) with the APIv2 key and certificate
	defer srv.Close()
	svc := redpack.New(srv.Client())

	p, err := svc.QueryWorkWx(context.Background(), &redpack.QueryWorkWxRequest{
		MchBillNo: "10000098201411111234567890", // mch_id and appid default to the client's
	})
	var apiErr *wechatpay.APIError
	switch {
	case errors.As(err, &apiErr) && apiErr.ErrCode == "NOT_FOUND":
		fmt.Println("not found yet: query again later, never re-send under a new bill number")
		return
	case err != nil:
		fmt.Println("error:", err)
		return
	}
	fmt.Println(p.Status, p.SendType, p.TotalAmount, "fen")
	fmt.Println(p.RcvTime.Format(time.DateTime), p.RcvTime.Format("-07:00"))

	_, err = svc.QueryWorkWx(context.Background(), &redpack.QueryWorkWxRequest{MchBillNo: "10000098201411111234567899"})
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.ErrCode)
	}
	// Output:
	// RECEIVED API 5000 fen
	// 2025-10-09 16:01:30 +08:00
	// NOT_FOUND
}
