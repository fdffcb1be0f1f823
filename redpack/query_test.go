package redpack_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/redpack"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func TestQueryFixture(t *testing.T) {
	srv := newServer(t)
	sent := time.Date(2025, 10, 9, 16, 0, 0, 0, cst)
	srv.AddCashRedPacket(wechatpaytest.CashRedPacket{
		MchBillNo: seedBillNo, MchID: srv.MchID(), AppID: srv.AppID(), DetailID: "1000041701202510090000000000002",
		Status: "RECEIVED", SendType: "ACTIVITY", HBType: "GROUP", TotalNum: 3, TotalAmount: 3000, SendTime: sent,
		Wishing: "w", Remark: "r", ActName: "a",
		Receipts: []wechatpaytest.CashReceipt{
			{OpenID: "o1", Amount: 1000, RcvTime: sent.Add(90 * time.Second)},
			{OpenID: "o2", Amount: 2000}, // rcv_time missing, as observed
		},
	})
	p, err := redpack.New(srv.Client()).Query(t.Context(), &redpack.QueryRequest{MchBillNo: seedBillNo})
	require.NoError(t, err)
	require.Equal(t, redpack.StatusReceived, p.Status)
	require.Equal(t, redpack.SendTypeActivity, p.SendType)
	require.Equal(t, redpack.HBTypeGroup, p.HBType)
	require.True(t, p.HBType.Known())
	require.False(t, redpack.HBType("OTHER").Known())
	require.Equal(t, int64(3), p.TotalNum)
	require.Equal(t, int64(3000), p.TotalAmount)
	require.True(t, p.SendTime.Equal(sent))
	require.Equal(t, []redpack.Receipt{
		{OpenID: "o1", Amount: 1000, RcvTime: sent.Add(90 * time.Second).In(p.Receipts[0].RcvTime.Location())},
		{OpenID: "o2", Amount: 2000},
	}, p.Receipts)
	require.Nil(t, p.Extra, "err_code SUCCESS and err_code_des OK are protocol fields")
}

func TestQueryRefundAfterExpiry(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, cst)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	srv := wechatpaytest.NewServer(wechatpaytest.WithClock(clock))
	t.Cleanup(srv.Close)
	svc := redpack.New(srv.Client())
	req := sendReq("10000098202612010000000201")
	_, err := svc.Send(t.Context(), req)
	require.NoError(t, err)
	balance := srv.RedPacketBalance()
	q := &redpack.QueryRequest{MchBillNo: req.MchBillNo}
	for _, want := range []redpack.Status{redpack.StatusSending, redpack.StatusSent} {
		p, err := svc.Query(t.Context(), q)
		require.NoError(t, err)
		require.Equal(t, want, p.Status)
	}
	mu.Lock()
	now = now.Add(wechatpaytest.RedPacketRefundAfter)
	mu.Unlock()
	p, err := svc.Query(t.Context(), q)
	require.NoError(t, err)
	require.Equal(t, redpack.StatusRefunded, p.Status)
	require.Equal(t, int64(1000), p.RefundAmount)
	require.True(t, p.RefundTime.Equal(p.SendTime.Add(24*time.Hour)))
	require.Equal(t, balance+1000, srv.RedPacketBalance())
	require.False(t, srv.OpenRedPacket(srv.MchID(), req.MchBillNo, req.ReOpenID), "a refunded packet cannot be opened")
}

