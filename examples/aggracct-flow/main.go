// Command aggracct-flow runs the whole WeBank-channel flow (微众渠道) of the
// aggracct package: it reads a ledger's balance, reduces it by a special
// reduction and follows that to its result, reads the balance again, puts a
// control on the ledger's merchant, reads the control order, lifts the
// control and reads both orders again.
//
//	go run ./examples/aggracct-flow                      # against an in-process sandbox
//	go run ./examples/aggracct-flow -config sandbox/credentials.json
//
// Every step is re-entrant: running it again against the same sandbox with
// the same numbers repeats the same requests, which WeChat Pay answers as
// re-entries (the reduction is made once). Orders still in progress are
// polled every -poll until done. Ledger numbers are sent encrypted and
// never printed.
package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/aggracct"
	"github.com/gowechatpay/wechatpay/examples/internal/exampleutil"
)

func main() { exampleutil.Main(run) }

// flow holds the flags and the service the steps call.
type flow struct {
	mchID, balAccountNo              string
	reductionNo, punishNo, recoverNo string
	amount                           int64
	scene                            int64
	poll                             time.Duration
	polls                            int

	svc *aggracct.Service
	w   io.Writer
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := exampleutil.NewFlags("aggracct-flow")
	var f flow
	mchID, balAccountNo := fs.Ledger()
	fs.StringVar(&f.reductionNo, "reduction-no", "RED20251009000001", "special-reduction number (the idempotency key)")
	fs.Int64Var(&f.amount, "amount", 100, "amount to reduce, fen")
	fs.StringVar(&f.punishNo, "punish-no", "WBPUNISH20251009000001", "WeBank punish number (the idempotency key)")
	fs.Int64Var(&f.scene, "punish-scene", 1, "control scene registered by WeBank")
	fs.StringVar(&f.recoverNo, "recover-no", "WBRECOVER20251010000001", "WeBank recover number (the idempotency key)")
	fs.DurationVar(&f.poll, "poll", 2*time.Second, "interval between two queries of an order in progress")
	fs.IntVar(&f.polls, "polls", 10, "queries of an order in progress before giving up")
	return fs.Run(args, func(c *wechatpay.Client) error {
		f.mchID, f.balAccountNo = cmp.Or(*mchID, c.MchID()), *balAccountNo
		f.svc, f.w = aggracct.New(c), stdout
		if err := f.reduce(ctx); err != nil {
			return err
		}
		return f.control(ctx)
	})
}

// reduce reads the balance, reduces it by a special reduction, follows
// that to its result and reads the balance again (steps 1 to 4).
func (f *flow) reduce(ctx context.Context) error {
	if err := f.balance(ctx, "1. balance"); err != nil {
		return err
	}
	created, err := f.svc.CreateSpecialReduction(ctx, &aggracct.CreateSpecialReductionRequest{
		MchID: f.mchID, BalAccountNo: f.balAccountNo, OutRequestNo: f.reductionNo,
		ReductionType: aggracct.ReductionTypeJudicialDeduction, Amount: f.amount, Reason: "司法案件号:202508080009",
	})
	if err != nil {
		return fmt.Errorf("create special reduction %s: %w", f.reductionNo, err)
	}
	if err := step(f.w, "2. special reduction", "out_request_no", created.OutRequestNo, "state", created.State); err != nil {
		return err
	}

	var red *aggracct.SpecialReduction
	err = f.until(ctx, func() (bool, error) {
		red, err = f.svc.QuerySpecialReduction(ctx, &aggracct.QuerySpecialReductionRequest{OutRequestNo: f.reductionNo, MchID: f.mchID, BalAccountNo: f.balAccountNo})
		return err == nil && red.State != aggracct.StateProcessing, err
	})
	if err != nil {
		return fmt.Errorf("query special reduction %s: %w", f.reductionNo, err)
	}
	if err := step(f.w, "3. special reduction result", "state", red.State, "amount (fen)", red.Amount,
		"quota_change_no", red.QuotaChangeNo, "fail_reason", red.FailReason); err != nil {
		return err
	}
	return f.balance(ctx, "4. balance")
}

// balance prints the ledger's balance under heading.
func (f *flow) balance(ctx context.Context, heading string) error {
	b, err := f.svc.QueryBalance(ctx, &aggracct.QueryBalanceRequest{MchID: f.mchID, BalAccountNo: f.balAccountNo})
	if err != nil {
		return fmt.Errorf("query balance: %w", err)
	}
	return step(f.w, heading, "balance (fen)", b.Balance, "in_transit_reduction", b.InTransitReductionExist)
}

