// Command special-reduction queries a special reduction (查询特殊减额结果) on
// a WeBank-channel aggregated account.
//
//	go run ./examples/special-reduction                      # against an in-process sandbox
//	go run ./examples/special-reduction -config sandbox/credentials.json
//
// Without -config it starts the WeChat Pay emulator in-process and queries
// its seed fixture. The ledger number is sent encrypted and shown decrypted.
package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/aggracct"
	"github.com/gowechatpay/wechatpay/examples/internal/exampleutil"
)

func main() { exampleutil.Main(run) }

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := exampleutil.NewFlags("special-reduction")
	outRequestNo := fs.String("out-request-no", "htozr8denqegbt6tk6u10iymo7yww5pn", "special-reduction number")
	mchID, balAccountNo := fs.Ledger()
	return fs.Run(args, func(c *wechatpay.Client) error {
		r, err := aggracct.New(c).QuerySpecialReduction(ctx, &aggracct.QuerySpecialReductionRequest{
			OutRequestNo: *outRequestNo,
			MchID:        *mchID,
			BalAccountNo: *balAccountNo,
		})
		if err != nil {
			return fmt.Errorf("query special reduction %s: %w", *outRequestNo, err)
		}
		return exampleutil.Table(stdout,
			"out_request_no", r.OutRequestNo,
			"mchid", r.MchID,
			"bal_account_no", exampleutil.Mask(r.BalAccountNo)+" (decrypted, masked)",
			"state", r.State,
			"reduction_type", r.ReductionType,
			"amount (fen)", r.Amount,
			"reason", r.Reason,
			"quota_change_no", r.QuotaChangeNo,
			"success_time", exampleutil.Time(r.SuccessTime, time.RFC3339),
			"fail_time", exampleutil.Time(r.FailTime, time.RFC3339),
			"fail_reason", r.FailReason,
			"request_id", r.Meta.RequestID,
		)
	})
}
