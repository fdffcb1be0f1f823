package profitsharing_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay/profitsharing"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// The emulator's Advance finishes a PROCESSING order before any query:
// its receiver, deleted afterwards, no longer closes the detail
// NO_RELATION as it does when the first query comes after the deletion.
func TestAdvanceFinishesOrder(t *testing.T) {
	for _, advance := range []bool{false, true} {
		srv := wechatpaytest.Start(t)
		svc := profitsharing.New(srv.Client())
		_, err := svc.CreateOrder(t.Context(), distribute("P20251009000009", 100, false))
		require.NoError(t, err)
		if advance {
			srv.Advance(time.Minute)
		}
		_, err = svc.DeleteReceiver(t.Context(), &profitsharing.DeleteReceiverRequest{SubMchID: subMchID,
			Type: profitsharing.ReceiverTypeMerchantID, Account: receiver})
		require.NoError(t, err)
		q, err := svc.QueryOrder(t.Context(), &profitsharing.QueryOrderRequest{OutOrderNo: "P20251009000009", SubMchID: subMchID, TransactionID: txID})
		require.NoError(t, err)
		require.Equal(t, profitsharing.StateFinished, q.State)
		want := map[bool]profitsharing.Result{false: profitsharing.ResultClosed, true: profitsharing.ResultSuccess}[advance]
		require.Equal(t, want, q.Receivers[0].Result, "advanced: %v", advance)
	}
}
