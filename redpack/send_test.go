package redpack_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/redpack"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func sendReq(billNo string) *redpack.SendRequest {
	return &redpack.SendRequest{
		MchBillNo: billNo, SendName: "天虹百货", ReOpenID: "oxTWIuGaIt6gTKsQRLau2M0yL16E",
		TotalAmount: 1000, Wishing: "感谢您参加猜灯谜活动，祝您元宵节快乐！", ClientIP: "192.168.0.1",
		ActName: "猜灯谜抢红包活动", Remark: "猜越多得越多，快来抢！",
	}
}

func workwxReq(billNo string) *redpack.SendWorkWxRequest {
	return &redpack.SendWorkWxRequest{
		MchBillNo: billNo, SenderName: "XX活动", SenderHeaderMediaID: "1G6nrLmr5EC3MMb_-zK1dDdzmd0p7cNliYu9V5w7o8K0",
		ReOpenID: "oxTWIuGaIt6gTKsQRLau2M0yL16E", TotalAmount: 1000, Wishing: "感谢您参加猜灯谜活动",
		ActName: "猜灯谜抢红包活动", Remark: "猜越多得越多", SceneID: redpack.SceneTaxScratchCard,
	}
}

func newWorkWx(srv *wechatpaytest.Server, opts ...wechatpay.Option) *redpack.Service {
	return redpack.New(srv.Client(opts...), redpack.WithWorkWxSecret(wechatpaytest.TestWeComPaymentSecret))
}

// requireSentThenOpened follows a packet that a query saw SENDING: the next
// query sees it SENT; once its receiver opens it (the emulator's hook),
// RECEIVED. It returns that last answer.
func requireSentThenOpened[P any](t *testing.T, srv *wechatpaytest.Server, billNo, openID string,
	query func(context.Context) (P, error), status func(P) redpack.Status,
) P {
	t.Helper()
	p, err := query(t.Context())
	require.NoError(t, err)
	require.Equal(t, redpack.StatusSent, status(p))
	require.True(t, srv.OpenRedPacket(srv.MchID(), billNo, openID))
	p, err = query(t.Context())
	require.NoError(t, err)
	require.Equal(t, redpack.StatusReceived, status(p))
	return p
}

// requireUnknown checks that err says the outcome is unknown, advises the
// same bill number and wraps cause.
func requireUnknown(t *testing.T, err error, billNo string, cause error) *redpack.UnknownOutcomeError {
	t.Helper()
	require.ErrorIs(t, err, redpack.ErrUnknownOutcome)
	var u *redpack.UnknownOutcomeError
	require.ErrorAs(t, err, &u)
	require.Equal(t, billNo, u.MchBillNo)
	require.Contains(t, err.Error(), "resending with the same mch_billno")
	require.Contains(t, err.Error(), "never resend under a new number")
	if cause != nil {
		require.ErrorIs(t, err, cause)
	}
	return u
}

