// Command profit-sharing queries a cross-border profit-sharing order
// (跨境分账结果查询) on the global domain.
//
//	go run ./examples/profit-sharing                      # against an in-process sandbox
//	go run ./examples/profit-sharing -config sandbox/credentials.json
package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/examples/internal/exampleutil"
	"github.com/gowechatpay/wechatpay/profitsharing"
)

func main() { exampleutil.Main(run) }

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := exampleutil.NewFlags("profit-sharing")
	outOrderNo := fs.String("out-order-no", "P20150806125346", "merchant distribution order number")
	subMchID := fs.String("sub-mchid", "1900000109", "sub-merchant id (institutional mode; empty for none)")
	transactionID := fs.String("transaction-id", "4208450740201411110007820472", "WeChat Pay transaction id")
	return fs.Run(args, func(c *wechatpay.Client) error {
		o, err := profitsharing.New(c).QueryOrder(ctx, &profitsharing.QueryOrderRequest{
			OutOrderNo:    *outOrderNo,
			SubMchID:      *subMchID,
			TransactionID: *transactionID,
		})
		if err != nil {
			return fmt.Errorf("query profit-sharing order %s: %w", *outOrderNo, err)
		}
		return printOrder(stdout, o)
	})
}

// printOrder prints the order, then each of its receivers.
func printOrder(stdout io.Writer, o *profitsharing.Order) error {
	if err := exampleutil.Table(stdout,
		"out_order_no", o.OutOrderNo,
		"order_id", o.OrderID,
		"transaction_id", o.TransactionID,
		"sub_mchid", o.SubMchID,
		"state", o.State,
		"request_id", o.Meta.RequestID,
	); err != nil {
		return err
	}
	for i, r := range o.Receivers {
		fmt.Fprintf(stdout, "\nreceiver %d\n", i+1)
		rate := ""
		if r.RateValue != 0 {
			rate = fmt.Sprintf("%.8f", float64(r.RateValue)/1e8)
		}
		if err := exampleutil.Table(stdout,
			"  detail_type", r.DetailType,
			"  type", r.Type,
			"  account", r.Account,
			"  amount", fmt.Sprintf("%d %s", r.Amount, r.Currency),
			"  description", r.Description,
			"  result", r.Result,
			"  fail_reason", r.FailReason,
			"  settlement", settlement(r),
			"  rate", rate,
			"  create_time", exampleutil.Time(r.CreateTime.Time, time.RFC3339),
			"  finish_time", exampleutil.Time(r.FinishTime.Time, time.RFC3339),
			"  detail_id", r.DetailID,
		); err != nil {
			return err
		}
	}
	return nil
}

func settlement(r profitsharing.Receiver) string {
	if r.SettlementCurrency == "" {
		return ""
	}
	return fmt.Sprintf("%d %s", r.SettlementAmount, r.SettlementCurrency)
}
