package aggracct_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/aggracct"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func ExampleService_QuerySpecialReduction() {
	srv := wechatpaytest.NewServer() // in production: wechatpay.NewClient(...)
	defer srv.Close()
	svc := aggracct.New(srv.Client(), aggracct.WithQueryLimiter(aggracct.NewQueryLimiter()))

	r, err := svc.QuerySpecialReduction(context.Background(), &aggracct.QuerySpecialReductionRequest{
		OutRequestNo: "htozr8denqegbt6tk6u10iymo7yww5pn",
		BalAccountNo: "8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f", // encrypted by the SDK
	})
	var apiErr *wechatpay.APIError
	switch {
	case errors.Is(err, wechatpay.ErrInvalidSignature):
		fmt.Println("answer not from WeChat Pay:", err)
		return
	case errors.As(err, &apiErr) && apiErr.Code == "RESOURCE_NOT_EXISTS":
		fmt.Println("no such reduction")
		return
	case err != nil:
		fmt.Println("error:", err)
		return
	}
	fmt.Println(r.State, r.ReductionType, r.Amount, "fen")
	fmt.Println(r.BalAccountNo[:8], r.SuccessTime.Format(time.RFC3339))
	// Output:
	// SUCCESS JUDICIAL_DEDUCTION 1 fen
	// 8609cb22 2015-05-20T13:29:35+08:00
}

func ExampleService_Punish() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	svc := aggracct.New(srv.Client(), aggracct.WithPunishLimiter(aggracct.NewPunishLimiter()))

	req := &aggracct.PunishRequest{
		OutRequestNo:  "WBPUNISH20251009000001", // the idempotency key: reuse it to retry
		MchID:         "1900016681",
		BalAccountNo:  "8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f",
		PunishScene:   1,
		PunishReason:  "测试用管控原因",
		PunishEndTime: time.Date(2025, 12, 31, 23, 59, 59, 0, time.FixedZone("CST", 8*3600)),
	}
	first, err := svc.Punish(context.Background(), req)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	again, err := svc.Punish(context.Background(), req) // re-entrant for a year
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(first.OutRequestNo, first.WxpayPunishNo == again.WxpayPunishNo)
	fmt.Println(srv.Punishments()[0].PunishEndTime)
	// Output:
	// WBPUNISH20251009000001 true
	// 2025-12-31T23:59:59+08:00
}
