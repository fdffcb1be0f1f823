package wechatpaytest_test

import (
	"context"
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
