package wechatpaytest_test

import (
	"testing"
	"time"

	"github.com/gowechatpay/wechatpay/aggracct"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// TestReadmeSnippet runs the README's emulator example, so that it stays true.
func TestReadmeSnippet(t *testing.T) {
	srv := wechatpaytest.Start(t) // loopback TLS, test keys, seed fixtures; closed when t ends
	srv.AddSpecialReduction(wechatpaytest.SpecialReduction{
		OutRequestNo: "R1", MchID: srv.MchID(), BalAccountNo: "acct-1",
		State: "FAILED", FailReason: "BALANCE_NOT_ENOUGH", FailTime: time.Now(),
	})
	srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIQuerySpecialReduction, Kind: wechatpaytest.FaultSystemError, Count: 1})

	svc := aggracct.New(srv.Client())
	r, err := svc.QuerySpecialReduction(t.Context(), &aggracct.QuerySpecialReductionRequest{OutRequestNo: "R1", BalAccountNo: "acct-1"})
	if err != nil || r.State != aggracct.StateFailed || r.FailReason != aggracct.FailReasonBalanceNotEnough || r.Meta.Attempts != 2 {
		t.Fatalf("%+v %v", r, err)
	}
}
