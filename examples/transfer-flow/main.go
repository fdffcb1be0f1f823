// Command transfer-flow runs the merchant-transfer flow (商家转账) of the
// transfer package: it creates a bill, has its user confirm it, receives
// the MCHTRANSFER.BILL.FINISHED callback at a NotificationHandler,
// queries the bill by both numbers, applies for its receipt and downloads
// it; then it creates a bill it cancels before confirmation and one that
// expires after 24 hours.
//
//	go run ./examples/transfer-flow                      # against an in-process sandbox
//	go run ./examples/transfer-flow -config sandbox/credentials.json
//
// What only the user or WeChat Pay can do (the confirmation, the passing
// of a day) goes through the sandbox's signed test helpers
// (/v3/sandbox/test-helpers/..., see wechatpay-sandbox transfer confirm
// and advance): against WeChat Pay they do not exist. The callbacks
// arrive at an https server on 127.0.0.1 with a test certificate
// (net/http/httptest): a sandbox in another process must trust it, else
// the example fails after -wait.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/examples/internal/exampleutil"
	"github.com/gowechatpay/wechatpay/transfer"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func main() { exampleutil.Main(run) }

// flow holds the flags, the service the steps call and the callbacks
// received.
type flow struct {
	prefix, openID, userName string
	amount                   int64
	wait                     time.Duration

	c         *wechatpay.Client
	svc       *transfer.Service
	notifyURL string
	callbacks chan *transfer.BillNotification
	w         io.Writer
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := exampleutil.NewFlags("transfer-flow")
	f := flow{w: stdout, callbacks: make(chan *transfer.BillNotification, 8)}
	fs.StringVar(&f.prefix, "out-bill-no", "TFLOW20261207", "prefix of the three bills' out_bill_no (the idempotency keys)")
	fs.StringVar(&f.openID, "openid", "o-MYE42l80oelYMDE34nYD456Xoy", "the receiving user's openid")
	fs.StringVar(&f.userName, "user-name", "张三", "the user's real name (sent encrypted; needed for a receipt)")
	fs.Int64Var(&f.amount, "amount", 500, "amount of each bill, fen")
	fs.DurationVar(&f.wait, "wait", 30*time.Second, "how long to wait for each callback")
	notify := httptest.NewUnstartedServer(nil) // the merchant's https notify_url
	notify.StartTLS()
	defer notify.Close()
	return fs.Run(args, func(c *wechatpay.Client) error {
		handler, err := c.NotificationHandler(f.receive)
		if err != nil {
			return err
		}
		notify.Config.Handler = handler
		f.c, f.svc, f.notifyURL = c, transfer.New(c), notify.URL+"/wechatpay/notify"
		if err := f.confirmed(ctx); err != nil {
			return err
		}
		if err := f.cancelled(ctx); err != nil {
			return err
		}
		return f.expired(ctx)
	}, wechatpaytest.WithNotificationClient(notify.Client()))
}

// receive is the NotificationHandler's function: it decodes a bill's
// callback and hands it to the step waiting for it.
func (f *flow) receive(_ context.Context, n *wechatpay.Notification) error {
	b, err := f.svc.DecodeBillNotification(n)
	if err != nil {
		return err // answered 4xx or 5xx: WeChat Pay sends it again
	}
	select {
	case f.callbacks <- b:
		return nil
	default:
		return errors.New("too many callbacks")
	}
}

// confirmed creates a bill, has the user confirm it, waits for its
// callback, queries it by both numbers and downloads its receipt (steps
// 1 to 6).
func (f *flow) confirmed(ctx context.Context) error {
	no := f.prefix + "A"
	bill, err := f.create(ctx, "1. bill", no, f.userName)
	if err != nil {
		return err
	}
	if err := f.helper(ctx, wechatpaytest.APITestHelperConfirmTransfer, no, nil); err != nil {
		return fmt.Errorf("user confirming %s: %w", no, err)
	}
	if err := f.callback(ctx, "2. callback after the user's confirmation", no); err != nil {
		return err
	}
	byOut, err := f.svc.QueryBillByOutBillNo(ctx, &transfer.QueryBillByOutBillNoRequest{OutBillNo: no})
	if err != nil {
		return fmt.Errorf("query %s: %w", no, err)
	}
	if err := step(f.w, "3. query by out_bill_no", "state", byOut.State, "amount (fen)", byOut.Amount); err != nil {
		return err
	}
	byNo, err := f.svc.QueryBillByTransferBillNo(ctx, &transfer.QueryBillByTransferBillNoRequest{TransferBillNo: bill.TransferBillNo})
	if err != nil {
		return fmt.Errorf("query %s: %w", bill.TransferBillNo, err)
	}
	if err := step(f.w, "4. query by transfer_bill_no", "out_bill_no", byNo.OutBillNo, "state", byNo.State); err != nil {
		return err
	}
	return f.receipt(ctx, no)
}

