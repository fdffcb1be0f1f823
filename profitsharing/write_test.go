package profitsharing_test

import (
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/sdktest"
	"github.com/gowechatpay/wechatpay/profitsharing"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

const (
	txID     = "4208450740201411110007820472"
	subMchID = "1900000109"
	receiver = "86693852"
)

func distribute(no string, amount int64, unfreeze bool) *profitsharing.CreateOrderRequest {
	return &profitsharing.CreateOrderRequest{
		SubMchID: subMchID, TransactionID: txID, OutOrderNo: no, UnfreezeUnsplit: unfreeze,
		Receivers: []profitsharing.OrderReceiver{{Currency: "CNY", Type: profitsharing.ReceiverTypeMerchantID,
			Account: receiver, Amount: amount, Description: "分给商户A"}},
	}
}

func TestCreateOrderFlow(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := profitsharing.New(srv.Client())
	ctx := t.Context()

	got, err := svc.CreateOrder(ctx, distribute("P20251009000001", 888, true))
	require.NoError(t, err)
	require.Equal(t, profitsharing.StateProcessing, got.State)
	require.NotEmpty(t, got.OrderID)
	require.Len(t, got.Receivers, 2)
	d, sponsor := got.Receivers[0], got.Receivers[1]
	require.Equal(t, profitsharing.ResultPending, d.Result)
	require.Equal(t, profitsharing.DetailTypeDistributeToOthers, d.DetailType)
	require.Equal(t, int64(888), d.Amount)
	require.False(t, d.CreateTime.IsZero())
	require.Equal(t, profitsharing.DetailTypeUnfreezeToSponsor, sponsor.DetailType)
	require.Equal(t, srv.MchID(), sponsor.Account)
	require.Equal(t, int64(112), sponsor.Amount)
	require.Equal(t, int64(112), sponsor.SettlementAmount)
	require.Equal(t, "CNY", sponsor.SettlementCurrency)
	require.Equal(t, int64(100_000_000), sponsor.RateValue)
	require.Equal(t, 1, got.Meta.Attempts)

	// PROCESSING → FINISHED on the first query, and it stays so.
	for range 2 {
		q, err := svc.QueryOrder(ctx, &profitsharing.QueryOrderRequest{OutOrderNo: "P20251009000001", SubMchID: subMchID, TransactionID: txID})
		require.NoError(t, err)
		require.Equal(t, profitsharing.StateFinished, q.State)
		require.Equal(t, got.OrderID, q.OrderID)
		for _, r := range q.Receivers {
			require.Equal(t, profitsharing.ResultSuccess, r.Result)
			require.False(t, r.FinishTime.IsZero())
		}
	}
	amount, err := svc.QueryUnsplitAmount(ctx, &profitsharing.QueryUnsplitAmountRequest{TransactionID: txID, SubMchID: subMchID})
	require.NoError(t, err)
	require.Equal(t, profitsharing.UnsplitAmount{TransactionID: txID, UnsplitAmount: 0, Currency: "CNY", Meta: amount.Meta}, *amount)

	// Unfrozen: no more distribution, nothing to unfreeze.
	_, err = svc.CreateOrder(ctx, distribute("P20251009000003", 1, false))
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")
	_, err = svc.UnfreezeOrder(ctx, &profitsharing.UnfreezeOrderRequest{SubMchID: subMchID, TransactionID: txID, OutOrderNo: "P20251009000004", Description: "解冻全部剩余资金"})
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")
}

func TestCreateOrderReentrant(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := profitsharing.New(srv.Client())
	req := distribute("P1", 100, false)
	req.Receivers[0].Name = "示例商户全称" // encrypted anew (another ciphertext) on every call
	first, err := svc.CreateOrder(t.Context(), req)
	require.NoError(t, err)
	again, err := svc.CreateOrder(t.Context(), req)
	require.NoError(t, err)
	require.Equal(t, first.OrderID, again.OrderID)
	amount, err := svc.QueryUnsplitAmount(t.Context(), &profitsharing.QueryUnsplitAmountRequest{TransactionID: txID, SubMchID: subMchID})
	require.NoError(t, err)
	require.Equal(t, int64(900), amount.UnsplitAmount, "taken once")

	other := distribute("P1", 101, false)
	_, err = svc.CreateOrder(t.Context(), other)
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "PARAM_ERROR")
	// The number of a fixture order is taken too.
	_, err = svc.CreateOrder(t.Context(), distribute(seed.OutOrderNo, 1, false))
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "PARAM_ERROR")
}

