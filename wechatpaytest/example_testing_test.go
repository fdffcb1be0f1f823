package wechatpaytest_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/gowechatpay/wechatpay/aggracct"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// ExampleStart is a test of a merchant's code against the emulator: the
// server and its clients close when the test ends, a fault makes the
// first query fail with a 500 that the client retries without waiting,
// and FailAll makes WeChat Pay refuse everything for the rest of the test.
func ExampleStart() {
	testQuery := func(t *testing.T) {
		srv := wechatpaytest.Start(t)
		srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIQuerySpecialReduction, Kind: wechatpaytest.FaultSystemError, Count: 1})
		svc := aggracct.New(srv.Client(wechatpaytest.FastRetry()))
		req := &aggracct.QuerySpecialReductionRequest{OutRequestNo: wechatpaytest.SeedReductionNo, BalAccountNo: wechatpaytest.SeedBalAccountNo}
		r, err := svc.QuerySpecialReduction(t.Context(), req)
		if err != nil || r.Meta.Attempts != 2 {
			t.Fatalf("%+v %v", r, err)
		}

		c, requests := wechatpaytest.FailAll(t, srv, http.StatusForbidden, "NO_AUTH")
		_, err = aggracct.New(c).QuerySpecialReduction(context.Background(), req)
		wechatpaytest.RequireAPIError(t, err, http.StatusForbidden, "NO_AUTH")
		if requests() != 1 {
			t.Fatal("a 403 is not retried")
		}
	}
	_ = testQuery // a test function (func TestQuery(t *testing.T)) that go test runs
}
