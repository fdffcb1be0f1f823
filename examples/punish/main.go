// Command punish registers a WeBank ledger control order (发起微众台账管控).
//
//	go run ./examples/punish                      # against an in-process sandbox
//	go run ./examples/punish -config sandbox/credentials.json -out-request-no WBPUNISH1
//
// The call is re-entrant for a year: running it again with the same number
// and fields returns the same WeChat Pay control-order number.
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
	fs := exampleutil.NewFlags("punish")
	outRequestNo := fs.String("out-request-no", "WBPUNISH20251009000001", "WeBank control-order number (the idempotency key)")
	mchID, balAccountNo := fs.Ledger()
	scene := fs.Int64("punish-scene", 1, "control scene registered by WeBank")
	reason := fs.String("punish-reason", "测试用管控原因", "free-text reason")
	var end time.Time
	fs.Func("punish-end-time", "end of the control, RFC 3339 (default: long-term)", func(s string) (err error) {
		end, err = time.Parse(time.RFC3339, s)
		return err
	})
	return fs.Run(args, func(c *wechatpay.Client) error {
		if *mchID == "" {
			*mchID = c.MchID()
		}
		r, err := aggracct.New(c).Punish(ctx, &aggracct.PunishRequest{
			OutRequestNo:  *outRequestNo,
			MchID:         *mchID,
			BalAccountNo:  *balAccountNo,
			PunishScene:   aggracct.PunishScene(*scene),
			PunishReason:  *reason,
			PunishEndTime: end,
		})
		if err != nil {
			return fmt.Errorf("punish %s: %w", *outRequestNo, err)
		}
		return exampleutil.Table(stdout,
			"out_request_no", r.OutRequestNo,
			"wxpay_punish_no", r.WxpayPunishNo,
			"request_id", r.Meta.RequestID,
		)
	})
}
