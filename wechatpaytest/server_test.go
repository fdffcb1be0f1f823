package wechatpaytest_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
	"github.com/gowechatpay/wechatpay/internal/sdktest"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

const (
	redPackPath       = "/mmpaymkttransfers/queryworkwxredpack"
	reductionPath     = "/v3/aggracct-bc/wb-channel/special-reduction/{out_request_no}"
	punishPath        = "/v3/aggracct-bc/wb-channel/control-orders/punish"
	profitSharingPath = "/v3/global/profit-sharing/orders/{out_order_no}"
)

type reduction struct {
	MchID         string `json:"mchid"`
	BalAccountNo  string `json:"bal_account_no"`
	OutRequestNo  string `json:"out_request_no"`
	ReductionType string `json:"reduction_type"`
	Amount        *int64 `json:"amount"`
	State         string `json:"state"`
	Reason        string `json:"reason"`
	QuotaChangeNo string `json:"quota_change_no"`
	SuccessTime   string `json:"success_time"`
	FailTime      string `json:"fail_time"`
	FailReason    string `json:"fail_reason"`
}

// reductionRequest builds the special-reduction query with bal encrypted by
// the client's preferred key.
func reductionRequest(t *testing.T, c *wechatpay.Client, outRequestNo, bal string) *wechatpay.Request {
	t.Helper()
	ct, serial, err := c.EncryptSensitive(bal)
	require.NoError(t, err)
	return &wechatpay.Request{
		Method:     http.MethodGet,
		Path:       reductionPath,
		PathParams: map[string]string{"out_request_no": outRequestNo},
		Query:      url.Values{"mchid": {wechatpaytest.TestMchID}, "bal_account_no": {ct}},
		Header:     http.Header{wechatpay.HeaderSerial: {serial}},
	}
}

func TestSpecialReduction(t *testing.T) {
	srv := wechatpaytest.Start(t)
	c := srv.Client()
	ctx := t.Context()

	t.Run("seed", func(t *testing.T) {
		var got reduction
		resp, err := c.DoV3(ctx, reductionRequest(t, c, wechatpaytest.SeedReductionNo, wechatpaytest.SeedBalAccountNo), &got)
		require.NoError(t, err)
		require.NotEmpty(t, resp.RequestID)
		require.Equal(t, srv.PublicKeyID(), resp.Header.Get(wechatpay.HeaderSerial))
		require.NotEqual(t, wechatpaytest.SeedBalAccountNo, got.BalAccountNo, "bal_account_no must be encrypted on the wire")
		plain, err := c.DecryptSensitive(got.BalAccountNo)
		require.NoError(t, err)
		require.Equal(t, wechatpaytest.SeedBalAccountNo, plain)
		got.BalAccountNo = plain
		one := int64(1)
		require.Equal(t, reduction{
			MchID: wechatpaytest.TestMchID, BalAccountNo: wechatpaytest.SeedBalAccountNo, OutRequestNo: wechatpaytest.SeedReductionNo,
			ReductionType: "JUDICIAL_DEDUCTION", Amount: &one, State: "SUCCESS", Reason: "司法案件号:202508080009",
			QuotaChangeNo: "m6a6dx8iit7m932dx03ue2lw2ofo2r88", SuccessTime: "2015-05-20T13:29:35+08:00",
		}, got)
	})

	t.Run("platform certificate key", func(t *testing.T) {
		// A merchant in migration holds both keys; this client names the
		// platform certificate.
		srv := wechatpaytest.Start(t, wechatpaytest.WithKeyMode(wechatpay.KeyModeBoth))
		pc := srv.Client(wechatpay.WithKeyMode(wechatpay.KeyModeCertificates))
		var got reduction
		resp, err := pc.DoV3(ctx, reductionRequest(t, pc, wechatpaytest.SeedReductionNo, wechatpaytest.SeedBalAccountNo), &got)
		require.NoError(t, err)
		require.Equal(t, srv.PlatformSerial(), resp.Header.Get(wechatpay.HeaderSerial), "answer signed with the key the request named")
		require.Equal(t, "SUCCESS", got.State)
	})

	t.Run("added failed reduction", func(t *testing.T) {
		failTime := time.Date(2025, 10, 9, 8, 0, 0, 0, time.UTC)
		srv.AddSpecialReduction(wechatpaytest.SpecialReduction{
			OutRequestNo: "failed-1", MchID: wechatpaytest.TestMchID, BalAccountNo: "acct-2",
			State: "FAILED", FailReason: "BALANCE_NOT_ENOUGH", FailTime: failTime,
		})
		var got reduction
		_, err := c.DoV3(ctx, reductionRequest(t, c, "failed-1", "acct-2"), &got)
		require.NoError(t, err)
		require.Equal(t, "FAILED", got.State)
		require.Equal(t, "BALANCE_NOT_ENOUGH", got.FailReason)
		require.Equal(t, "2025-10-09T16:00:00+08:00", got.FailTime)
		require.Nil(t, got.Amount)
		require.Empty(t, got.SuccessTime)
	})

	tests := []struct {
		name   string
		mutate func(r *wechatpay.Request)
		status int
		code   string
	}{
		{"unknown number", func(r *wechatpay.Request) { r.PathParams["out_request_no"] = "nope" }, 404, "RESOURCE_NOT_EXISTS"},
		{"other ledger", func(r *wechatpay.Request) {
			ct, _, err := c.EncryptSensitive("another-ledger")
			require.NoError(t, err)
			r.Query.Set("bal_account_no", ct)
		}, 404, "RESOURCE_NOT_EXISTS"},
		{"missing mchid", func(r *wechatpay.Request) { r.Query.Del("mchid") }, 400, "PARAM_ERROR"},
		{"missing bal_account_no", func(r *wechatpay.Request) { r.Query.Del("bal_account_no") }, 400, "PARAM_ERROR"},
		{"undecryptable", func(r *wechatpay.Request) { r.Query.Set("bal_account_no", "bm90IGEgY2lwaGVydGV4dA==") }, 400, "PARAM_ERROR"},
		{"serial names the other key", func(r *wechatpay.Request) { r.Header.Set(wechatpay.HeaderSerial, srv.PlatformSerial()) }, 400, "PARAM_ERROR"},
		{"serial names no key", func(r *wechatpay.Request) { r.Header.Set(wechatpay.HeaderSerial, "PUB_KEY_ID_0000") }, 400, "PARAM_ERROR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := reductionRequest(t, c, wechatpaytest.SeedReductionNo, wechatpaytest.SeedBalAccountNo)
			tt.mutate(req)
			_, err := c.DoV3(ctx, req, nil)
			apiErr := wechatpaytest.RequireAPIError(t, err, tt.status, tt.code)
			require.NotEmpty(t, apiErr.RequestID)
		})
	}

	t.Run("missing Wechatpay-Serial", func(t *testing.T) {
		// The client adds its preferred serial when none is set, so send
		// the request raw to leave the header out.
		rc := newRawClient(t, srv)
		ct, _, err := c.EncryptSensitive(wechatpaytest.SeedBalAccountNo)
		require.NoError(t, err)
		uri := "/v3/aggracct-bc/wb-channel/special-reduction/" + wechatpaytest.SeedReductionNo + "?" +
			url.Values{"mchid": {wechatpaytest.TestMchID}, "bal_account_no": {ct}}.Encode()
		status, body := rc.do(t, http.MethodGet, uri, nil, nil)
		require.Equal(t, http.StatusBadRequest, status)
		require.Contains(t, string(body), `"code":"PARAM_ERROR"`)
		require.Contains(t, string(body), "Wechatpay-Serial")
	})
}

