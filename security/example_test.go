package security_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/security"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func ExampleService_Echo() {
	srv := wechatpaytest.NewServer() // in production: wechatpay.NewClient(...)
	defer srv.Close()
	client := srv.Client()
	defer client.Close()
	svc := security.New(client)

	echo, err := svc.Echo(context.Background(), &security.EchoRequest{
		EchoMessage:          "hello",
		EncryptedEchoMessage: "a secret", // plaintext: the SDK encrypts it for WeChat Pay
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(echo.EchoMessage, echo.EncryptedEchoMessage == "a secret", echo.Family, echo.Meta.RequestID != "")
	// Output: hello true public-key true
}

// A merchant's notify_url receives the callback of an echo that named it:
// the client's NotificationHandler verifies and decrypts it, and
// DecodeEchoNotification reads it.
func ExampleService_DecodeEchoNotification() {
	mux := http.NewServeMux()
	notifyURL := httptest.NewTLSServer(mux) // the merchant's https notify_url
	defer notifyURL.Close()
	srv := wechatpaytest.NewServer(wechatpaytest.WithNotificationClient(notifyURL.Client()))
	defer srv.Close()
	client := srv.Client()
	defer client.Close()
	svc := security.New(client)

	got := make(chan *security.EchoNotification, 1)
	handler, err := client.NotificationHandler(func(_ context.Context, n *wechatpay.Notification) error {
		e, err := svc.DecodeEchoNotification(n)
		if err != nil {
			return err // answered 4xx or 5xx: WeChat Pay sends it again
		}
		got <- e
		return nil // answered 204
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	mux.Handle("POST /wechatpay/notify", handler)

	_, err = svc.Echo(context.Background(), &security.EchoRequest{
		EchoMessage: "ping", EncryptedEchoMessage: "a secret", NotifyURL: notifyURL.URL + "/wechatpay/notify",
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	e := <-got
	fmt.Println(e.EchoMessage, e.EncryptedEchoMessage == "a secret")
	// Output: ping true
}
