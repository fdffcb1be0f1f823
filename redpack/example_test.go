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

func ExampleService_Send() {
	srv := wechatpaytest.NewServer() // in production: wechatpay.NewClient(...) with the APIv2 key and certificate
	defer srv.Close()
	svc := redpack.New(srv.Client())

	req := &redpack.SendRequest{
		MchBillNo:   "10000098202612010000000001", // keep it: a resend must use the same number
		SendName:    "天虹百货",
		ReOpenID:    "oxTWIuGaIt6gTKsQRLau2M0yL16E",
		TotalAmount: 1000, // fen
		Wishing:     "感谢您参加猜灯谜活动，祝您元宵节快乐！",
		ClientIP:    "192.168.0.1",
		ActName:     "猜灯谜抢红包活动",
		Remark:      "猜越多得越多，快来抢！",
	}
	res, err := svc.Send(context.Background(), req)
	var apiErr *wechatpay.APIError
	switch {
	case errors.Is(err, redpack.ErrUnknownOutcome):
		fmt.Println("outcome unknown: resend later with the same MchBillNo, or Query")
		return
	case errors.As(err, &apiErr):
		fmt.Println("refused:", apiErr.ErrCode)
		return
	case err != nil:
		fmt.Println("error:", err)
		return
	}
	fmt.Println(res.MchBillNo, res.TotalAmount, "fen, signed reply:", res.Signed)

	again, _ := svc.Send(context.Background(), req) // re-entrant: the same packet
	fmt.Println("same packet:", again.SendListID == res.SendListID)
	// Output:
	// 10000098202612010000000001 1000 fen, signed reply: false
	// same packet: true
}

func ExampleService_SendWorkWx() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	// The secret of the WeCom 企业支付 application signs workwx_sign.
	svc := redpack.New(srv.Client(), redpack.WithWorkWxSecret(wechatpaytest.TestWeComPaymentSecret))

	res, err := svc.SendWorkWx(context.Background(), &redpack.SendWorkWxRequest{
		MchBillNo:   "10000098202612010000000002",
		SenderName:  "XX活动", // or AgentID, not both
		ReOpenID:    "oxTWIuGaIt6gTKsQRLau2M0yL16E",
		TotalAmount: 1000,
		Wishing:     "感谢您参加猜灯谜活动",
		ActName:     "猜灯谜抢红包活动",
		Remark:      "猜越多得越多",
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(res.SenderName, res.TotalAmount, "signed reply:", res.Signed)

	p, err := svc.QueryWorkWx(context.Background(), &redpack.QueryWorkWxRequest{MchBillNo: res.MchBillNo})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(p.Status, p.DetailID == res.SendListID)
	// Output:
	// XX活动 1000 signed reply: true
	// SENDING true
}

func ExampleService_Query() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	svc := redpack.New(srv.Client())
	ctx := context.Background()

	res, err := svc.Send(ctx, &redpack.SendRequest{
		MchBillNo: "10000098202612010000000003", SendName: "天虹百货", ReOpenID: "oxTWIuGaIt6gTKsQRLau2M0yL16E",
		TotalAmount: 1000, Wishing: "祝您元宵节快乐", ClientIP: "192.168.0.1", ActName: "猜灯谜", Remark: "快来抢",
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	srv.OpenRedPacket(srv.MchID(), res.MchBillNo, res.ReOpenID) // the emulator's "user opens" hook

	p, err := svc.Query(ctx, &redpack.QueryRequest{MchBillNo: res.MchBillNo})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(p.Status, p.HBType, p.TotalAmount, "fen")
	for _, r := range p.Receipts {
		fmt.Println(r.OpenID, r.Amount)
	}
	// Output:
	// RECEIVED NORMAL 1000 fen
	// oxTWIuGaIt6gTKsQRLau2M0yL16E 1000
}
