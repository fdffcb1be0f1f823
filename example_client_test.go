package wechatpay_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/gowechatpay/wechatpay"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// An APIv2 endpoint the SDK has no typed service for, called untyped: the
// cash red-packet query (gethbinfo), over mutual TLS. DoV2 adds nonce_str
// and sign, and returns the reply fields once result_code is SUCCESS (and,
// for an endpoint that signs its replies, once the sign verified).
func ExampleClient_DoV2() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	srv.AddCashRedPacket(wechatpaytest.CashRedPacket{
		MchBillNo: "B1", MchID: srv.MchID(), AppID: srv.AppID(), DetailID: "D1", Status: "SENT",
		SendType: "API", HBType: "NORMAL", TotalNum: 1, TotalAmount: 100, SendTime: time.Now(),
	})
	fields, _, err := srv.Client().DoV2(context.Background(), &wechatpay.V2Request{
		Path:          "/mmpaymkttransfers/gethbinfo",
		Params:        map[string]string{"mch_billno": "B1", "mch_id": srv.MchID(), "appid": srv.AppID(), "bill_type": "MCHT"},
		Secure:        true,
		UnsignedReply: true, // gethbinfo is documented to answer without a sign
		Idempotent:    true, // a query: safe to repeat
		Nested:        []string{"hblist"},
	})
	if err != nil {
		fmt.Println(err) // an *APIError carries err_code and err_code_des
		return
	}
	fmt.Println(fields["status"], fields["total_amount"])
	// Output: SENT 100
}

// A field WeChat Pay encrypted for the merchant (RSA-OAEP with the public
// key of the merchant certificate), opened with the merchant key the
// client holds. Here the emulator's merchant key stands in for WeChat Pay.
func ExampleClient_DecryptSensitive() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	ciphertext, err := wxcrypto.EncryptOAEP(srv.MerchantPublicKey(), []byte("张三"))
	if err != nil {
		fmt.Println(err)
		return
	}
	name, err := srv.Client().DecryptSensitive(ciphertext)
	if err != nil {
		fmt.Println(err) // matches wechatpay.ErrDecrypt and never quotes the value
		return
	}
	fmt.Println(name)
	// Output: 张三
}

// A notify_url handler written for net/http: ParseNotificationRequest reads
// the body, verifies and decrypts it, and leaves the body readable.
func ExampleClient_ParseNotificationRequest() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	header, body, err := srv.SignNotification("TRANSACTION.SUCCESS", map[string]string{"out_trade_no": "T1"})
	if err != nil {
		fmt.Println(err)
		return
	}
	r := httptest.NewRequest(http.MethodPost, "/notify", bytes.NewReader(body))
	r.Header = header

	n, err := srv.Client().ParseNotificationRequest(r)
	if err != nil {
		fmt.Println(err) // answer 4xx: WeChat Pay delivers again
		return
	}
	fmt.Println(n.EventType)
	// Output: TRANSACTION.SUCCESS
}

// A client that trusts platform certificates (the older key mode) and
// starts without any loads them before its first call.
func ExampleClient_RefreshCertificates() {
	srv := wechatpaytest.NewServer(wechatpaytest.WithKeyMode(wechatpay.KeyModeCertificates))
	defer srv.Close()
	c := srv.Client()
	if err := c.RefreshCertificates(context.Background()); err != nil {
		fmt.Println(err)
		return
	}
	certs, err := c.DownloadCertificates(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(certs), wxcrypto.CertificateSerial(certs[0]) == srv.PlatformSerial())
	// Output: 1 true
}