func TestSendQueryFlow(t *testing.T) {
	srv := newServer(t)
	svc := redpack.New(srv.Client())
	balance := srv.RedPacketBalance()
	req := sendReq("10000098202612010000000001")
	res, err := svc.Send(t.Context(), req)
	require.NoError(t, err)
	require.NotEmpty(t, res.SendListID)
	require.Equal(t, req.MchBillNo, res.MchBillNo)
	require.Equal(t, srv.MchID(), res.MchID)
	require.Equal(t, srv.AppID(), res.WxAppID)
	require.Equal(t, req.ReOpenID, res.ReOpenID)
	require.Equal(t, int64(1000), res.TotalAmount)
	require.False(t, res.Signed, "sendredpack replies are unsigned")
	require.Equal(t, map[string]string(nil), res.Extra)
	require.Equal(t, 1, res.Meta.Attempts)
	require.Equal(t, balance-1000, srv.RedPacketBalance())

	q := &redpack.QueryRequest{MchBillNo: req.MchBillNo}
	p, err := svc.Query(t.Context(), q)
	require.NoError(t, err)
	require.Equal(t, res.SendListID, p.DetailID)
	require.Equal(t, redpack.StatusSending, p.Status)
	require.Equal(t, redpack.SendTypeAPI, p.SendType)
	require.Equal(t, redpack.HBTypeNormal, p.HBType)
	require.Equal(t, int64(1), p.TotalNum)
	require.Equal(t, int64(1000), p.TotalAmount)
	require.Equal(t, req.Wishing, p.Wishing)
	require.Equal(t, req.ActName, p.ActName)
	require.Equal(t, req.Remark, p.Remark)
	require.False(t, p.SendTime.IsZero())
	require.Empty(t, p.Receipts)

	p = requireSentThenOpened(t, srv, req.MchBillNo, req.ReOpenID,
		func(ctx context.Context) (*redpack.RedPacket, error) { return svc.Query(ctx, q) },
		func(p *redpack.RedPacket) redpack.Status { return p.Status })
	require.Len(t, p.Receipts, 1)
	require.Equal(t, req.ReOpenID, p.Receipts[0].OpenID)
	require.Equal(t, int64(1000), p.Receipts[0].Amount)
	require.False(t, p.Receipts[0].RcvTime.IsZero())

	// A cash packet is not a WeCom packet: each query knows its own family.
	_, err = svc.QueryWorkWx(t.Context(), &redpack.QueryWorkWxRequest{MchBillNo: req.MchBillNo})
	requireV2Error(t, err, "NOT_FOUND")
}

func TestSendReentrant(t *testing.T) {
	srv := newServer(t)
	svc := redpack.New(srv.Client())
	req := sendReq("10000098202612010000000002")
	first, err := svc.Send(t.Context(), req)
	require.NoError(t, err)
	again, err := svc.Send(t.Context(), req)
	require.NoError(t, err)
	require.Equal(t, first.SendListID, again.SendListID)
	sent := srv.SentRedPackets()
	require.Len(t, sent, 1)
	require.Equal(t, 2, sent[0].Requests)
	require.Equal(t, first.SendListID, sent[0].SendListID)

	other := *req
	other.TotalAmount = 2000
	before := srv.Requests()
	_, err = svc.Send(t.Context(), &other)
	requireV2Error(t, err, "FATAL_ERROR")
	require.NotErrorIs(t, err, redpack.ErrUnknownOutcome)
	require.Equal(t, 1, srv.Requests()-before, "FATAL_ERROR is not retried")
	require.Len(t, srv.SentRedPackets(), 1)
}

// TestSendRetriedAfterDroppedConnection: the emulator sends the packet,
// then drops the connection; the client resends with the same mch_billno,
// which is re-entrant: two requests, one packet.
func TestSendRetriedAfterDroppedConnection(t *testing.T) {
	for _, tt := range []struct {
		name   string
		api    wechatpaytest.API
		kind   wechatpaytest.FaultKind
		handle int // requests the send handler saw
		send   func(*wechatpaytest.Server, string) (*redpack.SendResult, error)
	}{
		{"sendredpack/after handling", wechatpaytest.APISendCashRedPacket, wechatpaytest.FaultDropAfterHandling, 2, func(srv *wechatpaytest.Server, bill string) (*redpack.SendResult, error) {
			return redpack.New(srv.Client(fastRetry)).Send(t.Context(), sendReq(bill))
		}},
		{"sendredpack/before handling", wechatpaytest.APISendCashRedPacket, wechatpaytest.FaultDropConnection, 1, func(srv *wechatpaytest.Server, bill string) (*redpack.SendResult, error) {
			return redpack.New(srv.Client(fastRetry)).Send(t.Context(), sendReq(bill))
		}},
		{"sendworkwxredpack/after handling", wechatpaytest.APISendWorkWxRedPacket, wechatpaytest.FaultDropAfterHandling, 2, func(srv *wechatpaytest.Server, bill string) (*redpack.SendResult, error) {
			return newWorkWx(srv, fastRetry).SendWorkWx(t.Context(), workwxReq(bill))
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t)
			const bill = "10000098202612010000000003"
			srv.InjectFault(wechatpaytest.Fault{API: tt.api, Kind: tt.kind, Count: 1})
			before := srv.Requests()
			res, err := tt.send(srv, bill)
			require.NoError(t, err)
			require.Equal(t, 2, res.Meta.Attempts)
			require.Equal(t, 2, srv.Requests()-before, "both attempts reached the emulator")
			sent := srv.SentRedPackets()
			require.Len(t, sent, 1, "one packet")
			require.Equal(t, bill, sent[0].MchBillNo)
			require.Equal(t, tt.handle, sent[0].Requests)
			require.Equal(t, res.SendListID, sent[0].SendListID)
		})
	}
}