// TestWritesRetrySafety: distribution and unfreeze requests are re-entrant
// per out_order_no, so they are retried (one order results); adding and
// deleting a receiver are not.
func TestWritesRetrySafety(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := profitsharing.New(srv.Client(wechatpaytest.FastRetry()))
	for _, kind := range []wechatpaytest.FaultKind{wechatpaytest.FaultSystemError, wechatpaytest.FaultDropConnection} {
		no := "R" + kind.String()
		srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIProfitSharingCreateOrder, Kind: kind, Count: 1})
		got, err := svc.CreateOrder(t.Context(), distribute(no, 10, false))
		require.NoError(t, err, kind)
		require.Equal(t, 2, got.Meta.Attempts)
	}
	srv.AddProfitSharingTransaction(wechatpaytest.ProfitSharingTransaction{TransactionID: "T2", UnsplitAmount: 50})
	srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIProfitSharingUnfreezeOrder, Kind: wechatpaytest.FaultDropConnection, Count: 1})
	u, err := svc.UnfreezeOrder(t.Context(), &profitsharing.UnfreezeOrderRequest{TransactionID: "T2", OutOrderNo: "U1", Description: "解冻"})
	require.NoError(t, err)
	require.Equal(t, 2, u.Meta.Attempts)
	require.Equal(t, int64(50), u.Receivers[0].Amount)

	for name, call := range map[wechatpaytest.API]func() error{
		wechatpaytest.APIProfitSharingAddReceiver: func() error {
			_, err := svc.AddReceiver(t.Context(), &profitsharing.AddReceiverRequest{Type: profitsharing.ReceiverTypeMerchantID,
				Account: "1900000200", RelationType: profitsharing.RelationTypeSupplier})
			return err
		},
		wechatpaytest.APIProfitSharingDeleteReceiver: func() error {
			_, err := svc.DeleteReceiver(t.Context(), &profitsharing.DeleteReceiverRequest{SubMchID: subMchID,
				Type: profitsharing.ReceiverTypeMerchantID, Account: receiver})
			return err
		},
	} {
		srv.InjectFault(wechatpaytest.Fault{API: name, Kind: wechatpaytest.FaultSystemError, Count: 1})
		before := srv.Requests()
		err := call()
		wechatpaytest.RequireAPIError(t, err, http.StatusInternalServerError, "SYSTEM_ERROR")
		require.Equal(t, before+1, srv.Requests(), "%s is not retried", name)
	}
}

func TestCreateOrderErrors(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := profitsharing.New(srv.Client())
	ctx := t.Context()

	notEffective := distribute("E1", 1, false)
	notEffective.Receivers[0].Account = "1900000999"
	_, err := svc.CreateOrder(ctx, notEffective)
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")

	_, err = svc.CreateOrder(ctx, distribute("E2", 1001, false))
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")

	unknownTx := distribute("E3", 1, false)
	unknownTx.TransactionID = "4200000000000000000000000000"
	_, err = svc.CreateOrder(ctx, unknownTx)
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")

	otherSub := distribute("E4", 1, false)
	otherSub.SubMchID = "1900000110"
	_, err = svc.CreateOrder(ctx, otherSub)
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")

	// At most 50 requests per transaction.
	for i := range 50 {
		_, err := svc.CreateOrder(ctx, distribute(fmt.Sprintf("N%02d", i), 1, false))
		require.NoError(t, err)
	}
	_, err = svc.CreateOrder(ctx, distribute("N50", 1, false))
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")

	// A personal receiver without appid, sent raw (the SDK refuses it).
	_, err = srv.Client().DoV3(ctx, &wechatpay.Request{Method: http.MethodPost, Path: "/v3/global/profit-sharing/orders", Global: true,
		Body: map[string]any{"transaction_id": txID, "sub_mchid": subMchID, "out_order_no": "E5", "unfreeze_unsplit": false,
			"receivers": []map[string]any{{"currency": "CNY", "type": "PERSONAL_OPENID", "account": "o1", "amount": 1, "description": "d"}}}}, nil)
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")

	for _, code := range []struct {
		status int
		code   string
	}{{403, "NO_AUTH"}, {400, "INVALID_REQUEST"}, {429, "FREQUENCY_LIMITED"}} {
		c, n := wechatpaytest.FailAll(t, srv, code.status, code.code)
		_, err := profitsharing.New(c).CreateOrder(ctx, distribute("F"+code.code, 1, false))
		wechatpaytest.RequireAPIError(t, err, code.status, code.code)
		if code.status == 429 {
			require.Equal(t, 3, n(), "429 is retried")
		} else {
			require.Equal(t, 1, n())
		}
		srv.ClearFaults()
	}
}