func TestPunish(t *testing.T) {
	srv := wechatpaytest.Start(t)
	c := srv.Client()
	ctx := t.Context()
	type punishBody struct {
		OutRequestNo  string `json:"out_request_no,omitempty"`
		MchID         string `json:"mchid,omitempty"`
		BalAccountNo  string `json:"bal_account_no,omitempty"`
		PunishScene   *int64 `json:"punish_scene,omitempty"`
		PunishReason  string `json:"punish_reason,omitempty"`
		PunishEndTime string `json:"punish_end_time,omitempty"`
	}
	scene := int64(1)
	punish := func(b punishBody) (map[string]string, error) {
		serial := ""
		if b.BalAccountNo != "" {
			var err error
			b.BalAccountNo, serial, err = c.EncryptSensitive(b.BalAccountNo)
			require.NoError(t, err)
		}
		req := &wechatpay.Request{Method: http.MethodPost, Path: punishPath, Body: b, Idempotent: true}
		if serial != "" {
			req.Header = http.Header{wechatpay.HeaderSerial: {serial}}
		}
		var out map[string]string
		_, err := c.DoV3(ctx, req, &out)
		return out, err
	}
	base := punishBody{
		OutRequestNo: "WBPUNISH20251009000001", MchID: wechatpaytest.TestMchID, BalAccountNo: wechatpaytest.SeedBalAccountNo,
		PunishScene: &scene, PunishReason: "测试用管控原因", PunishEndTime: "2025-12-31T23:59:59+08:00",
	}

	first, err := punish(base)
	require.NoError(t, err)
	require.Equal(t, base.OutRequestNo, first["out_request_no"])
	require.NotEmpty(t, first["wxpay_punish_no"])

	// Same number and body (new OAEP ciphertext): same control order.
	again, err := punish(base)
	require.NoError(t, err)
	require.Equal(t, first, again)

	// Same number, other body: rejected.
	other := base
	other.PunishReason = "另一个原因"
	_, err = punish(other)
	wechatpaytest.RequireAPIError(t, err, 400, "PARAM_ERROR")

	// A new number gets a new control order.
	second := base
	second.OutRequestNo = "WBPUNISH20251009000002"
	second.PunishEndTime = ""
	out2, err := punish(second)
	require.NoError(t, err)
	require.NotEqual(t, first["wxpay_punish_no"], out2["wxpay_punish_no"])

	got := srv.Punishments()
	require.Len(t, got, 2)
	require.Equal(t, wechatpaytest.Punishment{
		OutRequestNo: base.OutRequestNo, MchID: wechatpaytest.TestMchID, BalAccountNo: wechatpaytest.SeedBalAccountNo,
		PunishScene: 1, PunishReason: "测试用管控原因", PunishEndTime: "2025-12-31T23:59:59+08:00",
		WxpayPunishNo: first["wxpay_punish_no"],
	}, got[0])
	require.Equal(t, second.OutRequestNo, got[1].OutRequestNo)

	for _, tt := range []struct {
		name   string
		mutate func(b *punishBody)
		field  string
	}{
		{"no out_request_no", func(b *punishBody) { b.OutRequestNo = "" }, "/out_request_no"},
		{"no mchid", func(b *punishBody) { b.MchID = "" }, "/mchid"},
		{"no bal_account_no", func(b *punishBody) { b.BalAccountNo = "" }, "/bal_account_no"},
		{"no punish_scene", func(b *punishBody) { b.PunishScene = nil }, "/punish_scene"},
		{"bad end time", func(b *punishBody) { b.PunishEndTime = "tomorrow" }, "/punish_end_time"},
		{"long number", func(b *punishBody) { b.OutRequestNo = strings.Repeat("9", 65) }, "/out_request_no"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := base
			b.OutRequestNo = "WBPUNISH-" + strings.ReplaceAll(tt.name, " ", "-")
			tt.mutate(&b)
			_, err := punish(b)
			apiErr := wechatpaytest.RequireAPIError(t, err, 400, "PARAM_ERROR")
			var detail map[string]string
			require.NoError(t, json.Unmarshal(apiErr.Detail, &detail))
			require.Equal(t, tt.field, detail["field"])
			require.Equal(t, "body", detail["location"])
		})
	}

	t.Run("not JSON", func(t *testing.T) {
		_, err := c.DoV3(ctx, &wechatpay.Request{Method: http.MethodPost, Path: punishPath, Body: []byte("{")}, nil)
		wechatpaytest.RequireAPIError(t, err, 400, "PARAM_ERROR")
	})
	require.Len(t, srv.Punishments(), 2, "rejected requests are not recorded")
}

func TestProfitSharing(t *testing.T) {
	srv := wechatpaytest.Start(t)
	c := srv.Client()
	ctx := t.Context()
	type receiver struct {
		Amount             int64  `json:"amount"`
		Currency           string `json:"currency"`
		Type               string `json:"type"`
		Account            string `json:"account"`
		Result             string `json:"result"`
		CreateTime         string `json:"create_time"`
		FinishTime         string `json:"finish_time"`
		DetailType         string `json:"detail_type"`
		SettlementCurrency string `json:"settlement_currency"`
		SettlementAmount   int64  `json:"settlement_amount"`
		RateValue          int64  `json:"rate_value"`
	}
	type order struct {
		SubMchID      string     `json:"sub_mchid"`
		TransactionID string     `json:"transaction_id"`
		OutOrderNo    string     `json:"out_order_no"`
		OrderID       string     `json:"order_id"`
		State         string     `json:"state"`
		Receivers     []receiver `json:"receivers"`
	}
	query := func(outOrderNo string, q url.Values) (*order, error) {
		var o order
		_, err := c.DoV3(ctx, &wechatpay.Request{
			Method: http.MethodGet, Path: profitSharingPath, Global: true,
			PathParams: map[string]string{"out_order_no": outOrderNo}, Query: q,
		}, &o)
		return &o, err
	}
	seedQuery := url.Values{"sub_mchid": {wechatpaytest.SeedSubMchID}, "transaction_id": {wechatpaytest.SeedTransactionID}}

	o, err := query(wechatpaytest.SeedOutOrderNo, seedQuery)
	require.NoError(t, err)
	require.Equal(t, wechatpaytest.SeedOutOrderNo, o.OutOrderNo)
	require.Equal(t, wechatpaytest.SeedSubMchID, o.SubMchID)
	require.Equal(t, wechatpaytest.SeedTransactionID, o.TransactionID)
	require.Equal(t, "7100000751202203238026613597498", o.OrderID)
	require.Equal(t, "PROCESSING", o.State)
	require.Len(t, o.Receivers, 3)
	require.Equal(t, receiver{
		Amount: 797, Currency: "CNY", Type: "MERCHANT_ID", Account: "999952224", Result: "PENDING",
		CreateTime: "2022-03-23T17:10:13+08:00", DetailType: "UNFREEZE_TO_SPONSOR",
		SettlementCurrency: "HKD", SettlementAmount: 952, RateValue: 83640300,
	}, o.Receivers[0])
	require.Zero(t, o.Receivers[1].RateValue)

	_, err = query("P-unknown", seedQuery)
	wechatpaytest.RequireAPIError(t, err, 404, "RESOURCE_NOT_EXISTS")
	_, err = query(wechatpaytest.SeedOutOrderNo, url.Values{"sub_mchid": {wechatpaytest.SeedSubMchID}, "transaction_id": {"4200000000000000000000000000"}})
	wechatpaytest.RequireAPIError(t, err, 404, "RESOURCE_NOT_EXISTS")
	_, err = query(wechatpaytest.SeedOutOrderNo, url.Values{"sub_mchid": {wechatpaytest.SeedSubMchID}})
	wechatpaytest.RequireAPIError(t, err, 400, "PARAM_ERROR")

	finished := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	srv.AddProfitSharingOrder(wechatpaytest.ProfitSharingOrder{
		TransactionID: "4200000000000000000000000001", OutOrderNo: "ORDER-2", OrderID: "71-2", State: "FINISHED",
		Receivers: []wechatpaytest.ProfitSharingReceiver{{
			Currency: "CNY", Amount: 10, Type: "PERSONAL_OPENID", Account: "openid-1", Result: "SUCCESS",
			CreateTime: finished.Add(-time.Minute), FinishTime: finished, DetailType: "DISTRIBUTE_TO_OTHERS",
		}},
	})
	o, err = query("ORDER-2", url.Values{"transaction_id": {"4200000000000000000000000001"}})
	require.NoError(t, err)
	require.Empty(t, o.SubMchID)
	require.Equal(t, "FINISHED", o.State)
	require.Equal(t, "2025-01-02T11:04:05+08:00", o.Receivers[0].FinishTime)
}

func TestCertificates(t *testing.T) {
	srv := wechatpaytest.Start(t, wechatpaytest.WithKeyMode(wechatpay.KeyModeCertificates))
	c := srv.Client()
	var out struct {
		Data []struct {
			SerialNo           string `json:"serial_no"`
			EffectiveTime      string `json:"effective_time"`
			ExpireTime         string `json:"expire_time"`
			EncryptCertificate struct {
				Algorithm      string `json:"algorithm"`
				Nonce          string `json:"nonce"`
				AssociatedData string `json:"associated_data"`
				Ciphertext     string `json:"ciphertext"`
			} `json:"encrypt_certificate"`
		} `json:"data"`
	}
	_, err := c.DoV3(t.Context(), &wechatpay.Request{Method: http.MethodGet, Path: "/v3/certificates"}, &out)
	require.NoError(t, err)
	require.Len(t, out.Data, 1)
	d := out.Data[0]
	require.Equal(t, srv.PlatformSerial(), d.SerialNo)
	require.Equal(t, "AEAD_AES_256_GCM", d.EncryptCertificate.Algorithm)
	plain, err := wxcrypto.OpenAESGCM([]byte(wechatpaytest.TestAPIv3Key), []byte(d.EncryptCertificate.Nonce),
		[]byte(d.EncryptCertificate.AssociatedData), d.EncryptCertificate.Ciphertext)
	require.NoError(t, err)
	cert, err := wxcrypto.LoadCertificate(plain)
	require.NoError(t, err)
	require.Equal(t, srv.PlatformSerial(), wxcrypto.CertificateSerial(cert))
}

func redPackRequest(mchID, billNo string) *wechatpay.V2Request {
	return &wechatpay.V2Request{
		Path:       redPackPath,
		Params:     map[string]string{"mch_billno": billNo, "mch_id": mchID, "appid": wechatpaytest.TestAppID},
		Secure:     true,
		Idempotent: true,
	}
}

