package wechatpaytest_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// The fixtures of global profit sharing: a transaction with an unsplit
// amount and an approved receiver, then a distribution request that takes
// from it.
func ExampleServer_AddProfitSharingTransaction() {
	srv := wechatpaytest.NewServer(wechatpaytest.WithoutSeedFixtures())
	defer srv.Close()
	srv.AddProfitSharingTransaction(wechatpaytest.ProfitSharingTransaction{TransactionID: "4200000001", UnsplitAmount: 500})
	srv.AddProfitSharingRelation(wechatpaytest.ProfitSharingRelation{Type: "MERCHANT_ID", Account: "1900000200"}) // EFFECTIVE
	c := srv.Client()
	ctx := context.Background()

	_, err := c.DoV3(ctx, &wechatpay.Request{Method: http.MethodPost, Path: "/v3/global/profit-sharing/orders", Global: true,
		Body: map[string]any{"transaction_id": "4200000001", "out_order_no": "P1", "unfreeze_unsplit": false,
			"receivers": []map[string]any{{"currency": "CNY", "type": "MERCHANT_ID", "account": "1900000200", "amount": 120, "description": "d"}}}}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	var left struct {
		UnsplitAmount int64 `json:"unsplit_amount"`
	}
	if _, err := c.DoV3(ctx, &wechatpay.Request{Path: "/v3/global/profit-sharing/transactions/4200000001/amounts", Global: true}, &left); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(left.UnsplitAmount, len(srv.ProfitSharingRelations()))
	// Output: 380 1
}

// ExampleServer_AddProfitSharingRelation adds a receiver awaiting its
// audit: its first query approves it.
func ExampleServer_AddProfitSharingRelation() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	srv.AddProfitSharingRelation(wechatpaytest.ProfitSharingRelation{SubMchID: "1900000109", Type: "MERCHANT_ID",
		Account: "1900000300", RelationType: "SUPPLIER", State: "INIT"})
	var rel struct {
		State string `json:"state"`
	}
	_, err := srv.Client().DoV3(context.Background(), &wechatpay.Request{Path: "/v3/global/profit-sharing/receivers/1900000300",
		Query: url.Values{"sub_mchid": {"1900000109"}, "type": {"MERCHANT_ID"}}, Global: true}, &rel)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rel.State, srv.ProfitSharingRelations()[0].State)
	// Output: EFFECTIVE EFFECTIVE
}

// TestBillDownloadRoute: the file is unsigned CSV; its errors are signed
// JSON; the request must be signed by the merchant.
func TestBillDownloadRoute(t *testing.T) {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	var bill struct {
		DownloadURL string `json:"download_url"`
	}
	_, err := c.DoV3(t.Context(), &wechatpay.Request{Path: "/v3/global/profit-sharing/bill-download-url", Global: true,
		Query: url.Values{"sub_mchid": {"1900000109"}, "bill_date": {time.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)}}}, &bill)
	require.NoError(t, err)

	// Unsigned request: 401.
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: srvTLS(srv)}}
	defer hc.CloseIdleConnections()
	resp, err := hc.Get(bill.DownloadURL)
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	rc, meta, err := c.DownloadV3(t.Context(), bill.DownloadURL, 0)
	require.NoError(t, err)
	data, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.NoError(t, rc.Close())
	require.Equal(t, "text/csv; charset=utf-8", meta.Header.Get("Content-Type"))
	require.Empty(t, meta.Header.Get(wechatpay.HeaderSignature))
	require.True(t, strings.HasPrefix(string(data), "create_time,initiator,sponsor,sub_mchid,transaction_id,order_id,out_order_no,detail_id,"))

	// An early fault aimed at the download applies.
	srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIDownloadBill, Kind: wechatpaytest.FaultAPIError, Status: 403, Code: "NO_AUTH"})
	_, _, err = c.DownloadV3(t.Context(), bill.DownloadURL, 0)
	var apiErr *wechatpay.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, "NO_AUTH", apiErr.Code)
}

// srvTLS trusts the emulator's CA.
func srvTLS(srv *wechatpaytest.Server) *tls.Config {
	roots := x509.NewCertPool()
	roots.AddCert(srv.CACertificate())
	return &tls.Config{RootCAs: roots}
}

