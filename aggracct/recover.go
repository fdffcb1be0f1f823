package aggracct

import (
	"context"
	"errors"
	"net/http"

	"github.com/gowechatpay/wechatpay"
)

// RecoverRequest lifts a control (解管) that Punish put on a WeBank ledger.
// Its fields are the body, in the documented order.
type RecoverRequest struct {
	// OutRequestNo is the WeBank recover number (微众解管单号); required, at
	// most 64 characters, and not the punish's number. It is the
	// idempotency key: repeat a call with the same number and fields, never
	// a new number.
	OutRequestNo string `json:"out_request_no" wx:"required,id,max=64"`
	// RelatedWebankPunishNo is the out_request_no of the punish to lift
	// (微众管控单号); required.
	RelatedWebankPunishNo string `json:"related_webank_punish_no" wx:"required,id,max=64"`
	// RelatedWxpayPunishNo is the WxpayPunishNo that Punish returned for
	// it; required.
	RelatedWxpayPunishNo string `json:"related_wxpay_punish_no" wx:"required,id"`
	// MchID is the merchant whose control is lifted; required.
	MchID string `json:"mchid" wx:"required,id"`
	// BalAccountNo is the controlled ledger (the WeBank drawdown account,
	// 微众支用账号) in plaintext; required. The SDK encrypts it (RSA-OAEP)
	// and never logs it.
	BalAccountNo string `json:"bal_account_no" wx:"required,id,encrypt"`
	// RecoverReason is the reason, visible UTF-8, at most 256 characters
	// (checked by WeChat Pay). The official page makes it optional, a
	// community reference required: the SDK requires it, which is valid
	// under both.
	RecoverReason string `json:"recover_reason" wx:"required"`
	// CardNo is the card of the controlled merchant (卡号) in plaintext;
	// optional, encrypted by the SDK. CardNo, SgnNo and ReqScene are fields
	// a 2026 community reference added; the official pages of 2025-09 do
	// not have them.
	CardNo string `json:"card_no,omitempty" wx:"id,encrypt"`
	// SgnNo is the sub-account agreement number; optional (community only).
	SgnNo string `json:"sgn_no,omitempty" wx:"id"`
	// ReqScene is the request scene; optional (community only).
	ReqScene ReqScene `json:"req_scene,omitempty" wx:"id"`
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

// Validate checks the request as Recover does before any I/O, reporting
// every problem: its fields' rules, and that OutRequestNo is not the
// punish's number.
func (r *RecoverRequest) Validate() error {
	err := wechatpay.ValidateRequest(r)
	if r != nil && r.OutRequestNo != "" && r.OutRequestNo == r.RelatedWebankPunishNo {
		err = errors.Join(err, &wechatpay.FieldError{Field: "out_request_no", GoField: "OutRequestNo", Reason: "must differ from related_webank_punish_no"})
	}
	return err
}

var opRecover = wechatpay.Operation[RecoverRequest, RecoverResult]{
	Name: "aggracct.Recover", Method: http.MethodPost, Repeat: wechatpay.RepeatReentrant,
	Path: "/v3/aggracct-bc/wb-channel/control-orders/recover",
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
	return opRecover.Do(ctx, s.core().Client(), req, s.limits(apiRecover)...)
}
