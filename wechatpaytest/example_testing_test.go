package wechatpaytest_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/gowechatpay/wechatpay"
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

// QueryTransactionRequest is an endpoint the SDK has no type for, declared
// by the merchant.
type QueryTransactionRequest struct {
	OutTradeNo string `json:"-" path:"out_trade_no" wx:"required,orderno,max=32"`
	MchID      string `json:"-" query:"mchid" wx:"default=mchid,digits,max=32"`
}

// Transaction is its answer.
type Transaction struct {
	TradeState string `json:"trade_state" wire:"required"`
	Meta       wechatpay.Response
}

var queryTransaction = wechatpay.Operation[QueryTransactionRequest, Transaction]{
	Name: "shop.QueryTransaction", Method: http.MethodGet, Repeat: wechatpay.RepeatRead,
	Path: "/v3/pay/transactions/out-trade-no/{out_trade_no}",
}

// ExampleRequireRetries checks that an endpoint the merchant declared gets
// what every typed call of the SDK gets: 429 and 500 retried within the
// budget, a tampered, probing or stale answer refused and not retried, and
// an invalid request refused before any I/O.
func ExampleRequireRetries() {
	testQueryTransaction := func(t *testing.T) {
		const route = "GET /v3/pay/transactions/out-trade-no/{out_trade_no}"
		srv := wechatpaytest.Start(t)
		srv.HandleV3(route, func(r *wechatpaytest.V3Request) (int, any) {
			return http.StatusOK, map[string]string{"trade_state": "SUCCESS"}
		})
		req := &QueryTransactionRequest{OutTradeNo: "1217752501201407033233368018"}
		wechatpaytest.RequireRetries(t, srv, route, func(t *testing.T, c *wechatpay.Client) (int, error) {
			tx, err := queryTransaction.Do(t.Context(), c, req)
			if err != nil {
				return 0, err
			}
			return tx.Meta.Attempts, nil
		})
		wechatpaytest.RequireAnswerFaults(t, srv, route, func(t *testing.T, c *wechatpay.Client) error {
			_, err := queryTransaction.Do(t.Context(), c, req)
			return err
		})
		wechatpaytest.RequireFieldErrors(t, srv, map[string]func() error{
			"out_trade_no": func() error {
				_, err := queryTransaction.Do(t.Context(), srv.Client(), &QueryTransactionRequest{OutTradeNo: "no spaces"})
				return err
			},
		})
	}
	_ = testQueryTransaction // a test function (func TestQueryTransaction(t *testing.T)) that go test runs
}