func TestRedPacket(t *testing.T) {
	srv := wechatpaytest.Start(t)
	c := srv.Client()
	ctx := t.Context()

	for _, mchID := range []string{"10000098", wechatpaytest.TestMchID} {
		t.Run("seed "+mchID, func(t *testing.T) {
			fields, _, err := c.DoV2(ctx, redPackRequest(mchID, wechatpaytest.SeedMchBillNo))
			require.NoError(t, err)
			require.Equal(t, "RECEIVED", fields["status"])
			require.Equal(t, mchID, fields["mch_id"])
			require.Equal(t, "5000", fields["total_amount"])
			require.Equal(t, "2025-10-09 16:01:30", fields["rcv_time"])
			require.Equal(t, "XX活动", fields["sender_name"])
			require.Len(t, fields["sign"], 32)
		})
	}

	t.Run("sign_type is a sign error", func(t *testing.T) {
		// The endpoint documents no sign_type, and WeChat Pay answers one
		// with a signature error, whatever its value and however the
		// request was signed.
		var buf sdktest.Buffer
		logged := wechatpaytest.Start(t, wechatpaytest.WithLogger(slog.New(slog.NewTextHandler(&buf, nil))))
		lc := logged.Client()
		for _, tt := range []struct {
			name     string
			signType wxcrypto.SignType
			param    string
		}{
			{"HMAC-SHA256", wxcrypto.SignTypeHMACSHA256, ""},
			{"MD5", wxcrypto.SignTypeMD5, ""},
			{"MD5 parameter, MD5 sign", "", "MD5"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				req := redPackRequest("10000098", wechatpaytest.SeedMchBillNo)
				req.SignType = tt.signType
				if tt.param != "" {
					req.Params["sign_type"] = tt.param
				}
				fields, _, err := lc.DoV2(ctx, req)
				require.Nil(t, fields)
				var apiErr *wechatpay.APIError
				require.ErrorAs(t, err, &apiErr)
				require.Equal(t, "FAIL", apiErr.ReturnCode)
				require.True(t, strings.HasPrefix(apiErr.Message, "签名错误"), apiErr.Message)
			})
		}
		require.Contains(t, buf.String(), `verdict="sign_error: sign_type \"HMAC-SHA256\" sent; this endpoint documents none"`)
		require.Contains(t, buf.String(), `verdict="sign_error: sign_type \"MD5\" sent; this endpoint documents none"`)
		require.NotContains(t, buf.String(), "verdict=ok")

		// An empty sign_type is an empty parameter, left out of the sign
		// like any other.
		req := redPackRequest("10000098", wechatpaytest.SeedMchBillNo)
		req.Params["sign_type"] = ""
		fields, _, err := lc.DoV2(ctx, req)
		require.NoError(t, err)
		require.Len(t, fields["sign"], 32)
	})

	t.Run("not found", func(t *testing.T) {
		_, _, err := c.DoV2(ctx, redPackRequest("10000098", "10000098201411111234567899"))
		var apiErr *wechatpay.APIError
		require.ErrorAs(t, err, &apiErr)
		require.Equal(t, "NOT_FOUND", apiErr.ErrCode)
	})

	t.Run("wrong appid", func(t *testing.T) {
		req := redPackRequest("10000098", wechatpaytest.SeedMchBillNo)
		req.Params["appid"] = "wx8888888888888888"
		_, _, err := c.DoV2(ctx, req)
		var apiErr *wechatpay.APIError
		require.ErrorAs(t, err, &apiErr)
		require.Equal(t, "NOT_FOUND", apiErr.ErrCode)
	})

	t.Run("added", func(t *testing.T) {
		srv.AddWorkWxRedPacket(wechatpaytest.WorkWxRedPacket{
			MchBillNo: "BILL-2", MchID: wechatpaytest.TestMchID, AppID: wechatpaytest.TestAppID,
			DetailID: "D2", Status: "REFUND", SendType: "API", TotalAmount: 100, RefundAmount: 100,
			SendTime: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), RefundTime: time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC),
		})
		fields, _, err := c.DoV2(ctx, redPackRequest(wechatpaytest.TestMchID, "BILL-2"))
		require.NoError(t, err)
		require.Equal(t, "REFUND", fields["status"])
		require.Equal(t, "2025-01-01 08:00:00", fields["send_time"])
		require.Equal(t, "100", fields["refund_amount"])
		require.NotContains(t, fields, "openid")
	})

	t.Run("missing field", func(t *testing.T) {
		req := redPackRequest("10000098", wechatpaytest.SeedMchBillNo)
		delete(req.Params, "appid")
		_, _, err := c.DoV2(ctx, req)
		var apiErr *wechatpay.APIError
		require.ErrorAs(t, err, &apiErr)
		require.Equal(t, "PARAM_ERROR", apiErr.ErrCode)
	})

	t.Run("bad sign", func(t *testing.T) {
		other := srv.Client(wechatpay.WithAPIv2Key("WrongApiV2Key0000000000000000000"))
		_, _, err := other.DoV2(ctx, redPackRequest("10000098", wechatpaytest.SeedMchBillNo))
		var apiErr *wechatpay.APIError
		require.ErrorAs(t, err, &apiErr)
		require.Equal(t, "FAIL", apiErr.ReturnCode)
		require.Contains(t, apiErr.Message, "签名错误")
	})

	t.Run("no client certificate", func(t *testing.T) {
		noCert := srv.Client(wechatpay.WithMerchantCertificate(nil))
		req := redPackRequest("10000098", wechatpaytest.SeedMchBillNo)
		req.Secure = false // the SDK refuses to call a secure endpoint without one
		_, _, err := noCert.DoV2(ctx, req)
		var apiErr *wechatpay.APIError
		require.ErrorAs(t, err, &apiErr)
		require.Equal(t, "FAIL", apiErr.ReturnCode)
		require.Contains(t, apiErr.Message, "CA_ERROR")
	})

	t.Run("another merchant's certificate", func(t *testing.T) {
		fresh := wechatpaytest.Start(t, wechatpaytest.WithFreshKeys())
		roots := x509.NewCertPool()
		roots.AddCert(srv.CACertificate())
		stranger := fresh.Client(wechatpay.WithBaseURL(srv.URL), wechatpay.WithRootCAs(roots),
			wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 1}))
		_, _, err := stranger.DoV2(ctx, redPackRequest("10000098", wechatpaytest.SeedMchBillNo))
		// The server asks only for certificates of the merchant's CA, so
		// Go's TLS client presents none.
		var apiErr *wechatpay.APIError
		require.ErrorAs(t, err, &apiErr)
		require.Contains(t, apiErr.Message, "CA_ERROR")
	})
}

// rawClient sends hand-made requests to the emulator.
type rawClient struct {
	srv *wechatpaytest.Server
	hc  *http.Client
	key *rsa.PrivateKey
}

func newRawClient(t *testing.T, srv *wechatpaytest.Server) *rawClient {
	t.Helper()
	roots := x509.NewCertPool()
	roots.AddCert(srv.CACertificate())
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}
	t.Cleanup(tr.CloseIdleConnections)
	key, err := wxcrypto.LoadPrivateKeyFile("testkeys/merchant_test_key.pem")
	require.NoError(t, err)
	return &rawClient{srv: srv, hc: &http.Client{Transport: tr}, key: key}
}

// authorization signs a request with the fixed merchant key and returns
// the five parameters in the SDK's order.
func (rc *rawClient) authorization(t *testing.T, method, uri string, body []byte, ts int64) []string {
	t.Helper()
	signer, err := wechatpay.NewSigner(wechatpaytest.TestMchID, rc.srv.MerchantSerial(), rc.key)
	require.NoError(t, err)
	auth, err := signer.Authorization(method, uri, body, ts, "NONCE0123456789")
	require.NoError(t, err)
	return strings.Split(strings.TrimPrefix(auth, wechatpay.AuthScheme+" "), ",")
}

func (rc *rawClient) do(t *testing.T, method, uri string, body []byte, header http.Header) (int, []byte) {
	t.Helper()
	status, _, data := rc.doHeader(t, method, uri, body, header)
	return status, data
}

// doHeader is do, returning the answer's header as well.
func (rc *rawClient) doHeader(t *testing.T, method, uri string, body []byte, header http.Header) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, rc.srv.URL+uri, bytes.NewReader(body))
	require.NoError(t, err)
	if header != nil {
		req.Header = header
	}
	if req.Header.Get("Authorization") == "" {
		params := rc.authorization(t, method, uri, body, time.Now().Unix())
		req.Header.Set("Authorization", wechatpay.AuthScheme+" "+strings.Join(params, ","))
	}
	resp, err := rc.hc.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, data
}

func TestAuthenticationRejects(t *testing.T) {
	srv := wechatpaytest.Start(t)
	ctx := t.Context()
	otherKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	key, err := wxcrypto.LoadPrivateKeyFile("testkeys/merchant_test_key.pem")
	require.NoError(t, err)

	tests := []struct {
		name   string
		opts   []wechatpay.Option
		reason string
	}{
		{"another merchant key", []wechatpay.Option{
			wechatpay.WithMerchantCertificate(nil),
			wechatpay.WithMerchant(wechatpaytest.TestMchID, srv.MerchantSerial(), otherKey),
		}, "signature does not verify"},
		{"stale timestamp", []wechatpay.Option{
			wechatpay.WithClock(func() time.Time { return time.Now().Add(-10 * time.Minute) }),
		}, "stale timestamp"},
		{"future timestamp", []wechatpay.Option{
			wechatpay.WithClock(func() time.Time { return time.Now().Add(6 * time.Minute) }),
		}, "stale timestamp"},
		{"wrong serial", []wechatpay.Option{
			wechatpay.WithMerchantCertificate(nil),
			wechatpay.WithMerchant(wechatpaytest.TestMchID, "0102030405060708090A0B0C0D0E0F1011121314", key),
		}, "serial_no"},
		{"wrong mchid", []wechatpay.Option{
			wechatpay.WithMerchantCertificate(nil),
			wechatpay.WithMerchant("1900000001", srv.MerchantSerial(), key),
		}, "mchid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := srv.Client(tt.opts...)
			_, err := c.DoV3(ctx, reductionRequest(t, c, wechatpaytest.SeedReductionNo, wechatpaytest.SeedBalAccountNo), nil)
			apiErr := wechatpaytest.RequireAPIError(t, err, 401, "SIGN_ERROR")
			require.NotEmpty(t, apiErr.RequestID)
			require.Contains(t, apiErr.Message, tt.reason)
		})
	}
}

