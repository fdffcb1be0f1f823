package wechatpaytest_test

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
	"github.com/gowechatpay/wechatpay/internal/sdktest"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// The endpoints a merchant teaches the emulator in these tests: APIs the
// SDK has no typed service for.
const (
	jsapiPattern = "POST /v3/pay/transactions/jsapi"
	queryPattern = "GET /v3/pay/transactions/out-trade-no/{out_trade_no}"
)

type jsapiOrder struct {
	AppID       string `json:"appid"`
	MchID       string `json:"mchid"`
	Description string `json:"description"`
	OutTradeNo  string `json:"out_trade_no"`
	Amount      struct {
		Total int64 `json:"total"`
	} `json:"amount"`
	Payer struct {
		OpenID string `json:"openid"`
	} `json:"payer"`
}

// merchantEmulator is an emulator taught the JSAPI order and its query,
// counting the calls of the handlers.
func merchantEmulator(t *testing.T, opts ...wechatpaytest.Option) (*wechatpaytest.Server, *atomic.Int64) {
	t.Helper()
	srv := wechatpaytest.NewUnstartedServer(opts...)
	t.Cleanup(srv.Close)
	var calls atomic.Int64
	var mu sync.Mutex // handlers run concurrently, like any http.Handler
	orders := map[string]jsapiOrder{}
	srv.HandleV3(jsapiPattern, func(r *wechatpaytest.V3Request) (int, any) {
		calls.Add(1)
		var o jsapiOrder
		if e := r.DecodeJSON(&o); e != nil {
			return e.Answer()
		}
		if o.OutTradeNo == "" {
			return wechatpaytest.V3Error(http.StatusBadRequest, "PARAM_ERROR", "out_trade_no is required")
		}
		mu.Lock()
		orders[o.OutTradeNo] = o
		mu.Unlock()
		return http.StatusOK, map[string]string{"prepay_id": "wx" + o.OutTradeNo}
	})
	srv.HandleV3(queryPattern, func(r *wechatpaytest.V3Request) (int, any) {
		calls.Add(1)
		mu.Lock()
		o, ok := orders[r.PathValue("out_trade_no")]
		mu.Unlock()
		if !ok || r.URL.Query().Get("mchid") != o.MchID {
			return wechatpaytest.V3Error(http.StatusNotFound, "ORDER_NOT_EXIST", "订单不存在")
		}
		return http.StatusOK, map[string]any{"out_trade_no": o.OutTradeNo, "trade_state": "NOTPAY", "amount": map[string]int64{"total": o.Amount.Total}}
	})
	srv.Start()
	return srv, &calls
}

