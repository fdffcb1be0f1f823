package aggracct_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/aggracct"
	"github.com/gowechatpay/wechatpay/internal/sdktest"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func archivesRequest() *aggracct.QueryMerchantArchivesRequest {
	return &aggracct.QueryMerchantArchivesRequest{MchID: wechatpaytest.TestMchID, BalAccountNo: wechatpaytest.SeedBalAccountNo}
}

func TestQueryMerchantArchives(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := aggracct.New(srv.Client())
	a, err := svc.QueryMerchantArchives(t.Context(), archivesRequest())
	require.NoError(t, err)
	require.Equal(t, wechatpaytest.SeedBalAccountNo, a.BalAccountNo, "decrypted")
	require.Equal(t, "91440300MA5TEST001", a.MerchantIDNo, "decrypted")
	require.Equal(t, &aggracct.LegalRepresentative{IDType: "01", Name: "张三", IDNo: "440300199001011234",
		EffectiveDate: "2020-01-01", ExpireDate: "2040-01-01", Address: "深圳市南山区"}, a.LegalRepresentative)
	require.Equal(t, []aggracct.BeneficialOwner{{No: "1", IDType: "01", Name: "张三", IDNo: "440300199001011234"}}, a.BeneficialOwner)
	require.Equal(t, "长期", a.ExpireDate)
	require.NotEmpty(t, a.Meta.RequestID)

	t.Run("a profile without people", func(t *testing.T) {
		srv.AddMerchantArchives(wechatpaytest.MerchantArchives{MchID: "1900000109", BalAccountNo: "L2",
			Fields: map[string]string{"sgn_no": "S1", "card_no": "6222"}})
		a, err := svc.QueryMerchantArchives(t.Context(), &aggracct.QueryMerchantArchivesRequest{MchID: "1900000109", BalAccountNo: "L2"})
		require.NoError(t, err)
		require.Equal(t, "S1", a.SgnNo)
		require.Equal(t, "6222", a.CardNo, "decrypted")
		require.Nil(t, a.LegalRepresentative)
	})
	t.Run("404 RESOURCE_NOT_EXISTS other ledger", func(t *testing.T) {
		r := archivesRequest()
		r.BalAccountNo = "unknown"
		_, err := svc.QueryMerchantArchives(t.Context(), r)
		wechatpaytest.RequireAPIError(t, err, http.StatusNotFound, "RESOURCE_NOT_EXISTS")
	})
	wechatpaytest.RequireFaults(t, srv, wechatpaytest.APIQueryMerchantArchives, func(t *testing.T, c *wechatpay.Client) (*aggracct.MerchantArchives, error) {
		return aggracct.New(c).QueryMerchantArchives(t.Context(), archivesRequest())
	})
}

func TestQueryMerchantArchivesValidationBeforeIO(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := aggracct.New(srv.Client())
	query := sdktest.Mutated(t, svc.QueryMerchantArchives, archivesRequest)
	wechatpaytest.RequireFieldErrors(t, srv, map[string]func() error{
		"request":        sdktest.Call(t, svc.QueryMerchantArchives, nil),
		"mchid":          query(func(r *aggracct.QueryMerchantArchivesRequest) { r.MchID = "" }),
		"mchid#long":     query(func(r *aggracct.QueryMerchantArchivesRequest) { r.MchID = strings.Repeat("1", 33) }),
		"bal_account_no": query(func(r *aggracct.QueryMerchantArchivesRequest) { r.BalAccountNo = "" }),
		"card_no":        query(func(r *aggracct.QueryMerchantArchivesRequest) { r.CardNo = "6222 0000" }),
		"req_scene":      query(func(r *aggracct.QueryMerchantArchivesRequest) { r.ReqScene = "A B" }),
	})
}