func TestAuthorizationForms(t *testing.T) {
	srv := wechatpaytest.Start(t, wechatpaytest.WithKeyMode(wechatpay.KeyModeCertificates)) // serves /v3/certificates
	rc := newRawClient(t, srv)
	uri := "/v3/certificates"
	params := rc.authorization(t, http.MethodGet, uri, nil, time.Now().Unix())
	reversed := make([]string, len(params))
	for i, p := range params {
		reversed[len(params)-1-i] = p
	}
	tests := []struct {
		name   string
		header string
		status int
	}{
		{"SDK order", wechatpay.AuthScheme + " " + strings.Join(params, ","), 200},
		{"any order", wechatpay.AuthScheme + " " + strings.Join(reversed, ","), 200},
		{"spaces after commas", wechatpay.AuthScheme + "  " + strings.Join(reversed, ", "), 200},
		{"duplicate", wechatpay.AuthScheme + " " + strings.Join(append(params, params[0]), ","), 401},
		{"missing", wechatpay.AuthScheme + " " + strings.Join(params[1:], ","), 401},
		{"other scheme", "WECHATPAY2-SHA256-RSA4096 " + strings.Join(params, ","), 401},
		{"unquoted", wechatpay.AuthScheme + " " + strings.ReplaceAll(strings.Join(params, ","), `"`, ""), 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := rc.do(t, http.MethodGet, uri, nil, http.Header{"Authorization": {tt.header}})
			require.Equal(t, tt.status, status, string(body))
			if tt.status == 401 {
				require.Contains(t, string(body), `"code":"SIGN_ERROR"`)
			}
		})
	}

	t.Run("signature covers the exact request target", func(t *testing.T) {
		// Signed for one percent-encoding, sent with another.
		signed := "/v3/global/profit-sharing/orders/" + wechatpaytest.SeedOutOrderNo + "?sub_mchid=" + wechatpaytest.SeedSubMchID + "&transaction_id=" + wechatpaytest.SeedTransactionID
		sent := "/v3/global/profit-sharing/orders/%50" + wechatpaytest.SeedOutOrderNo[1:] + "?sub_mchid=" + wechatpaytest.SeedSubMchID + "&transaction_id=" + wechatpaytest.SeedTransactionID
		auth := wechatpay.AuthScheme + " " + strings.Join(rc.authorization(t, http.MethodGet, signed, nil, time.Now().Unix()), ",")
		status, _ := rc.do(t, http.MethodGet, sent, nil, http.Header{"Authorization": {auth}})
		require.Equal(t, http.StatusUnauthorized, status)
		status, _ = rc.do(t, http.MethodGet, signed, nil, http.Header{"Authorization": {auth}})
		require.Equal(t, http.StatusOK, status)
	})

	t.Run("body is signed", func(t *testing.T) {
		body := []byte(`{"out_request_no":"x"}`)
		auth := wechatpay.AuthScheme + " " + strings.Join(rc.authorization(t, http.MethodPost, punishPath, body, time.Now().Unix()), ",")
		status, _ := rc.do(t, http.MethodPost, punishPath, []byte(`{"out_request_no":"y"}`),
			http.Header{"Authorization": {auth}, "Content-Type": {"application/json"}})
		require.Equal(t, http.StatusUnauthorized, status)
	})
}

func TestRouting(t *testing.T) {
	srv := wechatpaytest.Start(t)
	rc := newRawClient(t, srv)
	status, body := rc.do(t, http.MethodGet, "/v3/no/such/api?x=1", nil, nil)
	require.Equal(t, http.StatusNotFound, status)
	require.Contains(t, string(body), `"code"`)
	var answer struct{ Code, Message string }
	require.NoError(t, json.Unmarshal(body, &answer))
	require.Equal(t, "NOT_FOUND", answer.Code)
	require.Contains(t, answer.Message, "GET /v3/no/such/api is not emulated", "the route is named, not taken for a missing record")
	require.Contains(t, answer.Message, "HandleV3")
	require.NotContains(t, answer.Message, "x=1")
	status, body = rc.do(t, http.MethodPost, "/pay/unifiedorder", []byte("<xml></xml>"), nil)
	require.Equal(t, http.StatusNotFound, status)
	require.Contains(t, string(body), "POST /pay/unifiedorder is not emulated")

	status, _ = rc.do(t, http.MethodPost, "/v3/certificates", nil, nil)
	require.Equal(t, http.StatusMethodNotAllowed, status)
	// GET on the punish path is the control-order query of number
	// "punish" (GET control-orders/{out_request_no}); PUT is no route's.
	status, _ = rc.do(t, http.MethodPut, punishPath, nil, nil)
	require.Equal(t, http.StatusMethodNotAllowed, status)
	status, _ = rc.do(t, http.MethodGet, redPackPath, nil, nil)
	require.Equal(t, http.StatusMethodNotAllowed, status)
	require.Equal(t, 5, srv.Requests())
}

func TestFaults(t *testing.T) {
	srv := wechatpaytest.Start(t)
	c := srv.Client(wechatpaytest.FastRetry())
	ctx := t.Context()
	query := func() (*wechatpay.Response, error) {
		var out reduction
		return c.DoV3(ctx, reductionRequest(t, c, wechatpaytest.SeedReductionNo, wechatpaytest.SeedBalAccountNo), &out)
	}

	t.Run("signature faults", func(t *testing.T) {
		for _, tt := range wechatpaytest.AnswerFaults {
			srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIQuerySpecialReduction, Kind: tt.Kind, Count: 1})
			_, err := query()
			require.ErrorIs(t, err, tt.Sentinel, tt.Kind.String())
			require.ErrorIs(t, err, wechatpay.ErrInvalidSignature)
			_, err = query()
			require.NoError(t, err, "the fault applied to one request only")
		}
	})

	t.Run("429 until cleared", func(t *testing.T) {
		srv.InjectFault(wechatpaytest.Fault{Kind: wechatpaytest.FaultRateLimited})
		before := srv.Requests()
		resp, err := query()
		wechatpaytest.RequireAPIError(t, err, http.StatusTooManyRequests, "FREQUENCY_LIMITED")
		require.Equal(t, 3, resp.Attempts)
		require.Equal(t, before+3, srv.Requests())
		srv.ClearFaults()
		_, err = query()
		require.NoError(t, err)
	})

	t.Run("500 then recovery", func(t *testing.T) {
		srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIQuerySpecialReduction, Kind: wechatpaytest.FaultSystemError, Count: 1})
		resp, err := query()
		require.NoError(t, err)
		require.Equal(t, 2, resp.Attempts)

		srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIQuerySpecialReduction, Kind: wechatpaytest.FaultSystemError, Count: 3})
		_, err = query()
		wechatpaytest.RequireAPIError(t, err, http.StatusInternalServerError, "SYSTEM_ERROR")
	})

	t.Run("other API unaffected", func(t *testing.T) {
		srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIPunish, Kind: wechatpaytest.FaultSystemError, Count: 1})
		_, err := query()
		require.NoError(t, err)
		srv.ClearFaults()
	})

	t.Run("dropped connection", func(t *testing.T) {
		srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIQuerySpecialReduction, Kind: wechatpaytest.FaultDropConnection})
		defer srv.ClearFaults()
		_, err := query()
		var tErr *wechatpay.TransportError
		require.ErrorAs(t, err, &tErr)
	})

	t.Run("delay", func(t *testing.T) {
		srv.InjectFault(wechatpaytest.Fault{Kind: wechatpaytest.FaultDelay, Delay: 200 * time.Millisecond, Count: 1})
		start := time.Now()
		_, err := query()
		require.NoError(t, err)
		require.GreaterOrEqual(t, time.Since(start), 200*time.Millisecond)

		srv.InjectFault(wechatpaytest.Fault{Kind: wechatpaytest.FaultDelay, Delay: time.Minute, Count: 1})
		short := srv.Client(wechatpay.WithTimeout(100*time.Millisecond), wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 1}))
		_, err = short.DoV3(ctx, reductionRequest(t, short, wechatpaytest.SeedReductionNo, wechatpaytest.SeedBalAccountNo), nil)
		require.ErrorIs(t, err, context.DeadlineExceeded)
	})

	t.Run("v2", func(t *testing.T) {
		srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIQueryWorkWxRedPacket, Kind: wechatpaytest.FaultSystemError})
		_, resp, err := c.DoV2(ctx, redPackRequest("10000098", wechatpaytest.SeedMchBillNo))
		var apiErr *wechatpay.APIError
		require.ErrorAs(t, err, &apiErr)
		require.Equal(t, "SYSTEMERROR", apiErr.ErrCode)
		require.Equal(t, 3, resp.Attempts)
		srv.ClearFaults()

		for _, kind := range []wechatpaytest.FaultKind{wechatpaytest.FaultTamperedBody, wechatpaytest.FaultProbeSignature} {
			srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIQueryWorkWxRedPacket, Kind: kind, Count: 1})
			_, _, err = c.DoV2(ctx, redPackRequest("10000098", wechatpaytest.SeedMchBillNo))
			require.ErrorIs(t, err, wechatpay.ErrV2Sign, kind.String())
		}

		srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIQueryWorkWxRedPacket, Kind: wechatpaytest.FaultRateLimited, Count: 3})
		_, resp, err = c.DoV2(ctx, redPackRequest("10000098", wechatpaytest.SeedMchBillNo))
		require.ErrorAs(t, err, &apiErr)
		require.Equal(t, "FREQ_LIMIT", apiErr.ErrCode)
		require.Equal(t, 3, resp.Attempts, "FREQ_LIMIT is retried within the budget")
	})
}

