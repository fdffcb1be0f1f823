package profitsharing_test

import (
	"encoding/csv"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/sdktest"
	"github.com/gowechatpay/wechatpay/profitsharing"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func mark(no string) *profitsharing.MarkTransactionRequest {
	return &profitsharing.MarkTransactionRequest{SubMchID: subMchID, OutTradeNo: no, Currency: "CNY"}
}

// TestMarkTransaction: a mark before payment makes the paid order
// shareable; an unmarked or late-marked order is not; the 204 is verified;
// a failed mark is not retried.
func TestMarkTransaction(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := profitsharing.New(srv.Client())
	ctx := t.Context()
	meta, err := svc.MarkTransaction(ctx, mark("M000001"))
	require.NoError(t, err)
	require.NotEmpty(t, meta.RequestID)
	_, err = svc.MarkTransaction(ctx, mark("M000001")) // a repeat before payment
	require.NoError(t, err)
	marked := srv.PayProfitSharingTransaction(subMchID, "M000001", 500)
	got, err := svc.QueryUnsplitAmount(ctx, &profitsharing.QueryUnsplitAmountRequest{TransactionID: marked, SubMchID: subMchID})
	require.NoError(t, err)
	require.Equal(t, int64(500), got.UnsplitAmount)

	unmarked := srv.PayProfitSharingTransaction(subMchID, "M000002", 500)
	_, err = svc.QueryUnsplitAmount(ctx, &profitsharing.QueryUnsplitAmountRequest{TransactionID: unmarked, SubMchID: subMchID})
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")
	_, err = svc.MarkTransaction(ctx, mark("M000002")) // too late
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")
	usd := mark("M000003")
	usd.Currency = "USD"
	_, err = svc.MarkTransaction(ctx, usd)
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")

	c, n := wechatpaytest.FailAll(t, srv, http.StatusInternalServerError, "SYSTEM_ERROR")
	_, err = profitsharing.New(c).MarkTransaction(ctx, mark("M000004"))
	wechatpaytest.RequireAPIError(t, err, http.StatusInternalServerError, "SYSTEM_ERROR")
	require.Equal(t, 1, n(), "a mark is not retried")
	srv.ClearFaults()

	// A 204 has no body to tamper with: a foreign signature and a stale
	// answer stand in.
	for kind, want := range map[wechatpaytest.FaultKind]error{
		wechatpaytest.FaultProbeSignature: wechatpay.ErrSignatureProbe, wechatpaytest.FaultStaleTimestamp: wechatpay.ErrStaleTimestamp,
	} {
		srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIProfitSharingMarkTransaction, Kind: kind, Count: 1})
		_, err := svc.MarkTransaction(ctx, mark("M000005"))
		require.ErrorIs(t, err, want, kind.String())
		require.ErrorIs(t, err, wechatpay.ErrInvalidSignature)
		srv.ClearFaults()
	}
}

// TestQueryRefundableAmounts: the official example (100 CNY, 1 CNY fee,
// 49.50 distributed: 50 and 50), an unknown transaction, the retries of a
// read and tampered answers.
func TestQueryRefundableAmounts(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := profitsharing.New(srv.Client())
	ctx := t.Context()
	srv.AddProfitSharingTransaction(wechatpaytest.ProfitSharingTransaction{TransactionID: "T100", SubMchID: subMchID, Total: 10000, Fee: 100, UnsplitAmount: 9900})
	req := &profitsharing.QueryRefundableAmountsRequest{TransactionID: "T100", SubMchID: subMchID}
	got, err := svc.QueryRefundableAmounts(ctx, req)
	require.NoError(t, err)
	require.Equal(t, [2]int64{10000, 0}, [2]int64{got.RefundableAmount, got.FundsRefundableAmount})
	order := distribute("R1", 4950, false)
	order.TransactionID = "T100"
	_, err = svc.CreateOrder(ctx, order)
	require.NoError(t, err)
	got, err = svc.QueryRefundableAmounts(ctx, req)
	require.NoError(t, err)
	require.Equal(t, "T100", got.TransactionID)
	require.Equal(t, "CNY", got.Currency)
	require.Equal(t, [2]int64{5000, 5000}, [2]int64{got.RefundableAmount, got.FundsRefundableAmount})

	_, err = svc.QueryRefundableAmounts(ctx, &profitsharing.QueryRefundableAmountsRequest{TransactionID: "T404", SubMchID: subMchID})
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")
	wechatpaytest.RequireFaults(t, srv, wechatpaytest.APIProfitSharingQueryRefundableAmounts, func(t *testing.T, c *wechatpay.Client) (*profitsharing.RefundableAmounts, error) {
		return profitsharing.New(c).QueryRefundableAmounts(t.Context(), req)
	})
}

