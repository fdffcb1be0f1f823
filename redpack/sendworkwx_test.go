package redpack_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/redpack"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func TestSendWorkWxFlow(t *testing.T) {
	srv := newServer(t)
	svc := newWorkWx(srv)
	req := workwxReq("10000098202612010000000101")
	res, err := svc.SendWorkWx(t.Context(), req)
	require.NoError(t, err)
	require.True(t, res.Signed, "the emulator signs sendworkwxredpack successes")
	require.NotEmpty(t, res.SendListID)
	require.Equal(t, req.MchBillNo, res.MchBillNo)
	require.Equal(t, srv.AppID(), res.WxAppID)
	require.Equal(t, "XX活动", res.SenderName)
	require.Equal(t, req.SenderHeaderMediaID, res.SenderHeaderMediaID)
	require.Equal(t, int64(1000), res.TotalAmount)

	q := &redpack.QueryWorkWxRequest{MchBillNo: req.MchBillNo}
	p, err := svc.QueryWorkWx(t.Context(), q)
	require.NoError(t, err)
	require.Equal(t, res.SendListID, p.DetailID)
	require.Equal(t, redpack.StatusSending, p.Status)
	require.Equal(t, "XX活动", p.SenderName)
	require.Equal(t, req.ActName, p.ActName)
	p = requireSentThenOpened(t, srv, req.MchBillNo, req.ReOpenID,
		func(ctx context.Context) (*redpack.WorkWxRedPacket, error) { return svc.QueryWorkWx(ctx, q) },
		func(p *redpack.WorkWxRedPacket) redpack.Status { return p.Status })
	require.Equal(t, req.ReOpenID, p.OpenID)
	require.Equal(t, int64(1000), p.Amount)

	// WeCom packets are queried with QueryWorkWx only.
	_, err = svc.Query(t.Context(), &redpack.QueryRequest{MchBillNo: req.MchBillNo})
	requireV2Error(t, err, "NOT_FOUND")

	// Re-entrant: same bill and body, same packet; another body FATAL_ERROR.
	again, err := svc.SendWorkWx(t.Context(), req)
	require.NoError(t, err)
	require.Equal(t, res.SendListID, again.SendListID)
	other := *req
	other.Wishing = "另一个祝福"
	_, err = svc.SendWorkWx(t.Context(), &other)
	requireV2Error(t, err, "FATAL_ERROR")
	require.Len(t, srv.SentRedPackets(), 1)
}

func TestSendWorkWxAgentID(t *testing.T) {
	srv := newServer(t)
	req := workwxReq("10000098202612010000000102")
	req.SenderName, req.AgentID = "", "1000002"
	res, err := newWorkWx(srv).SendWorkWx(t.Context(), req)
	require.NoError(t, err)
	require.Empty(t, res.SenderName)
}

func TestSendWorkWxErrors(t *testing.T) {
	srv := newServer(t)
	const bill = "10000098202612010000000103"
	t.Run("SIGN_ERROR with a wrong WeCom secret", func(t *testing.T) {
		svc := redpack.New(srv.Client(), redpack.WithWorkWxSecret("not-the-secret"))
		before := srv.Requests()
		_, err := svc.SendWorkWx(t.Context(), workwxReq(bill))
		requireV2Error(t, err, "SIGN_ERROR")
		require.NotErrorIs(t, err, redpack.ErrUnknownOutcome)
		require.Equal(t, 1, srv.Requests()-before)
		require.Empty(t, srv.SentRedPackets())
	})
	t.Run("SYSTEMERROR past the retry budget", func(t *testing.T) {
		srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APISendWorkWxRedPacket, Kind: wechatpaytest.FaultSystemError, Count: 3})
		_, err := newWorkWx(srv, fastRetry).SendWorkWx(t.Context(), workwxReq(bill))
		requireUnknown(t, err, bill, nil)
		requireV2Error(t, err, "SYSTEMERROR")
	})
	for _, f := range []wechatpaytest.FaultKind{wechatpaytest.FaultTamperedBody, wechatpaytest.FaultProbeSignature} {
		t.Run("wrong sign "+f.String(), func(t *testing.T) {
			srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APISendWorkWxRedPacket, Kind: f, Count: 1})
			res, err := newWorkWx(srv).SendWorkWx(t.Context(), workwxReq(bill))
			require.Nil(t, res)
			requireUnknown(t, err, bill, wechatpay.ErrV2Sign)
		})
	}
	t.Run("NOTENOUGH", func(t *testing.T) {
		srv.SetRedPacketBalance(10)
		defer srv.SetRedPacketBalance(wechatpaytest.DefaultRedPacketBalance)
		_, err := newWorkWx(srv).SendWorkWx(t.Context(), workwxReq("10000098202612010000000104"))
		requireV2Error(t, err, "NOTENOUGH")
	})
	t.Run("CA_ERROR without a client certificate", func(t *testing.T) {
		_, err := newWorkWx(srv, wechatpay.WithHTTPClient(noCertClient(srv))).SendWorkWx(t.Context(), workwxReq(bill))
		var apiErr *wechatpay.APIError
		require.ErrorAs(t, err, &apiErr)
		require.True(t, strings.HasPrefix(apiErr.Message, "CA_ERROR"), apiErr.Message)
	})
}