// receipt applies for the receipt of the bill no, queries it and
// downloads it (steps 5 and 6).
func (f *flow) receipt(ctx context.Context, no string) error {
	applied, err := f.svc.ApplyReceiptByOutBillNo(ctx, &transfer.ApplyReceiptByOutBillNoRequest{OutBillNo: no})
	if err != nil {
		return fmt.Errorf("apply for the receipt of %s: %w", no, err)
	}
	if err := step(f.w, "5. receipt application", "state", applied.State); err != nil {
		return err
	}
	// In production: query again after at least 2 minutes while GENERATING.
	r, err := f.svc.QueryReceiptByOutBillNo(ctx, &transfer.QueryReceiptByOutBillNoRequest{OutBillNo: no})
	if err != nil {
		return fmt.Errorf("query the receipt of %s: %w", no, err)
	}
	if r.State != transfer.ReceiptFinished {
		return fmt.Errorf("receipt of %s: %s %s: query it again later", no, r.State, r.FailReason)
	}
	pdf, err := f.svc.DownloadReceipt(ctx, r) // the digest is checked
	if err != nil {
		return fmt.Errorf("download the receipt of %s: %w", no, err)
	}
	return step(f.w, "6. receipt", "state", r.State, "size (bytes)", len(pdf), "pdf", strings.HasPrefix(string(pdf), "%PDF-"))
}

// cancelled creates a bill, cancels it before the user confirms, queries
// it and waits for its callback (steps 7 to 9).
func (f *flow) cancelled(ctx context.Context) error {
	no := f.prefix + "B"
	if _, err := f.create(ctx, "7. bill", no, ""); err != nil {
		return err
	}
	c, err := f.svc.CancelBill(ctx, &transfer.CancelBillRequest{OutBillNo: no})
	if err != nil {
		return fmt.Errorf("cancel %s: %w", no, err)
	}
	if err := step(f.w, "8. cancellation", "state", c.State); err != nil {
		return err
	}
	// Accepted only: the outcome comes from a query or the callback.
	if _, err := f.svc.QueryBillByOutBillNo(ctx, &transfer.QueryBillByOutBillNoRequest{OutBillNo: no}); err != nil {
		return fmt.Errorf("query %s: %w", no, err)
	}
	return f.callback(ctx, "9. callback after the cancellation", no)
}

// expired creates a bill the user never confirms, lets 24 hours pass and
// waits for its callback (steps 10 and 11).
func (f *flow) expired(ctx context.Context) error {
	no := f.prefix + "C"
	if _, err := f.create(ctx, "10. bill", no, ""); err != nil {
		return err
	}
	if err := f.helper(ctx, wechatpaytest.APITestHelperAdvance, "", map[string]string{"duration": "24h"}); err != nil {
		return fmt.Errorf("advancing the clock: %w", err)
	}
	return f.callback(ctx, "11. callback after 24 hours", no)
}

// create creates the bill no (with userName when not empty) and prints it
// under heading.
func (f *flow) create(ctx context.Context, heading, no, userName string) (*transfer.Bill, error) {
	bill, err := f.svc.CreateBill(ctx, &transfer.CreateBillRequest{
		OutBillNo: no, SceneID: transfer.SceneCashMarketing, OpenID: f.openID, UserName: userName,
		Amount: f.amount, Remark: "新会员开户有礼", NotifyURL: f.notifyURL,
		SceneReportInfos: []transfer.SceneReportInfo{
			{InfoType: "活动名称", InfoContent: "新会员有礼"},
			{InfoType: "奖励说明", InfoContent: "注册会员抽奖一等奖"},
		},
	})
	if err != nil {
		return nil, fmt.Errorf("create bill %s: %w", no, err) // never a new out_bill_no here: query first
	}
	confirm := transfer.ConfirmParams(f.c.MchID(), f.c.AppID(), bill.PackageInfo)
	return bill, step(f.w, heading, "out_bill_no", bill.OutBillNo, "transfer_bill_no", bill.TransferBillNo,
		"state", bill.State, "confirm package", confirm.Package != "")
}

// callback waits at most f.wait for the callback of the bill no and
// prints it under heading.
func (f *flow) callback(ctx context.Context, heading, no string) error {
	ctx, cancel := context.WithTimeout(ctx, f.wait)
	defer cancel()
	select {
	case <-ctx.Done():
		return fmt.Errorf("no callback of %s: %w", no, ctx.Err())
	case b := <-f.callbacks:
		if b.OutBillNo != no {
			return fmt.Errorf("callback of %s while waiting for %s", b.OutBillNo, no)
		}
		return step(f.w, heading, "out_bill_no", b.OutBillNo, "state", b.State, "amount (fen)", b.Amount, "fail_reason", b.FailReason)
	}
}

// helper calls the sandbox's test helper api for the bill no (no body
// when body is nil).
func (f *flow) helper(ctx context.Context, api wechatpaytest.API, no string, body any) error {
	req := &wechatpay.Request{Method: http.MethodPost, Path: strings.TrimPrefix(string(api), "POST "), Body: body}
	if no != "" {
		req.PathParams = map[string]string{"out_bill_no": no}
	}
	_, err := f.c.DoV3(ctx, req, nil)
	return err
}

// step prints one step's heading and fields.
func step(w io.Writer, heading string, pairs ...any) error {
	if _, err := fmt.Fprintln(w, heading); err != nil {
		return err
	}
	return exampleutil.Table(w, pairs...)
}