func TestUnfreezeOrder(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := profitsharing.New(srv.Client())
	srv.AddProfitSharingTransaction(wechatpaytest.ProfitSharingTransaction{TransactionID: "T1", SubMchID: subMchID, UnsplitAmount: 500})
	req := &profitsharing.UnfreezeOrderRequest{SubMchID: subMchID, TransactionID: "T1", OutOrderNo: "U1", Description: "解冻全部剩余资金"}
	got, err := svc.UnfreezeOrder(t.Context(), req)
	require.NoError(t, err)
	require.Equal(t, profitsharing.StateProcessing, got.State)
	require.Len(t, got.Receivers, 1)
	r := got.Receivers[0]
	require.Equal(t, profitsharing.DetailTypeUnfreezeToSponsor, r.DetailType)
	require.Equal(t, int64(500), r.Amount)
	require.Equal(t, profitsharing.ResultPending, r.Result)

	again, err := svc.UnfreezeOrder(t.Context(), req)
	require.NoError(t, err)
	require.Equal(t, got.OrderID, again.OrderID)
	other := *req
	other.Description = "另一个理由"
	_, err = svc.UnfreezeOrder(t.Context(), &other)
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "PARAM_ERROR")

	q, err := svc.QueryOrder(t.Context(), &profitsharing.QueryOrderRequest{OutOrderNo: "U1", SubMchID: subMchID, TransactionID: "T1"})
	require.NoError(t, err)
	require.Equal(t, profitsharing.StateFinished, q.State)
	require.Equal(t, profitsharing.ResultSuccess, q.Receivers[0].Result)
	amount, err := svc.QueryUnsplitAmount(t.Context(), &profitsharing.QueryUnsplitAmountRequest{TransactionID: "T1", SubMchID: subMchID})
	require.NoError(t, err)
	require.Zero(t, amount.UnsplitAmount)

	second := *req
	second.OutOrderNo = "U2"
	_, err = svc.UnfreezeOrder(t.Context(), &second)
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")
}

func TestReceiverLifecycle(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := profitsharing.New(srv.Client())
	ctx := t.Context()
	add := &profitsharing.AddReceiverRequest{
		SubMchID: subMchID, Type: profitsharing.ReceiverTypeMerchantID, Account: "1900000200", Name: "示例商户全称",
		RelationType: profitsharing.RelationTypeTaxServiceProvider, Scene: "代扣代缴税费", MajorService: "税务准备服务",
		ExpectedRatio: 2000, ApplicationFileID: "app-file", PartnershipFileID: "partner-file",
	}
	got, err := svc.AddReceiver(ctx, add)
	require.NoError(t, err)
	require.Equal(t, profitsharing.ReceiverStateInit, got.State)
	require.Equal(t, "示例商户全称", got.Name, "decrypted")
	require.Equal(t, profitsharing.RelationTypeTaxServiceProvider, got.RelationType)
	require.Equal(t, int64(2000), got.ExpectedRatio)
	require.Equal(t, "app-file", got.ApplicationFileID)

	_, err = svc.AddReceiver(ctx, add)
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")

	// Not EFFECTIVE yet: a distribution to it is refused.
	d := distribute("D1", 10, false)
	d.Receivers[0].Account = "1900000200"
	_, err = svc.CreateOrder(ctx, d)
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")

	query := &profitsharing.QueryReceiverRequest{Account: "1900000200", SubMchID: subMchID, Type: profitsharing.ReceiverTypeMerchantID}
	q, err := svc.QueryReceiver(ctx, query)
	require.NoError(t, err)
	require.Equal(t, profitsharing.ReceiverStateEffective, q.State, "the audit passes on the first query")
	require.Equal(t, "示例商户全称", q.Name)

	d.OutOrderNo = "D2"
	order, err := svc.CreateOrder(ctx, d)
	require.NoError(t, err)
	require.Equal(t, profitsharing.StateProcessing, order.State)

	meta, err := svc.DeleteReceiver(ctx, &profitsharing.DeleteReceiverRequest{SubMchID: subMchID, Type: profitsharing.ReceiverTypeMerchantID, Account: "1900000200"})
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, meta.StatusCode)
	require.NotEmpty(t, meta.RequestID)

	_, err = svc.QueryReceiver(ctx, query)
	wechatpaytest.RequireAPIError(t, err, http.StatusNotFound, "RESOURCE_NOT_EXISTS")
	_, err = svc.DeleteReceiver(ctx, &profitsharing.DeleteReceiverRequest{SubMchID: subMchID, Type: profitsharing.ReceiverTypeMerchantID, Account: "1900000200"})
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")
	d.OutOrderNo = "D3"
	_, err = svc.CreateOrder(ctx, d)
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")

	// The detail still PENDING for the deleted receiver closes.
	o, err := svc.QueryOrder(ctx, &profitsharing.QueryOrderRequest{OutOrderNo: "D2", SubMchID: subMchID, TransactionID: txID})
	require.NoError(t, err)
	require.Equal(t, profitsharing.ResultClosed, o.Receivers[0].Result)
	require.Equal(t, profitsharing.FailReasonNoRelation, o.Receivers[0].FailReason)

	// Documented errors the SDK never provokes, sent raw.
	for _, body := range []map[string]string{
		{"type": "PERSONAL_OPENID", "account": "o1"},
		{"type": "PERSONAL_SUB_OPENID", "account": "o1"},
	} {
		_, err = srv.Client().DoV3(ctx, &wechatpay.Request{Method: http.MethodDelete, Path: "/v3/global/profit-sharing/receivers", Body: body, Global: true}, nil)
		wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")
	}
	c, _ := wechatpaytest.FailAll(t, srv, http.StatusForbidden, "NO_AUTH")
	_, err = profitsharing.New(c).DeleteReceiver(ctx, &profitsharing.DeleteReceiverRequest{Type: profitsharing.ReceiverTypeMerchantID, Account: receiver})
	wechatpaytest.RequireAPIError(t, err, http.StatusForbidden, "NO_AUTH")
}

