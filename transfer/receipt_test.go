package transfer_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/sdktest"
	"github.com/gowechatpay/wechatpay/transfer"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func TestReceiptRefusedBeforeIO(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := transfer.New(srv.Client())
	finished := func(change func(r *transfer.Receipt)) func() error {
		r := &transfer.Receipt{State: transfer.ReceiptFinished, HashType: "SHA256", HashValue: strings.Repeat("ab", 32),
			DownloadURL: srv.URL + "/v3/transferdownload/elecvoucherfile?token=x"}
		change(r)
		return func() error { _, err := svc.DownloadReceipt(t.Context(), r); return err }
	}
	wechatpaytest.RequireFieldErrors(t, srv, map[string]func() error{
		"out_bill_no":         sdktest.Call(t, svc.ApplyReceiptByOutBillNo, &transfer.ApplyReceiptByOutBillNoRequest{OutBillNo: "a-1"}),
		"transfer_bill_no":    sdktest.Call(t, svc.ApplyReceiptByTransferBillNo, &transfer.ApplyReceiptByTransferBillNoRequest{}),
		"out_bill_no#q":       sdktest.Call(t, svc.QueryReceiptByOutBillNo, &transfer.QueryReceiptByOutBillNoRequest{OutBillNo: strings.Repeat("1", 33)}),
		"transfer_bill_no#q":  sdktest.Call(t, svc.QueryReceiptByTransferBillNo, &transfer.QueryReceiptByTransferBillNoRequest{}),
		"receipt":             func() error { _, err := svc.DownloadReceipt(t.Context(), nil); return err },
		"state":               finished(func(r *transfer.Receipt) { r.State = transfer.ReceiptGenerating }),
		"download_url":        finished(func(r *transfer.Receipt) { r.DownloadURL = "" }),
		"hash_value":          finished(func(r *transfer.Receipt) { r.HashValue = "abc" }),
		"download_url#remote": finished(func(r *transfer.Receipt) { r.DownloadURL = "https://attacker.example/x" }),
		"client": func() error {
			_, err := transfer.New(nil).DownloadReceipt(t.Context(), &transfer.Receipt{})
			return err
		},
	})
	_, err := svc.DownloadReceipt(t.Context(), &transfer.Receipt{State: transfer.ReceiptFinished, HashType: "SM3",
		HashValue: strings.Repeat("ab", 32), DownloadURL: srv.URL + "/v3/transferdownload/elecvoucherfile?token=x"})
	require.ErrorIs(t, err, transfer.ErrReceiptDigestUnsupported, "SM3 fails closed")
	require.ErrorContains(t, err, "SM3")
	sdktest.RequireKnown(t, []transfer.ReceiptState{transfer.ReceiptGenerating, transfer.ReceiptFinished, transfer.ReceiptFailed}, "EXPIRED")
}

func TestReceiptAppliedQueriedDownloaded(t *testing.T) {
	m := newMerchant(t)
	b := m.create(t, "receipt1", 300000) // with user_name
	require.NoError(t, m.srv.UserConfirmTransfer(b.OutBillNo, false))
	<-m.got
	a, err := m.svc.ApplyReceiptByTransferBillNo(t.Context(), &transfer.ApplyReceiptByTransferBillNoRequest{TransferBillNo: b.TransferBillNo})
	require.NoError(t, err)
	require.Equal(t, transfer.ReceiptGenerating, a.State)
	again, err := m.svc.ApplyReceiptByOutBillNo(t.Context(), &transfer.ApplyReceiptByOutBillNoRequest{OutBillNo: b.OutBillNo})
	require.NoError(t, err)
	require.Equal(t, a.CreateTime, again.CreateTime, "a repeat answers the same receipt")

	byNo, err := m.svc.QueryReceiptByTransferBillNo(t.Context(), &transfer.QueryReceiptByTransferBillNoRequest{TransferBillNo: b.TransferBillNo})
	require.NoError(t, err)
	byOut, err := m.svc.QueryReceiptByOutBillNo(t.Context(), &transfer.QueryReceiptByOutBillNoRequest{OutBillNo: b.OutBillNo})
	require.NoError(t, err)
	for _, r := range []*transfer.Receipt{byNo, byOut} {
		require.Equal(t, []string{"FINISHED", "SHA256"}, []string{string(r.State), r.HashType})
		require.Contains(t, r.DownloadURL, "source=elecsign")
	}
	pdf, err := m.svc.DownloadReceipt(t.Context(), byOut)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(pdf), "%PDF-"))

	tampered := *byOut
	tampered.HashValue = strings.Repeat("0", 64)
	_, err = m.svc.DownloadReceipt(t.Context(), &tampered)
	require.ErrorIs(t, err, transfer.ErrReceiptDigestMismatch, "a file that does not match is never returned")
	forged := *byOut
	forged.DownloadURL = strings.Replace(forged.DownloadURL, "token=", "token=0", 1)
	_, err = m.svc.DownloadReceipt(t.Context(), &forged)
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")
}

