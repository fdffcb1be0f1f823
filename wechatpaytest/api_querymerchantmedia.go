package wechatpaytest

import "net/http"

// SeedMediaID is the media id of the seed image, the
// merchant_img_front_id of the seed ledger's profile.
const SeedMediaID = "MEDIA_ID_SEED_0001"

// MerchantMedia is an image of a merchant's materials (商户影像件) that
// GET /v3/aggracct-bc/wb-channel/account/mch_media answers.
type MerchantMedia struct {
	// MediaID and MchID find it with business_scene GET_BY_MEDIA_ID;
	// PlatformTrxID and MchMediaType with the two SJT_MICRO_PLUS scenes (a
	// test may give an info-update out_request_no as PlatformTrxID).
	MediaID, MchID, PlatformTrxID, MchMediaType string
	// MediaContent, MediaType, MediaSM3 and Key are answered verbatim.
	MediaContent, MediaType, MediaSM3, Key string
}

// AddMerchantMedia adds an image; the seed fixtures hold one, SeedMediaID
// of TestMchID.
func (s *Server) AddMerchantMedia(m MerchantMedia) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.agg.media = append(s.agg.media, m)
}

// seedMedia is the seed image.
func seedMedia() MerchantMedia {
	return MerchantMedia{MediaID: SeedMediaID, MchID: TestMchID, MediaContent: "aW1hZ2U=", MediaType: "jpg",
		MediaSM3: "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b", Key: "MDEyMzQ1Njc4OWFiY2RlZg=="}
}

// serveQueryMerchantMedia answers an image lookup: business_scene says
// which parameters are required (400 PARAM_ERROR when one is missing); an
// image that no fixture holds is 404 RESOURCE_NOT_EXISTS.
func (s *Server) serveQueryMerchantMedia(r *V3Request) (int, any) {
	q := r.URL.Query()
	scene, byID := q.Get("business_scene"), q.Get("business_scene") == "GET_BY_MEDIA_ID"
	if e := checkFields("query", field{name: "business_scene", value: scene, required: true,
		valid: oneOf("SJT_MICRO_PLUS_OPEN_ACCOUNT", "SJT_MICRO_PLUS_UPDATE_INFO", "GET_BY_MEDIA_ID"), issue: "not a documented scene"},
		field{name: "mchid", value: q.Get("mchid"), required: byID},
		field{name: "media_id", value: q.Get("media_id"), required: byID},
		field{name: "platform_trx_id", value: q.Get("platform_trx_id"), required: !byID},
		field{name: "mch_media_type", value: q.Get("mch_media_type"), required: !byID,
			valid: oneOf("ID_CARD_FRONT", "ID_CARD_BACK", "STORE_FRONT", "STORE_INTERIOR"), issue: "not a documented media type"}); e != nil {
		return e.Answer()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.agg.media {
		if byID && m.MediaID == q.Get("media_id") && m.MchID == q.Get("mchid") ||
			!byID && m.PlatformTrxID == q.Get("platform_trx_id") && m.MchMediaType == q.Get("mch_media_type") && m.PlatformTrxID != "" {
			return http.StatusOK, map[string]string{"media_content": m.MediaContent, "media_type": m.MediaType,
				"media_sm3": m.MediaSM3, "key": m.Key, "media_id": m.MediaID}
		}
	}
	return notFound("merchant media").Answer()
}