func TestQueryUnsplitAmountErrors(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := profitsharing.New(srv.Client())
	got, err := svc.QueryUnsplitAmount(t.Context(), &profitsharing.QueryUnsplitAmountRequest{TransactionID: txID, SubMchID: subMchID})
	require.NoError(t, err)
	require.Equal(t, int64(1000), got.UnsplitAmount)
	_, err = svc.QueryUnsplitAmount(t.Context(), &profitsharing.QueryUnsplitAmountRequest{TransactionID: "4200000000000000000000000001", SubMchID: subMchID})
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")
	_, err = svc.QueryUnsplitAmount(t.Context(), &profitsharing.QueryUnsplitAmountRequest{TransactionID: txID})
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")
	c, _ := wechatpaytest.FailAll(t, srv, http.StatusForbidden, "NO_AUTH")
	_, err = profitsharing.New(c).QueryUnsplitAmount(t.Context(), &profitsharing.QueryUnsplitAmountRequest{TransactionID: txID, SubMchID: subMchID})
	wechatpaytest.RequireAPIError(t, err, http.StatusForbidden, "NO_AUTH")
}

// clock is a settable emulator clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestBill(t *testing.T) {
	clk := &clock{t: time.Now()}
	srv := wechatpaytest.NewServer(wechatpaytest.WithClock(clk.now))
	t.Cleanup(srv.Close)
	client := srv.Client(wechatpay.WithClock(clk.now))
	svc := profitsharing.New(client)
	ctx := t.Context()
	_, err := svc.CreateOrder(ctx, distribute("B1", 888, true))
	require.NoError(t, err)
	_, err = svc.QueryOrder(ctx, &profitsharing.QueryOrderRequest{OutOrderNo: "B1", SubMchID: subMchID, TransactionID: txID})
	require.NoError(t, err)

	today := clk.now().In(cst)
	bill, err := svc.QueryBillDownloadURL(ctx, &profitsharing.QueryBillDownloadURLRequest{SubMchID: subMchID, BillDate: today})
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(bill.DownloadURL, srv.URL+"/"))
	rc, err := svc.DownloadBill(ctx, bill)
	require.NoError(t, err)
	data, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.NoError(t, rc.Close())

	br := profitsharing.NewBillReader(strings.NewReader(string(data)))
	var rows []profitsharing.BillRow
	for {
		row, err := br.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		rows = append(rows, *row)
	}
	require.Len(t, rows, 2)
	byType := map[string]profitsharing.BillRow{}
	for _, r := range rows {
		byType[r.BusinessType] = r
	}
	d := byType["DISTRIBUTE_TO_OTHERS"]
	require.Equal(t, int64(888), d.Amount)
	require.Equal(t, receiver, d.ReceiverAccount)
	require.Equal(t, "B1", d.OutOrderNo)
	require.Equal(t, "分给商户A", d.Description)
	require.Equal(t, "SUCCESS", d.Status)
	require.Equal(t, srv.MchID(), d.Initiator)
	require.WithinDuration(t, clk.now(), d.CreateTime, time.Second)
	require.Equal(t, int64(112), byType["UNFREEZE_TO_SPONSOR"].SettlementAmount)

	// A digest, when given, is checked.
	sum := sha1.Sum(data)
	for _, tc := range []struct {
		value string
		err   error
	}{{hex.EncodeToString(sum[:]), nil}, {strings.Repeat("0", 40), profitsharing.ErrBillDigestMismatch}} {
		withHash := *bill
		withHash.HashType, withHash.HashValue = "SHA1", tc.value
		rc, err := svc.DownloadBill(ctx, &withHash)
		require.NoError(t, err)
		got, err := io.ReadAll(rc)
		require.ErrorIs(t, err, tc.err)
		require.Equal(t, data, got)
		require.NoError(t, rc.Close())
	}

	// The size limit errors rather than cuts.
	small := profitsharing.New(client, profitsharing.WithMaxBillBytes(int64(len(data)-1)))
	rc, err = small.DownloadBill(ctx, bill)
	if err == nil {
		_, err = io.ReadAll(rc)
		require.NoError(t, rc.Close())
	}
	require.ErrorIs(t, err, wechatpay.ErrResponseTooLarge)

	// After 30 seconds the URL has expired.
	clk.add(31 * time.Second)
	_, err = svc.DownloadBill(ctx, bill)
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")

	// Only the last 90 days.
	_, err = svc.QueryBillDownloadURL(ctx, &profitsharing.QueryBillDownloadURLRequest{SubMchID: subMchID, BillDate: today.AddDate(0, 0, -91)})
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")
}