func placeOrder(t *testing.T, c *wechatpay.Client, outTradeNo string) (string, error) {
	t.Helper()
	var out struct {
		PrepayID string `json:"prepay_id"`
	}
	_, err := c.DoV3(t.Context(), &wechatpay.Request{
		Method: http.MethodPost,
		Path:   "/v3/pay/transactions/jsapi",
		Body: map[string]any{
			"appid": wechatpaytest.TestAppID, "mchid": wechatpaytest.TestMchID, "description": "Image形象店-深圳腾大-QQ公仔",
			"out_trade_no": outTradeNo, "amount": map[string]int64{"total": 100}, "payer": map[string]string{"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
		},
	}, &out)
	return out.PrepayID, err
}

// TestMerchantTeachesAnEndpoint is a merchant's test of code that calls an
// API the SDK has no typed service for: the emulator answers it signed, the
// SDK verifies the answer, refuses a tampered one, and the handler never
// sees a request whose signature is wrong.
func TestMerchantTeachesAnEndpoint(t *testing.T) {
	srv, calls := merchantEmulator(t)
	c := srv.Client(wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 1}))

	t.Run("verified answer", func(t *testing.T) {
		prepayID, err := placeOrder(t, c, "1217752501201407033233368018")
		require.NoError(t, err)
		require.Equal(t, "wx1217752501201407033233368018", prepayID)

		var got struct {
			OutTradeNo string `json:"out_trade_no"`
			TradeState string `json:"trade_state"`
		}
		resp, err := c.DoV3(t.Context(), &wechatpay.Request{
			Path:       "/v3/pay/transactions/out-trade-no/{out_trade_no}",
			PathParams: map[string]string{"out_trade_no": "1217752501201407033233368018"},
			Query:      url.Values{"mchid": {wechatpaytest.TestMchID}},
		}, &got)
		require.NoError(t, err)
		require.Equal(t, "NOTPAY", got.TradeState)
		require.NotEmpty(t, resp.RequestID)
		require.Equal(t, srv.PublicKeyID(), resp.Header.Get(wechatpay.HeaderSerial))
	})

	t.Run("error answer", func(t *testing.T) {
		_, err := c.DoV3(t.Context(), &wechatpay.Request{
			Path:       "/v3/pay/transactions/out-trade-no/{out_trade_no}",
			PathParams: map[string]string{"out_trade_no": "unknown"},
			Query:      url.Values{"mchid": {wechatpaytest.TestMchID}},
		}, nil)
		apiErr := wechatpaytest.RequireAPIError(t, err, http.StatusNotFound, "ORDER_NOT_EXIST")
		require.Equal(t, "订单不存在", apiErr.Message)

		_, err = c.DoV3(t.Context(), &wechatpay.Request{Method: http.MethodPost, Path: "/v3/pay/transactions/jsapi", Body: []byte(`{"out_trade_no":`)}, nil)
		wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "PARAM_ERROR")
	})

	t.Run("tampered answer refused", func(t *testing.T) {
		srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.API(jsapiPattern), Kind: wechatpaytest.FaultTamperedBody, Count: 1})
		// A fault aimed at one route leaves the others alone.
		_, err := c.DoV3(t.Context(), &wechatpay.Request{
			Path:       "/v3/pay/transactions/out-trade-no/{out_trade_no}",
			PathParams: map[string]string{"out_trade_no": "1217752501201407033233368018"},
			Query:      url.Values{"mchid": {wechatpaytest.TestMchID}},
		}, nil)
		require.NoError(t, err)
		_, err = placeOrder(t, c, "T2")
		require.ErrorIs(t, err, wechatpay.ErrInvalidSignature)
		_, err = placeOrder(t, c, "T2")
		require.NoError(t, err, "the fault was used up")
	})

	t.Run("wrong signature never reaches the handler", func(t *testing.T) {
		// The merchant's serial, another key: the signature does not verify.
		other, err := rsa.GenerateKey(rand.Reader, 2048)
		require.NoError(t, err)
		stranger := srv.Client(wechatpay.WithMerchant(wechatpaytest.TestMchID, srv.MerchantSerial(), other), wechatpay.WithMerchantCertificate(nil))
		before := calls.Load()
		_, err = placeOrder(t, stranger, "T3")
		wechatpaytest.RequireAPIError(t, err, http.StatusUnauthorized, "SIGN_ERROR")
		require.Equal(t, before, calls.Load(), "the handler ran for a request whose signature is wrong")
	})

	t.Run("routing", func(t *testing.T) {
		rc := newRawClient(t, srv)
		status, header, _ := rc.doHeader(t, http.MethodGet, "/v3/pay/transactions/jsapi", nil, nil)
		require.Equal(t, http.StatusMethodNotAllowed, status)
		require.Equal(t, http.MethodPost, header.Get("Allow"))
		status, header, _ = rc.doHeader(t, http.MethodHead, "/v3/pay/transactions/out-trade-no/T2?mchid="+wechatpaytest.TestMchID, nil, nil)
		require.Equal(t, http.StatusMethodNotAllowed, status, "a GET route does not take HEAD")
		require.Equal(t, http.MethodGet, header.Get("Allow"))
		status, _ = rc.do(t, http.MethodGet, "/v3/pay/transactions/id/4200000000", nil, nil)
		require.Equal(t, http.StatusNotFound, status)
		status, _ = rc.do(t, http.MethodGet, "/v3/pay/transactions/out-trade-no/a/../b", nil, nil)
		require.Equal(t, http.StatusNotFound, status, "a path ServeMux would redirect is unknown")
	})

	t.Run("registration mistakes panic", func(t *testing.T) {
		h := func(*wechatpaytest.V3Request) (int, any) { return 0, nil }
		require.PanicsWithValue(t, `wechatpaytest: pattern "/v3/no/method" lacks a method: want for example "GET /v3/pay/transactions/id/{transaction_id}"`,
			func() { srv.HandleV3("/v3/no/method", h) })
		require.Panics(t, func() { srv.HandleV3(jsapiPattern, h) }, "registered twice")
		require.Panics(t, func() { srv.HandleV3("GET /v3/x", nil) })
	})
}

