package transfer_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/sdktest"
	"github.com/gowechatpay/wechatpay/transfer"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

const openID = "o-MYE42l80oelYMDE34nYD456Xoy"

func validBill(no string, amount int64) transfer.CreateBillRequest {
	return transfer.CreateBillRequest{OutBillNo: no, SceneID: transfer.SceneCashMarketing, OpenID: openID,
		Amount: amount, Remark: "新会员开户有礼", UserRecvPerception: "现金奖励",
		SceneReportInfos: []transfer.SceneReportInfo{{InfoType: "活动名称", InfoContent: "新会员有礼"}, {InfoType: "奖励说明", InfoContent: "注册会员抽奖一等奖"}}}
}

func TestCreateBillRequestValidate(t *testing.T) {
	wechatpaytest.RequireInvalid(t, validBill("plfk2020042013", 400), []wechatpaytest.Invalid[transfer.CreateBillRequest]{
		{Name: "no number", Mutate: func(r *transfer.CreateBillRequest) { r.OutBillNo = "" }, Field: "out_bill_no", Missing: true},
		{Name: "number not alnum", Mutate: func(r *transfer.CreateBillRequest) { r.OutBillNo = "a-1" }, Field: "out_bill_no"},
		{Name: "no amount", Mutate: func(r *transfer.CreateBillRequest) { r.Amount = 0 }, Field: "transfer_amount", Missing: true},
		{Name: "no name at the threshold", Mutate: func(r *transfer.CreateBillRequest) { r.Amount = transfer.UserNameThreshold }, Field: "user_name", Missing: true},
		{Name: "remark too long", Mutate: func(r *transfer.CreateBillRequest) { r.Remark = strings.Repeat("奖", 33) }, Field: "transfer_remark"},
		{Name: "http notify_url", Mutate: func(r *transfer.CreateBillRequest) { r.NotifyURL = "http://m.example/n" }, Field: "notify_url"},
		{Name: "no report items", Mutate: func(r *transfer.CreateBillRequest) { r.SceneReportInfos = nil }, Field: "transfer_scene_report_infos", Missing: true},
		{Name: "wrong label", Mutate: func(r *transfer.CreateBillRequest) {
			r.SceneReportInfos = []transfer.SceneReportInfo{{InfoType: "活动名称", InfoContent: "x"}, {InfoType: "奖励名称", InfoContent: "y"}}
		}, Field: "transfer_scene_report_infos[1].info_type", Missing: true}, // and 奖励说明 is missing
		{Name: "repeated label", Mutate: func(r *transfer.CreateBillRequest) {
			r.SceneReportInfos = []transfer.SceneReportInfo{{InfoType: "活动名称", InfoContent: "x"}, {InfoType: "活动名称", InfoContent: "y"}}
		}, Field: "transfer_scene_report_infos[1].info_type", Missing: true}, // and 奖励说明 is missing
		{Name: "label missing", Mutate: func(r *transfer.CreateBillRequest) { r.SceneReportInfos = r.SceneReportInfos[:1] }, Field: "transfer_scene_report_infos", Missing: true},
		{Name: "content too long", Mutate: func(r *transfer.CreateBillRequest) {
			r.SceneReportInfos = []transfer.SceneReportInfo{{InfoType: "活动名称", InfoContent: strings.Repeat("x", 33)}, {InfoType: "奖励说明", InfoContent: "y"}}
		}, Field: "transfer_scene_report_infos[0].info_content"},
		{Name: "three labels for 1004", Mutate: func(r *transfer.CreateBillRequest) { r.SceneID = transfer.SceneInsuranceClaim }, Field: "transfer_scene_report_infos[0].info_type", Missing: true},
	})
	r := validBill("", transfer.UserNameThreshold)
	r.NotifyURL, r.SceneReportInfos = "notify", r.SceneReportInfos[:1]
	err := r.Validate()
	for _, f := range []string{"out_bill_no", "user_name", "notify_url", `lacks the label "奖励说明"`} {
		require.ErrorContains(t, err, f, "every problem is reported")
	}
	unknown := validBill("a1", 400)
	unknown.SceneID = "1006"
	require.NoError(t, unknown.Validate(), "an unknown scene passes unchecked")
	sdktest.RequireKnown(t, []transfer.BillState{transfer.BillTransfering, transfer.BillCancelled}, "TRANSFERRING")
	sdktest.RequireKnown(t, []transfer.FailReason{transfer.FailOverdueClose, "BUDGET_NOT_ENOUGH"}, "NEW_REASON")
}