// TestQueryRefundableBalance: the base plus today's successful unfreezes,
// back to the base the next day (Beijing time).
func TestQueryRefundableBalance(t *testing.T) {
	clk := &clock{t: time.Date(2026, 3, 2, 12, 0, 0, 0, cst)}
	srv := wechatpaytest.NewServer(wechatpaytest.WithClock(clk.now))
	t.Cleanup(srv.Close)
	svc := profitsharing.New(srv.Client(wechatpay.WithClock(clk.now)))
	ctx := t.Context()
	srv.SetProfitSharingRefundableBalance(300)
	got, err := svc.QueryRefundableBalance(ctx)
	require.NoError(t, err)
	require.Equal(t, int64(300), got.Balance)
	require.Equal(t, wechatpaytest.TestMchID, got.SponsorMchID)
	require.Equal(t, "CNY", got.Currency)

	_, err = svc.UnfreezeOrder(ctx, &profitsharing.UnfreezeOrderRequest{SubMchID: subMchID, TransactionID: txID, OutOrderNo: "U1", Description: "解冻"})
	require.NoError(t, err)
	got, err = svc.QueryRefundableBalance(ctx)
	require.NoError(t, err)
	require.Equal(t, int64(300), got.Balance, "a PENDING unfreeze does not count")
	_, err = svc.QueryOrder(ctx, &profitsharing.QueryOrderRequest{OutOrderNo: "U1", SubMchID: subMchID, TransactionID: txID})
	require.NoError(t, err)
	got, err = svc.QueryRefundableBalance(ctx)
	require.NoError(t, err)
	require.Equal(t, int64(1300), got.Balance)
	clk.add(12 * time.Hour)
	got, err = svc.QueryRefundableBalance(ctx)
	require.NoError(t, err)
	require.Equal(t, int64(300), got.Balance)

	srv = wechatpaytest.Start(t) // on the real clock, as the faulty clients are
	wechatpaytest.RequireAnswerFaults(t, srv, wechatpaytest.APIProfitSharingQueryRefundableBalance, func(t *testing.T, c *wechatpay.Client) error {
		_, err := profitsharing.New(c).QueryRefundableBalance(t.Context())
		return err
	})
	c, _ := wechatpaytest.FailAll(t, srv, http.StatusForbidden, "NO_AUTH")
	_, err = profitsharing.New(c).QueryRefundableBalance(ctx)
	wechatpaytest.RequireAPIError(t, err, http.StatusForbidden, "NO_AUTH")
}

// TestRefundBill: the refund bill is downloaded with DownloadBill; one
// sub-merchant's rows, or every one's; the 90-day window.
func TestRefundBill(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := profitsharing.New(srv.Client())
	ctx := t.Context()
	today := time.Now().In(cst)
	srv.AddProfitSharingRefundBillRow(subMchID, today, "2026-03-02 10:00:00", "2026-03-02 10:00:05", "50300", "R1", txID, "O1", "1.00")
	srv.AddProfitSharingRefundBillRow("1900000110", today, "2026-03-02 11:00:00", "2026-03-02 11:00:05", "50301", "R2", "T2", "O2", "2.00")
	read := func(sub string) [][]string {
		t.Helper()
		bill, err := svc.QueryRefundBillDownloadURL(ctx, &profitsharing.QueryRefundBillDownloadURLRequest{SubMchID: sub, BillDate: today})
		require.NoError(t, err)
		file, err := svc.DownloadBill(ctx, bill)
		require.NoError(t, err)
		defer file.Close()
		r := csv.NewReader(file)
		r.FieldsPerRecord = -1
		rows, err := r.ReadAll()
		require.NoError(t, err)
		return rows
	}
	rows := read(subMchID)
	require.Len(t, rows, 2)
	require.Equal(t, "Refund apply time", rows[0][0])
	require.Equal(t, []string{"`R1", "`1.00"}, []string{rows[1][3], rows[1][6]})
	require.Len(t, read(""), 3, "no sub_mchid: every sub-merchant's rows")

	_, err := svc.QueryRefundBillDownloadURL(ctx, &profitsharing.QueryRefundBillDownloadURLRequest{BillDate: today.AddDate(0, 0, -91)})
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")
	wechatpaytest.RequireAnswerFaults(t, srv, wechatpaytest.APIProfitSharingQueryRefundBillDownloadURL, func(t *testing.T, c *wechatpay.Client) error {
		_, err := profitsharing.New(c).QueryRefundBillDownloadURL(t.Context(), &profitsharing.QueryRefundBillDownloadURLRequest{BillDate: today})
		return err
	})
}

