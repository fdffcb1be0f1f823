// Command redpack queries a red packet sent through WeCom (查询企业微信红包记录,
// APIv2 over mTLS with the merchant certificate).
//
//	go run ./examples/redpack                      # against an in-process sandbox
//	go run ./examples/redpack -config sandbox/credentials.json -mch-billno 10000098201411111234567890
//
// A NOT_FOUND shortly after sending may mean "still processing": query
// again later, and never re-send under a new bill number.
package main

import (
	"context"
	"fmt"
	"io"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/examples/internal/exampleutil"
	"github.com/gowechatpay/wechatpay/redpack"
)

func main() { exampleutil.Main(run) }

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := exampleutil.NewFlags("redpack")
	billNo := fs.String("mch-billno", "10000098201411111234567890", "merchant bill number used when sending")
	mchID := fs.String("mch-id", "", "merchant number (default: the credentials' mchid)")
	appID := fs.String("appid", "", "appid or WeCom corp id used when sending (default: the credentials' appid)")
	return fs.Run(args, func(c *wechatpay.Client) error {
		p, err := redpack.New(c).QueryWorkWx(ctx, &redpack.QueryWorkWxRequest{MchBillNo: *billNo, MchID: *mchID, AppID: *appID})
		if err != nil {
			return fmt.Errorf("query red packet %s: %w", *billNo, err)
		}
		return printPacket(stdout, p)
	})
}

// printPacket prints what the query answered of the packet.
func printPacket(stdout io.Writer, p *redpack.WorkWxRedPacket) error {
	return exampleutil.Table(stdout,
		"mch_billno", p.MchBillNo,
		"detail_id", p.DetailID,
		"status", p.Status,
		"send_type", p.SendType,
		"total_amount (fen)", p.TotalAmount,
		"send_time", exampleutil.Time(p.SendTime, beijing),
		"openid", p.OpenID,
		"amount (fen)", p.Amount,
		"rcv_time", exampleutil.Time(p.RcvTime, beijing),
		"refund_amount (fen)", p.RefundAmount,
		"refund_time", exampleutil.Time(p.RefundTime, beijing),
		"reason", p.Reason,
		"wishing", p.Wishing,
		"act_name", p.ActName,
		"remark", p.Remark,
		"sender_name", p.SenderName,
	)
}

const beijing = "2006-01-02 15:04:05 -07:00"