func TestNotifications(t *testing.T) {
	srv := wechatpaytest.Start(t)
	c := srv.Client()
	type transaction struct {
		MchID        string `json:"mchid"`
		OutTradeNo   string `json:"out_trade_no"`
		TradeState   string `json:"trade_state"`
		SuccessTime  string `json:"success_time"`
		AmountTotal  int64  `json:"amount_total"`
		PayerOpenID  string `json:"payer_openid"`
		Description  string `json:"description"`
		InternalNote string `json:"internal_note"`
	}
	want := transaction{MchID: wechatpaytest.TestMchID, OutTradeNo: "T-1", TradeState: "SUCCESS", AmountTotal: 100, Description: "<测试>&"}

	type envelope struct {
		ID           string `json:"id"`
		CreateTime   string `json:"create_time"`
		EventType    string `json:"event_type"`
		ResourceType string `json:"resource_type"`
		Summary      string `json:"summary"`
		Resource     struct {
			Algorithm      string `json:"algorithm"`
			Ciphertext     string `json:"ciphertext"`
			AssociatedData string `json:"associated_data"`
			OriginalType   string `json:"original_type"`
			Nonce          string `json:"nonce"`
		} `json:"resource"`
	}
	var mu sync.Mutex
	var ids []string
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, `{"code":"FAIL","message":"read"}`, http.StatusBadRequest)
			return
		}
		if err := c.Verifier().Verify(r.Header, body); err != nil {
			http.Error(w, `{"code":"FAIL","message":"signature"}`, http.StatusUnauthorized)
			return
		}
		var env envelope
		if err := json.Unmarshal(body, &env); err != nil {
			http.Error(w, `{"code":"FAIL","message":"json"}`, http.StatusBadRequest)
			return
		}
		plain, err := wxcrypto.OpenAESGCM([]byte(wechatpaytest.TestAPIv3Key), []byte(env.Resource.Nonce), []byte(env.Resource.AssociatedData), env.Resource.Ciphertext)
		if err != nil {
			http.Error(w, `{"code":"FAIL","message":"decrypt"}`, http.StatusBadRequest)
			return
		}
		var got transaction
		if err := json.Unmarshal(plain, &got); err != nil || got != want ||
			env.EventType != "TRANSACTION.SUCCESS" || env.ResourceType != "encrypt-resource" ||
			env.Resource.Algorithm != "AEAD_AES_256_GCM" || env.Resource.OriginalType != "transaction" ||
			env.Resource.AssociatedData != "transaction" || len(env.Resource.Nonce) != 12 ||
			env.Summary != "支付成功" || len(env.ID) != 36 {
			http.Error(w, `{"code":"FAIL","message":"content"}`, http.StatusBadRequest)
			return
		}
		if _, err := time.Parse(time.RFC3339, env.CreateTime); err != nil {
			http.Error(w, `{"code":"FAIL","message":"create_time"}`, http.StatusBadRequest)
			return
		}
		mu.Lock()
		ids = append(ids, env.ID)
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	})
	merchant := httptest.NewServer(handler)
	defer merchant.Close()

	for range 2 {
		resp, err := srv.SendNotification(t.Context(), merchant.URL+"/notify", "TRANSACTION.SUCCESS", want)
		require.NoError(t, err)
		msg, _ := io.ReadAll(resp.Body)
		require.NoError(t, resp.Body.Close())
		require.Equal(t, http.StatusNoContent, resp.StatusCode, string(msg))
	}
	require.Len(t, ids, 2)
	require.NotEqual(t, ids[0], ids[1], "every notification has its own id")

	t.Run("https receiver", func(t *testing.T) {
		tlsMerchant := httptest.NewTLSServer(handler)
		defer tlsMerchant.Close()
		notifier := wechatpaytest.Start(t, wechatpaytest.WithNotificationClient(tlsMerchant.Client()))
		resp, err := notifier.SendNotification(t.Context(), tlsMerchant.URL, "TRANSACTION.SUCCESS", want)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		require.Equal(t, http.StatusNoContent, resp.StatusCode)
	})

	t.Run("signed body is exact", func(t *testing.T) {
		h, body, err := srv.SignNotification("REFUND.SUCCESS", json.RawMessage(`{"refund_id":"R1"}`))
		require.NoError(t, err)
		require.NoError(t, c.Verifier().Verify(h, body))
		require.Equal(t, srv.PublicKeyID(), h.Get(wechatpay.HeaderSerial))
		tampered := bytes.Replace(body, []byte("REFUND.SUCCESS"), []byte("REFUND.CLOSED!"), 1)
		require.ErrorIs(t, c.Verifier().Verify(h, tampered), wechatpay.ErrBadSignature)
		_, _, err = srv.SignNotification("", nil)
		require.Error(t, err)
	})
}

func TestWriteCredentials(t *testing.T) {
	srv := wechatpaytest.Start(t)
	require.Empty(t, srv.Credentials().Dir)
	dir := filepath.Join(t.TempDir(), "creds")
	path, err := srv.WriteCredentials(dir)
	require.NoError(t, err)
	require.Equal(t, filepath.Join(dir, wechatpay.CredentialsFileName), path)

	cr, err := wechatpay.LoadCredentials(path)
	require.NoError(t, err)
	want := srv.Credentials()
	require.Equal(t, dir, want.Dir)
	require.Equal(t, want, cr)
	require.Equal(t, srv.URL, cr.BaseURL)
	info, err := os.Stat(filepath.Join(dir, cr.MerchantPrivateKeyFile))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	c, err := wechatpay.NewClientFromFile(path, wechatpaytest.FastRetry())
	require.NoError(t, err)
	defer c.Close()
	var got reduction
	_, err = c.DoV3(t.Context(), reductionRequest(t, c, wechatpaytest.SeedReductionNo, wechatpaytest.SeedBalAccountNo), &got)
	require.NoError(t, err)
	require.Equal(t, "SUCCESS", got.State)
	fields, _, err := c.DoV2(t.Context(), redPackRequest("10000098", wechatpaytest.SeedMchBillNo))
	require.NoError(t, err)
	require.Equal(t, "RECEIVED", fields["status"])
}

func TestFreshKeys(t *testing.T) {
	fixed := wechatpaytest.Start(t)
	srv := wechatpaytest.Start(t, wechatpaytest.WithFreshKeys())
	require.Len(t, srv.MerchantSerial(), 40)
	require.NotEqual(t, fixed.MerchantSerial(), srv.MerchantSerial())
	require.NotEqual(t, fixed.PlatformSerial(), srv.PlatformSerial())
	require.False(t, fixed.MerchantPublicKey().Equal(srv.MerchantPublicKey()))
	require.Equal(t, "1900016681", srv.MchID())
	require.Equal(t, "wxe062425f740d30d8", srv.AppID())
	require.Equal(t, "PUB_KEY_ID_0114232134912410000000000000", srv.PublicKeyID())

	c := srv.Client()
	var got reduction
	_, err := c.DoV3(t.Context(), reductionRequest(t, c, wechatpaytest.SeedReductionNo, wechatpaytest.SeedBalAccountNo), &got)
	require.NoError(t, err)
	require.Equal(t, "SUCCESS", got.State)
	_, _, err = c.DoV2(t.Context(), redPackRequest("10000098", wechatpaytest.SeedMchBillNo))
	require.NoError(t, err)

	// The fixed server's client does not hold the fresh keys.
	stranger := fixed.Client(wechatpay.WithBaseURL(srv.URL), wechatpay.WithRootCAs(poolOf(srv.CACertificate())))
	_, err = stranger.DoV3(t.Context(), reductionRequest(t, stranger, wechatpaytest.SeedReductionNo, wechatpaytest.SeedBalAccountNo), nil)
	wechatpaytest.RequireAPIError(t, err, 401, "SIGN_ERROR")
}

func poolOf(cert *x509.Certificate) *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(cert)
	return p
}