func TestSendUnknownOutcome(t *testing.T) {
	srv := newServer(t)
	const bill = "10000098202612010000000004"
	svc := redpack.New(srv.Client(fastRetry))

	t.Run("connection dropped on every attempt", func(t *testing.T) {
		srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APISendCashRedPacket, Kind: wechatpaytest.FaultDropAfterHandling, Count: 3})
		_, err := svc.Send(t.Context(), sendReq(bill))
		var te *wechatpay.TransportError
		require.ErrorAs(t, requireUnknown(t, err, bill, nil), &te)
		// The advice holds: the same number sends no second packet.
		res, err := svc.Send(t.Context(), sendReq(bill))
		require.NoError(t, err)
		sent := srv.SentRedPackets()
		require.Len(t, sent, 1)
		require.Equal(t, 4, sent[0].Requests)
		require.Equal(t, res.SendListID, sent[0].SendListID)
	})
	t.Run("SYSTEMERROR retried then succeeds", func(t *testing.T) {
		srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APISendCashRedPacket, Kind: wechatpaytest.FaultSystemError, Count: 2})
		res, err := svc.Send(t.Context(), sendReq(bill))
		require.NoError(t, err)
		require.Equal(t, 3, res.Meta.Attempts)
	})
	t.Run("SYSTEMERROR past the retry budget", func(t *testing.T) {
		srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APISendCashRedPacket, Kind: wechatpaytest.FaultSystemError, Count: 3})
		_, err := svc.Send(t.Context(), sendReq(bill))
		requireUnknown(t, err, bill, nil)
		requireV2Error(t, err, "SYSTEMERROR")
	})
	for _, code := range []string{"PROCESSING", "SOMETHING_NEW"} {
		t.Run(code, func(t *testing.T) {
			srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APISendCashRedPacket, Kind: wechatpaytest.FaultAPIError, Code: code, Count: 1})
			before := srv.Requests()
			_, err := svc.Send(t.Context(), sendReq(bill))
			requireUnknown(t, err, bill, nil)
			requireV2Error(t, err, code)
			require.Equal(t, 1, srv.Requests()-before)
		})
	}
	for _, f := range []wechatpaytest.FaultKind{wechatpaytest.FaultTamperedBody, wechatpaytest.FaultProbeSignature} {
		t.Run("wrong sign "+f.String(), func(t *testing.T) {
			srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APISendCashRedPacket, Kind: f, Count: 1})
			res, err := svc.Send(t.Context(), sendReq(bill))
			require.Nil(t, res)
			requireUnknown(t, err, bill, wechatpay.ErrV2Sign)
		})
	}
	t.Run("stale timestamp does not apply to v2", func(t *testing.T) {
		srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APISendCashRedPacket, Kind: wechatpaytest.FaultStaleTimestamp, Count: 1})
		_, err := svc.Send(t.Context(), sendReq(bill))
		require.NoError(t, err)
		srv.ClearFaults()
	})
	require.Len(t, srv.SentRedPackets(), 1)
}