func TestQueryErrors(t *testing.T) {
	srv := newServer(t)
	svc := redpack.New(srv.Client(fastRetry))
	req := sendReq("10000098202612010000000202")
	_, err := svc.Send(t.Context(), req)
	require.NoError(t, err)
	q := &redpack.QueryRequest{MchBillNo: req.MchBillNo}
	t.Run("NOT_FOUND", func(t *testing.T) {
		before := srv.Requests()
		_, err := svc.Query(t.Context(), &redpack.QueryRequest{MchBillNo: "10000098202612019999999999"})
		requireV2Error(t, err, "NOT_FOUND")
		require.Equal(t, 1, srv.Requests()-before)
		_, err = svc.Query(t.Context(), &redpack.QueryRequest{MchBillNo: req.MchBillNo, AppID: "wx8888888888888888"})
		requireV2Error(t, err, "NOT_FOUND")
	})
	requireV2Retries(t, srv, wechatpaytest.APIQueryCashRedPacket, func(t *testing.T, c *wechatpay.Client) (int, error) {
		p, err := redpack.New(c).Query(t.Context(), q)
		if err != nil {
			return 0, err
		}
		return p.Meta.Attempts, nil
	})
	t.Run("NO_AUTH", func(t *testing.T) {
		srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIQueryCashRedPacket, Kind: wechatpaytest.FaultAPIError, Code: "NO_AUTH", Count: 1})
		_, err := svc.Query(t.Context(), q)
		requireV2Error(t, err, "NO_AUTH")
	})
	for _, f := range []wechatpaytest.FaultKind{wechatpaytest.FaultTamperedBody, wechatpaytest.FaultProbeSignature} {
		t.Run("wrong sign "+f.String(), func(t *testing.T) {
			srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIQueryCashRedPacket, Kind: f, Count: 1})
			p, err := svc.Query(t.Context(), q)
			require.Nil(t, p)
			require.ErrorIs(t, err, wechatpay.ErrV2Sign)
		})
	}
	t.Run("CA_ERROR without a client certificate", func(t *testing.T) {
		_, err := redpack.New(srv.Client(wechatpay.WithHTTPClient(noCertClient(srv)))).Query(t.Context(), q)
		var apiErr *wechatpay.APIError
		require.ErrorAs(t, err, &apiErr)
		require.True(t, strings.HasPrefix(apiErr.Message, "CA_ERROR"), apiErr.Message)
	})
}

func TestQueryValidationBeforeIO(t *testing.T) {
	requireQueryRefusals(t, func(s *redpack.Service) func(context.Context, *redpack.QueryRequest) (*redpack.RedPacket, error) {
		return s.Query
	},
		func(billNo, mchID, appID string) *redpack.QueryRequest {
			return &redpack.QueryRequest{MchBillNo: billNo, MchID: mchID, AppID: appID}
		})
}

// TestQueryMalformedReplies: replies of a fake server that do not decode.
func TestQueryMalformedReplies(t *testing.T) {
	srv := newServer(t)
	const ok = "<return_code>SUCCESS</return_code><result_code>SUCCESS</result_code><mch_billno>B</mch_billno><mch_id>M</mch_id>"
	for name, body := range map[string]string{
		"no detail_id":     "<xml>" + ok + "</xml>",
		"bad amount":       "<xml>" + ok + "<detail_id>D</detail_id><hblist><hbinfo><amount>x</amount></hbinfo></hblist></xml>",
		"bad rcv_time":     "<xml>" + ok + "<detail_id>D</detail_id><hblist><hbinfo><rcv_time>yesterday</rcv_time></hbinfo></hblist></xml>",
		"bad send_time":    "<xml>" + ok + "<detail_id>D</detail_id><send_time>2025-10-09T16:00:00Z</send_time></xml>",
		"bad total_num":    "<xml>" + ok + "<detail_id>D</detail_id><total_num>one</total_num></xml>",
		"other nesting":    "<xml>" + ok + "<detail_id>D</detail_id><other><a/></other></xml>",
		"unclosed in list": "<xml>" + ok + "<detail_id>D</detail_id><hblist><hbinfo></hblist></xml>",
	} {
		t.Run(name, func(t *testing.T) {
			fake := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, body) }))
			t.Cleanup(fake.Close)
			c := srv.Client(wechatpay.WithBaseURL(fake.URL), wechatpay.WithHTTPClient(fake.Client()))
			p, err := redpack.New(c).Query(t.Context(), &redpack.QueryRequest{MchBillNo: "B"})
			require.Nil(t, p)
			require.ErrorIs(t, err, wechatpay.ErrMalformedResponse)
		})
	}
	t.Run("unknown fields kept, whitespace in the list", func(t *testing.T) {
		body := "<xml>" + ok + "<detail_id>D</detail_id><new_field>v</new_field><hblist>\n <hbinfo>\n <openid> o1 </openid>\n <amount> 5 </amount>\n </hbinfo>\n</hblist></xml>"
		fake := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, body) }))
		t.Cleanup(fake.Close)
		c := srv.Client(wechatpay.WithBaseURL(fake.URL), wechatpay.WithHTTPClient(fake.Client()))
		p, err := redpack.New(c).Query(t.Context(), &redpack.QueryRequest{MchBillNo: "B"})
		require.NoError(t, err)
		require.Equal(t, map[string]string{"new_field": "v"}, p.Extra)
		require.Equal(t, []redpack.Receipt{{OpenID: "o1", Amount: 5}}, p.Receipts)
	})
}
