// Command profit-sharing-flow runs the whole cross-border profit-sharing
// (跨境分账) flow on the global domain: add a receiver, wait for its audit,
// distribute to it, query the order, unfreeze the rest, query the
// remaining amount, fetch and read the day's bill, and delete the receiver.
//
//	go run ./examples/profit-sharing-flow                      # against an in-process sandbox
//	go run ./examples/profit-sharing-flow -config sandbox/credentials.json
//
// The unfreeze finishes the transaction for good: against a running
// sandbox the seed transaction serves one run (restart the sandbox, or
// pass -transaction-id of another transaction marked for profit sharing).
// Nothing is printed unless every step succeeded.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/gowechatpay/wechatpay/examples/internal/exampleutil"
	"github.com/gowechatpay/wechatpay/profitsharing"
)

func main() { exampleutil.Main(run) }

// beijing is UTC+08:00, the zone of WeChat Pay's bill days.
var beijing = time.FixedZone("CST", 8*3600)

func run(ctx context.Context, args []string, stdout io.Writer) error {
	stamp := strconv.FormatInt(time.Now().UnixNano()%1e10, 10)
	fs := flag.NewFlagSet("profit-sharing-flow", flag.ContinueOnError)
	config := fs.String("config", "", "credentials file (default: an in-process sandbox)")
	subMchID := fs.String("sub-mchid", "1900000109", "sub-merchant id (institutional mode; empty for none)")
	transactionID := fs.String("transaction-id", "4208450740201411110007820472", "WeChat Pay transaction id, marked for profit sharing")
	account := fs.String("receiver", "19"+stamp[len(stamp)-8:], "merchant id of the receiver to add, pay and delete")
	amount := fs.Int64("amount", 100, "amount to distribute, in fen")
	orderNo := fs.String("out-order-no", "PSF"+stamp, "distribution number; the unfreeze uses it with the suffix -U")
	if err := exampleutil.Parse(fs, args); err != nil {
		return err
	}
	c, done, err := exampleutil.Client(*config)
	if err != nil {
		return err
	}
	defer done()
	svc := profitsharing.New(c)
	var out bytes.Buffer // printed only once every step succeeded

	// 1. Add the receiver, then read it until its audit passed.
	rel, err := svc.AddReceiver(ctx, &profitsharing.AddReceiverRequest{
		SubMchID: *subMchID, Type: profitsharing.ReceiverTypeMerchantID, Account: *account,
		Name: "示例供应商有限公司", RelationType: profitsharing.RelationTypeSupplier,
	})
	if err != nil {
		return fmt.Errorf("add receiver: %w", err)
	}
	fmt.Fprintf(&out, "receiver %s added: %s\n", rel.Account, rel.State)
	rel, err = svc.QueryReceiver(ctx, &profitsharing.QueryReceiverRequest{
		Account: *account, SubMchID: *subMchID, Type: profitsharing.ReceiverTypeMerchantID,
	})
	switch {
	case err != nil:
		return fmt.Errorf("query receiver: %w", err)
	case rel.FailReason != "":
		return fmt.Errorf("receiver audit failed: %s", rel.FailReason)
	case rel.State != profitsharing.ReceiverStateEffective:
		return fmt.Errorf("receiver %s is %s: the audit is not done, run again later", rel.Account, rel.State)
	}
	fmt.Fprintf(&out, "receiver %s audited: %s\n", rel.Account, rel.State)

	// 2. Distribute to it (re-entrant: retried with the same number), then
	// read the result.
	order, err := svc.CreateOrder(ctx, &profitsharing.CreateOrderRequest{
		SubMchID: *subMchID, TransactionID: *transactionID, OutOrderNo: *orderNo,
		Receivers: []profitsharing.OrderReceiver{{Currency: "CNY", Type: profitsharing.ReceiverTypeMerchantID,
			Account: *account, Amount: *amount, Description: "分给供应商"}},
	})
	if err != nil {
		return fmt.Errorf("create order: %w", err)
	}
	fmt.Fprintf(&out, "order %s accepted: %s\n", order.OutOrderNo, order.State)
	if err := query(ctx, svc, &out, *subMchID, *transactionID, *orderNo); err != nil {
		return err
	}

	// 3. Unfreeze what is left to the sponsor, and check nothing remains.
	unfreezeNo := *orderNo + "-U"
	if _, err := svc.UnfreezeOrder(ctx, &profitsharing.UnfreezeOrderRequest{
		SubMchID: *subMchID, TransactionID: *transactionID, OutOrderNo: unfreezeNo, Description: "解冻全部剩余资金",
	}); err != nil {
		return fmt.Errorf("unfreeze: %w", err)
	}
	if err := query(ctx, svc, &out, *subMchID, *transactionID, unfreezeNo); err != nil {
		return err
	}
	left, err := svc.QueryUnsplitAmount(ctx, &profitsharing.QueryUnsplitAmountRequest{TransactionID: *transactionID, SubMchID: *subMchID})
	if err != nil {
		return fmt.Errorf("query unsplit amount: %w", err)
	}
	fmt.Fprintf(&out, "unsplit amount: %d %s\n", left.UnsplitAmount, left.Currency)

	// 4. Today's bill: its URL is valid for 30 seconds.
	bill, err := svc.QueryBillDownloadURL(ctx, &profitsharing.QueryBillDownloadURLRequest{SubMchID: *subMchID, BillDate: time.Now().In(beijing)})
	if err != nil {
		return fmt.Errorf("query bill URL: %w", err)
	}
	if err := readBill(ctx, svc, &out, bill, *orderNo); err != nil {
		return err
	}

	// 5. Remove the receiver.
	if _, err := svc.DeleteReceiver(ctx, &profitsharing.DeleteReceiverRequest{
		SubMchID: *subMchID, Type: profitsharing.ReceiverTypeMerchantID, Account: *account,
	}); err != nil {
		return fmt.Errorf("delete receiver: %w", err)
	}
	fmt.Fprintf(&out, "receiver %s deleted\n", *account)
	_, err = stdout.Write(out.Bytes())
	return err
}

// query prints an order's state and details.
func query(ctx context.Context, svc *profitsharing.Service, out io.Writer, subMchID, txID, no string) error {
	o, err := svc.QueryOrder(ctx, &profitsharing.QueryOrderRequest{OutOrderNo: no, SubMchID: subMchID, TransactionID: txID})
	if err != nil {
		return fmt.Errorf("query order %s: %w", no, err)
	}
	fmt.Fprintf(out, "order %s: %s\n", o.OutOrderNo, o.State)
	for _, r := range o.Receivers {
		fmt.Fprintf(out, "  %s %s %d %s %s %s\n", r.DetailType, r.Account, r.Amount, r.Currency, r.Result, r.FailReason)
	}
	return nil
}

// readBill streams the bill and prints the rows of this run's order.
func readBill(ctx context.Context, svc *profitsharing.Service, out io.Writer, bill *profitsharing.BillDownloadURL, no string) error {
	file, err := svc.DownloadBill(ctx, bill)
	if err != nil {
		return fmt.Errorf("download bill: %w", err)
	}
	defer file.Close()
	rows := profitsharing.NewBillReader(file)
	n := 0
	for {
		row, err := rows.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("read bill: %w", err)
		}
		n++
		if row.OutOrderNo == no || row.OutOrderNo == no+"-U" {
			fmt.Fprintf(out, "bill: %s %s %s %d %s %s\n", row.OutOrderNo, row.BusinessType, row.ReceiverAccount, row.Amount, row.Currency, row.Status)
		}
	}
	fmt.Fprintf(out, "bill rows: %d\n", n)
	return nil
}