// TestSendUnreadableReplies: replies of a fake server that leave the
// outcome unknown (5xx, not XML, no send_listid, another bill) and one
// that is a success without a sign.
func TestSendUnreadableReplies(t *testing.T) {
	srv := newServer(t)
	const bill = "10000098202612010000000005"
	for _, tt := range []struct {
		name   string
		status int
		body   string
		hits   int64
		cause  error
	}{
		{"HTTP 500", http.StatusInternalServerError, "oops", 3, nil},
		{"not XML", http.StatusOK, "<html>", 1, wechatpay.ErrMalformedResponse},
		{"no send_listid", http.StatusOK, "<xml><return_code>SUCCESS</return_code><result_code>SUCCESS</result_code></xml>", 1, wechatpay.ErrMalformedResponse},
		{"other bill", http.StatusOK, "<xml><return_code>SUCCESS</return_code><result_code>SUCCESS</result_code><send_listid>1</send_listid><mch_billno>X</mch_billno></xml>", 1, wechatpay.ErrMalformedResponse},
		{"bad amount", http.StatusOK, "<xml><return_code>SUCCESS</return_code><result_code>SUCCESS</result_code><send_listid>1</send_listid><total_amount>x</total_amount></xml>", 1, wechatpay.ErrMalformedResponse},
		{"ok", http.StatusOK, "<xml><return_code>SUCCESS</return_code><result_code>SUCCESS</result_code><send_listid>1</send_listid><new_field>v</new_field></xml>", 1, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var hits atomic.Int64
			fake := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				w.WriteHeader(tt.status)
				fmt.Fprint(w, tt.body)
			}))
			t.Cleanup(fake.Close)
			c := srv.Client(wechatpay.WithBaseURL(fake.URL), wechatpay.WithHTTPClient(fake.Client()), fastRetry)
			for _, send := range []func() (*redpack.SendResult, error){
				func() (*redpack.SendResult, error) { return redpack.New(c).Send(t.Context(), sendReq(bill)) },
				func() (*redpack.SendResult, error) {
					return redpack.New(c, redpack.WithWorkWxSecret("s")).SendWorkWx(t.Context(), workwxReq(bill))
				},
			} {
				hits.Store(0)
				res, err := send()
				require.Equal(t, tt.hits, hits.Load())
				if tt.name == "ok" {
					require.NoError(t, err)
					require.False(t, res.Signed, "an unsigned success is accepted and flagged")
					require.Equal(t, map[string]string{"new_field": "v"}, res.Extra)
					continue
				}
				requireUnknown(t, err, bill, tt.cause)
			}
		})
	}
}

func TestSendDefiniteErrors(t *testing.T) {
	srv := newServer(t)
	const bill = "10000098202612010000000006"
	svc := redpack.New(srv.Client(fastRetry))
	t.Run("NOTENOUGH keeps the bill failed", func(t *testing.T) {
		srv.SetRedPacketBalance(999)
		_, err := svc.Send(t.Context(), sendReq(bill))
		requireV2Error(t, err, "NOTENOUGH")
		require.NotErrorIs(t, err, redpack.ErrUnknownOutcome)
		require.Equal(t, int64(999), srv.RedPacketBalance())
		p, err := svc.Query(t.Context(), &redpack.QueryRequest{MchBillNo: bill})
		require.NoError(t, err)
		require.Equal(t, redpack.StatusFailed, p.Status)
		require.Equal(t, "余额不足", p.Reason)
		srv.SetRedPacketBalance(wechatpaytest.DefaultRedPacketBalance)
		_, err = svc.Send(t.Context(), sendReq(bill))
		requireV2Error(t, err, "NOTENOUGH")
		sent := srv.SentRedPackets()
		require.Len(t, sent, 1)
		require.True(t, sent[0].Failed)
	})
	// The documented codes the SDK's validation keeps the emulator from
	// answering on its own.
	for i, code := range []string{"SEND_FAILED", "MONEY_LIMIT", "SENDNUM_LIMIT", "SECOND_OVER_LIMITED", "DAY_OVER_LIMITED",
		"NO_AUTH", "ILLEGAL_APPID", "OPENID_ERROR", "PARAM_ERROR", "XML_ERROR", "NO_CONSUME_COMPETENCE"} {
		t.Run(code, func(t *testing.T) {
			srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APISendCashRedPacket, Kind: wechatpaytest.FaultAPIError, Code: code, Count: 1})
			before := srv.Requests()
			_, err := svc.Send(t.Context(), sendReq(fmt.Sprintf("B%d", i)))
			requireV2Error(t, err, code)
			require.NotErrorIs(t, err, redpack.ErrUnknownOutcome)
			require.Equal(t, 1, srv.Requests()-before, "not retried")
		})
	}
	t.Run("FREQ_LIMIT retried", func(t *testing.T) {
		srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APISendCashRedPacket, Kind: wechatpaytest.FaultRateLimited, Count: 1})
		res, err := svc.Send(t.Context(), sendReq("10000098202612010000000007"))
		require.NoError(t, err)
		require.Equal(t, 2, res.Meta.Attempts)
	})
	t.Run("sign error with a wrong APIv2 key", func(t *testing.T) {
		_, err := redpack.New(srv.Client(wechatpay.WithAPIv2Key(strings.Repeat("k", 32)))).Send(t.Context(), sendReq(bill))
		var apiErr *wechatpay.APIError
		require.ErrorAs(t, err, &apiErr)
		require.Equal(t, "FAIL", apiErr.ReturnCode)
		require.NotErrorIs(t, err, redpack.ErrUnknownOutcome)
	})
	t.Run("CA_ERROR without a client certificate", func(t *testing.T) {
		_, err := redpack.New(srv.Client(wechatpay.WithHTTPClient(noCertClient(srv)))).Send(t.Context(), sendReq(bill))
		var apiErr *wechatpay.APIError
		require.ErrorAs(t, err, &apiErr)
		require.True(t, strings.HasPrefix(apiErr.Message, "CA_ERROR"), apiErr.Message)
		require.NotErrorIs(t, err, redpack.ErrUnknownOutcome)
	})
}

