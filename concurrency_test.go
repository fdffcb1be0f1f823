package wechatpay_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/aggracct"
	"github.com/gowechatpay/wechatpay/profitsharing"
	"github.com/gowechatpay/wechatpay/redpack"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// stormFaults are the faults the workers arm while they call.
var stormFaults = []wechatpaytest.FaultKind{
	wechatpaytest.FaultSystemError,
	wechatpaytest.FaultTamperedBody,
	wechatpaytest.FaultProbeSignature,
	wechatpaytest.FaultDelay,
	wechatpaytest.FaultRateLimited,
}

// stormTally counts the outcomes of the storm, per API.
type stormTally struct {
	mu       sync.Mutex
	ok, fail map[string]int
	problems []string
	punished map[string]string // out_request_no → wxpay_punish_no, verified answers only
	retry    []string          // out_request_no of the punishes that failed
}

func (s *stormTally) add(api string, err error, problem string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if problem != "" {
		s.problems = append(s.problems, api+": "+problem)
	}
	if err != nil {
		s.fail[api]++
	} else {
		s.ok[api]++
	}
}

// expectedFailure reports whether err is one of the ways a call may fail
// under the storm's faults: a verification failure or an answered error.
func expectedFailure(err error) bool {
	var apiErr *wechatpay.APIError
	return errors.Is(err, wechatpay.ErrInvalidSignature) || errors.Is(err, wechatpay.ErrV2Sign) || errors.As(err, &apiErr)
}

// TestConcurrentClientUnderFaults shares one Client among 64 goroutines
// calling all four APIs while the workers arm faults on the emulator.
// Every call ends verified and correct, or in an expected error with no
// result; afterwards every control order exists exactly once and repeating
// the failed ones returns the recorded numbers.
func TestConcurrentClientUnderFaults(t *testing.T) {
	const workers, calls = 64, 5
	srv := wechatpaytest.Start(t)
	c := srv.Client(wechatpay.WithRetry(fastRetry))
	agg, ps, rp := aggracct.New(c), profitsharing.New(c), redpack.New(c)
	tally := &stormTally{ok: map[string]int{}, fail: map[string]int{}, punished: map[string]string{}}
	for i := range 16 {
		srv.InjectFault(wechatpaytest.Fault{Kind: stormFaults[i%len(stormFaults)], Count: 1, Delay: 5 * time.Millisecond})
	}

	ctx := t.Context()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range calls {
				n := w*calls + i
				switch n % 4 {
				case 0:
					r, err := agg.QuerySpecialReduction(ctx, &aggracct.QuerySpecialReductionRequest{OutRequestNo: wechatpaytest.SeedReductionNo, BalAccountNo: wechatpaytest.SeedBalAccountNo})
					tally.add("reduction", err, checkStorm(err, r, func() bool {
						return r.OutRequestNo == wechatpaytest.SeedReductionNo && r.BalAccountNo == wechatpaytest.SeedBalAccountNo && r.State == "SUCCESS" && r.Amount == 1
					}))
				case 1:
					no := fmt.Sprintf("STORM-%03d", n)
					r, err := punishStorm(ctx, agg, c, no)
					tally.add("punish", err, checkStorm(err, r, func() bool { return r.OutRequestNo == no && r.WxpayPunishNo != "" }))
					tally.mu.Lock()
					if err == nil {
						tally.punished[no] = r.WxpayPunishNo
					} else {
						tally.retry = append(tally.retry, no)
					}
					tally.mu.Unlock()
				case 2:
					o, err := ps.QueryOrder(ctx, &profitsharing.QueryOrderRequest{OutOrderNo: wechatpaytest.SeedOutOrderNo, SubMchID: wechatpaytest.SeedSubMchID, TransactionID: wechatpaytest.SeedTransactionID})
					tally.add("profit-sharing", err, checkStorm(err, o, func() bool {
						return o.OrderID == seedOrderID && len(o.Receivers) == 3 && o.Receivers[0].Amount == 797
					}))
				case 3:
					p, err := rp.QueryWorkWx(ctx, &redpack.QueryWorkWxRequest{MchBillNo: wechatpaytest.SeedMchBillNo})
					tally.add("redpack", err, checkStorm(err, p, func() bool {
						return p.DetailID == seedRedPacketID && p.TotalAmount == 5000 && p.MchBillNo == wechatpaytest.SeedMchBillNo
					}))
				}
				if n%3 == 0 {
					srv.InjectFault(wechatpaytest.Fault{Kind: stormFaults[n%len(stormFaults)], Count: 1, Delay: 5 * time.Millisecond})
				}
			}
		})
	}
	wg.Wait()
	srv.ClearFaults()

	require.Empty(t, tally.problems)
	var ok, fail int
	for _, api := range []string{"reduction", "punish", "profit-sharing", "redpack"} {
		require.Positive(t, tally.ok[api], "verified answers of %s", api)
		ok += tally.ok[api]
		fail += tally.fail[api]
	}
	require.Equal(t, workers*calls, ok+fail)
	require.Positive(t, fail, "the faults made some calls fail")
	t.Logf("%d calls verified, %d failed closed, %d requests served", ok, fail, srv.Requests())

	// The control orders whose answers were lost are repeated with the same
	// number, as a caller must: each exists once, with one number.
	for _, no := range tally.retry {
		r, err := punishStorm(ctx, agg, c, no)
		require.NoError(t, err)
		tally.punished[no] = r.WxpayPunishNo
	}
	recorded := map[string]string{}
	for _, p := range srv.Punishments() {
		if strings.HasPrefix(p.OutRequestNo, "STORM-") {
			_, dup := recorded[p.OutRequestNo]
			require.False(t, dup, "control order %s recorded twice", p.OutRequestNo)
			require.Equal(t, wechatpaytest.SeedBalAccountNo, p.BalAccountNo)
			recorded[p.OutRequestNo] = p.WxpayPunishNo
		}
	}
	require.Equal(t, tally.punished, recorded)
}

func punishStorm(ctx context.Context, agg *aggracct.Service, c *wechatpay.Client, no string) (*aggracct.PunishResult, error) {
	return agg.Punish(ctx, &aggracct.PunishRequest{OutRequestNo: no, MchID: c.MchID(), BalAccountNo: wechatpaytest.SeedBalAccountNo, PunishScene: 1})
}

// checkStorm returns a problem, or "" when the call either failed in an
// expected way without a result or returned a result that is correct.
func checkStorm[T any](err error, result *T, correct func() bool) string {
	switch {
	case err != nil && result != nil:
		return fmt.Sprintf("a result alongside the error %v", err)
	case err != nil && !expectedFailure(err):
		return fmt.Sprintf("unexpected error %v", err)
	case err == nil && (result == nil || !correct()):
		return fmt.Sprintf("a wrong result %+v", result)
	}
	return ""
}
