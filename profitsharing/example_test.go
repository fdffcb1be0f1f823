package profitsharing_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/profitsharing"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func ExampleService_QueryOrder() {
	srv := wechatpaytest.NewServer() // in production: wechatpay.NewClient(...)
	defer srv.Close()
	svc := profitsharing.New(srv.Client())

	order, err := svc.QueryOrder(context.Background(), &profitsharing.QueryOrderRequest{
		OutOrderNo:    "P20150806125346",
		SubMchID:      "1900000109",
		TransactionID: "4208450740201411110007820472",
	})
	var apiErr *wechatpay.APIError
	switch {
	case errors.As(err, &apiErr) && apiErr.Code == "RESOURCE_NOT_EXISTS":
		fmt.Println("no such order")
		return
	case err != nil:
		fmt.Println("error:", err)
		return
	}
	fmt.Println(order.OrderID, order.State)
	for _, r := range order.Receivers {
		fmt.Println(r.DetailType, r.Type, r.Amount, r.Currency, r.Result, r.RateValue)
	}
	// Output:
	// 7100000751202203238026613597498 PROCESSING
	// UNFREEZE_TO_SPONSOR MERCHANT_ID 797 CNY PENDING 83640300
	// DISTRIBUTE_TO_OTHERS PERSONAL_OPENID 99 CNY PENDING 0
	// DISTRIBUTE_TO_OTHERS MERCHANT_ID 99 CNY PENDING 0
}

// An answer saved earlier (a log of verified bodies, a fixture) decodes with
// encoding/json into the same Order that QueryOrder returns.
func ExampleOrder() {
	body := []byte(`{"order_id":"7100000751202203238026613597498","out_order_no":"P20150806125346",` +
		`"state":"FINISHED","transaction_id":"4208450740201411110007820472","receivers":[` +
		`{"type":"MERCHANT_ID","account":"2480248971","amount":99,"currency":"CNY","result":"SUCCESS",` +
		`"detail_type":"DISTRIBUTE_TO_OTHERS","detail_id":"7200000751202203238026613597767",` +
		`"create_time":"2022-03-23T17:10:13+08:00","finish_time":"2022-03-23T17:12:40+08:00"}]}`)
	var order profitsharing.Order
	if err := json.Unmarshal(body, &order); err != nil {
		fmt.Println("error:", err)
		return
	}
	r := order.Receivers[0]
	fmt.Println(order.State, r.Result, r.Amount, r.Currency, r.FinishTime.Sub(r.CreateTime.Time))
	// Output: FINISHED SUCCESS 99 CNY 2m27s
}