// TestCreateOrderReceiversOptional: receivers may be empty (the server
// decides: an unfreeze with unfreeze_unsplit, else 400); the sponsor as a
// receiver needs unfreeze_unsplit false; a personal receiver is refused.
func TestCreateOrderReceiversOptional(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := profitsharing.New(srv.Client())
	ctx := t.Context()
	none := distribute("O1", 0, false)
	none.Receivers = nil
	_, err := svc.CreateOrder(ctx, none)
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")

	sponsor := distribute("O2", 10, true)
	sponsor.Receivers[0].Account = wechatpaytest.TestMchID
	_, err = svc.CreateOrder(ctx, sponsor)
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")
	personal := distribute("O3", 10, false)
	personal.AppID, personal.Receivers[0].Type, personal.Receivers[0].Account = wechatpaytest.TestAppID, profitsharing.ReceiverTypePersonalOpenID, "o1"
	_, err = svc.CreateOrder(ctx, personal)
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")

	srv.AddProfitSharingRelation(wechatpaytest.ProfitSharingRelation{SubMchID: subMchID, Type: "MERCHANT_ID", Account: wechatpaytest.TestMchID})
	sponsor.OutOrderNo, sponsor.UnfreezeUnsplit = "O4", false
	_, err = svc.CreateOrder(ctx, sponsor)
	require.NoError(t, err)

	none.OutOrderNo, none.UnfreezeUnsplit = "O5", true
	order, err := svc.CreateOrder(ctx, none)
	require.NoError(t, err)
	require.Len(t, order.Receivers, 1)
	require.Equal(t, profitsharing.DetailTypeUnfreezeToSponsor, order.Receivers[0].DetailType)
	require.Equal(t, int64(990), order.Receivers[0].Amount)
}

// TestRefundAPIsValidation: the new requests are checked before any I/O.
func TestRefundAPIsValidation(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := profitsharing.New(srv.Client())
	wechatpaytest.RequireFieldErrors(t, srv, map[string]func() error{
		"out_trade_no":     sdktest.Call(t, svc.MarkTransaction, mark("")),
		"out_trade_no#2":   sdktest.Call(t, svc.MarkTransaction, mark("M1")),
		"out_trade_no#3":   sdktest.Call(t, svc.MarkTransaction, mark("M 00001")),
		"out_trade_no#4":   sdktest.Call(t, svc.MarkTransaction, mark("M0000000000000000000000000000000001")),
		"currency":         sdktest.Call(t, svc.MarkTransaction, &profitsharing.MarkTransactionRequest{OutTradeNo: "M000001"}),
		"request":          sdktest.Call(t, svc.MarkTransaction, nil),
		"transaction_id":   sdktest.Call(t, svc.QueryRefundableAmounts, &profitsharing.QueryRefundableAmountsRequest{SubMchID: subMchID}),
		"sub_mchid":        sdktest.Call(t, svc.QueryRefundableAmounts, &profitsharing.QueryRefundableAmountsRequest{TransactionID: txID, SubMchID: "1 2"}),
		"bill_date":        sdktest.Call(t, svc.QueryRefundBillDownloadURL, &profitsharing.QueryRefundBillDownloadURLRequest{}),
		"client":           func() error { _, err := profitsharing.New(nil).QueryRefundableBalance(t.Context()); return err },
		"transaction_id#2": sdktest.Call(t, svc.QueryRefundableAmounts, &profitsharing.QueryRefundableAmountsRequest{TransactionID: "4208450740201411110007820472000000"}),
	})

}