func TestKeyDir(t *testing.T) {
	dir := t.TempDir()
	first, err := wechatpaytest.Listen(wechatpaytest.WithKeyDir(dir))
	require.NoError(t, err)
	first.Close()
	second := wechatpaytest.Start(t, wechatpaytest.WithKeyDir(dir))
	require.Equal(t, first.MerchantSerial(), second.MerchantSerial())
	require.Equal(t, first.PlatformSerial(), second.PlatformSerial())
	require.True(t, first.MerchantPublicKey().Equal(second.MerchantPublicKey()))
	c := second.Client()
	_, err = c.DoV3(t.Context(), reductionRequest(t, c, wechatpaytest.SeedReductionNo, wechatpaytest.SeedBalAccountNo), nil)
	require.NoError(t, err)

	require.NoError(t, os.Remove(filepath.Join(dir, "apiclient_cert.pem")))
	_, err = wechatpaytest.Listen(wechatpaytest.WithKeyDir(dir))
	require.ErrorContains(t, err, "incomplete")
	require.Panics(t, func() { wechatpaytest.NewServer(wechatpaytest.WithKeyDir(dir)) })
}

func TestListenAddress(t *testing.T) {
	srv, err := wechatpaytest.Listen(wechatpaytest.WithAddress("127.0.0.1:0"))
	require.NoError(t, err)
	defer srv.Close()
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	_, err = wechatpaytest.Listen(wechatpaytest.WithAddress(u.Host))
	require.ErrorContains(t, err, "listening on")
}

// TestWildcardAddressAdvertisesLoopback: a server listening on every
// interface is advertised on 127.0.0.1, which its certificate covers, not
// on ::1 (issue 12, item 13), and a client of its URL gets through.
func TestWildcardAddressAdvertisesLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0"} {
		t.Run(addr, func(t *testing.T) {
			srv, err := wechatpaytest.Listen(wechatpaytest.WithAddress(addr))
			if err != nil && addr == "[::]:0" {
				t.Skipf("no IPv6 on this machine: %v", err)
			}
			require.NoError(t, err)
			defer srv.Close()
			u, err := url.Parse(srv.URL)
			require.NoError(t, err)
			require.Equal(t, "127.0.0.1", u.Hostname())
			require.NotEqual(t, "0", u.Port())
			c := srv.Client()
			_, err = c.DoV3(t.Context(), reductionRequest(t, c, wechatpaytest.SeedReductionNo, wechatpaytest.SeedBalAccountNo), nil)
			require.NoError(t, err)
		})
	}
}

func TestUnstartedServer(t *testing.T) {
	srv := wechatpaytest.NewUnstartedServer(wechatpaytest.WithoutSeedFixtures(),
		wechatpaytest.WithClock(func() time.Time { return time.Now().Add(-time.Hour) }))
	defer srv.Close()
	require.Empty(t, srv.URL)
	srv.AddSpecialReduction(wechatpaytest.SpecialReduction{OutRequestNo: "R-1", MchID: wechatpaytest.TestMchID, BalAccountNo: "B-1", State: "PROCESSING"})
	srv.Start()
	require.Panics(t, srv.Start)

	clock := wechatpay.WithClock(func() time.Time { return time.Now().Add(-time.Hour) })
	c := srv.Client(clock)
	var got reduction
	_, err := c.DoV3(t.Context(), reductionRequest(t, c, "R-1", "B-1"), &got)
	require.NoError(t, err, "both clocks agree, an hour behind")
	require.Equal(t, "PROCESSING", got.State)
	_, err = c.DoV3(t.Context(), reductionRequest(t, c, wechatpaytest.SeedReductionNo, wechatpaytest.SeedBalAccountNo), nil)
	wechatpaytest.RequireAPIError(t, err, 404, "RESOURCE_NOT_EXISTS")
	_, _, err = c.DoV2(t.Context(), redPackRequest("10000098", wechatpaytest.SeedMchBillNo))
	var apiErr *wechatpay.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, "NOT_FOUND", apiErr.ErrCode)
}

func TestLogging(t *testing.T) {
	var buf sdktest.Buffer
	srv := wechatpaytest.Start(t, wechatpaytest.WithLogger(slog.New(slog.NewTextHandler(&buf, nil))))
	c := srv.Client()
	_, err := c.DoV3(t.Context(), reductionRequest(t, c, wechatpaytest.SeedReductionNo, wechatpaytest.SeedBalAccountNo), nil)
	require.NoError(t, err)
	stale := srv.Client(wechatpay.WithClock(func() time.Time { return time.Now().Add(-time.Hour) }))
	_, err = stale.DoV3(t.Context(), reductionRequest(t, stale, wechatpaytest.SeedReductionNo, wechatpaytest.SeedBalAccountNo), nil)
	require.Error(t, err)
	_, _, err = c.DoV2(t.Context(), redPackRequest("10000098", wechatpaytest.SeedMchBillNo))
	require.NoError(t, err)

	out := buf.String()
	require.Contains(t, out, "method=GET path=/v3/aggracct-bc/wb-channel/special-reduction/"+wechatpaytest.SeedReductionNo+" status=200 verdict=ok")
	require.Contains(t, out, `status=401 verdict="sign_error: stale timestamp"`)
	require.Contains(t, out, "path=/mmpaymkttransfers/queryworkwxredpack status=200 verdict=ok")
	for _, secret := range []string{wechatpay.AuthScheme, "signature=", "bal_account_no=", wechatpaytest.SeedBalAccountNo, wechatpaytest.TestAPIv2Key, wechatpaytest.TestAPIv3Key, "PRIVATE KEY"} {
		require.NotContains(t, out, secret)
	}
}

func TestCloseWaitsForInFlight(t *testing.T) {
	srv := wechatpaytest.NewServer()
	c := srv.Client(wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 1}))
	defer c.Close()
	srv.InjectFault(wechatpaytest.Fault{Kind: wechatpaytest.FaultDelay, Delay: 300 * time.Millisecond})
	done := make(chan error, 1)
	go func() {
		_, err := c.DoV3(context.Background(), reductionRequest(t, c, wechatpaytest.SeedReductionNo, wechatpaytest.SeedBalAccountNo), nil)
		done <- err
	}()
	require.Eventually(t, func() bool { return srv.Requests() == 1 }, 5*time.Second, 5*time.Millisecond)
	srv.Close()
	select {
	case err := <-done:
		require.NoError(t, err, "the request in flight completed")
	case <-time.After(5 * time.Second):
		t.Fatal("the request did not complete")
	}
	srv.Close() // idempotent
}

func TestConcurrentUse(t *testing.T) {
	srv := wechatpaytest.Start(t)
	c := srv.Client()
	ctx := t.Context()
	scene := int64(2)
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for i := range 32 {
		wg.Go(func() {
			var err error
			switch i % 4 {
			case 0:
				var out reduction
				_, err = c.DoV3(ctx, reductionRequest(t, c, wechatpaytest.SeedReductionNo, wechatpaytest.SeedBalAccountNo), &out)
			case 1:
				ct, serial, encErr := c.EncryptSensitive("acct-" + strconv.Itoa(i%8))
				if encErr != nil {
					err = encErr
					break
				}
				_, err = c.DoV3(ctx, &wechatpay.Request{
					Method: http.MethodPost, Path: punishPath, Idempotent: true,
					Header: http.Header{wechatpay.HeaderSerial: {serial}},
					Body: map[string]any{"out_request_no": "P-" + strconv.Itoa(i%8), "mchid": wechatpaytest.TestMchID,
						"bal_account_no": ct, "punish_scene": scene},
				}, nil)
			case 2:
				_, err = c.DoV3(ctx, &wechatpay.Request{Method: http.MethodGet, Path: profitSharingPath, Global: true,
					PathParams: map[string]string{"out_order_no": wechatpaytest.SeedOutOrderNo},
					Query:      url.Values{"sub_mchid": {wechatpaytest.SeedSubMchID}, "transaction_id": {wechatpaytest.SeedTransactionID}}}, nil)
			case 3:
				srv.AddWorkWxRedPacket(wechatpaytest.WorkWxRedPacket{MchBillNo: "B" + strconv.Itoa(i), MchID: "10000098", AppID: wechatpaytest.TestAppID, Status: "SENT"})
				_, _, err = c.DoV2(ctx, redPackRequest("10000098", "B"+strconv.Itoa(i)))
			}
			if err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Equal(t, 32, srv.Requests())
	// Requests 1, 5, 9, … 29 used out_request_no P-1, P-5 (twice each).
	require.Len(t, srv.Punishments(), 2)
}

func TestNoGoroutineLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	srv := wechatpaytest.NewServer()
	c := srv.Client()
	_, err := c.DoV3(t.Context(), reductionRequest(t, c, wechatpaytest.SeedReductionNo, wechatpaytest.SeedBalAccountNo), nil)
	require.NoError(t, err)
	_, _, err = c.DoV2(t.Context(), redPackRequest("10000098", wechatpaytest.SeedMchBillNo))
	require.NoError(t, err)
	c.Close()
	srv.Close()
	// Poll by hand: require.Eventually runs goroutines of its own.
	now := runtime.NumGoroutine()
	for deadline := time.Now().Add(5 * time.Second); now > before && time.Now().Before(deadline); now = runtime.NumGoroutine() {
		time.Sleep(10 * time.Millisecond)
	}
	require.LessOrEqual(t, now, before, "goroutines left running after Close")
}

// TestDelayFaultEndsWithTheClient: a delayed POST whose caller gives up must
// not keep Close waiting for the whole delay.
func TestDelayFaultEndsWithTheClient(t *testing.T) {
	srv := wechatpaytest.NewServer()
	srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIPunish, Kind: wechatpaytest.FaultDelay, Delay: time.Minute})
	c := srv.Client(wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 1}))
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	_, err := c.DoV3(ctx, &wechatpay.Request{
		Method: http.MethodPost,
		Path:   "/v3/aggracct-bc/wb-channel/control-orders/punish",
		Body:   map[string]any{"out_request_no": "D1"},
	}, nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	c.Close()
	start := time.Now()
	srv.Close()
	require.Less(t, time.Since(start), 10*time.Second)
}