func TestTransferRefusedBeforeIO(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := transfer.New(srv.Client())
	wechatpaytest.RequireFieldErrors(t, srv, map[string]func() error{
		"request":          sdktest.Call(t, svc.CreateBill, nil),
		"out_bill_no":      sdktest.Call(t, svc.QueryBillByOutBillNo, &transfer.QueryBillByOutBillNoRequest{OutBillNo: "../x"}),
		"transfer_bill_no": sdktest.Call(t, svc.QueryBillByTransferBillNo, &transfer.QueryBillByTransferBillNoRequest{}),
		"out_bill_no#c":    sdktest.Call(t, svc.CancelBill, &transfer.CancelBillRequest{}),
		"client":           sdktest.Call(t, transfer.New(nil).CreateBill, &transfer.CreateBillRequest{}),
	})
}

// merchant is an emulator whose bills' callbacks go to a NotificationHandler
// that hands each decoded bill callback to got.
type merchant struct {
	srv       *wechatpaytest.Server
	svc       *transfer.Service
	notifyURL string
	got       chan *transfer.BillNotification
	auths     chan *transfer.AuthorizationNotification // authorization_test.go
}

// newMerchant starts the emulator; with a clock, the emulator and the
// merchant's client both read it.
func newMerchant(t *testing.T, clock ...func() time.Time) *merchant {
	t.Helper()
	mux := http.NewServeMux()
	hs := httptest.NewTLSServer(mux)
	t.Cleanup(hs.Close)
	opts, copts := []wechatpaytest.Option{wechatpaytest.WithNotificationClient(hs.Client())}, []wechatpay.Option{}
	for _, c := range clock {
		opts, copts = append(opts, wechatpaytest.WithClock(c)), append(copts, wechatpay.WithClock(c))
	}
	m := &merchant{srv: wechatpaytest.Start(t, opts...),
		notifyURL: hs.URL + "/notify", got: make(chan *transfer.BillNotification, 8), auths: make(chan *transfer.AuthorizationNotification, 8)}
	m.svc = transfer.New(m.srv.Client(copts...))
	h, err := m.srv.Client(copts...).NotificationHandler(func(_ context.Context, n *wechatpay.Notification) error {
		if n.EventType != transfer.EventBillFinished {
			a, err := m.svc.DecodeAuthorizationNotification(n)
			if err == nil {
				m.auths <- a
			}
			return err
		}
		b, err := m.svc.DecodeBillNotification(n)
		if err == nil {
			m.got <- b
		}
		return err
	})
	require.NoError(t, err)
	mux.Handle("POST /notify", h)
	return m
}

func (m *merchant) create(t *testing.T, no string, amount int64) *transfer.Bill {
	t.Helper()
	r := validBill(no, amount)
	r.NotifyURL = m.notifyURL
	if amount >= transfer.UserNameThreshold {
		r.UserName = "张三"
	}
	b, err := m.svc.CreateBill(t.Context(), &r)
	require.NoError(t, err)
	return b
}

func TestBillConfirmedCallbackQueried(t *testing.T) {
	m := newMerchant(t)
	b := m.create(t, "plfk2020042013", 300000)
	require.Equal(t, transfer.BillWaitUserConfirm, b.State)
	require.NotEmpty(t, b.PackageInfo)
	balance, locked := m.srv.TransferBalance()
	require.Equal(t, []int64{10_000_000, 300000}, []int64{balance, locked}, "funds locked")

	require.NoError(t, m.srv.UserConfirmTransfer(b.OutBillNo, false))
	n := <-m.got
	require.Equal(t, transfer.BillSuccess, n.State)
	require.Equal(t, []any{b.OutBillNo, b.TransferBillNo, int64(300000), openID, wechatpaytest.TestMchID},
		[]any{n.OutBillNo, n.TransferBillNo, n.Amount, n.OpenID, n.MchID})
	balance, locked = m.srv.TransferBalance()
	require.Equal(t, []int64{10_000_000 - 300000, 0}, []int64{balance, locked}, "funds deducted")

	byOut, err := m.svc.QueryBillByOutBillNo(t.Context(), &transfer.QueryBillByOutBillNoRequest{OutBillNo: b.OutBillNo})
	require.NoError(t, err)
	byNo, err := m.svc.QueryBillByTransferBillNo(t.Context(), &transfer.QueryBillByTransferBillNoRequest{TransferBillNo: b.TransferBillNo})
	require.NoError(t, err)
	for _, d := range []*transfer.BillDetail{byOut, byNo} {
		require.Equal(t, transfer.BillSuccess, d.State)
		require.Equal(t, "张三", d.UserName, "decrypted with the merchant key")
		require.Equal(t, int64(300000), d.Amount)
		require.Equal(t, b.TransferBillNo, d.TransferBillNo)
	}
	require.Error(t, m.srv.UserConfirmTransfer(b.OutBillNo, false), "a bill is confirmed once")
	plain := m.create(t, "plfk2020042099", 500)
	require.ErrorContains(t, m.srv.UserConfirmTransfer(plain.OutBillNo, true), "offers no authorization", "a CreateBill bill offers no authorization")
	require.NoError(t, m.srv.UserConfirmTransfer(plain.OutBillNo, false), "and still waits for its user")
	require.Equal(t, transfer.BillSuccess, (<-m.got).State)
}