// TestHandlerHelpers: a handler decrypts a field the merchant encrypted for
// WeChat Pay, encrypts one for the merchant, and answers 204 with no body.
func TestHandlerHelpers(t *testing.T) {
	srv := wechatpaytest.NewUnstartedServer()
	t.Cleanup(srv.Close)
	srv.HandleV3("POST /v3/transfer/batches", func(r *wechatpaytest.V3Request) (int, any) {
		var in struct {
			UserName string `json:"user_name"`
		}
		if e := r.DecodeJSON(&in); e != nil {
			return e.Answer()
		}
		name, e := r.DecryptField("/user_name", "body", in.UserName)
		if e != nil {
			return e.Answer()
		}
		enc, e := r.EncryptForMerchant("hello " + name)
		if e != nil {
			return e.Answer()
		}
		return http.StatusOK, map[string]string{"greeting": enc}
	})
	srv.HandleV3("POST /v3/pay/transactions/out-trade-no/{out_trade_no}/close", func(r *wechatpaytest.V3Request) (int, any) {
		return http.StatusNoContent, nil
	})
	srv.HandleV3("GET /v3/broken", func(r *wechatpaytest.V3Request) (int, any) { return 42, nil })
	srv.Start()
	c := srv.Client(wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 1}))

	ct, serial, err := c.EncryptSensitive("张三")
	require.NoError(t, err)
	var out struct {
		Greeting string `json:"greeting"`
	}
	_, err = c.DoV3(t.Context(), &wechatpay.Request{Method: http.MethodPost, Path: "/v3/transfer/batches",
		Body: map[string]string{"user_name": ct}, Header: http.Header{wechatpay.HeaderSerial: {serial}}}, &out)
	require.NoError(t, err)
	plain, err := c.DecryptSensitive(out.Greeting)
	require.NoError(t, err)
	require.Equal(t, "hello 张三", plain)

	_, err = c.DoV3(t.Context(), &wechatpay.Request{Method: http.MethodPost, Path: "/v3/transfer/batches",
		Body: map[string]string{"user_name": "bm90IGEgY2lwaGVydGV4dA=="}}, nil)
	wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "PARAM_ERROR")

	resp, err := c.DoV3(t.Context(), &wechatpay.Request{Method: http.MethodPost,
		Path: "/v3/pay/transactions/out-trade-no/{out_trade_no}/close", PathParams: map[string]string{"out_trade_no": "1217752501201407033233368018"},
		Body: map[string]string{"mchid": wechatpaytest.TestMchID}}, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, resp.StatusCode)

	_, err = c.DoV3(t.Context(), &wechatpay.Request{Path: "/v3/broken"}, nil)
	wechatpaytest.RequireAPIError(t, err, http.StatusInternalServerError, "SYSTEM_ERROR")
}

// TestHandleV2 teaches the emulator a v2 endpoint that takes both sign
// types and needs no client certificate: the reply is signed with the
// request's sign type, a bad sign never reaches the handler, and faults aim
// at the route.
func TestHandleV2(t *testing.T) {
	srv := wechatpaytest.NewUnstartedServer()
	t.Cleanup(srv.Close)
	var calls atomic.Int64
	srv.HandleV2("/pay/orderquery", wechatpaytest.V2Route{SignTypes: []wxcrypto.SignType{wxcrypto.SignTypeMD5, wxcrypto.SignTypeHMACSHA256}},
		func(r *wechatpaytest.V2Request) map[string]string {
			calls.Add(1)
			if r.Params["out_trade_no"] != "1217752501201407033233368018" {
				return wechatpaytest.V2Error("ORDERNOTEXIST", "此交易订单号不存在")
			}
			return map[string]string{"return_code": "SUCCESS", "result_code": "SUCCESS", "trade_state": "SUCCESS",
				"out_trade_no": r.Params["out_trade_no"], "sign_type_used": string(r.SignType)}
		})
	srv.HandleV2("/secure/only", wechatpaytest.V2Route{Secure: true, UnsignedReply: true},
		func(r *wechatpaytest.V2Request) map[string]string {
			return map[string]string{"return_code": "SUCCESS", "result_code": "SUCCESS"}
		})
	srv.Start()
	c := srv.Client(wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 1}))
	query := func(c *wechatpay.Client, st wxcrypto.SignType, no string) (map[string]string, error) {
		fields, _, err := c.DoV2(t.Context(), &wechatpay.V2Request{Path: "/pay/orderquery", SignType: st,
			Params: map[string]string{"appid": wechatpaytest.TestAppID, "mch_id": wechatpaytest.TestMchID, "out_trade_no": no}})
		return fields, err
	}
	for _, st := range []wxcrypto.SignType{"", wxcrypto.SignTypeMD5, wxcrypto.SignTypeHMACSHA256} {
		fields, err := query(c, st, "1217752501201407033233368018")
		require.NoError(t, err, st)
		want := st
		if want == "" {
			want = wxcrypto.SignTypeMD5
		}
		require.Equal(t, string(want), fields["sign_type_used"])
	}
	_, err := query(c, wxcrypto.SignTypeHMACSHA256, "nope")
	var apiErr *wechatpay.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, "ORDERNOTEXIST", apiErr.ErrCode)

	srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.API("POST /pay/orderquery"), Kind: wechatpaytest.FaultTamperedBody, Count: 1})
	_, err = query(c, wxcrypto.SignTypeHMACSHA256, "1217752501201407033233368018")
	require.ErrorIs(t, err, wechatpay.ErrV2Sign)

	before := calls.Load()
	wrongKey := srv.Client(wechatpay.WithAPIv2Key("WrongApiV2Key0000000000000000000"))
	_, err = query(wrongKey, wxcrypto.SignTypeHMACSHA256, "1217752501201407033233368018")
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, "FAIL", apiErr.ReturnCode)
	require.Equal(t, before, calls.Load(), "the handler ran for a bad sign")

	_, _, err = c.DoV2(t.Context(), &wechatpay.V2Request{Path: "/secure/only", Params: map[string]string{"mch_id": wechatpaytest.TestMchID}, UnsignedReply: true})
	require.ErrorAs(t, err, &apiErr)
	require.Contains(t, apiErr.Message, "CA_ERROR")
	_, _, err = c.DoV2(t.Context(), &wechatpay.V2Request{Path: "/secure/only", Params: map[string]string{"mch_id": wechatpaytest.TestMchID}, UnsignedReply: true, Secure: true})
	require.NoError(t, err)
}

