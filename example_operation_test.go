package wechatpay_test

import (
	"context"
	"fmt"
	"net/http"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// QueryTransactionRequest is an endpoint the SDK has no type for, declared
// by the merchant: the path segment, the query parameter with its default,
// and the rules Validate checks before any I/O.
type QueryTransactionRequest struct {
	OutTradeNo string `json:"-" path:"out_trade_no" wx:"required,orderno,max=32"`
	MchID      string `json:"-" query:"mchid" wx:"default=mchid,digits,max=32"`
}

// Transaction is its answer: trade_state is always sent.
type Transaction struct {
	TradeState string `json:"trade_state" wire:"required"`
	Amount     struct {
		Total int64 `json:"total"`
	} `json:"amount"`
	Meta wechatpay.Response
}

var queryTransaction = wechatpay.Operation[QueryTransactionRequest, Transaction]{
	Name:   "shop.QueryTransaction",
	Method: http.MethodGet,
	Path:   "/v3/pay/transactions/out-trade-no/{out_trade_no}",
	Repeat: wechatpay.RepeatRead,
}

// ExampleOperation declares an endpoint the SDK lacks and calls it with the
// same validation, signing, retries, verification and typed decoding as the
// typed services; the emulator learns the endpoint with HandleV3.
func ExampleOperation() {
	srv := wechatpaytest.NewUnstartedServer()
	defer srv.Close()
	srv.HandleV3("GET /v3/pay/transactions/out-trade-no/{out_trade_no}", func(r *wechatpaytest.V3Request) (int, any) {
		if r.URL.Query().Get("mchid") != srv.MchID() {
			return wechatpaytest.V3Error(http.StatusBadRequest, "PARAM_ERROR", "mchid")
		}
		return http.StatusOK, map[string]any{"trade_state": "SUCCESS", "amount": map[string]int64{"total": 100}}
	})
	srv.Start()
	c := srv.Client() // srv.Close closes it

	tx, err := queryTransaction.Do(context.Background(), c, &QueryTransactionRequest{OutTradeNo: "1217752501201407033233368018"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(tx.TradeState, tx.Amount.Total, tx.Meta.StatusCode)

	_, err = queryTransaction.Do(context.Background(), c, &QueryTransactionRequest{OutTradeNo: "no spaces"})
	fmt.Println(err)
	// Output:
	// SUCCESS 100 200
	// wechatpay: invalid OutTradeNo (out_trade_no): may hold only digits, letters, '_' and '-'
}