func TestBillCancelledBeforeConfirmation(t *testing.T) {
	m := newMerchant(t)
	b := m.create(t, "cancel1", 500)
	c, err := m.svc.CancelBill(t.Context(), &transfer.CancelBillRequest{OutBillNo: b.OutBillNo})
	require.NoError(t, err)
	require.Equal(t, transfer.BillCanceling, c.State)
	d, err := m.svc.QueryBillByOutBillNo(t.Context(), &transfer.QueryBillByOutBillNoRequest{OutBillNo: b.OutBillNo})
	require.NoError(t, err)
	require.Equal(t, []any{transfer.BillCancelled, transfer.FailMchCancel}, []any{d.State, d.FailReason})
	n := <-m.got
	require.Equal(t, transfer.BillCancelled, n.State)
	balance, locked := m.srv.TransferBalance()
	require.Equal(t, []int64{10_000_000, 0}, []int64{balance, locked}, "funds released")
	c, err = m.svc.CancelBill(t.Context(), &transfer.CancelBillRequest{OutBillNo: b.OutBillNo})
	require.NoError(t, err)
	require.Equal(t, transfer.BillCancelled, c.State, "a repeat answers the current state")
	require.Error(t, m.srv.UserConfirmTransfer(b.OutBillNo, false))
	_, err = m.svc.CancelBill(t.Context(), &transfer.CancelBillRequest{OutBillNo: "unknown1"})
	wechatpaytest.RequireAPIError(t, err, http.StatusNotFound, "NOT_FOUND")
}

func TestBillReentrantOnOutBillNo(t *testing.T) {
	m := newMerchant(t)
	first := m.create(t, "again1", 300000)
	second := m.create(t, "again1", 300000) // user_name encrypted afresh
	require.Equal(t, first.TransferBillNo, second.TransferBillNo)
	require.NotEqual(t, first.PackageInfo, second.PackageInfo, "a fresh package_info")
	_, locked := m.srv.TransferBalance()
	require.Equal(t, int64(300000), locked, "locked once")
	other := validBill("again1", 301000)
	other.UserName = "张三"
	_, err := m.svc.CreateBill(t.Context(), &other)
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")
	require.NoError(t, m.srv.FailTransfer("again1", "ACCOUNT_FROZEN"))
	n := <-m.got
	require.Equal(t, []any{transfer.BillFail, transfer.FailAccountFrozen}, []any{n.State, n.FailReason})
	require.Equal(t, transfer.BillFail, m.create(t, "again1", 300000).State, "a terminal bill stays terminal")
}

func TestBillNotEnoughThenRetried(t *testing.T) {
	m := newMerchant(t)
	mm := wechatpaytest.DefaultTransferMerchant()
	mm.Balance = 100
	m.srv.SetTransferMerchant(mm)
	r := validBill("short1", 400)
	_, err := m.svc.CreateBill(t.Context(), &r)
	wechatpaytest.RequireAPIError(t, err, http.StatusForbidden, "NOT_ENOUGH")
	_, err = m.svc.QueryBillByOutBillNo(t.Context(), &transfer.QueryBillByOutBillNoRequest{OutBillNo: "short1"})
	wechatpaytest.RequireAPIError(t, err, http.StatusNotFound, "NOT_FOUND")
	mm.Balance = 1000
	m.srv.SetTransferMerchant(mm)
	b, err := m.svc.CreateBill(t.Context(), &r)
	require.NoError(t, err, "the same number after a top-up")
	require.Equal(t, transfer.BillWaitUserConfirm, b.State)
}

