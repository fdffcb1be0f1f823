package aggracct

import (
	"context"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/svc"
)

// RecoverRequest lifts a control (解管) that Punish put on a WeBank ledger.
type RecoverRequest struct {
	// OutRequestNo is the WeBank recover number (微众解管单号); required, at
	// most 64 characters, and not the punish's number. It is the
	// idempotency key: repeat a call with the same number and fields, never
	// a new number.
	OutRequestNo string
	// RelatedWebankPunishNo is the out_request_no of the punish to lift
	// (微众管控单号); required.
	RelatedWebankPunishNo string
	// RelatedWxpayPunishNo is the WxpayPunishNo that Punish returned for
	// it; required.
	RelatedWxpayPunishNo string
	// MchID is the merchant whose control is lifted; required.
	MchID string
	// BalAccountNo is the controlled ledger (the WeBank drawdown account,
	// 微众支用账号) in plaintext; required. The SDK encrypts it (RSA-OAEP)
	// and never logs it.
	BalAccountNo string
	// RecoverReason is the reason, visible UTF-8, at most 256 characters
	// (checked by WeChat Pay). The official page makes it optional, a
	// community reference required: the SDK requires it, which is valid
	// under both.
	RecoverReason string
	// CardNo is the card of the controlled merchant (卡号) in plaintext;
	// optional, encrypted by the SDK. CardNo, SgnNo and ReqScene are fields
	// a 2026 community reference added; the official pages of 2025-09 do
	// not have them.
	CardNo string
	// SgnNo is the sub-account agreement number; optional (community only).
	SgnNo string
	// ReqScene is the request scene; optional (community only).
	ReqScene ReqScene
}

// RecoverResult acknowledges a recover order. Whether the recover
// succeeded is read later with QueryControlOrder (ControlTypeRecover). Both
// fields are in every answer: a verified answer without one is
// wechatpay.ErrMalformedResponse.
type RecoverResult struct {
	// WxpayRecoverNo is WeChat Pay's recover number.
	WxpayRecoverNo string `json:"wxpay_recover_no" wire:"required"`
	// OutRequestNo echoes the request's number.
	OutRequestNo string `json:"out_request_no" wire:"required"`
	// Meta describes the HTTP exchange (Request-ID, attempts).
	Meta wechatpay.Response `json:"-"`
}

// recoverBody is the request body of Recover, fields in the documented
// order.
type recoverBody struct {
	OutRequestNo          string   `json:"out_request_no"`
	RelatedWebankPunishNo string   `json:"related_webank_punish_no"`
	RelatedWxpayPunishNo  string   `json:"related_wxpay_punish_no"`
	MchID                 string   `json:"mchid"`
	BalAccountNo          string   `json:"bal_account_no"`
	RecoverReason         string   `json:"recover_reason"`
	CardNo                string   `json:"card_no,omitempty"`
	SgnNo                 string   `json:"sgn_no,omitempty"`
	ReqScene              ReqScene `json:"req_scene,omitempty"`
}

func validateRecover(req *RecoverRequest) error {
	if req == nil {
		return &wechatpay.FieldError{Field: "request", Reason: "is nil", Missing: true}
	}
	if err := svc.CheckID("out_request_no", req.OutRequestNo, 64, true); err != nil {
		return err
	}
	if err := svc.CheckID("related_webank_punish_no", req.RelatedWebankPunishNo, 64, true); err != nil {
		return err
	}
	if req.OutRequestNo == req.RelatedWebankPunishNo {
		return &wechatpay.FieldError{Field: "out_request_no", Reason: "must differ from related_webank_punish_no"}
	}
	if err := svc.CheckID("related_wxpay_punish_no", req.RelatedWxpayPunishNo, 0, true); err != nil {
		return err
	}
	if err := svc.CheckID("mchid", req.MchID, 0, true); err != nil {
		return err
	}
	if err := svc.CheckID("bal_account_no", req.BalAccountNo, 0, true); err != nil {
		return err
	}
	if err := checkText("recover_reason", req.RecoverReason, true); err != nil {
		return err
	}
	return checkCommunity(req.CardNo, req.SgnNo, req.ReqScene)
}

// Recover lifts a control on a WeBank ledger (解管): it names the punish
// by both its numbers, and the answer only acknowledges the recover order.
// Poll QueryControlOrder with ControlTypeRecover for its outcome: once it
// succeeds, the punish order's EffectState is EffectStateRecovered.
//
// POST /v3/aggracct-bc/wb-channel/control-orders/recover
//
// Rate limit: 200 requests per minute (see WithRecoverLimiter). The API is
// re-entrant for one year per out_request_no, so the client retries it
// with the same body bytes on transport errors, 429 and 5xx; a repeat with
// the same number and fields returns the same WxpayRecoverNo. Never reuse a
// number for other fields (the emulator answers 400 PARAM_ERROR).
func (s *Service) Recover(ctx context.Context, req *RecoverRequest) (*RecoverResult, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	if err := validateRecover(req); err != nil {
		return nil, err
	}
	cipher, card, serial, err := s.encryptPair(req.BalAccountNo, req.CardNo)
	if err != nil {
		return nil, err
	}
	body, err := svc.EncodeJSON(&recoverBody{
		OutRequestNo: req.OutRequestNo, RelatedWebankPunishNo: req.RelatedWebankPunishNo,
		RelatedWxpayPunishNo: req.RelatedWxpayPunishNo, MchID: req.MchID, BalAccountNo: cipher,
		RecoverReason: req.RecoverReason, CardNo: card, SgnNo: req.SgnNo, ReqScene: req.ReqScene,
	})
	if err != nil {
		return nil, err
	}
	var out RecoverResult
	meta, err := s.postEncrypted(ctx, s.recoverLimiter, "/v3/aggracct-bc/wb-channel/control-orders/recover", body, serial, &out)
	if err != nil {
		return nil, err
	}
	out.Meta = *meta
	return &out, nil
}
