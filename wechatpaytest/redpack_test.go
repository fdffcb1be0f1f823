package wechatpaytest_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func cashSendParams(billNo string) map[string]string {
	return map[string]string{
		"mch_billno": billNo, "mch_id": wechatpaytest.TestMchID, "wxappid": wechatpaytest.TestAppID,
		"send_name": "天虹百货", "re_openid": "o1", "total_amount": "1000", "total_num": "1",
		"wishing": "w", "client_ip": "192.168.0.1", "act_name": "a", "remark": "r",
	}
}

// TestRedPacketSendState drives the send and query routes with raw v2
// calls: re-entrancy ignores the nonce, another body is FATAL_ERROR, the
// query reply is unsigned and nests hblist.
func TestRedPacketSendState(t *testing.T) {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := t.Context()
	send := func(p map[string]string) (map[string]string, error) {
		f, _, err := c.DoV2(ctx, &wechatpay.V2Request{Path: "/mmpaymkttransfers/sendredpack", Params: p, Secure: true, UnsignedReply: true})
		return f, err
	}
	first, err := send(cashSendParams("B1"))
	require.NoError(t, err)
	require.NotContains(t, first, "sign", "sendredpack replies are unsigned")
	require.Equal(t, "SUCCESS", first["err_code"], "as observed at WeChat Pay")
	again, err := send(cashSendParams("B1")) // a new nonce_str, the same business content
	require.NoError(t, err)
	require.Equal(t, first["send_listid"], again["send_listid"])
	other := cashSendParams("B1")
	other["remark"] = "r2"
	_, err = send(other)
	var apiErr *wechatpay.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, "FATAL_ERROR", apiErr.ErrCode)

	for name, mod := range map[string]func(map[string]string){
		"total_num":    func(p map[string]string) { p["total_num"] = "2" },
		"client_ip":    func(p map[string]string) { p["client_ip"] = "::1" },
		"scene_id":     func(p map[string]string) { p["total_amount"] = "99" },
		"mch_billno":   func(p map[string]string) { p["mch_billno"] = "B-2" },
		"total_amount": func(p map[string]string) { p["total_amount"] = "x" },
		"send_name":    func(p map[string]string) { delete(p, "send_name") },
		"wishing":      func(p map[string]string) { p["wishing"] = strings.Repeat("w", 129) },
	} {
		p := cashSendParams("B3")
		mod(p)
		_, err := send(p)
		require.ErrorAs(t, err, &apiErr, name)
		require.Equal(t, "PARAM_ERROR", apiErr.ErrCode, name)
	}

	require.True(t, srv.OpenRedPacket(wechatpaytest.TestMchID, "B1", "o1"))
	require.False(t, srv.OpenRedPacket(wechatpaytest.TestMchID, "B1", "o1"), "already received")
	q, _, err := c.DoV2(ctx, &wechatpay.V2Request{
		Path: "/mmpaymkttransfers/gethbinfo", Secure: true, UnsignedReply: true, Nested: []string{"hblist"},
		Params: map[string]string{"mch_billno": "B1", "mch_id": wechatpaytest.TestMchID, "appid": wechatpaytest.TestAppID, "bill_type": "MCHT"},
	})
	require.NoError(t, err)
	require.NotContains(t, q, "sign")
	require.Equal(t, "RECEIVED", q["status"])
	require.True(t, strings.HasPrefix(q["hblist"], "<hbinfo><openid>o1</openid><amount>1000</amount><rcv_time>"), q["hblist"])
	_, _, err = c.DoV2(ctx, &wechatpay.V2Request{
		Path: "/mmpaymkttransfers/gethbinfo", Secure: true, UnsignedReply: true, Nested: []string{"hblist"},
		Params: map[string]string{"mch_billno": "B1", "mch_id": wechatpaytest.TestMchID, "appid": wechatpaytest.TestAppID, "bill_type": "OTHER"},
	})
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, "PARAM_ERROR", apiErr.ErrCode)

	sent := srv.SentRedPackets()
	require.Len(t, sent, 1, "B3 was refused before it was a bill")
	require.Equal(t, wechatpaytest.SentRedPacket{
		API: "sendredpack", MchID: wechatpaytest.TestMchID, MchBillNo: "B1", AppID: wechatpaytest.TestAppID,
		ReOpenID: "o1", TotalAmount: 1000, SendListID: first["send_listid"], Requests: 3,
	}, sent[0])
}

func TestRedPacketWorkWxSign(t *testing.T) {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	params := func(secret string) map[string]string {
		p := map[string]string{
			"mch_billno": "W1", "mch_id": wechatpaytest.TestMchID, "wxappid": wechatpaytest.TestAppID,
			"sender_name": "XX", "re_openid": "o1", "total_amount": "1000", "wishing": "w", "act_name": "a",
			"remark": "r", "nonce_str": "N1",
		}
		ws, err := wxcrypto.SignWorkWx(p, secret)
		require.NoError(t, err)
		p["workwx_sign"] = ws
		return p
	}
	send := func(p map[string]string) (map[string]string, error) {
		f, _, err := c.DoV2(t.Context(), &wechatpay.V2Request{Path: "/mmpaymkttransfers/sendworkwxredpack", Params: p, Secure: true})
		return f, err
	}
	_, err := send(params("wrong"))
	var apiErr *wechatpay.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, "SIGN_ERROR", apiErr.ErrCode)
	both := params(wechatpaytest.TestWeComPaymentSecret)
	both["agentid"] = "1000002"
	_, err = send(both)
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, "PARAM_ERROR", apiErr.ErrCode)
	f, err := send(params(wechatpaytest.TestWeComPaymentSecret))
	require.NoError(t, err, "a signed success reply verifies")
	require.Contains(t, f, "sign")
	require.Equal(t, "XX", f["sender_name"])
}

func TestFaultDropAfterHandling(t *testing.T) {
	var logs bytes.Buffer
	srv := wechatpaytest.NewServer(wechatpaytest.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	defer srv.Close()
	require.Equal(t, "drop-after-handling", wechatpaytest.FaultDropAfterHandling.String())
	srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APISendCashRedPacket, Kind: wechatpaytest.FaultDropAfterHandling, Count: 1})
	c := srv.Client(wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 1}))
	_, _, err := c.DoV2(t.Context(), &wechatpay.V2Request{Path: "/mmpaymkttransfers/sendredpack", Params: cashSendParams("D1"), Secure: true, UnsignedReply: true})
	var te *wechatpay.TransportError
	require.ErrorAs(t, err, &te)
	require.Len(t, srv.SentRedPackets(), 1, "handled before the drop")
	require.Contains(t, logs.String(), "connection dropped after handling")
}

// TestSendGroupRedPackOffline: the fission packet has no route.
func TestSendGroupRedPackOffline(t *testing.T) {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	_, _, err := srv.Client().DoV2(t.Context(), &wechatpay.V2Request{Path: "/mmpaymkttransfers/sendgroupredpack", Params: map[string]string{"mch_billno": "G1"}, Secure: true})
	var apiErr *wechatpay.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, 404, apiErr.StatusCode)
}