func TestAPIErrorFault(t *testing.T) {
	srv := wechatpaytest.Start(t)
	c := srv.Client(wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 1}))
	srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIProfitSharingQueryOrder, Kind: wechatpaytest.FaultAPIError, Status: http.StatusForbidden, Code: "NO_AUTH", Count: 1})
	_, err := c.DoV3(t.Context(), &wechatpay.Request{
		Path:       "/v3/global/profit-sharing/orders/{out_order_no}",
		PathParams: map[string]string{"out_order_no": wechatpaytest.SeedOutOrderNo},
		Query:      url.Values{"transaction_id": {wechatpaytest.SeedTransactionID}},
		Global:     true,
	}, nil)
	var apiErr *wechatpay.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, http.StatusForbidden, apiErr.StatusCode)
	require.Equal(t, "NO_AUTH", apiErr.Code)
	require.NotEmpty(t, apiErr.RequestID)

	srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIQueryWorkWxRedPacket, Kind: wechatpaytest.FaultAPIError, Code: "NO_AUTH", Message: "无权限", Count: 1})
	_, _, err = c.DoV2(t.Context(), redPackRequest("10000098", wechatpaytest.SeedMchBillNo))
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, "NO_AUTH", apiErr.ErrCode)
	require.Equal(t, "无权限", apiErr.ErrCodeDes)
}

func TestAPIErrorFaultStatus(t *testing.T) {
	srv := wechatpaytest.Start(t)
	c := srv.Client(wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 1}))
	query := func() error {
		_, err := c.DoV3(t.Context(), reductionRequest(t, c, wechatpaytest.SeedReductionNo, wechatpaytest.SeedBalAccountNo), nil)
		return err
	}

	// Status 0 is 400 on v3 (it used to write status 0 and drop the
	// connection).
	srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIQuerySpecialReduction, Kind: wechatpaytest.FaultAPIError, Code: "INVALID_REQUEST", Count: 1})
	apiErr := wechatpaytest.RequireAPIError(t, query(), http.StatusBadRequest, "INVALID_REQUEST")
	require.Equal(t, "fault", apiErr.Message)
	require.NotEmpty(t, apiErr.RequestID)
	require.NoError(t, query(), "the fault applied once")

	for _, status := range []int{400, 599} {
		srv.InjectFault(wechatpaytest.Fault{Kind: wechatpaytest.FaultAPIError, Status: status, Code: "SOME_CODE", Count: 1})
		wechatpaytest.RequireAPIError(t, query(), status, "SOME_CODE")
	}

	for _, tt := range []struct {
		name  string
		fault wechatpaytest.Fault
		want  string
	}{
		{"no code", wechatpaytest.Fault{Kind: wechatpaytest.FaultAPIError, Status: http.StatusForbidden}, "needs a Code"},
		{"no code, no status", wechatpaytest.Fault{Kind: wechatpaytest.FaultAPIError}, "needs a Code"},
		{"success status", wechatpaytest.Fault{Kind: wechatpaytest.FaultAPIError, Status: http.StatusOK, Code: "X"}, "Status 200 is not an error status"},
		{"below 400", wechatpaytest.Fault{Kind: wechatpaytest.FaultAPIError, Status: 399, Code: "X"}, "Status 399"},
		{"above 599", wechatpaytest.Fault{Kind: wechatpaytest.FaultAPIError, Status: 600, Code: "X"}, "Status 600"},
		{"negative", wechatpaytest.Fault{Kind: wechatpaytest.FaultAPIError, Status: -1, Code: "X"}, "Status -1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				msg, _ := recover().(string)
				require.Contains(t, msg, "wechatpaytest: InjectFault: ")
				require.Contains(t, msg, tt.want)
			}()
			srv.InjectFault(tt.fault)
			t.Fatal("InjectFault did not panic")
		})
	}
	require.NoError(t, query(), "a refused fault is not armed")
	// Status is not checked for the kinds that do not use it.
	srv.InjectFault(wechatpaytest.Fault{Kind: wechatpaytest.FaultSystemError, Status: 200, Count: 1})
	wechatpaytest.RequireAPIError(t, query(), http.StatusInternalServerError, "SYSTEM_ERROR")
}

// TestSigningFaultsWaitForASignedAnswer: a fault that alters a signed answer
// is not used up by a request answered unsigned (a 401, a v2 failure), so
// the next valid request gets it.
func TestSigningFaultsWaitForASignedAnswer(t *testing.T) {
	srv := wechatpaytest.Start(t)
	noRetry := wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 1})
	c := srv.Client(noRetry)
	stale := srv.Client(noRetry, wechatpay.WithClock(func() time.Time { return time.Now().Add(-time.Hour) }))
	ctx := t.Context()

	for _, tt := range wechatpaytest.AnswerFaults {
		t.Run("v3 "+tt.Kind.String(), func(t *testing.T) {
			srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIQuerySpecialReduction, Kind: tt.Kind, Count: 1})
			_, err := stale.DoV3(ctx, reductionRequest(t, stale, wechatpaytest.SeedReductionNo, wechatpaytest.SeedBalAccountNo), nil)
			wechatpaytest.RequireAPIError(t, err, http.StatusUnauthorized, "SIGN_ERROR")
			_, err = c.DoV3(ctx, reductionRequest(t, c, wechatpaytest.SeedReductionNo, wechatpaytest.SeedBalAccountNo), nil)
			require.ErrorIs(t, err, tt.Sentinel, "the 401 left the fault armed")
			_, err = c.DoV3(ctx, reductionRequest(t, c, wechatpaytest.SeedReductionNo, wechatpaytest.SeedBalAccountNo), nil)
			require.NoError(t, err, "the signed answer used it up")
		})
	}

	t.Run("v2 tampered body", func(t *testing.T) {
		srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIQueryWorkWxRedPacket, Kind: wechatpaytest.FaultTamperedBody, Count: 1})
		// Unsigned failures: bill not found, bad sign, missing field.
		_, _, err := c.DoV2(ctx, redPackRequest("10000098", "NO-SUCH-BILL"))
		var apiErr *wechatpay.APIError
		require.ErrorAs(t, err, &apiErr)
		require.Equal(t, "NOT_FOUND", apiErr.ErrCode)
		wrongKey := srv.Client(noRetry, wechatpay.WithAPIv2Key(strings.Repeat("k", 32)))
		_, _, err = wrongKey.DoV2(ctx, redPackRequest("10000098", wechatpaytest.SeedMchBillNo))
		require.ErrorAs(t, err, &apiErr)
		require.Equal(t, "FAIL", apiErr.ReturnCode)

		_, _, err = c.DoV2(ctx, redPackRequest("10000098", wechatpaytest.SeedMchBillNo))
		require.ErrorIs(t, err, wechatpay.ErrV2Sign, "the unsigned replies left the fault armed")
		_, _, err = c.DoV2(ctx, redPackRequest("10000098", wechatpaytest.SeedMchBillNo))
		require.NoError(t, err, "the signed reply used it up")
	})

	t.Run("v2 does not use up a stale timestamp", func(t *testing.T) {
		srv.InjectFault(wechatpaytest.Fault{Kind: wechatpaytest.FaultStaleTimestamp, Count: 1})
		_, _, err := c.DoV2(ctx, redPackRequest("10000098", wechatpaytest.SeedMchBillNo))
		require.NoError(t, err)
		_, err = c.DoV3(ctx, reductionRequest(t, c, wechatpaytest.SeedReductionNo, wechatpaytest.SeedBalAccountNo), nil)
		require.ErrorIs(t, err, wechatpay.ErrStaleTimestamp)
	})

	t.Run("early faults still apply before authentication", func(t *testing.T) {
		srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIQuerySpecialReduction, Kind: wechatpaytest.FaultSystemError, Count: 1})
		_, err := stale.DoV3(ctx, reductionRequest(t, stale, wechatpaytest.SeedReductionNo, wechatpaytest.SeedBalAccountNo), nil)
		wechatpaytest.RequireAPIError(t, err, http.StatusInternalServerError, "SYSTEM_ERROR")
		_, err = c.DoV3(ctx, reductionRequest(t, c, wechatpaytest.SeedReductionNo, wechatpaytest.SeedBalAccountNo), nil)
		require.NoError(t, err)
	})

	t.Run("the first fault injected decides", func(t *testing.T) {
		srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIQuerySpecialReduction, Kind: wechatpaytest.FaultTamperedBody, Count: 1})
		srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIQuerySpecialReduction, Kind: wechatpaytest.FaultSystemError, Count: 1})
		_, err := stale.DoV3(ctx, reductionRequest(t, stale, wechatpaytest.SeedReductionNo, wechatpaytest.SeedBalAccountNo), nil)
		wechatpaytest.RequireAPIError(t, err, http.StatusUnauthorized, "SIGN_ERROR")
		_, err = c.DoV3(ctx, reductionRequest(t, c, wechatpaytest.SeedReductionNo, wechatpaytest.SeedBalAccountNo), nil)
		require.ErrorIs(t, err, wechatpay.ErrBadSignature)
		_, err = c.DoV3(ctx, reductionRequest(t, c, wechatpaytest.SeedReductionNo, wechatpaytest.SeedBalAccountNo), nil)
		wechatpaytest.RequireAPIError(t, err, http.StatusInternalServerError, "SYSTEM_ERROR")
		_, err = c.DoV3(ctx, reductionRequest(t, c, wechatpaytest.SeedReductionNo, wechatpaytest.SeedBalAccountNo), nil)
		require.NoError(t, err)
	})
}

