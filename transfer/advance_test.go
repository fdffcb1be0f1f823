package transfer_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay/transfer"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// Advance closes a bill its user left alone 24 hours after its creation,
// without a query: its callback arrives, its funds are released, and the
// clients keep signing with their own clock. 30 days on, it is gone.
func TestAdvanceClosesOverdueBill(t *testing.T) {
	m := newMerchant(t)
	b := m.create(t, "adv1", 500)
	m.srv.Advance(23 * time.Hour)
	_, locked := m.srv.TransferBalance()
	require.Equal(t, int64(500), locked, "not due yet")
	m.srv.Advance(time.Hour)
	_, locked = m.srv.TransferBalance()
	require.Zero(t, locked, "released by Advance itself")
	n := <-m.got
	require.Equal(t, []any{b.OutBillNo, transfer.BillFail, transfer.FailOverdueClose}, []any{n.OutBillNo, n.State, n.FailReason})
	d, err := m.svc.QueryBillByOutBillNo(t.Context(), &transfer.QueryBillByOutBillNoRequest{OutBillNo: b.OutBillNo})
	require.NoError(t, err)
	require.Equal(t, []any{transfer.BillFail, transfer.FailOverdueClose}, []any{d.State, d.FailReason})
	m.srv.Advance(29 * 24 * time.Hour)
	_, err = m.svc.QueryBillByTransferBillNo(t.Context(), &transfer.QueryBillByTransferBillNoRequest{TransferBillNo: b.TransferBillNo})
	wechatpaytest.RequireAPIError(t, err, http.StatusNotFound, "NOT_FOUND")
}
