package wechatpaytest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func ExampleNewServer() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	client := srv.Client()
	defer client.Close()

	// bal_account_no is a sensitive field: encrypt it for WeChat Pay (DoV3
	// names the key used in Wechatpay-Serial itself).
	balAccountNo, _, err := client.EncryptSensitive("8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f")
	if err != nil {
		fmt.Println(err)
		return
	}
	var out struct {
		State string `json:"state"`
	}
	_, err = client.DoV3(context.Background(), &wechatpay.Request{
		Method:     http.MethodGet,
		Path:       "/v3/aggracct-bc/wb-channel/special-reduction/{out_request_no}",
		PathParams: map[string]string{"out_request_no": "htozr8denqegbt6tk6u10iymo7yww5pn"},
		Query:      url.Values{"mchid": {srv.MchID()}, "bal_account_no": {balAccountNo}},
	}, &out)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out.State)
	// Output: SUCCESS
}

// A merchant teaches the emulator an endpoint the SDK has no typed service
// for, the JSAPI order, and calls it with DoV3: the handler runs only for a
// request whose signature verified, and its answer is signed like every
// other, so the SDK verifies it.
func ExampleServer_HandleV3() {
	srv := wechatpaytest.NewUnstartedServer()
	defer srv.Close()
	srv.HandleV3("POST /v3/pay/transactions/jsapi", func(r *wechatpaytest.V3Request) (int, any) {
		var order struct {
			OutTradeNo string `json:"out_trade_no"`
			Amount     struct {
				Total int64 `json:"total"`
			} `json:"amount"`
		}
		if e := r.DecodeJSON(&order); e != nil {
			return e.Answer() // 400 PARAM_ERROR on a body that is not JSON
		}
		if order.Amount.Total <= 0 {
			return wechatpaytest.V3Error(http.StatusBadRequest, "PARAM_ERROR", "amount.total must be positive")
		}
		return http.StatusOK, map[string]string{"prepay_id": "wx201410272009395522657a690389285100"}
	})
	srv.Start()
	client := srv.Client()
	defer client.Close()

	var out struct {
		PrepayID string `json:"prepay_id"`
	}
	_, err := client.DoV3(context.Background(), &wechatpay.Request{
		Method: http.MethodPost,
		Path:   "/v3/pay/transactions/jsapi",
		Body: map[string]any{
			"appid": srv.AppID(), "mchid": srv.MchID(), "description": "Image形象店-深圳腾大-QQ公仔",
			"out_trade_no": "1217752501201407033233368018", "notify_url": "https://www.weixin.qq.com/wxpay/pay.php",
			"amount": map[string]any{"total": 100, "currency": "CNY"},
			"payer":  map[string]string{"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
		},
	}, &out)
	fmt.Println(out.PrepayID, err)

	_, err = client.DoV3(context.Background(), &wechatpay.Request{
		Method: http.MethodPost,
		Path:   "/v3/pay/transactions/jsapi",
		Body:   map[string]any{"out_trade_no": "1217752501201407033233368019", "amount": map[string]any{"total": 0}},
	}, nil)
	var apiErr *wechatpay.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Code, apiErr.Message)
	}
	// Output:
	// wx201410272009395522657a690389285100 <nil>
	// 400 PARAM_ERROR amount.total must be positive
}