// TestDocumentedLimits sends values just within and just over the
// documented limits through the generic DoV3 and DoV2 (the typed services
// refuse them client-side): over a limit is 400 PARAM_ERROR with a detail
// naming the field (v3) or result_code FAIL, err_code PARAM_ERROR (v2);
// within it, the request goes on to the usual lookup.
func TestDocumentedLimits(t *testing.T) {
	srv := wechatpaytest.Start(t)
	c := srv.Client(wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 1}))
	ctx := t.Context()
	n := func(k int) string { return strings.Repeat("7", k) }

	reduction := func(no, mchID string) *wechatpay.Request {
		req := reductionRequest(t, c, no, wechatpaytest.SeedBalAccountNo)
		req.Query.Set("mchid", mchID)
		return req
	}
	profit := func(no, txID, subMchID string) *wechatpay.Request {
		q := url.Values{"transaction_id": {txID}}
		if subMchID != "" {
			q.Set("sub_mchid", subMchID)
		}
		return &wechatpay.Request{Method: http.MethodGet, Path: profitSharingPath, Global: true,
			PathParams: map[string]string{"out_order_no": no}, Query: q}
	}
	ct, serial, err := c.EncryptSensitive(wechatpaytest.SeedBalAccountNo)
	require.NoError(t, err)
	punish := func(no string, scene any) *wechatpay.Request {
		body := map[string]any{"out_request_no": no, "mchid": wechatpaytest.TestMchID, "bal_account_no": ct, "punish_scene": scene}
		return &wechatpay.Request{Method: http.MethodPost, Path: punishPath, Body: body,
			Header: http.Header{wechatpay.HeaderSerial: {serial}}}
	}

	v3 := []struct {
		name     string
		req      *wechatpay.Request
		field    string // "" when within the limits
		location string
		status   int // within the limits
	}{
		{"reduction out_request_no 32", reduction(n(32), wechatpaytest.TestMchID), "", "", 404},
		{"reduction out_request_no 33", reduction(n(33), wechatpaytest.TestMchID), "out_request_no", "path", 0},
		{"reduction mchid 32", reduction(wechatpaytest.SeedReductionNo, n(32)), "", "", 404},
		{"reduction mchid 33", reduction(wechatpaytest.SeedReductionNo, n(33)), "mchid", "query", 0},
		{"profit out_order_no 64", profit("A-_z"+n(60), wechatpaytest.SeedTransactionID, ""), "", "", 404},
		{"profit out_order_no 65", profit(n(65), wechatpaytest.SeedTransactionID, ""), "out_order_no", "path", 0},
		{"profit out_order_no with a dot", profit("P2015.0806", wechatpaytest.SeedTransactionID, ""), "out_order_no", "path", 0},
		{"profit out_order_no with a space", profit("P 1", wechatpaytest.SeedTransactionID, ""), "out_order_no", "path", 0},
		{"profit out_order_no not ASCII", profit("订单1", wechatpaytest.SeedTransactionID, ""), "out_order_no", "path", 0},
		{"profit transaction_id 32", profit(wechatpaytest.SeedOutOrderNo, n(32), wechatpaytest.SeedSubMchID), "", "", 404},
		{"profit transaction_id 33", profit(wechatpaytest.SeedOutOrderNo, n(33), wechatpaytest.SeedSubMchID), "transaction_id", "query", 0},
		{"profit sub_mchid 32", profit(wechatpaytest.SeedOutOrderNo, wechatpaytest.SeedTransactionID, n(32)), "", "", 404},
		{"profit sub_mchid 33", profit(wechatpaytest.SeedOutOrderNo, wechatpaytest.SeedTransactionID, n(33)), "sub_mchid", "query", 0},
		{"punish out_request_no 64", punish(n(64), 1), "", "", 200},
		{"punish out_request_no 65", punish(n(65), 1), "/out_request_no", "body", 0},
		{"punish_scene 0", punish("LIMIT-1", 0), "/punish_scene", "body", 0},
		{"punish_scene negative", punish("LIMIT-2", -3), "/punish_scene", "body", 0},
		{"punish_scene fraction", punish("LIMIT-3", 1.5), "/punish_scene", "body", 0},
		{"punish_scene string", punish("LIMIT-4", "1"), "/punish_scene", "body", 0},
		{"punish_scene null", punish("LIMIT-5", nil), "/punish_scene", "body", 0},
		{"punish_scene 2", punish("LIMIT-6", 2), "", "", 200},
	}
	for _, tt := range v3 {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.DoV3(ctx, tt.req, nil)
			if tt.field == "" {
				if tt.status == 200 {
					require.NoError(t, err)
				} else {
					wechatpaytest.RequireAPIError(t, err, tt.status, "RESOURCE_NOT_EXISTS")
				}
				return
			}
			apiErr := wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "PARAM_ERROR")
			var detail map[string]string
			require.NoError(t, json.Unmarshal(apiErr.Detail, &detail))
			require.Equal(t, tt.field, detail["field"])
			require.Equal(t, tt.location, detail["location"])
			require.NotEmpty(t, detail["issue"])
		})
	}
	require.Equal(t, []int64{1, 2}, []int64{srv.Punishments()[0].PunishScene, srv.Punishments()[1].PunishScene})

	v2 := []struct {
		name, param, value string
		ok                 bool // within the limits: the lookup answers
	}{
		{"mch_billno 28", "mch_billno", n(28), true},
		{"mch_billno 29", "mch_billno", n(29), false},
		{"mch_id 32", "mch_id", n(32), true},
		{"mch_id 33", "mch_id", n(33), false},
		{"appid 32", "appid", n(32), true},
		{"appid 33", "appid", n(33), false},
		{"nonce_str 32", "nonce_str", n(32), true},
		{"nonce_str 33", "nonce_str", n(33), false},
	}
	for _, tt := range v2 {
		t.Run(tt.name, func(t *testing.T) {
			req := redPackRequest("10000098", "NO-SUCH-BILL")
			req.Params[tt.param] = tt.value
			fields, _, err := c.DoV2(ctx, req)
			require.Nil(t, fields)
			var apiErr *wechatpay.APIError
			require.ErrorAs(t, err, &apiErr)
			require.Equal(t, "SUCCESS", apiErr.ReturnCode)
			require.Equal(t, "FAIL", apiErr.ResultCode)
			if tt.ok {
				require.Equal(t, "NOT_FOUND", apiErr.ErrCode)
				return
			}
			require.Equal(t, "PARAM_ERROR", apiErr.ErrCode)
			require.Contains(t, apiErr.ErrCodeDes, tt.param)
		})
	}
	// A nonce_str of 32 characters is what the SDK sends: the seed is found.
	req := redPackRequest("10000098", wechatpaytest.SeedMchBillNo)
	req.Params["nonce_str"] = n(32)
	_, _, err = c.DoV2(ctx, req)
	require.NoError(t, err)
}

// TestAnswerKeyFollowsWechatpaySerial: answers are signed with the key the
// request's Wechatpay-Serial names, and with the platform certificate key
// when it names none, so a client without a WeChat Pay key can bootstrap.
func TestAnswerKeyFollowsWechatpaySerial(t *testing.T) {
	srv := wechatpaytest.Start(t, wechatpaytest.WithKeyMode(wechatpay.KeyModeBoth)) // a merchant in migration
	rc := newRawClient(t, srv)
	c := srv.Client() // its verifier holds both keys
	for _, tt := range []struct {
		name, sent, want string
	}{
		{"absent", "", srv.PlatformSerial()},
		{"platform certificate", srv.PlatformSerial(), srv.PlatformSerial()},
		{"platform certificate, lower case", strings.ToLower(srv.PlatformSerial()), srv.PlatformSerial()},
		{"public key id", srv.PublicKeyID(), srv.PublicKeyID()},
		{"unknown", "PUB_KEY_ID_0000", srv.PublicKeyID()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.sent != "" {
				h.Set(wechatpay.HeaderSerial, tt.sent)
			}
			status, header, body := rc.doHeader(t, http.MethodGet, "/v3/certificates", nil, h)
			require.Equal(t, http.StatusOK, status, string(body))
			require.Equal(t, tt.want, header.Get(wechatpay.HeaderSerial))
			require.NoError(t, c.Verifier().Verify(header, body))
		})
	}
}
