package wechatpay_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// ExampleClient_DoV3 calls an endpoint without a typed service: the path
// template is filled and escaped, the request signed, the answer verified,
// then decoded.
func ExampleClient_DoV3() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	c := srv.Client()

	var order struct {
		State     string `json:"state"`
		Receivers []struct {
			Amount   int64  `json:"amount"`
			Currency string `json:"currency"`
		} `json:"receivers"`
	}
	_, err := c.DoV3(context.Background(), &wechatpay.Request{
		Method:     http.MethodGet,
		Path:       "/v3/global/profit-sharing/orders/{out_order_no}",
		PathParams: map[string]string{"out_order_no": "P20150806125346"},
		Query:      url.Values{"sub_mchid": {"1900000109"}, "transaction_id": {"4208450740201411110007820472"}},
		Global:     true,
	}, &order)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(order.State, order.Receivers[0].Amount, order.Receivers[0].Currency)
	// Output: PROCESSING 797 CNY
}

// ExampleClient_EncryptSensitive sends a field marked 【加密】. DoV3 names the
// key that encrypted it in the Wechatpay-Serial header itself (the key
// EncryptSensitive uses): the caller sets the header only to override it.
func ExampleClient_EncryptSensitive() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	c := srv.Client()

	ciphertext, _, err := c.EncryptSensitive("8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f")
	if err != nil {
		fmt.Println(err)
		return
	}
	var out struct {
		State        string `json:"state"`
		BalAccountNo string `json:"bal_account_no"`
	}
	_, err = c.DoV3(context.Background(), &wechatpay.Request{
		Path:       "/v3/aggracct-bc/wb-channel/special-reduction/{out_request_no}",
		PathParams: map[string]string{"out_request_no": "htozr8denqegbt6tk6u10iymo7yww5pn"},
		Query:      url.Values{"mchid": {c.MchID()}, "bal_account_no": {ciphertext}},
	}, &out)
	if err != nil {
		fmt.Println(err)
		return
	}
	plain, err := c.DecryptSensitive(out.BalAccountNo)
	fmt.Println(out.State, plain[:8], err)
	// Output: SUCCESS 8609cb22 <nil>
}

// Example_verificationFailure shows that an answer failing verification
// never reaches the caller: here the emulator tampers with the body.
func Example_verificationFailure() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	srv.InjectFault(wechatpaytest.Fault{Kind: wechatpaytest.FaultTamperedBody, Count: 1})

	var out map[string]any
	_, err := srv.Client().DoV3(context.Background(), &wechatpay.Request{
		Path:       "/v3/global/profit-sharing/orders/{out_order_no}",
		PathParams: map[string]string{"out_order_no": "P20150806125346"},
		Query:      url.Values{"sub_mchid": {"1900000109"}, "transaction_id": {"4208450740201411110007820472"}},
		Global:     true,
	}, &out)
	fmt.Println(errors.Is(err, wechatpay.ErrInvalidSignature), errors.Is(err, wechatpay.ErrBadSignature), out == nil)
	// Output: true true true
}

// ExampleAPIError matches a WeChat Pay failure through any wrapping.
func ExampleAPIError() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()

	_, err := srv.Client().DoV3(context.Background(), &wechatpay.Request{
		Path:       "/v3/global/profit-sharing/orders/{out_order_no}",
		PathParams: map[string]string{"out_order_no": "NO-SUCH-ORDER"},
		Query:      url.Values{"transaction_id": {"4208450740201411110007820472"}},
		Global:     true,
	}, nil)
	err = fmt.Errorf("reconcile: %w", err)
	var apiErr *wechatpay.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Code, apiErr.RequestID != "")
	}
	// Output: 404 RESOURCE_NOT_EXISTS true
}

// ExampleAPIError_SignDifferences branches on what the SDK found when
// WeChat Pay refused a signature: here a clock ten minutes fast.
func ExampleAPIError_SignDifferences() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	fast := srv.Client(wechatpay.WithClock(func() time.Time { return time.Now().Add(10 * time.Minute) }))
	defer fast.Close()

	_, err := fast.DoV3(context.Background(), &wechatpay.Request{
		Path: "/v3/aggracct-bc/wb-channel/account/balance", Query: url.Values{"sub_mchid": {"1900000109"}},
	}, nil)
	var apiErr *wechatpay.APIError
	if errors.As(err, &apiErr) {
		for _, d := range apiErr.SignDifferences() {
			if d.Part == wechatpay.SignPartClock {
				fmt.Println(apiErr.Code, "the clock is off; fix NTP before retrying")
			}
		}
	}
	// Output: SIGN_ERROR the clock is off; fix NTP before retrying
}