func TestReceiptRefusedAndFailed(t *testing.T) {
	m := newMerchant(t)
	noName := m.create(t, "noname1", 500)
	require.NoError(t, m.srv.UserConfirmTransfer(noName.OutBillNo, false))
	<-m.got
	_, err := m.svc.ApplyReceiptByOutBillNo(t.Context(), &transfer.ApplyReceiptByOutBillNoRequest{OutBillNo: noName.OutBillNo})
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")
	waiting := m.create(t, "waiting1", 300000)
	_, err = m.svc.ApplyReceiptByOutBillNo(t.Context(), &transfer.ApplyReceiptByOutBillNoRequest{OutBillNo: waiting.OutBillNo})
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")
	_, err = m.svc.ApplyReceiptByOutBillNo(t.Context(), &transfer.ApplyReceiptByOutBillNoRequest{OutBillNo: "unknown1"})
	wechatpaytest.RequireAPIError(t, err, http.StatusNotFound, "NOT_FOUND")
	_, err = m.svc.QueryReceiptByOutBillNo(t.Context(), &transfer.QueryReceiptByOutBillNoRequest{OutBillNo: waiting.OutBillNo})
	wechatpaytest.RequireAPIError(t, err, http.StatusNotFound, "NOT_FOUND")

	b := m.create(t, "failed1", 300000)
	require.NoError(t, m.srv.UserConfirmTransfer(b.OutBillNo, false))
	<-m.got
	_, err = m.svc.ApplyReceiptByOutBillNo(t.Context(), &transfer.ApplyReceiptByOutBillNoRequest{OutBillNo: b.OutBillNo})
	require.NoError(t, err)
	require.Error(t, m.srv.FailTransferReceipt("unknown1", "x"))
	require.NoError(t, m.srv.FailTransferReceipt(b.OutBillNo, "回单生成失败"))
	require.Error(t, m.srv.FailTransferReceipt(b.OutBillNo, "again"), "only a GENERATING receipt fails")
	r, err := m.svc.QueryReceiptByOutBillNo(t.Context(), &transfer.QueryReceiptByOutBillNoRequest{OutBillNo: b.OutBillNo})
	require.NoError(t, err)
	require.Equal(t, []string{"FAILED", "回单生成失败", ""}, []string{string(r.State), r.FailReason, r.DownloadURL})
	_, err = m.svc.DownloadReceipt(t.Context(), r)
	var fe *wechatpay.FieldError
	require.ErrorAs(t, err, &fe)
}

func TestReceiptFaults(t *testing.T) {
	m := newMerchant(t)
	b := m.create(t, "rfault1", 300000)
	require.NoError(t, m.srv.UserConfirmTransfer(b.OutBillNo, false))
	<-m.got
	wechatpaytest.RequireRetries(t, m.srv, wechatpaytest.APITransferApplyReceiptByOutBillNo, func(t *testing.T, c *wechatpay.Client) (int, error) {
		a, err := transfer.New(c).ApplyReceiptByOutBillNo(t.Context(), &transfer.ApplyReceiptByOutBillNoRequest{OutBillNo: b.OutBillNo})
		if err != nil {
			return 0, err
		}
		return a.Meta.Attempts, nil
	})
	wechatpaytest.RequireAnswerFaults(t, m.srv, wechatpaytest.APITransferQueryReceiptByOutBillNo, func(t *testing.T, c *wechatpay.Client) error {
		_, err := transfer.New(c).QueryReceiptByOutBillNo(t.Context(), &transfer.QueryReceiptByOutBillNoRequest{OutBillNo: b.OutBillNo})
		return err
	})
}
