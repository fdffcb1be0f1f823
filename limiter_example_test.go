package wechatpay_test

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/aggracct"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// budget is a Limiter of a fixed number of calls, standing in for one
// shared by a fleet (in Redis, say): any type with Wait(ctx) error will do.
type budget struct{ left atomic.Int64 }

func (b *budget) Wait(ctx context.Context) error {
	if b.left.Add(-1) < 0 {
		return fmt.Errorf("call budget used up")
	}
	return ctx.Err()
}

// A service waits on its limiters after checking the input and before any
// I/O; a call its limiter refuses is not sent.
func ExampleLimiter() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	b := &budget{}
	b.left.Store(1)
	var l wechatpay.Limiter = b
	svc := aggracct.New(srv.Client(), aggracct.WithQueryLimiter(l))

	req := &aggracct.QuerySpecialReductionRequest{
		OutRequestNo: "htozr8denqegbt6tk6u10iymo7yww5pn",
		BalAccountNo: "8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f",
	}
	for range 2 {
		r, err := svc.QuerySpecialReduction(context.Background(), req)
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Println(r.State)
	}
	fmt.Println("requests sent:", srv.Requests())
	// Output:
	// SUCCESS
	// error: aggracct: waiting for the rate limiter: call budget used up
	// requests sent: 1
}
