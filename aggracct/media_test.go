package aggracct_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/aggracct"
	"github.com/gowechatpay/wechatpay/internal/sdktest"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func mediaRequest() *aggracct.QueryMerchantMediaRequest {
	return &aggracct.QueryMerchantMediaRequest{BusinessScene: aggracct.MediaSceneGetByMediaID,
		MchID: wechatpaytest.TestMchID, MediaID: wechatpaytest.SeedMediaID}
}

func TestQueryMerchantMedia(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := aggracct.New(srv.Client())
	m, err := svc.QueryMerchantMedia(t.Context(), mediaRequest())
	require.NoError(t, err)
	require.Equal(t, "aW1hZ2U=", m.MediaContent, "raw")
	require.Equal(t, "MDEyMzQ1Njc4OWFiY2RlZg==", m.Key, "raw")

	t.Run("by an info-update request number", func(t *testing.T) {
		srv.AddMerchantMedia(wechatpaytest.MerchantMedia{PlatformTrxID: "htozr8denqegbt6tk6u10iymo7yww5pn",
			MchMediaType: "STORE_FRONT", MediaID: "M2", MediaType: "png", MediaSM3: "sm3"})
		m, err := svc.QueryMerchantMedia(t.Context(), &aggracct.QueryMerchantMediaRequest{BusinessScene: aggracct.MediaSceneUpdateInfo,
			PlatformTrxID: "htozr8denqegbt6tk6u10iymo7yww5pn", MchMediaType: aggracct.MediaTypeStoreFront})
		require.NoError(t, err)
		require.Equal(t, aggracct.MerchantMedia{MediaID: "M2", MediaType: "png", MediaSM3: "sm3", Meta: m.Meta}, *m)
	})
	t.Run("404 RESOURCE_NOT_EXISTS another merchant's media", func(t *testing.T) {
		r := mediaRequest()
		r.MchID = "1900000109"
		_, err := svc.QueryMerchantMedia(t.Context(), r)
		wechatpaytest.RequireAPIError(t, err, http.StatusNotFound, "RESOURCE_NOT_EXISTS")
	})
	t.Run("400 PARAM_ERROR undocumented scene", func(t *testing.T) {
		_, err := svc.QueryMerchantMedia(t.Context(), &aggracct.QueryMerchantMediaRequest{BusinessScene: "OTHER"})
		wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "PARAM_ERROR")
	})
	wechatpaytest.RequireFaults(t, srv, wechatpaytest.APIQueryMerchantMedia, func(t *testing.T, c *wechatpay.Client) (*aggracct.MerchantMedia, error) {
		return aggracct.New(c).QueryMerchantMedia(t.Context(), mediaRequest())
	})
}

func TestQueryMerchantMediaValidation(t *testing.T) {
	sdktest.RequireKnown(t, []aggracct.MediaScene{aggracct.MediaSceneOpenAccount, aggracct.MediaSceneUpdateInfo, aggracct.MediaSceneGetByMediaID}, "OTHER")
	sdktest.RequireKnown(t, []aggracct.MediaType{aggracct.MediaTypeIDCardFront, aggracct.MediaTypeIDCardBack,
		aggracct.MediaTypeStoreFront, aggracct.MediaTypeStoreInterior}, "OTHER")
	plus := aggracct.QueryMerchantMediaRequest{BusinessScene: aggracct.MediaSceneOpenAccount, PlatformTrxID: "T1", MchMediaType: aggracct.MediaTypeIDCardBack}
	wechatpaytest.RequireInvalid(t, plus, []wechatpaytest.Invalid[aggracct.QueryMerchantMediaRequest]{
		{Name: "scene", Mutate: func(r *aggracct.QueryMerchantMediaRequest) { r.BusinessScene = "" }, Field: "business_scene", Missing: true},
		{Name: "number", Mutate: func(r *aggracct.QueryMerchantMediaRequest) { r.PlatformTrxID = "" }, Field: "platform_trx_id", Missing: true},
		{Name: "type", Mutate: func(r *aggracct.QueryMerchantMediaRequest) { r.MchMediaType = "" }, Field: "mch_media_type", Missing: true},
		{Name: "by id", Mutate: func(r *aggracct.QueryMerchantMediaRequest) { r.BusinessScene = aggracct.MediaSceneGetByMediaID }, Field: "mchid", Missing: true},
	})
	wechatpaytest.RequireInvalid(t, *mediaRequest(), []wechatpaytest.Invalid[aggracct.QueryMerchantMediaRequest]{
		{Name: "media id", Mutate: func(r *aggracct.QueryMerchantMediaRequest) { r.MediaID = "" }, Field: "media_id", Missing: true},
	})
	err := (&aggracct.QueryMerchantMediaRequest{BusinessScene: aggracct.MediaSceneGetByMediaID}).Validate()
	require.ErrorContains(t, err, "MchID (mchid)")
	require.ErrorContains(t, err, "MediaID (media_id)", "every problem at once")

	srv := wechatpaytest.Start(t)
	wechatpaytest.RequireRefused(t, srv, aggracct.New(srv.Client()).QueryMerchantMedia, map[string]*aggracct.QueryMerchantMediaRequest{
		"request": nil, "platform_trx_id": {BusinessScene: aggracct.MediaSceneUpdateInfo, MchMediaType: aggracct.MediaTypeStoreFront},
	})
}
