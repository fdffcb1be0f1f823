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

// quiet starts an emulator whose callbacks are not sent (the examples
// below do not serve their notify URL).
func quiet() (*wechatpaytest.Server, *transfer.Service, func()) {
	srv, svc, stop := emulated()
	m := wechatpaytest.DefaultTransferMerchant()
	m.Callbacks.Drop = true
	srv.SetTransferMerchant(m)
	return srv, svc, stop
}

// quietAuthorizations starts a quiet emulator and asks for the
// authorization no.
func quietAuthorizations(no string) (*wechatpaytest.Server, *transfer.Service, func(), error) {
	srv, svc, stop := quiet()
	_, err := svc.CreateAuthorization(context.Background(), authorizationRequest(no, "https://merchant.example/wechatpay/authorization"))
	return srv, svc, stop, err
}

// authorizationRequest asks the scene-1000 user for authorization no.
func authorizationRequest(no, notifyURL string) *transfer.CreateAuthorizationRequest {
	return &transfer.CreateAuthorizationRequest{OutAuthorizationNo: no, OpenID: "o-MYE42l80oelYMDE34nYD456Xoy",
		SceneID: transfer.SceneCashMarketing, UserDisplayName: "会员 138****8000", NotifyURL: notifyURL}
}

func ExampleService_CreateAuthorization() {
	srv := wechatpaytest.NewServer() // in production: wechatpay.NewClient(...)
	defer srv.Close()
	client := srv.Client()
	defer client.Close()
	svc := transfer.New(client)

	a, err := svc.CreateAuthorization(context.Background(), authorizationRequest("auth2026120701", "https://merchant.example/wechatpay/authorization"))
	if err != nil {
		fmt.Println("error:", err) // keep the number: query it before anything else
		return
	}
	confirm := transfer.ConfirmParams(client.MchID(), client.AppID(), a.PackageInfo) // for requestMerchantTransfer
	fmt.Println(a.State, confirm.Package != "")
	// Output: WAIT_USER_CONFIRM true
}

func ExampleService_QueryAuthorization() {
	srv, svc, stop, err := quietAuthorizations("auth2026120702")
	defer stop()
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	_ = srv.UserAuthorizeTransfer("auth2026120702") // the user agrees in WeChat
	a, err := svc.QueryAuthorization(context.Background(), &transfer.QueryAuthorizationRequest{OutAuthorizationNo: "auth2026120702"})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(a.State, a.AuthorizationID != "")
	// Output: TAKING_EFFECT true
}

func ExampleService_CloseAuthorization() {
	_, svc, stop, err := quietAuthorizations("auth2026120703")
	defer stop()
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	a, err := svc.CloseAuthorization(context.Background(), &transfer.CloseAuthorizationRequest{OutAuthorizationNo: "auth2026120703"})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(a.State, a.CloseInfo.CloseReason)
	// Output: CLOSED CLOSE_VIA_MCH_API
}

// The authorization_notify_url receives MCHTRANSFER.AUTHORIZATION.CONFIRMED
// once the user agrees: the client's NotificationHandler verifies and
// decrypts it, and DecodeAuthorizationNotification reads it.
func ExampleService_DecodeAuthorizationNotification() {
	mux := http.NewServeMux()
	notifyURL := httptest.NewTLSServer(mux) // the merchant's https notify URL
	defer notifyURL.Close()
	srv, svc, stop := emulated(wechatpaytest.WithNotificationClient(notifyURL.Client()))
	defer stop()
	client := srv.Client()
	defer client.Close()

	got := make(chan *transfer.AuthorizationNotification, 1)
	handler, err := client.NotificationHandler(func(_ context.Context, n *wechatpay.Notification) error {
		a, err := svc.DecodeAuthorizationNotification(n)
		if err != nil {
			return err
		}
		got <- a // keep a.AuthorizationID for TransferWithAuthorization
		return nil
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	mux.Handle("POST /wechatpay/authorization", handler)
	if _, err := svc.CreateAuthorization(context.Background(), authorizationRequest("auth2026120704", notifyURL.URL+"/wechatpay/authorization")); err != nil {
		fmt.Println("error:", err)
		return
	}
	_ = srv.UserAuthorizeTransfer("auth2026120704")
	a := <-got
	fmt.Println(a.OutAuthorizationNo, a.State)
	// Output: auth2026120704 TAKING_EFFECT
}

func ExampleService_CreateBillWithAuthorization() {
	srv, svc, stop := quiet() // the example serves no notify URL
	defer stop()
	bill := cashBill("plfk2020042018", 500)
	req := &transfer.CreateBillWithAuthorizationRequest{OutBillNo: bill.OutBillNo, SceneID: bill.SceneID, OpenID: bill.OpenID,
		Amount: bill.Amount, Remark: bill.Remark, SceneReportInfos: bill.SceneReportInfos,
		AuthorizationInfo: &transfer.AuthorizationOffer{UserDisplayName: "会员 138****8000", OutAuthorizationNo: "auth2026120705",
			NotifyURL: "https://merchant.example/wechatpay/authorization"}}
	b, err := svc.CreateBillWithAuthorization(context.Background(), req)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	_ = srv.UserConfirmTransfer(b.OutBillNo, true) // the user receives and agrees
	a, err := svc.QueryAuthorization(context.Background(), &transfer.QueryAuthorizationRequest{OutAuthorizationNo: b.OutAuthorizationNo})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(b.State, a.State)
	// Output: WAIT_USER_CONFIRM TAKING_EFFECT
}

func ExampleService_TransferWithAuthorization() {
	srv, svc, stop, err := quietAuthorizations("auth2026120706")
	defer stop()
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	_ = srv.UserAuthorizeTransfer("auth2026120706") // the user agreed earlier
	bill := cashBill("plfk2020042019", 500)
	d, err := svc.TransferWithAuthorization(context.Background(), &transfer.TransferWithAuthorizationRequest{
		OutBillNo: bill.OutBillNo, SceneID: bill.SceneID, Amount: bill.Amount, Remark: bill.Remark,
		SceneReportInfos: bill.SceneReportInfos, OutAuthorizationNo: "auth2026120706"})
	if err != nil {
		fmt.Println("error:", err) // keep the number and query the bill
		return
	}
	fmt.Println(d.State, d.Amount)
	// Output: SUCCESS 500
}