// TestErrorAnswerLiteral: an ErrorAnswer built as a literal and returned
// with status 0 is a 400 in WeChat Pay's error shape.
func TestErrorAnswerLiteral(t *testing.T) {
	srv := wechatpaytest.NewUnstartedServer()
	t.Cleanup(srv.Close)
	srv.HandleV3("GET /v3/literal", func(*wechatpaytest.V3Request) (int, any) {
		return 0, &wechatpaytest.ErrorAnswer{Code: "INVALID_REQUEST", Message: "literal", Detail: map[string]string{"location": "query"}}
	})
	srv.Start()
	c := srv.Client(wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 1}))
	_, err := c.DoV3(t.Context(), &wechatpay.Request{Path: "/v3/literal"}, nil)
	apiErr := wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "INVALID_REQUEST")
	require.JSONEq(t, `{"location":"query"}`, string(apiErr.Detail))
	_, e := wechatpaytest.V3Error(http.StatusForbidden, "NO_AUTH", "商户无权限")
	require.Equal(t, http.StatusForbidden, e.Status())
	require.Equal(t, "wechatpaytest: answer 403 NO_AUTH: 商户无权限", e.Error())
}

// TestHandlerPanic: a v3 or v2 handler that panics is answered (a signed
// 500 SYSTEM_ERROR, a v2 SYSTEMERROR) rather than a dropped connection, and
// the panic is logged with the server's logger.
func TestHandlerPanic(t *testing.T) {
	var buf sdktest.Buffer
	srv := wechatpaytest.NewUnstartedServer(wechatpaytest.WithLogger(slog.New(slog.NewTextHandler(&buf, nil))))
	t.Cleanup(srv.Close)
	srv.HandleV3("GET /v3/panics/{no}", func(*wechatpaytest.V3Request) (int, any) { panic("merchant handler bug") })
	srv.HandleV2("/pay/panics", wechatpaytest.V2Route{}, func(*wechatpaytest.V2Request) map[string]string {
		panic(errors.New("v2 handler bug"))
	})
	srv.Start()
	c := srv.Client(wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 1}))

	_, err := c.DoV3(t.Context(), &wechatpay.Request{Path: "/v3/panics/1"}, nil)
	apiErr := wechatpaytest.RequireAPIError(t, err, http.StatusInternalServerError, "SYSTEM_ERROR")
	require.Contains(t, apiErr.Message, "GET /v3/panics/{no}")
	status, header, _ := newRawClient(t, srv).doHeader(t, http.MethodGet, "/v3/panics/2", nil, nil)
	require.Equal(t, http.StatusInternalServerError, status)
	require.NotEmpty(t, header.Get(wechatpay.HeaderSignature), "the 500 is signed like every v3 answer")

	_, _, err = c.DoV2(t.Context(), &wechatpay.V2Request{Path: "/pay/panics", Params: map[string]string{"mch_id": wechatpaytest.TestMchID}})
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, "SYSTEMERROR", apiErr.ErrCode)

	out := buf.String()
	require.Contains(t, out, `level=ERROR msg="wechatpaytest: handler panic" route="GET /v3/panics/{no}"`)
	require.Contains(t, out, `panic="merchant handler bug"`)
	require.Contains(t, out, `route="POST /pay/panics" path=/pay/panics panic="v2 handler bug"`)
	require.Contains(t, out, "platform_test.go", "the stack names the handler")
	require.Contains(t, out, `status=500 verdict="system_error: handler panic"`)
}
