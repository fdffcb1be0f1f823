package wechatpaytest_test

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// ExampleServer_Shutdown stops a server gracefully: no new connections,
// requests in flight get until the context's deadline, then what remains is
// closed. WithListener serves on a listener the program opened itself, so
// that a busy address is found before anything else is done.
func ExampleServer_Shutdown() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	srv, err := wechatpaytest.Listen(wechatpaytest.WithListener(ln))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(srv.URL == "https://"+ln.Addr().String())

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	fmt.Println(srv.Shutdown(ctx))
	_, err = net.Dial("tcp", ln.Addr().String())
	fmt.Println(err != nil)
	// Output:
	// true
	// <nil>
	// true
}