// control puts a control on the ledger's merchant, reads the control
// order, lifts the control and reads both orders again (steps 5 to 9).
func (f *flow) control(ctx context.Context) error {
	punished, err := f.svc.Punish(ctx, &aggracct.PunishRequest{
		OutRequestNo: f.punishNo, MchID: f.mchID, BalAccountNo: f.balAccountNo,
		PunishScene: aggracct.PunishScene(f.scene), PunishReason: "测试用管控原因",
	})
	if err != nil {
		return fmt.Errorf("punish %s: %w", f.punishNo, err)
	}
	if err := step(f.w, "5. punish", "out_request_no", punished.OutRequestNo, "wxpay_punish_no", punished.WxpayPunishNo); err != nil {
		return err
	}
	o, err := f.controlOrder(ctx, f.punishNo, aggracct.ControlTypePunish, func(o *aggracct.ControlOrder) bool {
		return o.PunishOrder.PunishState != aggracct.ControlStateExecuting
	})
	if err != nil {
		return err
	}
	po := o.PunishOrder
	if err := step(f.w, "6. punish order", "punish_state", po.PunishState, "effect_state", po.EffectState,
		"control_action", fmt.Sprint(po.ControlAction), "error_code", po.ErrorCode); err != nil {
		return err
	}
	if po.PunishState != aggracct.ControlStateSuccess {
		return fmt.Errorf("punish %s: %s, nothing to recover", f.punishNo, po.PunishState)
	}

	recovered, err := f.svc.Recover(ctx, &aggracct.RecoverRequest{
		OutRequestNo: f.recoverNo, RelatedWebankPunishNo: f.punishNo, RelatedWxpayPunishNo: punished.WxpayPunishNo,
		MchID: f.mchID, BalAccountNo: f.balAccountNo, RecoverReason: "核验已通过,解除管控",
	})
	if err != nil {
		return fmt.Errorf("recover %s: %w", f.recoverNo, err)
	}
	if err := step(f.w, "7. recover", "out_request_no", recovered.OutRequestNo, "wxpay_recover_no", recovered.WxpayRecoverNo); err != nil {
		return err
	}
	if o, err = f.controlOrder(ctx, f.recoverNo, aggracct.ControlTypeRecover, func(o *aggracct.ControlOrder) bool {
		return o.RecoverOrder.RecoverState != aggracct.ControlStateExecuting
	}); err != nil {
		return err
	}
	if err := step(f.w, "8. recover order", "recover_state", o.RecoverOrder.RecoverState, "error_code", o.RecoverOrder.ErrorCode); err != nil {
		return err
	}
	if o, err = f.controlOrder(ctx, f.punishNo, aggracct.ControlTypePunish, func(*aggracct.ControlOrder) bool { return true }); err != nil {
		return err
	}
	return step(f.w, "9. punish order", "punish_state", o.PunishOrder.PunishState, "effect_state", o.PunishOrder.EffectState)
}

// controlOrder queries the control order no of type typ until done
// accepts it.
func (f *flow) controlOrder(ctx context.Context, no string, typ aggracct.ControlType, done func(*aggracct.ControlOrder) bool) (*aggracct.ControlOrder, error) {
	var o *aggracct.ControlOrder
	err := f.until(ctx, func() (bool, error) {
		var err error
		o, err = f.svc.QueryControlOrder(ctx, &aggracct.QueryControlOrderRequest{OutRequestNo: no, ControlType: typ, MchID: f.mchID})
		return err == nil && done(o), err
	})
	if err != nil {
		return nil, fmt.Errorf("query %s order %s: %w", strings.ToLower(string(typ)), no, err)
	}
	return o, nil
}

// errStillInProgress is returned when an order is still in progress after
// the last poll.
var errStillInProgress = errors.New("still in progress: query it again later")

// until calls query until it reports done or fails, at most f.polls times,
// f.poll apart.
func (f *flow) until(ctx context.Context, query func() (done bool, err error)) error {
	t := time.NewTicker(f.poll)
	defer t.Stop()
	for i := 0; ; i++ {
		done, err := query()
		if err != nil || done {
			return err
		}
		if i+1 >= f.polls {
			return errStillInProgress
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// step prints one step's heading and fields.
func step(w io.Writer, heading string, pairs ...any) error {
	if _, err := fmt.Fprintln(w, heading); err != nil {
		return err
	}
	return exampleutil.Table(w, pairs...)
}
