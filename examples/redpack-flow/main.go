// Command redpack-flow runs the whole red-packet flow: send an ordinary
// cash red packet (发放普通红包), resend it with the same bill number (the
// send is re-entrant: the same packet), query it (查询红包记录), then send a
// WeCom red packet (发放企业红包, with workwx_sign) and query it
// (查询企业微信红包记录). Every call is APIv2 over mTLS with the merchant
// certificate.
//
//	go run ./examples/redpack-flow                      # against an in-process sandbox
//	go run ./examples/redpack-flow -config sandbox/credentials.json
//
// With -config, the WeCom payment secret is the file's wecom_payment_secret.
// When a send fails with an unknown outcome, the program says so and exits
// 1: run it again with the same bill numbers, never with new ones.
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/examples/internal/exampleutil"
	"github.com/gowechatpay/wechatpay/redpack"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func main() { exampleutil.Main(run) }

// options are the flags of the flow.
type options struct {
	billNo, workwxBillNo, openID, clientIP string
	amount                                 int64
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := exampleutil.NewFlags("redpack-flow")
	var o options
	fs.StringVar(&o.billNo, "mch-billno", "10000098202612010000000001", "bill number of the cash red packet (the idempotency key)")
	fs.StringVar(&o.workwxBillNo, "workwx-billno", "10000098202612010000000002", "bill number of the WeCom red packet (the idempotency key)")
	fs.StringVar(&o.openID, "openid", "oxTWIuGaIt6gTKsQRLau2M0yL16E", "receiver's openid")
	fs.Int64Var(&o.amount, "amount", 1000, "amount of each packet, in fen")
	fs.StringVar(&o.clientIP, "client-ip", "192.168.0.1", "IPv4 address of the calling server")
	return fs.Run(args, func(c *wechatpay.Client) error {
		secret := wechatpaytest.TestWeComPaymentSecret // the in-process sandbox's
		if fs.Config() != "" {
			cr, err := wechatpay.LoadCredentials(fs.Config())
			if err != nil {
				return err
			}
			secret = cr.WeComPaymentSecret
		}
		svc := redpack.New(c, redpack.WithWorkWxSecret(secret))

		// Nothing is printed until every answer has been checked.
		var out bytes.Buffer
		if err := cash(ctx, svc, &o, &out); err != nil {
			return err
		}
		if err := workWx(ctx, svc, &o, &out); err != nil {
			return err
		}
		_, err := out.WriteTo(stdout)
		return err
	})
}

// cash sends a cash red packet, resends it, and queries it.
func cash(ctx context.Context, svc *redpack.Service, o *options, out io.Writer) error {
	send := &redpack.SendRequest{
		MchBillNo: o.billNo, SendName: "天虹百货", ReOpenID: o.openID, TotalAmount: o.amount,
		Wishing: "感谢您参加猜灯谜活动，祝您元宵节快乐！", ClientIP: o.clientIP,
		ActName: "猜灯谜抢红包活动", Remark: "猜越多得越多，快来抢！",
	}
	sent, err := svc.Send(ctx, send)
	if err != nil {
		return sendFailed("send", o.billNo, err)
	}
	again, err := svc.Send(ctx, send)
	if err != nil {
		return sendFailed("resend", o.billNo, err)
	}
	p, err := svc.Query(ctx, &redpack.QueryRequest{MchBillNo: o.billNo})
	if err != nil {
		return fmt.Errorf("query red packet %s: %w", o.billNo, err)
	}
	fmt.Fprintln(out, "cash red packet (sendredpack, gethbinfo)")
	return exampleutil.Table(out,
		"mch_billno", sent.MchBillNo,
		"send_listid", sent.SendListID,
		"resend: same packet", again.SendListID == sent.SendListID,
		"status", p.Status,
		"hb_type", p.HBType,
		"total_amount (fen)", p.TotalAmount,
		"send_time", exampleutil.Time(p.SendTime, beijing),
	)
}

// workWx sends a WeCom red packet and queries it.
func workWx(ctx context.Context, svc *redpack.Service, o *options, out io.Writer) error {
	w, err := svc.SendWorkWx(ctx, &redpack.SendWorkWxRequest{
		MchBillNo: o.workwxBillNo, SenderName: "XX活动", ReOpenID: o.openID, TotalAmount: o.amount,
		Wishing: "感谢您参加猜灯谜活动", ActName: "猜灯谜抢红包活动", Remark: "猜越多得越多",
	})
	if err != nil {
		return sendFailed("send WeCom", o.workwxBillNo, err)
	}
	wp, err := svc.QueryWorkWx(ctx, &redpack.QueryWorkWxRequest{MchBillNo: o.workwxBillNo})
	if err != nil {
		return fmt.Errorf("query WeCom red packet %s: %w", o.workwxBillNo, err)
	}
	fmt.Fprintln(out, "WeCom red packet (sendworkwxredpack, queryworkwxredpack)")
	return exampleutil.Table(out,
		"mch_billno", w.MchBillNo,
		"send_listid", w.SendListID,
		"signed reply", w.Signed,
		"status", wp.Status,
		"sender_name", wp.SenderName,
		"total_amount (fen)", wp.TotalAmount,
		"send_time", exampleutil.Time(wp.SendTime, beijing),
	)
}

// sendFailed describes a failed send, saying what is safe to do.
func sendFailed(what, billNo string, err error) error {
	if errors.Is(err, redpack.ErrUnknownOutcome) {
		return fmt.Errorf("%s red packet %s: outcome unknown; run again with the same bill number (never a new one): %w", what, billNo, err)
	}
	return fmt.Errorf("%s red packet %s: %w", what, billNo, err)
}

const beijing = "2006-01-02 15:04:05 -07:00"
