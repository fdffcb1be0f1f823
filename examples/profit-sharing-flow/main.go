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
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/examples/internal/exampleutil"
	"github.com/gowechatpay/wechatpay/profitsharing"
)

func main() { exampleutil.Main(run) }

// beijing is UTC+08:00, the zone of WeChat Pay's bill days.
var beijing = time.FixedZone("CST", 8*3600)

// flow holds the flags, the service the steps call and what they print,
// written out only once every step succeeded.
type flow struct {
	subMchID, transactionID, account, orderNo string
	amount                                    int64

	svc *profitsharing.Service
	out bytes.Buffer
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	stamp := strconv.FormatInt(time.Now().UnixNano()%1e10, 10)
	fs := exampleutil.NewFlags("profit-sharing-flow")
	var f flow
	fs.StringVar(&f.subMchID, "sub-mchid", "1900000109", "sub-merchant id (institutional mode; empty for none)")
	fs.StringVar(&f.transactionID, "transaction-id", "4208450740201411110007820472", "WeChat Pay transaction id, marked for profit sharing")
	fs.StringVar(&f.account, "receiver", "19"+stamp[len(stamp)-8:], "merchant id of the receiver to add, pay and delete")
	fs.Int64Var(&f.amount, "amount", 100, "amount to distribute, in fen")
	fs.StringVar(&f.orderNo, "out-order-no", "PSF"+stamp, "distribution number; the unfreeze uses it with the suffix -U")
	return fs.Run(args, func(c *wechatpay.Client) error {
		f.svc = profitsharing.New(c)
		for _, step := range []func(context.Context) error{f.addReceiver, f.distribute, f.unfreeze, f.readBill, f.deleteReceiver} {
			if err := step(ctx); err != nil {
				return err
			}
		}
		_, err := stdout.Write(f.out.Bytes())
		return err
	})
}

// addReceiver adds the receiver, then reads it: its audit must have passed.
func (f *flow) addReceiver(ctx context.Context) error {
	rel, err := f.svc.AddReceiver(ctx, &profitsharing.AddReceiverRequest{
		SubMchID: f.subMchID, Type: profitsharing.ReceiverTypeMerchantID, Account: f.account,
		Name: "示例供应商有限公司", RelationType: profitsharing.RelationTypeSupplier,
	})
	if err != nil {
		return fmt.Errorf("add receiver: %w", err)
	}
	fmt.Fprintf(&f.out, "receiver %s added: %s\n", rel.Account, rel.State)
	rel, err = f.svc.QueryReceiver(ctx, &profitsharing.QueryReceiverRequest{
		Account: f.account, SubMchID: f.subMchID, Type: profitsharing.ReceiverTypeMerchantID,
	})
	switch {
	case err != nil:
		return fmt.Errorf("query receiver: %w", err)
	case rel.FailReason != "":
		return fmt.Errorf("receiver audit failed: %s", rel.FailReason)
	case rel.State != profitsharing.ReceiverStateEffective:
		return fmt.Errorf("receiver %s is %s: the audit is not done, run again later", rel.Account, rel.State)
	}
	fmt.Fprintf(&f.out, "receiver %s audited: %s\n", rel.Account, rel.State)
	return nil
}

// distribute distributes to the receiver (re-entrant: retried with the
// same number), then reads the result.
func (f *flow) distribute(ctx context.Context) error {
	order, err := f.svc.CreateOrder(ctx, &profitsharing.CreateOrderRequest{
		SubMchID: f.subMchID, TransactionID: f.transactionID, OutOrderNo: f.orderNo,
		Receivers: []profitsharing.OrderReceiver{{Currency: "CNY", Type: profitsharing.ReceiverTypeMerchantID,
			Account: f.account, Amount: f.amount, Description: "分给供应商"}},
	})
	if err != nil {
		return fmt.Errorf("create order: %w", err)
	}
	fmt.Fprintf(&f.out, "order %s accepted: %s\n", order.OutOrderNo, order.State)
	return f.query(ctx, f.orderNo)
}

// unfreeze unfreezes what is left to the sponsor, and checks nothing
// remains.
func (f *flow) unfreeze(ctx context.Context) error {
	unfreezeNo := f.orderNo + "-U"
	if _, err := f.svc.UnfreezeOrder(ctx, &profitsharing.UnfreezeOrderRequest{
		SubMchID: f.subMchID, TransactionID: f.transactionID, OutOrderNo: unfreezeNo, Description: "解冻全部剩余资金",
	}); err != nil {
		return fmt.Errorf("unfreeze: %w", err)
	}
	if err := f.query(ctx, unfreezeNo); err != nil {
		return err
	}
	left, err := f.svc.QueryUnsplitAmount(ctx, &profitsharing.QueryUnsplitAmountRequest{TransactionID: f.transactionID, SubMchID: f.subMchID})
	if err != nil {
		return fmt.Errorf("query unsplit amount: %w", err)
	}
	fmt.Fprintf(&f.out, "unsplit amount: %d %s\n", left.UnsplitAmount, left.Currency)
	return nil
}

// deleteReceiver removes the receiver.
func (f *flow) deleteReceiver(ctx context.Context) error {
	if _, err := f.svc.DeleteReceiver(ctx, &profitsharing.DeleteReceiverRequest{
		SubMchID: f.subMchID, Type: profitsharing.ReceiverTypeMerchantID, Account: f.account,
	}); err != nil {
		return fmt.Errorf("delete receiver: %w", err)
	}
	fmt.Fprintf(&f.out, "receiver %s deleted\n", f.account)
	return nil
}

// query prints an order's state and details.
func (f *flow) query(ctx context.Context, no string) error {
	o, err := f.svc.QueryOrder(ctx, &profitsharing.QueryOrderRequest{OutOrderNo: no, SubMchID: f.subMchID, TransactionID: f.transactionID})
	if err != nil {
		return fmt.Errorf("query order %s: %w", no, err)
	}
	fmt.Fprintf(&f.out, "order %s: %s\n", o.OutOrderNo, o.State)
	for _, r := range o.Receivers {
		fmt.Fprintf(&f.out, "  %s %s %d %s %s %s\n", r.DetailType, r.Account, r.Amount, r.Currency, r.Result, r.FailReason)
	}
	return nil
}

// readBill fetches today's bill (its URL is valid for 30 seconds), streams
// it and prints the rows of this run's orders.
func (f *flow) readBill(ctx context.Context) error {
	bill, err := f.svc.QueryBillDownloadURL(ctx, &profitsharing.QueryBillDownloadURLRequest{SubMchID: f.subMchID, BillDate: time.Now().In(beijing)})
	if err != nil {
		return fmt.Errorf("query bill URL: %w", err)
	}
	file, err := f.svc.DownloadBill(ctx, bill)
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
		if row.OutOrderNo == f.orderNo || row.OutOrderNo == f.orderNo+"-U" {
			fmt.Fprintf(&f.out, "bill: %s %s %s %d %s %s\n", row.OutOrderNo, row.BusinessType, row.ReceiverAccount, row.Amount, row.Currency, row.Status)
		}
	}
	fmt.Fprintf(&f.out, "bill rows: %d\n", n)
	return nil
}