// ExampleClient_ParseNotification verifies and decrypts a callback whose
// headers and body a web framework has already read. The emulator signs and
// encrypts it as WeChat Pay would.
func ExampleClient_ParseNotification() {
	srv := wechatpaytest.NewServer()
	defer srv.Close() // and its client
	c := srv.Client()
	header, body, err := srv.SignNotification("TRANSACTION.SUCCESS", map[string]string{
		"out_trade_no": "1217752501201407033233368018", "trade_state": "SUCCESS",
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	n, err := c.ParseNotification(header, body)
	if err != nil {
		fmt.Println(err) // not from WeChat Pay, stale, or not decryptable: answer 4xx
		return
	}
	var tx struct {
		OutTradeNo string `json:"out_trade_no"`
		TradeState string `json:"trade_state"`
	}
	if err := n.Decode(&tx); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(n.EventType, n.Resource.OriginalType, tx.OutTradeNo, tx.TradeState)
	// Output: TRANSACTION.SUCCESS transaction 1217752501201407033233368018 SUCCESS
}

// ExampleClient_NotificationHandler serves a notify_url: the handler
// verifies and decrypts each callback and answers WeChat Pay (204 when fn
// returns nil). The emulator delivers the callback over HTTPS.
func ExampleClient_NotificationHandler() {
	keys := wechatpaytest.NewServer()
	defer keys.Close() // and its client
	c := keys.Client()

	handler, err := c.NotificationHandler(func(ctx context.Context, n *wechatpay.Notification) error {
		var refund struct {
			OutRefundNo  string `json:"out_refund_no"`
			RefundStatus string `json:"refund_status"`
		}
		if err := n.Decode(&refund); err != nil {
			return err // answered 500: WeChat Pay delivers it again later
		}
		fmt.Println("refund", refund.OutRefundNo, refund.RefundStatus)
		return nil
	})
	if err != nil { // a client without an APIv3 key fails here, not at the first callback
		fmt.Println("error:", err)
		return
	}
	mux := http.NewServeMux()
	mux.Handle("POST /wechatpay/notify", handler)
	hs := httptest.NewTLSServer(mux)
	defer hs.Close()

	srv := wechatpaytest.NewServer(wechatpaytest.WithNotificationClient(hs.Client()))
	defer srv.Close()
	resp, err := srv.SendNotification(context.Background(), hs.URL+"/wechatpay/notify", "REFUND.SUCCESS",
		map[string]string{"out_refund_no": "R20150806125346", "refund_status": "SUCCESS"})
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.Status)
	// Output:
	// refund R20150806125346 SUCCESS
	// 204 No Content
}

// ExampleCredentials_Format shows that printing or logging credentials
// (or a Client) by accident leaks no key: every verb redacts them.
func ExampleCredentials_Format() {
	cr := wechatpay.Credentials{
		MchID:                  "1900016681",
		MerchantSerialNo:       "1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D",
		MerchantPrivateKeyFile: "apiclient_key.pem",
		WechatpayPublicKeyID:   "PUB_KEY_ID_0114232134912410000000000000",
		WechatpayPublicKeyFile: "pub_key.pem",
		APIv3Key:               "TestOnlyApiV3Key0123456789abcdef",
	}
	fmt.Printf("%v\n", cr)
	fmt.Printf("%#v\n", &cr)
	// Output:
	// wechatpay.Credentials{MchID:1900016681 MerchantSerialNo:1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D MerchantPrivateKeyFile:apiclient_key.pem WechatpayPublicKeyID:PUB_KEY_ID_0114232134912410000000000000 WechatpayPublicKeyFile:pub_key.pem APIv3Key:[redacted]}
	// wechatpay.Credentials{BaseURL:"", CAFile:"", MchID:"1900016681", AppID:"", MerchantSerialNo:"1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D", MerchantPrivateKeyFile:"apiclient_key.pem", MerchantCertificateFile:"", WechatpayPublicKeyID:"PUB_KEY_ID_0114232134912410000000000000", WechatpayPublicKeyFile:"pub_key.pem", PlatformCertificateFiles:"", APIv3Key:"[redacted]", APIv2Key:"", WeComPaymentSecret:"", Dir:""}
}

// ExampleClient_DownloadV3 fetches a file from a download URL that an API
// returned: the GET is signed, the unsigned answer streamed, bounded by a
// size limit.
func ExampleClient_DownloadV3() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()

	var bill struct {
		DownloadURL string `json:"download_url"`
	}
	today := time.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
	if _, err := c.DoV3(ctx, &wechatpay.Request{
		Path:   "/v3/global/profit-sharing/bill-download-url",
		Query:  url.Values{"sub_mchid": {"1900000109"}, "bill_date": {today}},
		Global: true,
	}, &bill); err != nil {
		fmt.Println(err)
		return
	}
	rc, _, err := c.DownloadV3(ctx, bill.DownloadURL, 10<<20)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rc.Close()
	line, err := bufio.NewReader(rc).ReadString('\n')
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(line[:strings.Index(line, ",sub_mchid")], "\n")

	_, _, err = c.DownloadV3(ctx, "https://example.com/bill?token=x", 0)
	fmt.Println(err)
	// Output:
	// create_time,initiator,sponsor
	// wechatpay: invalid download_url: is not on a WeChat Pay domain (https://*.mch.weixin.qq.com) nor on the client's base URL
}
