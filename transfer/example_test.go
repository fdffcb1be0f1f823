package transfer_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/transfer"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// emulated starts an emulator and a service over its client (in
// production: wechatpay.NewClient(...)); stop closes both.
func emulated(opts ...wechatpaytest.Option) (*wechatpaytest.Server, *transfer.Service, func()) {
	srv := wechatpaytest.NewServer(opts...)
	client := srv.Client()
	return srv, transfer.New(client), func() { client.Close(); srv.Close() }
}

// cashBill is a scene-1000 bill of amount fen.
func cashBill(outBillNo string, amount int64) *transfer.CreateBillRequest {
	return &transfer.CreateBillRequest{
		OutBillNo: outBillNo, SceneID: transfer.SceneCashMarketing,
		OpenID: "o-MYE42l80oelYMDE34nYD456Xoy", Amount: amount, Remark: "新会员开户有礼",
		SceneReportInfos: []transfer.SceneReportInfo{
			{InfoType: "活动名称", InfoContent: "新会员有礼"},
			{InfoType: "奖励说明", InfoContent: "注册会员抽奖一等奖"},
		},
	}
}

func ExampleService_CreateBill() {
	srv := wechatpaytest.NewServer() // in production: wechatpay.NewClient(...)
	defer srv.Close()
	client := srv.Client()
	defer client.Close()
	svc := transfer.New(client)

	req := cashBill("plfk2020042013", 300000)
	req.UserName = "张三" // required from 2,000 yuan; the SDK encrypts it
	bill, err := svc.CreateBill(context.Background(), req)
	if err != nil {
		fmt.Println("error:", err) // never switch to a new out_bill_no here: query first
		return
	}
	confirm := transfer.ConfirmParams(client.MchID(), client.AppID(), bill.PackageInfo)
	fmt.Println(bill.State, confirm.Package != "")
	// Output: WAIT_USER_CONFIRM true
}

func ExampleService_QueryBillByOutBillNo() {
	srv, svc, stop := emulated()
	defer stop()
	ctx := context.Background()

	if _, err := svc.CreateBill(ctx, cashBill("plfk2020042014", 500)); err != nil {
		fmt.Println("error:", err)
		return
	}
	_ = srv.UserConfirmTransfer("plfk2020042014", false) // the user confirms in WeChat
	bill, err := svc.QueryBillByOutBillNo(ctx, &transfer.QueryBillByOutBillNoRequest{OutBillNo: "plfk2020042014"})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(bill.State, bill.Amount, bill.State.Terminal())
	// Output: SUCCESS 500 true
}

func ExampleService_QueryBillByTransferBillNo() {
	_, svc, stop := emulated()
	defer stop()
	ctx := context.Background()

	created, err := svc.CreateBill(ctx, cashBill("plfk2020042015", 500))
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	bill, err := svc.QueryBillByTransferBillNo(ctx, &transfer.QueryBillByTransferBillNoRequest{TransferBillNo: created.TransferBillNo})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(bill.OutBillNo, bill.State)
	// Output: plfk2020042015 WAIT_USER_CONFIRM
}

func ExampleService_CancelBill() {
	_, svc, stop := emulated()
	defer stop()
	ctx := context.Background()

	if _, err := svc.CreateBill(ctx, cashBill("plfk2020042016", 500)); err != nil {
		fmt.Println("error:", err)
		return
	}
	c, err := svc.CancelBill(ctx, &transfer.CancelBillRequest{OutBillNo: "plfk2020042016"})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	// Accepted only: the outcome comes from a query or the callback.
	bill, err := svc.QueryBillByOutBillNo(ctx, &transfer.QueryBillByOutBillNoRequest{OutBillNo: "plfk2020042016"})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(c.State, bill.State, bill.FailReason)
	// Output: CANCELING CANCELLED MCH_CANCEL
}

// A merchant's notify_url receives MCHTRANSFER.BILL.FINISHED once the
// user confirms: the client's NotificationHandler verifies and decrypts
// it, and DecodeBillNotification reads it.
func ExampleService_DecodeBillNotification() {
	mux := http.NewServeMux()
	notifyURL := httptest.NewTLSServer(mux) // the merchant's https notify_url
	defer notifyURL.Close()
	srv, svc, stop := emulated(wechatpaytest.WithNotificationClient(notifyURL.Client()))
	defer stop()
	client := srv.Client() // its NotificationHandler verifies the callbacks
	defer client.Close()

	got := make(chan *transfer.BillNotification, 1)
	handler, err := client.NotificationHandler(func(_ context.Context, n *wechatpay.Notification) error {
		b, err := svc.DecodeBillNotification(n)
		if err != nil {
			return err // answered 4xx or 5xx: WeChat Pay sends it again
		}
		got <- b // compare the amount and openid with your own bill
		return nil
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	mux.Handle("POST /wechatpay/notify", handler)

	req := cashBill("plfk2020042017", 500)
	req.NotifyURL = notifyURL.URL + "/wechatpay/notify"
	if _, err := svc.CreateBill(context.Background(), req); err != nil {
		fmt.Println("error:", err)
		return
	}
	_ = srv.UserConfirmTransfer("plfk2020042017", false)
	b := <-got
	fmt.Println(b.OutBillNo, b.State, b.Amount)
	// Output: plfk2020042017 SUCCESS 500
}

func ExampleConfirmParams() {
	c := transfer.ConfirmParams("1900016681", "wxe062425f740d30d8", "ABBQO+oYAAAB")
	fmt.Println(c.AppQuery())
	// Output: appId=wxe062425f740d30d8&mchId=1900016681&package=ABBQO%2BoYAAAB
}