func TestDownloadBillRefusals(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := profitsharing.New(srv.Client())
	before := srv.Requests()
	for _, tc := range []struct {
		bill  profitsharing.BillDownloadURL
		field string
	}{
		{profitsharing.BillDownloadURL{DownloadURL: "https://example.com/v3/bill/downloadurl?token=t"}, "download_url"},
		{profitsharing.BillDownloadURL{DownloadURL: ""}, "download_url"},
		{profitsharing.BillDownloadURL{DownloadURL: srv.URL + "/v3/bill/downloadurl", HashType: "MD5", HashValue: "00"}, "hash_type"},
		{profitsharing.BillDownloadURL{DownloadURL: srv.URL + "/v3/bill/downloadurl", HashType: "SHA1", HashValue: "xyz"}, "hash_value"},
	} {
		_, err := svc.DownloadBill(t.Context(), &tc.bill)
		var fe *wechatpay.FieldError
		require.ErrorAs(t, err, &fe)
		require.Equal(t, tc.field, fe.Field)
	}
	_, err := svc.DownloadBill(t.Context(), nil)
	require.ErrorIs(t, err, wechatpay.ErrMissingField)
	require.Equal(t, before, srv.Requests())
}

// TestAnswersVerified: a tampered or stale answer of every new API fails
// verification (the bill file itself is unsigned by protocol).
func TestAnswersVerified(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := profitsharing.New(srv.Client())
	ctx := t.Context()
	today := time.Now().In(cst)
	calls := []struct {
		api  wechatpaytest.API
		call func(i int) error
	}{
		{wechatpaytest.APIProfitSharingCreateOrder, func(i int) error {
			_, err := svc.CreateOrder(ctx, distribute(fmt.Sprintf("V%d", i), 1, false))
			return err
		}},
		{wechatpaytest.APIProfitSharingUnfreezeOrder, func(i int) error {
			tx := fmt.Sprintf("TW%d", i) // an unfreeze finishes its transaction
			srv.AddProfitSharingTransaction(wechatpaytest.ProfitSharingTransaction{TransactionID: tx, UnsplitAmount: 10})
			_, err := svc.UnfreezeOrder(ctx, &profitsharing.UnfreezeOrderRequest{TransactionID: tx, OutOrderNo: fmt.Sprintf("W%d", i), Description: "解冻"})
			return err
		}},
		{wechatpaytest.APIProfitSharingAddReceiver, func(i int) error {
			_, err := svc.AddReceiver(ctx, &profitsharing.AddReceiverRequest{SubMchID: subMchID, Type: profitsharing.ReceiverTypeMerchantID,
				Account: fmt.Sprintf("19000003%02d", i), RelationType: profitsharing.RelationTypeSupplier})
			return err
		}},
		{wechatpaytest.APIProfitSharingQueryReceiver, func(int) error {
			_, err := svc.QueryReceiver(ctx, &profitsharing.QueryReceiverRequest{SubMchID: subMchID, Type: profitsharing.ReceiverTypeMerchantID, Account: receiver})
			return err
		}},
		{wechatpaytest.APIProfitSharingDeleteReceiver, func(i int) error {
			srv.AddProfitSharingRelation(wechatpaytest.ProfitSharingRelation{SubMchID: subMchID, Type: "MERCHANT_ID", Account: fmt.Sprintf("19000004%02d", i)})
			_, err := svc.DeleteReceiver(ctx, &profitsharing.DeleteReceiverRequest{SubMchID: subMchID, Type: profitsharing.ReceiverTypeMerchantID, Account: fmt.Sprintf("19000004%02d", i)})
			return err
		}},
		{wechatpaytest.APIProfitSharingQueryUnsplitAmount, func(int) error {
			_, err := svc.QueryUnsplitAmount(ctx, &profitsharing.QueryUnsplitAmountRequest{TransactionID: txID, SubMchID: subMchID})
			return err
		}},
		{wechatpaytest.APIProfitSharingQueryBillDownloadURL, func(int) error {
			_, err := svc.QueryBillDownloadURL(ctx, &profitsharing.QueryBillDownloadURLRequest{SubMchID: subMchID, BillDate: today})
			return err
		}},
	}
	type fault struct {
		kind wechatpaytest.FaultKind
		want error
	}
	i := 0
	for _, c := range calls {
		faults := []fault{{wechatpaytest.FaultTamperedBody, wechatpay.ErrBadSignature}, {wechatpaytest.FaultStaleTimestamp, wechatpay.ErrStaleTimestamp}}
		if c.api == wechatpaytest.APIProfitSharingDeleteReceiver {
			// A 204 carries no body to tamper with (net/http drops it): a
			// signature that is not WeChat Pay's stands in.
			faults[0] = fault{wechatpaytest.FaultProbeSignature, wechatpay.ErrSignatureProbe}
		}
		for _, f := range faults {
			i++
			srv.InjectFault(wechatpaytest.Fault{API: c.api, Kind: f.kind, Count: 1})
			err := c.call(i)
			require.ErrorIs(t, err, f.want, "%s %s", c.api, f.kind)
			require.ErrorIs(t, err, wechatpay.ErrInvalidSignature)
			srv.ClearFaults()
		}
	}
}