// The emulator's validation decisions: what the client cannot check.
func TestBillRefusedByMerchant(t *testing.T) {
	m := newMerchant(t)
	for name, change := range map[string]func(r *transfer.CreateBillRequest){
		"appid not bound": func(r *transfer.CreateBillRequest) { r.AppID = "wx0000000000000000" },
		"scene not granted": func(r *transfer.CreateBillRequest) {
			r.SceneID, r.SceneReportInfos = transfer.ScenePurchase, []transfer.SceneReportInfo{{InfoType: "采购商品名称", InfoContent: "纸"}}
		},
		"perception":      func(r *transfer.CreateBillRequest) { r.UserRecvPerception = "劳务报酬" },
		"below the range": func(r *transfer.CreateBillRequest) { r.Amount = 9 },
		"above the range": func(r *transfer.CreateBillRequest) { r.Amount, r.UserName = 500001, "张三" },
	} {
		t.Run(name, func(t *testing.T) {
			r := validBill("refused1", 400)
			change(&r)
			_, err := m.svc.CreateBill(t.Context(), &r)
			wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")
		})
	}
}

func TestBillNameNotCorrect(t *testing.T) {
	m := newMerchant(t)
	mm := wechatpaytest.DefaultTransferMerchant()
	mm.Users = map[string]string{openID: "李四"}
	m.srv.SetTransferMerchant(mm)
	b := m.create(t, "name1", 300000)
	require.NoError(t, m.srv.UserConfirmTransfer(b.OutBillNo, false))
	n := <-m.got
	require.Equal(t, []any{transfer.BillFail, transfer.FailNameNotCorrect}, []any{n.State, n.FailReason})
}

// A bill the user leaves alone is closed 24 hours after its creation, FAIL
// OVERDUE_CLOSE (not CANCELLED), its funds released and its callback sent;
// 30 days after, the queries no longer find it.
func TestBillExpires(t *testing.T) {
	var offset atomic.Int64
	m := newMerchant(t, func() time.Time { return time.Now().Add(time.Duration(offset.Load())) })
	b := m.create(t, "late1", 500)
	offset.Store(int64(24 * time.Hour))
	d, err := m.svc.QueryBillByOutBillNo(t.Context(), &transfer.QueryBillByOutBillNoRequest{OutBillNo: b.OutBillNo})
	require.NoError(t, err)
	require.Equal(t, []any{transfer.BillFail, transfer.FailOverdueClose}, []any{d.State, d.FailReason})
	n := <-m.got
	require.Equal(t, []any{transfer.BillFail, transfer.FailOverdueClose}, []any{n.State, n.FailReason})
	balance, locked := m.srv.TransferBalance()
	require.Equal(t, []int64{10_000_000, 0}, []int64{balance, locked}, "funds released")
	require.Error(t, m.srv.UserConfirmTransfer(b.OutBillNo, false), "too late to confirm")
	offset.Store(int64(30 * 24 * time.Hour))
	_, err = m.svc.QueryBillByTransferBillNo(t.Context(), &transfer.QueryBillByTransferBillNoRequest{TransferBillNo: b.TransferBillNo})
	wechatpaytest.RequireAPIError(t, err, http.StatusNotFound, "NOT_FOUND")
}

func TestTransferFaults(t *testing.T) {
	m := newMerchant(t)
	b := m.create(t, "fault1", 500)
	wechatpaytest.RequireRetries(t, m.srv, wechatpaytest.APITransferCreateBill, func(t *testing.T, c *wechatpay.Client) (int, error) {
		r := validBill("fault1", 500)
		r.NotifyURL = m.notifyURL
		got, err := transfer.New(c).CreateBill(t.Context(), &r)
		if err != nil {
			return 0, err
		}
		require.Equal(t, b.TransferBillNo, got.TransferBillNo, "a retry is the same bill")
		return got.Meta.Attempts, nil
	})
	wechatpaytest.RequireAnswerFaults(t, m.srv, wechatpaytest.APITransferQueryByOutBillNo, func(t *testing.T, c *wechatpay.Client) error {
		_, err := transfer.New(c).QueryBillByOutBillNo(t.Context(), &transfer.QueryBillByOutBillNoRequest{OutBillNo: "fault1"})
		return err
	})
}

func TestDecodeBillNotificationRefusesOtherEvents(t *testing.T) {
	var svc *transfer.Service
	_, err := svc.DecodeBillNotification(&wechatpay.Notification{EventType: "TRANSACTION.SUCCESS"})
	require.ErrorIs(t, err, wechatpay.ErrMalformedNotification)
	_, err = svc.DecodeBillNotification(nil)
	require.ErrorIs(t, err, wechatpay.ErrMalformedNotification)
}

func TestConfirmParams(t *testing.T) {
	c := transfer.ConfirmParams("1230000109", "wxe062425f740d30d8", "ABB+/=&x")
	require.Equal(t, transfer.Confirmation{MchID: "1230000109", AppID: "wxe062425f740d30d8", Package: "ABB+/=&x"}, c)
	require.Equal(t, "appId=wxe062425f740d30d8&mchId=1230000109&package=ABB%2B%2F%3D%26x", c.AppQuery())
}