// TestProfitSharingRouteErrors: the documented limits of each new route,
// sent raw (the SDK refuses most of them before any I/O).
func TestProfitSharingRouteErrors(t *testing.T) {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	order := func(mod func(m map[string]any)) map[string]any {
		m := map[string]any{"sub_mchid": "1900000109", "transaction_id": "4208450740201411110007820472", "out_order_no": "E1",
			"unfreeze_unsplit": false, "receivers": []map[string]any{{"currency": "CNY", "type": "MERCHANT_ID", "account": "86693852", "amount": 1, "description": "d"}}}
		mod(m)
		return m
	}
	receiver := func(mod func(m map[string]any)) map[string]any {
		m := map[string]any{"sub_mchid": "1900000109", "type": "MERCHANT_ID", "account": "1900000200", "relation_type": "SUPPLIER"}
		mod(m)
		return m
	}
	cases := []struct {
		method, path string
		query        url.Values
		body         any
		status       int
		code         string
	}{
		{"POST", "/v3/global/profit-sharing/orders", nil, order(func(m map[string]any) { delete(m, "unfreeze_unsplit") }), 400, "PARAM_ERROR"},
		{"POST", "/v3/global/profit-sharing/orders", nil, order(func(m map[string]any) { m["out_order_no"] = "E 1" }), 400, "PARAM_ERROR"},
		{"POST", "/v3/global/profit-sharing/orders", nil, order(func(m map[string]any) { delete(m, "transaction_id") }), 400, "PARAM_ERROR"},
		// apis-2026.md B1: no receivers needs unfreeze_unsplit; no sponsor
		// with it; no personal receiver.
		{"POST", "/v3/global/profit-sharing/orders", nil, order(func(m map[string]any) { m["receivers"] = []any{} }), 400, "INVALID_REQUEST"},
		{"POST", "/v3/global/profit-sharing/orders", nil, order(func(m map[string]any) {
			m["unfreeze_unsplit"] = true
			m["receivers"] = []map[string]any{{"currency": "CNY", "type": "MERCHANT_ID", "account": wechatpaytest.TestMchID, "amount": 1, "description": "d"}}
		}), 400, "INVALID_REQUEST"},
		{"POST", "/v3/global/profit-sharing/orders", nil, order(func(m map[string]any) {
			m["appid"] = wechatpaytest.TestAppID
			m["receivers"] = []map[string]any{{"currency": "CNY", "type": "PERSONAL_OPENID", "account": "o1", "amount": 1, "description": "d"}}
		}), 400, "INVALID_REQUEST"},
		{"POST", "/v3/global/profit-sharing/transactions/mark", nil, map[string]any{"out_trade_no": "M1", "currency": "CNY"}, 400, "PARAM_ERROR"},
		{"POST", "/v3/global/profit-sharing/transactions/mark", nil, map[string]any{"out_trade_no": "M000001"}, 400, "PARAM_ERROR"},
		{"POST", "/v3/global/profit-sharing/transactions/mark", nil, map[string]any{"out_trade_no": "M000001", "currency": "HKD"}, 400, "INVALID_REQUEST"},
		{"GET", "/v3/global/profit-sharing/transactions/4208450740201411110007820472/refundable-amounts", nil, nil, 400, "INVALID_REQUEST"},
		{"GET", "/v3/global/profit-sharing/refunds/bill-download-url", nil, nil, 400, "PARAM_ERROR"},
		{"POST", "/v3/global/profit-sharing/orders", nil, order(func(m map[string]any) {
			m["receivers"] = []map[string]any{{"currency": "CNY", "type": "MERCHANT_ID", "account": "86693852", "amount": 0, "description": "d"}}
		}), 400, "PARAM_ERROR"},
		{"POST", "/v3/global/profit-sharing/orders", nil, order(func(m map[string]any) {
			m["receivers"] = []map[string]any{{"currency": "CNY", "type": "MERCHANT_ID", "account": "86693852", "amount": 1, "description": "d", "name": "not a ciphertext"}}
		}), 400, "PARAM_ERROR"},
		{"POST", "/v3/global/profit-sharing/orders/unfreeze", nil, map[string]any{"transaction_id": "4208450740201411110007820472", "out_order_no": "U1"}, 400, "PARAM_ERROR"},
		{"POST", "/v3/global/profit-sharing/orders/unfreeze", nil, map[string]any{"transaction_id": "42", "out_order_no": "U1", "description": "d"}, 400, "INVALID_REQUEST"},
		{"POST", "/v3/global/profit-sharing/receivers", nil, receiver(func(m map[string]any) { delete(m, "relation_type") }), 400, "PARAM_ERROR"},
		{"POST", "/v3/global/profit-sharing/receivers", nil, receiver(func(m map[string]any) { m["relation_type"] = "CUSTOM" }), 400, "PARAM_ERROR"},
		{"POST", "/v3/global/profit-sharing/receivers", nil, receiver(func(m map[string]any) { m["type"] = "PERSONAL_OPENID" }), 400, "INVALID_REQUEST"},
		{"POST", "/v3/global/profit-sharing/receivers", nil, receiver(func(m map[string]any) { m["account"] = "86693852" }), 400, "INVALID_REQUEST"},
		{"POST", "/v3/global/profit-sharing/receivers", nil, receiver(func(m map[string]any) { m["type"] = "PERSONAL_WECHATID" }), 400, "PARAM_ERROR"},
		{"GET", "/v3/global/profit-sharing/receivers/86693852", url.Values{"sub_mchid": {"1900000109"}}, nil, 400, "PARAM_ERROR"},
		{"GET", "/v3/global/profit-sharing/receivers/o1", url.Values{"type": {"PERSONAL_SUB_OPENID"}}, nil, 400, "INVALID_REQUEST"},
		{"GET", "/v3/global/profit-sharing/receivers/86693852", url.Values{"sub_mchid": {"1900000109"}, "type": {"PERSONAL_OPENID"}, "appid": {"wx1"}}, nil, 404, "RESOURCE_NOT_EXISTS"},
		{"DELETE", "/v3/global/profit-sharing/receivers", nil, map[string]any{"type": "MERCHANT_ID"}, 400, "PARAM_ERROR"},
		{"GET", "/v3/global/profit-sharing/transactions/4208450740201411110007820472/amounts", url.Values{"sub_mchid": {"1900000110"}}, nil, 400, "INVALID_REQUEST"},
		{"GET", "/v3/global/profit-sharing/bill-download-url", url.Values{"sub_mchid": {"1900000109"}}, nil, 400, "PARAM_ERROR"},
		{"GET", "/v3/global/profit-sharing/bill-download-url", url.Values{"bill_date": {"2025/10/09"}}, nil, 400, "PARAM_ERROR"},
		{"GET", "/v3/global/profit-sharing/bill-download-url", url.Values{"bill_date": {time.Now().AddDate(0, 0, 2).Format(time.DateOnly)}}, nil, 400, "INVALID_REQUEST"},
	}
	for _, tc := range cases {
		_, err := c.DoV3(t.Context(), &wechatpay.Request{Method: tc.method, Path: tc.path, Query: tc.query, Body: tc.body, Global: true}, nil)
		var apiErr *wechatpay.APIError
		require.ErrorAs(t, err, &apiErr, "%s %s %v", tc.method, tc.path, tc.body)
		require.Equal(t, tc.status, apiErr.StatusCode, "%s %s %v: %s", tc.method, tc.path, tc.body, apiErr.Message)
		require.Equal(t, tc.code, apiErr.Code, "%s %s %v: %s", tc.method, tc.path, tc.body, apiErr.Message)
	}
	// Nothing changed: the seed transaction still has its 1000 fen.
	var left struct {
		UnsplitAmount int64 `json:"unsplit_amount"`
	}
	_, err := c.DoV3(t.Context(), &wechatpay.Request{Path: "/v3/global/profit-sharing/transactions/4208450740201411110007820472/amounts",
		Query: url.Values{"sub_mchid": {"1900000109"}}, Global: true}, &left)
	require.NoError(t, err)
	require.Equal(t, int64(1000), left.UnsplitAmount)
}