func TestSendValidationBeforeIO(t *testing.T) {
	srv := newServer(t)
	svc := redpack.New(srv.Client())
	before := srv.Requests()
	mod := func(f func(*redpack.SendRequest)) *redpack.SendRequest {
		r := sendReq("10000098202612010000000008")
		f(r)
		return r
	}
	for _, tt := range []struct {
		req   *redpack.SendRequest
		field string
	}{
		{nil, "request"},
		{mod(func(r *redpack.SendRequest) { r.MchBillNo = "" }), "mch_billno"},
		{mod(func(r *redpack.SendRequest) { r.MchBillNo = strings.Repeat("1", 29) }), "mch_billno"},
		{mod(func(r *redpack.SendRequest) { r.MchBillNo = "1000-0098" }), "mch_billno"},
		{mod(func(r *redpack.SendRequest) { r.MchID = strings.Repeat("1", 33) }), "mch_id"},
		{mod(func(r *redpack.SendRequest) { r.ReOpenID = "" }), "re_openid"},
		{mod(func(r *redpack.SendRequest) { r.Wishing = strings.Repeat("祝", 129) }), "wishing"},
		{mod(func(r *redpack.SendRequest) { r.ActName = "" }), "act_name"},
		{mod(func(r *redpack.SendRequest) { r.Remark = "a\x00b" }), "remark"},
		{mod(func(r *redpack.SendRequest) { r.SendName = strings.Repeat("名", 33) }), "send_name"},
		{mod(func(r *redpack.SendRequest) { r.ClientIP = "" }), "client_ip"},
		{mod(func(r *redpack.SendRequest) { r.ClientIP = "::1" }), "client_ip"},
		{mod(func(r *redpack.SendRequest) { r.ClientIP = "300.1.1.1" }), "client_ip"},
		{mod(func(r *redpack.SendRequest) { r.TotalAmount = 0 }), "total_amount"},
		{mod(func(r *redpack.SendRequest) { r.TotalAmount = -1 }), "total_amount"},
		{mod(func(r *redpack.SendRequest) { r.TotalAmount = 99 }), "scene_id"},
		{mod(func(r *redpack.SendRequest) { r.TotalAmount = 20001 }), "scene_id"},
		{mod(func(r *redpack.SendRequest) { r.SubMchID = "a b" }), "sub_mch_id"},
		{mod(func(r *redpack.SendRequest) { r.RiskInfo = &redpack.RiskInfo{DeviceID: strings.Repeat("d", 130)} }), "risk_info"},
	} {
		_, err := svc.Send(t.Context(), tt.req)
		var fe *wechatpay.FieldError
		require.ErrorAs(t, err, &fe, tt.field)
		require.Equal(t, tt.field, fe.Field)
		require.ErrorIs(t, err, wechatpay.ErrInvalidInput)
		require.NotErrorIs(t, err, redpack.ErrUnknownOutcome)
	}
	_, err := redpack.New(srv.Client(wechatpay.WithAppID(""))).Send(t.Context(), sendReq("1"))
	var fe *wechatpay.FieldError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "wxappid", fe.Field)
	_, err = (*redpack.Service)(nil).Send(t.Context(), sendReq("1"))
	require.ErrorAs(t, err, &fe)
	require.Equal(t, before, srv.Requests())
}