func TestSendWorkWxValidationBeforeIO(t *testing.T) {
	srv := newServer(t)
	svc := newWorkWx(srv)
	before := srv.Requests()
	mod := func(f func(*redpack.SendWorkWxRequest)) *redpack.SendWorkWxRequest {
		r := workwxReq("10000098202612010000000105")
		f(r)
		return r
	}
	for _, tt := range []struct {
		svc   *redpack.Service
		req   *redpack.SendWorkWxRequest
		field string
	}{
		{svc, nil, "request"},
		{svc, mod(func(r *redpack.SendWorkWxRequest) { r.MchBillNo = "单号" }), "mch_billno"},
		{svc, mod(func(r *redpack.SendWorkWxRequest) { r.WxAppID = strings.Repeat("w", 33) }), "wxappid"},
		{svc, mod(func(r *redpack.SendWorkWxRequest) { r.AgentID = "1000002" }), "agentid"},
		{svc, mod(func(r *redpack.SendWorkWxRequest) { r.SenderName = "" }), "sender_name"},
		{svc, mod(func(r *redpack.SendWorkWxRequest) { r.SenderName = strings.Repeat("名", 129) }), "sender_name"},
		{svc, mod(func(r *redpack.SendWorkWxRequest) { r.Remark = strings.Repeat("r", 257) }), "remark"},
		{svc, mod(func(r *redpack.SendWorkWxRequest) { r.SceneID = ""; r.TotalAmount = 20001 }), "scene_id"},
		{svc, mod(func(r *redpack.SendWorkWxRequest) { r.SceneID = "PRODUCT 1" }), "scene_id"},
		{redpack.New(srv.Client()), workwxReq("1"), "workwx_secret"},
		{redpack.New(srv.Client(), redpack.WithWorkWxSecret("")), workwxReq("1"), "workwx_secret"},
	} {
		_, err := tt.svc.SendWorkWx(t.Context(), tt.req)
		var fe *wechatpay.FieldError
		require.ErrorAs(t, err, &fe, tt.field)
		require.Equal(t, tt.field, fe.Field)
	}
	require.Equal(t, before, srv.Requests())
}

// TestWorkWxSecretNeverPrinted: the secret stays out of fmt output of the
// service and of its errors.
func TestWorkWxSecretNeverPrinted(t *testing.T) {
	srv := newServer(t)
	const secret = "SuperSecretWeComValue0123456789x"
	svc := redpack.New(srv.Client(), redpack.WithWorkWxSecret(secret))
	for _, s := range []string{fmt.Sprintf("%v", svc), fmt.Sprintf("%+v", svc), fmt.Sprintf("%#v", svc), fmt.Sprintf("%+v", *svc)} {
		require.NotContains(t, s, secret)
	}
	_, err := svc.SendWorkWx(t.Context(), workwxReq("10000098202612010000000106"))
	requireV2Error(t, err, "SIGN_ERROR")
	require.NotContains(t, err.Error(), secret)
}