func ExampleService_CreateOrder() {
	srv := wechatpaytest.NewServer() // in production: wechatpay.NewClient(...)
	defer srv.Close()
	svc := profitsharing.New(srv.Client())

	order, err := svc.CreateOrder(context.Background(), &profitsharing.CreateOrderRequest{
		SubMchID:      "1900000109",
		TransactionID: "4208450740201411110007820472",
		OutOrderNo:    "P20251009000001", // retry with the same number, never a new one
		Receivers: []profitsharing.OrderReceiver{{
			Currency: "CNY", Type: profitsharing.ReceiverTypeMerchantID, Account: "86693852",
			Amount: 888, Description: "分给商户A",
		}},
		UnfreezeUnsplit: true, // the rest goes back to the sponsor
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(order.State)
	for _, r := range order.Receivers {
		fmt.Println(r.DetailType, r.Amount, r.Currency, r.Result)
	}
	// Output:
	// PROCESSING
	// DISTRIBUTE_TO_OTHERS 888 CNY PENDING
	// UNFREEZE_TO_SPONSOR 112 CNY PENDING
}

func ExampleService_UnfreezeOrder() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	svc := profitsharing.New(srv.Client())

	order, err := svc.UnfreezeOrder(context.Background(), &profitsharing.UnfreezeOrderRequest{
		SubMchID:      "1900000109",
		TransactionID: "4208450740201411110007820472",
		OutOrderNo:    "P20251009000002",
		Description:   "解冻全部剩余资金",
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	r := order.Receivers[0]
	fmt.Println(order.State, r.DetailType, r.Amount, r.SettlementCurrency, r.SettlementAmount)
	// Output: PROCESSING UNFREEZE_TO_SPONSOR 1000 CNY 1000
}

func ExampleService_AddReceiver() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	svc := profitsharing.New(srv.Client())

	rel, err := svc.AddReceiver(context.Background(), &profitsharing.AddReceiverRequest{
		SubMchID:          "1900000109",
		Type:              profitsharing.ReceiverTypeMerchantID,
		Account:           "1900000200",
		Name:              "示例商户全称", // encrypted by the SDK
		RelationType:      profitsharing.RelationTypeTaxServiceProvider,
		Scene:             "该分账接收方是境内税费服务提供方",
		ExpectedRatio:     2000,
		ApplicationFileID: "de851a06-5a38-9d31-a102-275a17c477de",
		PartnershipFileID: "de851a06-5a38-9d31-a102-275a17c477de",
	})
	if err != nil {
		fmt.Println("error:", err) // not retried: on doubt, call QueryReceiver
		return
	}
	fmt.Println(rel.Account, rel.Name, rel.State)
	// Output: 1900000200 示例商户全称 INIT
}

func ExampleService_QueryReceiver() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	svc := profitsharing.New(srv.Client())

	rel, err := svc.QueryReceiver(context.Background(), &profitsharing.QueryReceiverRequest{
		Account:  "86693852",
		SubMchID: "1900000109",
		Type:     profitsharing.ReceiverTypeMerchantID,
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(rel.Account, rel.RelationType, rel.State, rel.State == profitsharing.ReceiverStateEffective)
	// Output: 86693852 TAX_SERVICE_PROVIDER EFFECTIVE true
}

func ExampleService_DeleteReceiver() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	svc := profitsharing.New(srv.Client())

	meta, err := svc.DeleteReceiver(context.Background(), &profitsharing.DeleteReceiverRequest{
		SubMchID: "1900000109",
		Type:     profitsharing.ReceiverTypeMerchantID,
		Account:  "86693852",
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(meta.StatusCode)
	// Output: 204
}

func ExampleService_QueryUnsplitAmount() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	svc := profitsharing.New(srv.Client())

	amount, err := svc.QueryUnsplitAmount(context.Background(), &profitsharing.QueryUnsplitAmountRequest{
		TransactionID: "4208450740201411110007820472",
		SubMchID:      "1900000109",
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(amount.UnsplitAmount, amount.Currency)
	// Output: 1000 CNY
}

func ExampleService_QueryBillDownloadURL() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	svc := profitsharing.New(srv.Client())

	bill, err := svc.QueryBillDownloadURL(context.Background(), &profitsharing.QueryBillDownloadURLRequest{
		SubMchID: "1900000109",
		BillDate: time.Now().In(beijing), // a day of UTC+8; the last 90 days are served
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(strings.HasPrefix(bill.DownloadURL, srv.URL+"/v3/bill/downloadurl?token="))
	// Output: true
}

// DownloadBill streams the file; NewBillReader reads its detail rows, with
// the amounts in fen.
func ExampleService_DownloadBill() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	svc := profitsharing.New(srv.Client(), profitsharing.WithMaxBillBytes(64<<20))
	ctx := context.Background()

	// Something to bill: a distribution that the query finishes.
	if _, err := svc.CreateOrder(ctx, &profitsharing.CreateOrderRequest{
		SubMchID: "1900000109", TransactionID: "4208450740201411110007820472", OutOrderNo: "P1",
		Receivers: []profitsharing.OrderReceiver{{Currency: "CNY", Type: profitsharing.ReceiverTypeMerchantID,
			Account: "86693852", Amount: 888, Description: "分给商户A"}},
	}); err != nil {
		fmt.Println("error:", err)
		return
	}
	if _, err := svc.QueryOrder(ctx, &profitsharing.QueryOrderRequest{OutOrderNo: "P1", SubMchID: "1900000109",
		TransactionID: "4208450740201411110007820472"}); err != nil {
		fmt.Println("error:", err)
		return
	}

	bill, err := svc.QueryBillDownloadURL(ctx, &profitsharing.QueryBillDownloadURLRequest{SubMchID: "1900000109", BillDate: time.Now().In(beijing)})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	file, err := svc.DownloadBill(ctx, bill) // within 30 seconds of the URL
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	defer file.Close()
	rows := profitsharing.NewBillReader(file)
	for {
		row, err := rows.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		fmt.Println(row.OutOrderNo, row.ReceiverAccount, row.Amount, row.Currency, row.Status)
	}
	// Output: P1 86693852 888 CNY SUCCESS
}

// Mark the order before placing it: only a marked order's funds freeze
// for profit sharing.
func ExampleService_MarkTransaction() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	svc := profitsharing.New(srv.Client())
	ctx := context.Background()

	meta, err := svc.MarkTransaction(ctx, &profitsharing.MarkTransactionRequest{
		SubMchID: "1900000109", OutTradeNo: "T20260302000001", Currency: "CNY",
	})
	if err != nil {
		fmt.Println("error:", err) // not retried: after a transport error, mark again before ordering
		return
	}
	fmt.Println(meta.StatusCode)

	// The order is placed and paid (the emulator's stand-in for the payment).
	txID := srv.PayProfitSharingTransaction("1900000109", "T20260302000001", 10000)
	amount, err := svc.QueryUnsplitAmount(ctx, &profitsharing.QueryUnsplitAmountRequest{TransactionID: txID, SubMchID: "1900000109"})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(amount.UnsplitAmount, amount.Currency)
	// Output:
	// 204
	// 10000 CNY
}

func ExampleService_QueryRefundableAmounts() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	svc := profitsharing.New(srv.Client())

	amounts, err := svc.QueryRefundableAmounts(context.Background(), &profitsharing.QueryRefundableAmountsRequest{
		TransactionID: "4208450740201411110007820472",
		SubMchID:      "1900000109",
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(amounts.RefundableAmount, amounts.FundsRefundableAmount, amounts.Currency)
	// Output: 1000 0 CNY
}

func ExampleService_QueryRefundableBalance() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	srv.SetProfitSharingRefundableBalance(5000)
	svc := profitsharing.New(srv.Client())

	balance, err := svc.QueryRefundableBalance(context.Background())
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(balance.SponsorMchID, balance.Balance, balance.Currency)
	// Output: 1900016681 5000 CNY
}

// The refund bill is downloaded with DownloadBill, like the distribution
// bill, but has its own columns: read it with encoding/csv.
func ExampleService_QueryRefundBillDownloadURL() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	svc := profitsharing.New(srv.Client())
	ctx := context.Background()

	bill, err := svc.QueryRefundBillDownloadURL(ctx, &profitsharing.QueryRefundBillDownloadURLRequest{
		BillDate: time.Now().In(beijing), // every sub-merchant's refunds of the day
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	file, err := svc.DownloadBill(ctx, bill) // within 30 seconds of the URL
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	defer file.Close()
	header, err := csv.NewReader(file).Read()
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(header[2], "|", header[6])
	// Output: Wechat refund number | Refund amount
}

// beijing is UTC+08:00, the zone of WeChat Pay's days.
var beijing = time.FixedZone("CST", 8*3600)