func TestSendOptionalFields(t *testing.T) {
	srv := newServer(t)
	svc := redpack.New(srv.Client())
	req := sendReq("10000098202612010000000009")
	req.TotalAmount = 50
	req.SceneID = redpack.SceneLottery
	req.SubMchID, req.MsgAppID, req.ConsumeMchID = "1900000109", "wx1234567890", "1900000110"
	req.RiskInfo = &redpack.RiskInfo{PostTime: time.Unix(1700000000, 0), Mobile: "86-13800000000", DeviceID: "AA:BB", ClientVersion: "8.0"}
	res, err := svc.Send(t.Context(), req)
	require.NoError(t, err)
	require.Equal(t, int64(50), res.TotalAmount)
	require.True(t, redpack.SceneLottery.Known())
	require.False(t, redpack.SceneID("PRODUCT_9").Known())
}

func TestSendConcurrentSameBill(t *testing.T) {
	srv := newServer(t)
	svc := redpack.New(srv.Client())
	const bill = "10000098202612010000000010"
	var wg sync.WaitGroup
	ids := make([]string, 8)
	errs := make([]error, 8)
	for i := range ids {
		wg.Go(func() {
			res, err := svc.Send(t.Context(), sendReq(bill))
			errs[i] = err
			if err == nil {
				ids[i] = res.SendListID
			}
		})
	}
	wg.Wait()
	for i := range ids {
		require.NoError(t, errs[i])
		require.Equal(t, ids[0], ids[i])
	}
	sent := srv.SentRedPackets()
	require.Len(t, sent, 1)
	require.Equal(t, 8, sent[0].Requests)
}

// noCertClient trusts the server's CA but presents no client certificate.
func noCertClient(srv *wechatpaytest.Server) *http.Client {
	roots := x509.NewCertPool()
	roots.AddCert(srv.CACertificate())
	return &http.Client{Transport: plainTransport{&http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}}
}

