package aggracct

import (
	"context"
	"errors"
	"net/http"

	"github.com/gowechatpay/wechatpay"
)

// QueryMerchantMediaRequest names an image of a merchant's application
// materials. BusinessScene says which fields the lookup needs.
type QueryMerchantMediaRequest struct {
	// BusinessScene is the lookup; required. MediaSceneGetByMediaID needs
	// MchID and MediaID; the two SJT_MICRO_PLUS scenes need PlatformTrxID
	// and MchMediaType.
	BusinessScene MediaScene `json:"-" query:"business_scene" wx:"required,id"`
	// MchID is the merchant (GET_BY_MEDIA_ID).
	MchID string `json:"-" query:"mchid" wx:"id,max=32"`
	// PlatformTrxID is WeChat Pay's application number: the account-opening
	// application, or the info-update request (SJT_MICRO_PLUS scenes).
	PlatformTrxID string `json:"-" query:"platform_trx_id" wx:"id"`
	// MchMediaType is the image (SJT_MICRO_PLUS scenes).
	MchMediaType MediaType `json:"-" query:"mch_media_type" wx:"id"`
	// MediaID is the media id, e.g. from QueryMerchantArchives
	// (GET_BY_MEDIA_ID).
	MediaID string `json:"-" query:"media_id" wx:"id"`
}

// Validate checks the request as QueryMerchantMedia does before any I/O,
// reporting every problem: the rules of its tags and the fields its
// BusinessScene needs.
func (r *QueryMerchantMediaRequest) Validate() error {
	if r == nil {
		return wechatpay.ValidateRequest(r)
	}
	type field struct{ goName, wire, value string }
	var need []field
	switch r.BusinessScene {
	case MediaSceneGetByMediaID:
		need = []field{{"MchID", "mchid", r.MchID}, {"MediaID", "media_id", r.MediaID}}
	case MediaSceneOpenAccount, MediaSceneUpdateInfo:
		need = []field{{"PlatformTrxID", "platform_trx_id", r.PlatformTrxID}, {"MchMediaType", "mch_media_type", string(r.MchMediaType)}}
	}
	errs := []error{wechatpay.ValidateRequest(r)}
	for _, f := range need {
		if f.value == "" {
			errs = append(errs, &wechatpay.FieldError{Field: f.wire, GoField: f.goName, Reason: "is required with this business_scene", Missing: true})
		}
	}
	return errors.Join(errs...)
}

// MerchantMedia is an image of a merchant's materials, returned raw: the
// encoding of MediaContent and the role of Key are not documented, so the
// SDK neither decodes, decrypts nor checks them. Treat MediaContent and
// Key as secrets: never log them.
type MerchantMedia struct {
	// MediaContent is the file content as sent.
	MediaContent string `json:"media_content,omitempty"`
	// MediaType is the file type: jpg, png, bmp or jpeg.
	MediaType string `json:"media_type,omitempty"`
	// MediaSM3 is the SM3 digest of the file.
	MediaSM3 string `json:"media_sm3,omitempty"`
	// Key is the "SM4 key" as sent.
	Key string `json:"key,omitempty"`
	// MediaID is the media id.
	MediaID string `json:"media_id,omitempty"`
	// Meta describes the HTTP exchange (Request-ID, attempts).
	Meta wechatpay.Response `json:"-"`
}

var opQueryMerchantMedia = wechatpay.Operation[QueryMerchantMediaRequest, MerchantMedia]{
	Name: "aggracct.QueryMerchantMedia", Method: http.MethodGet, Repeat: wechatpay.RepeatRead,
	Path: "/v3/aggracct-bc/wb-channel/account/mch_media",
}

// QueryMerchantMedia returns an image of a merchant's application
// materials (查询商户影像件资料): by media id, or by the application number
// of a 商家通小微+ account opening or information update.
//
// GET /v3/aggracct-bc/wb-channel/account/mch_media?business_scene=…
//
// Rate limit: 100 requests per minute for the whole API (see
// WithMediaLimiter). The call is read-only and is retried by the client on
// transport errors, 429 and 5xx. The answer's fields are known from a
// community reference only; they are returned raw.
func (s *Service) QueryMerchantMedia(ctx context.Context, req *QueryMerchantMediaRequest) (*MerchantMedia, error) {
	return opQueryMerchantMedia.Do(ctx, s.core().Client(), req, s.limits(apiMedia)...)
}
