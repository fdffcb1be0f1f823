package wechatpaytest_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay/redpack"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// Advance refunds a red packet nobody opened once RedPacketRefundAfter has
// passed on the emulator's clock, before any query, and the query then
// answers REFUND.
func TestAdvanceRefundsRedPacket(t *testing.T) {
	srv := wechatpaytest.Start(t)
	srv.SetRedPacketBalance(5000)
	svc := redpack.New(srv.Client())
	res, err := svc.Send(t.Context(), &redpack.SendRequest{
		MchBillNo: "10000098202612010000000003", SendName: "天虹百货", ReOpenID: "o1", TotalAmount: 1000,
		Wishing: "w", ClientIP: "192.168.0.1", ActName: "a", Remark: "r",
	})
	require.NoError(t, err)
	srv.Advance(23 * time.Hour)
	require.Equal(t, int64(4000), srv.RedPacketBalance(), "not due yet")
	srv.Advance(time.Hour)
	require.Equal(t, int64(5000), srv.RedPacketBalance(), "refunded by Advance itself")
	p, err := svc.Query(t.Context(), &redpack.QueryRequest{MchBillNo: res.MchBillNo})
	require.NoError(t, err)
	require.Equal(t, redpack.StatusRefunded, p.Status)
}