func TestValidationBeforeIO(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := profitsharing.New(srv.Client())
	long := strings.Repeat("1", 65)
	tooMany := distribute("X", 1, false)
	for range 50 {
		tooMany.Receivers = append(tooMany.Receivers, tooMany.Receivers[0])
	}
	create := sdktest.Mutated(t, svc.CreateOrder, func() *profitsharing.CreateOrderRequest { return distribute("X", 1, false) })
	wechatpaytest.RequireFieldErrors(t, srv, map[string]func() error{
		"request":                  sdktest.Call(t, svc.CreateOrder, nil),
		"out_order_no":             sdktest.Call(t, svc.CreateOrder, distribute("", 1, false)),
		"out_order_no#2":           sdktest.Call(t, svc.CreateOrder, distribute("P 1", 1, false)),
		"out_order_no#3":           sdktest.Call(t, svc.CreateOrder, distribute(long, 1, false)),
		"transaction_id":           create(func(r *profitsharing.CreateOrderRequest) { r.TransactionID = "" }),
		"receivers#2":              sdktest.Call(t, svc.CreateOrder, tooMany),
		"receivers[0].amount":      sdktest.Call(t, svc.CreateOrder, distribute("X", 0, false)),
		"receivers[0].amount#2":    sdktest.Call(t, svc.CreateOrder, distribute("X", -5, false)),
		"receivers[0].currency":    create(func(r *profitsharing.CreateOrderRequest) { r.Receivers[0].Currency = "" }),
		"receivers[0].description": create(func(r *profitsharing.CreateOrderRequest) { r.Receivers[0].Description = strings.Repeat("分", 81) }),
		"receivers[0].account":     create(func(r *profitsharing.CreateOrderRequest) { r.Receivers[0].Account = long }),
		"receivers[0].type":        create(func(r *profitsharing.CreateOrderRequest) { r.Receivers[0].Type = "" }),
		"appid": create(func(r *profitsharing.CreateOrderRequest) {
			r.Receivers[0].Type = profitsharing.ReceiverTypePersonalOpenID
		}),
		"sub_appid": create(func(r *profitsharing.CreateOrderRequest) {
			r.Receivers[0].Type = profitsharing.ReceiverTypePersonalSubOpenID
		}),
		"receivers[0].name": create(func(r *profitsharing.CreateOrderRequest) { r.Receivers[0].Name = strings.Repeat("名", 200) }),
		"description":       sdktest.Call(t, svc.UnfreezeOrder, &profitsharing.UnfreezeOrderRequest{TransactionID: txID, OutOrderNo: "U"}),
		"out_order_no#4":    sdktest.Call(t, svc.UnfreezeOrder, &profitsharing.UnfreezeOrderRequest{TransactionID: txID, OutOrderNo: "U/1", Description: "d"}),
		"relation_type":     sdktest.Call(t, svc.AddReceiver, &profitsharing.AddReceiverRequest{Type: profitsharing.ReceiverTypeMerchantID, Account: receiver}),
		"custom_relation":   sdktest.Call(t, svc.AddReceiver, &profitsharing.AddReceiverRequest{Type: profitsharing.ReceiverTypeMerchantID, Account: receiver, RelationType: profitsharing.RelationTypeCustom}),
		"account":           sdktest.Call(t, svc.AddReceiver, &profitsharing.AddReceiverRequest{Type: profitsharing.ReceiverTypeMerchantID, RelationType: profitsharing.RelationTypeSupplier}),
		"expected_ratio":    sdktest.Call(t, svc.AddReceiver, &profitsharing.AddReceiverRequest{Type: profitsharing.ReceiverTypeMerchantID, Account: receiver, RelationType: profitsharing.RelationTypeSupplier, ExpectedRatio: -1}),
		"type":              sdktest.Call(t, svc.QueryReceiver, &profitsharing.QueryReceiverRequest{Account: receiver}),
		"appid#2":           sdktest.Call(t, svc.QueryReceiver, &profitsharing.QueryReceiverRequest{Account: "o1", Type: profitsharing.ReceiverTypePersonalOpenID}),
		"account#2":         sdktest.Call(t, svc.DeleteReceiver, &profitsharing.DeleteReceiverRequest{Type: profitsharing.ReceiverTypeMerchantID}),
		"sub_appid#2":       sdktest.Call(t, svc.DeleteReceiver, &profitsharing.DeleteReceiverRequest{Type: profitsharing.ReceiverTypePersonalSubOpenID, Account: "o1"}),
		"transaction_id#2":  sdktest.Call(t, svc.QueryUnsplitAmount, &profitsharing.QueryUnsplitAmountRequest{}),
		"sub_mchid":         sdktest.Call(t, svc.QueryUnsplitAmount, &profitsharing.QueryUnsplitAmountRequest{TransactionID: txID, SubMchID: strings.Repeat("1", 33)}),
		"bill_date":         sdktest.Call(t, svc.QueryBillDownloadURL, &profitsharing.QueryBillDownloadURLRequest{SubMchID: subMchID}),
	})
}

// TestCreateOrderConcurrentRepeats: the same request sent at once from
// several callers makes one order.
func TestCreateOrderConcurrentRepeats(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := profitsharing.New(srv.Client())
	ids := make([]string, 8)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() {
			o, err := svc.CreateOrder(t.Context(), distribute("C1", 300, false))
			if err == nil {
				ids[i] = o.OrderID
			}
		})
	}
	wg.Wait()
	for _, id := range ids {
		require.Equal(t, ids[0], id)
	}
	require.NotEmpty(t, ids[0])
	amount, err := svc.QueryUnsplitAmount(t.Context(), &profitsharing.QueryUnsplitAmountRequest{TransactionID: txID, SubMchID: subMchID})
	require.NoError(t, err)
	require.Equal(t, int64(700), amount.UnsplitAmount)
}