// TestSendHostileReplies: a 200 reply that is not a readable, documented
// rejection leaves the outcome of every send unknown; only an exact
// return_code FAIL, or an exact result_code FAIL with a documented
// err_code, is a definite failure.
func TestSendHostileReplies(t *testing.T) {
	srv := newServer(t)
	const bill = "10000098202612010000000010"
	cdata := func(k, v string) string { return "<" + k + "><![CDATA[" + v + "]]></" + k + ">" }
	notEnough := cdata("err_code", "NOTENOUGH") + cdata("err_code_des", "余额不足")
	for _, tt := range []struct {
		name     string
		status   int
		body     string
		definite bool
	}{
		{"return_code missing", 200, "<xml>" + cdata("return_msg", "x") + cdata("result_code", "FAIL") + notEnough + "</xml>", false},
		{"return_code empty", 200, "<xml>" + cdata("return_code", "") + cdata("return_msg", "x") + "</xml>", false},
		{"return_code padded", 200, "<xml>" + cdata("return_code", "FAIL ") + cdata("return_msg", "x") + "</xml>", false},
		{"return_code padded before", 200, "<xml>" + cdata("return_code", "\tFAIL") + cdata("return_msg", "x") + "</xml>", false},
		{"return_code in lower case", 200, "<xml>" + cdata("return_code", "fail") + cdata("return_msg", "x") + "</xml>", false},
		{"return_code in mixed case", 200, "<xml>" + cdata("return_code", "Fail") + cdata("return_msg", "x") + "</xml>", false},
		{"return_code other", 200, "<xml>" + cdata("return_code", "ERROR") + cdata("return_msg", "x") + "</xml>", false},
		{"plain-text return_code padded", 200, "<xml><return_code> FAIL </return_code><return_msg>x</return_msg></xml>", false},
		{"plain-text return_code on its own line", 200, "<xml><return_code>\nFAIL\n</return_code></xml>", false},
		{"plain-text err_code padded", 200, "<xml><return_code>SUCCESS</return_code><result_code>FAIL</result_code><err_code> NOTENOUGH</err_code></xml>", false},
		{"return_code twice", 200, "<xml>" + cdata("return_code", "FAIL") + cdata("return_code", "SUCCESS") + "</xml>", false},
		{"result_code missing", 200, "<xml>" + cdata("return_code", "SUCCESS") + notEnough + "</xml>", false},
		{"result_code padded", 200, "<xml>" + cdata("return_code", "SUCCESS") + cdata("result_code", "FAIL ") + notEnough + "</xml>", false},
		{"result_code in lower case", 200, "<xml>" + cdata("return_code", "SUCCESS") + cdata("result_code", "fail") + notEnough + "</xml>", false},
		{"err_code padded", 200, "<xml>" + cdata("return_code", "SUCCESS") + cdata("result_code", "FAIL") + cdata("err_code", " NOTENOUGH") + "</xml>", false},
		{"err_code in lower case", 200, "<xml>" + cdata("return_code", "SUCCESS") + cdata("result_code", "FAIL") + cdata("err_code", "notenough") + "</xml>", false},
		{"err_code missing", 200, "<xml>" + cdata("return_code", "SUCCESS") + cdata("result_code", "FAIL") + "</xml>", false},
		{"DTD", 200, "<!DOCTYPE xml [<!ENTITY f \"FAIL\">]><xml><return_code>&f;</return_code></xml>", false},
		{"empty body", 200, "", false},
		{"not XML", 200, "FAIL", false},
		{"FAIL under HTTP 400", 400, "<xml>" + cdata("return_code", "FAIL") + cdata("return_msg", "x") + "</xml>", false},
		{"exact return_code FAIL", 200, "<xml>" + cdata("return_code", "FAIL") + cdata("return_msg", "签名错误") + "</xml>", true},
		{"plain-text return_code FAIL", 200, "<xml>\n  <return_code>FAIL</return_code>\n  <return_msg>x</return_msg>\n</xml>", true},
		{"exact NOTENOUGH", 200, "<xml>" + cdata("return_code", "SUCCESS") + cdata("result_code", "FAIL") + notEnough + "</xml>", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fake := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				fmt.Fprint(w, tt.body)
			}))
			t.Cleanup(fake.Close)
			c := srv.Client(wechatpay.WithBaseURL(fake.URL), wechatpay.WithHTTPClient(fake.Client()), fastRetry)
			t.Cleanup(c.Close)
			for name, send := range map[string]func() (*redpack.SendResult, error){
				"Send": func() (*redpack.SendResult, error) { return redpack.New(c).Send(t.Context(), sendReq(bill)) },
				"SendWorkWx": func() (*redpack.SendResult, error) {
					return redpack.New(c, redpack.WithWorkWxSecret("s")).SendWorkWx(t.Context(), workwxReq(bill))
				},
			} {
				res, err := send()
				require.Nil(t, res, name)
				if tt.definite {
					var apiErr *wechatpay.APIError
					require.ErrorAs(t, err, &apiErr, name)
					require.NotErrorIs(t, err, redpack.ErrUnknownOutcome, name)
					continue
				}
				requireUnknown(t, err, bill, nil)
				var apiErr *wechatpay.APIError
				if tt.status == http.StatusOK && (!errors.As(err, &apiErr) || apiErr.ReturnCode != "SUCCESS") {
					// Not a result_code rejection (whose unknown codes wrap
					// the *APIError): the reply itself is malformed.
					require.ErrorIs(t, err, wechatpay.ErrMalformedResponse, name)
				}
			}
		})
	}
}
