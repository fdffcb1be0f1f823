package transfer_test

import (
	"context"
	"fmt"

	"github.com/gowechatpay/wechatpay/transfer"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func ExampleService_DownloadReceipt() {
	srv, svc, stop := emulated()
	defer stop()
	ctx := context.Background()

	if _, err := receiptBill(srv, svc, "plfk2020042016"); err != nil { // sent with user_name, confirmed
		fmt.Println("error:", err)
		return
	}
	applied, err := svc.ApplyReceiptByOutBillNo(ctx, &transfer.ApplyReceiptByOutBillNoRequest{OutBillNo: "plfk2020042016"})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	// In production: query again after at least 2 minutes while GENERATING.
	receipt, err := svc.QueryReceiptByOutBillNo(ctx, &transfer.QueryReceiptByOutBillNoRequest{OutBillNo: "plfk2020042016"})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	pdf, err := svc.DownloadReceipt(ctx, receipt) // within 10 minutes; the digest is checked
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(applied.State, receipt.State, string(pdf[:5]))
	// Output: GENERATING FINISHED %PDF-
}

func ExampleService_QueryReceiptByTransferBillNo() {
	srv, svc, stop := emulated()
	defer stop()
	ctx := context.Background()

	bill, err := receiptBill(srv, svc, "plfk2020042017")
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	if _, err := svc.ApplyReceiptByTransferBillNo(ctx, &transfer.ApplyReceiptByTransferBillNoRequest{TransferBillNo: bill.TransferBillNo}); err != nil {
		fmt.Println("error:", err)
		return
	}
	_ = srv.FailTransferReceipt("plfk2020042017", "回单生成失败") // WeChat Pay gives up
	receipt, err := svc.QueryReceiptByTransferBillNo(ctx, &transfer.QueryReceiptByTransferBillNoRequest{TransferBillNo: bill.TransferBillNo})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(receipt.State, receipt.FailReason) // stop polling on FAILED
	// Output: FAILED 回单生成失败
}

// receiptBill creates a bill sent with user_name (only those get a
// receipt), which the user confirms in WeChat, and returns it.
func receiptBill(srv *wechatpaytest.Server, svc *transfer.Service, no string) (*transfer.Bill, error) {
	req := cashBill(no, 500)
	req.UserName = "张三"
	bill, err := svc.CreateBill(context.Background(), req)
	if err != nil {
		return nil, err
	}
	return bill, srv.UserConfirmTransfer(no, false)
}

func ExampleService_ApplyReceiptByOutBillNo() {
	srv, svc, stop := emulated()
	defer stop()
	if _, err := receiptBill(srv, svc, "plfk2020042018"); err != nil {
		fmt.Println("error:", err)
		return
	}
	// Accept-only: the receipt is generated afterwards; query it.
	applied, err := svc.ApplyReceiptByOutBillNo(context.Background(), &transfer.ApplyReceiptByOutBillNoRequest{OutBillNo: "plfk2020042018"})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(applied.State)
	// Output: GENERATING
}

func ExampleService_ApplyReceiptByTransferBillNo() {
	srv, svc, stop := emulated()
	defer stop()
	bill, err := receiptBill(srv, svc, "plfk2020042019")
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	applied, err := svc.ApplyReceiptByTransferBillNo(context.Background(), &transfer.ApplyReceiptByTransferBillNoRequest{TransferBillNo: bill.TransferBillNo})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(applied.State)
	// Output: GENERATING
}

func ExampleService_QueryReceiptByOutBillNo() {
	srv, svc, stop := emulated()
	defer stop()
	ctx := context.Background()
	if _, err := receiptBill(srv, svc, "plfk2020042020"); err != nil {
		fmt.Println("error:", err)
		return
	}
	if _, err := svc.ApplyReceiptByOutBillNo(ctx, &transfer.ApplyReceiptByOutBillNoRequest{OutBillNo: "plfk2020042020"}); err != nil {
		fmt.Println("error:", err)
		return
	}
	// Poll while GENERATING (in production at least 2 minutes apart).
	receipt, err := svc.QueryReceiptByOutBillNo(ctx, &transfer.QueryReceiptByOutBillNoRequest{OutBillNo: "plfk2020042020"})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(receipt.State, receipt.HashType, receipt.DownloadURL != "")
	// Output: FINISHED SHA256 true
}
