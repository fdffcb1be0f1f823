package aggracct

import (
	"context"
	"time"
	"unicode/utf8"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/svc"
)

// PunishRequest registers a control order (管控单) on a WeBank ledger.
type PunishRequest struct {
	// OutRequestNo is the WeBank control-order number (微众管控单号);
	// required, at most 64 characters. It is the idempotency key: repeat a
	// call with the same number and the same fields, never a new number.
	OutRequestNo string
	// MchID is the merchant to be controlled (目标下管商户号); required.
	MchID string
	// BalAccountNo is the ledger to be controlled, in plaintext; required.
	// The SDK encrypts it (RSA-OAEP) and never logs it.
	BalAccountNo string
	// PunishScene is the control scene WeBank registered; required (> 0).
	PunishScene PunishScene
	// PunishReason is an optional free-text reason (visible UTF-8), kept
	// for analysis and reconciliation.
	PunishReason string
	// PunishEndTime is when the control ends; the zero time means
	// long-term. It is sent as RFC 3339 in the time's own location, so use
	// a UTC+08:00 location to match WeChat Pay's examples. Reaching it does
	// not lift the control automatically.
	PunishEndTime time.Time
	// CardNo is the card number (卡号) in plaintext; optional, left out when
	// empty. The SDK encrypts it with the same key as BalAccountNo. It is
	// one of the fields a 2026 community reference added (CardNo, SgnNo,
	// ReqScene, FundRepatriationStrategy); the official pages of 2025-09 do
	// not have them.
	CardNo string
	// SgnNo is the merchant account agreement number (商户账户协议号);
	// optional (community only).
	SgnNo string
	// ReqScene is the request scene; optional (community only).
	ReqScene ReqScene
	// FundRepatriationStrategy is the WeBank funds transfer-back strategy
	// (微众资金划回策略); optional (community only).
	FundRepatriationStrategy FundRepatriationStrategy
}

// PunishResult acknowledges a control order. The outcome of the control
// itself is read later with QueryControlOrder. Both fields are in every answer:
// a verified answer without one acknowledges nothing the caller could
// reconcile against, and is wechatpay.ErrMalformedResponse.
type PunishResult struct {
	// WxpayPunishNo is WeChat Pay's control-order number.
	WxpayPunishNo string `json:"wxpay_punish_no" wire:"required"`
	// OutRequestNo echoes the request's number.
	OutRequestNo string `json:"out_request_no" wire:"required"`
	// Meta describes the HTTP exchange (Request-ID, attempts).
	Meta wechatpay.Response `json:"-"`
}

// punishBody is the request body, fields in the documented order.
type punishBody struct {
	OutRequestNo  string      `json:"out_request_no"`
	MchID         string      `json:"mchid"`
	BalAccountNo  string      `json:"bal_account_no"`
	PunishScene   PunishScene `json:"punish_scene"`
	PunishReason  string      `json:"punish_reason,omitempty"`
	PunishEndTime string      `json:"punish_end_time,omitempty"`
	CardNo        string      `json:"card_no,omitempty"`
	SgnNo         string      `json:"sgn_no,omitempty"`
	ReqScene      ReqScene    `json:"req_scene,omitempty"`
	FundStrategy  string      `json:"fund_repatriation_strategy,omitempty"`
}

// newPunishBody builds the wire body from a validated request and the
// ciphertext of its bal_account_no.
func newPunishBody(req *PunishRequest, cipher string) punishBody {
	b := punishBody{
		OutRequestNo: req.OutRequestNo,
		MchID:        req.MchID,
		BalAccountNo: cipher,
		PunishScene:  req.PunishScene,
		PunishReason: req.PunishReason,
		SgnNo:        req.SgnNo,
		ReqScene:     req.ReqScene,
		FundStrategy: string(req.FundRepatriationStrategy),
	}
	if !req.PunishEndTime.IsZero() {
		b.PunishEndTime = req.PunishEndTime.Format(time.RFC3339)
	}
	return b
}

// encode returns the compact JSON of the body (see svc.EncodeJSON).
func (b *punishBody) encode() ([]byte, error) { return svc.EncodeJSON(b) }

func validatePunish(req *PunishRequest) error {
	if req == nil {
		return &wechatpay.FieldError{Field: "request", Reason: "is nil", Missing: true}
	}
	if err := svc.CheckID("out_request_no", req.OutRequestNo, 64, true); err != nil {
		return err
	}
	if err := svc.CheckID("mchid", req.MchID, 0, true); err != nil {
		return err
	}
	if err := svc.CheckID("bal_account_no", req.BalAccountNo, 0, true); err != nil {
		return err
	}
	switch {
	case req.PunishScene == 0:
		return &wechatpay.FieldError{Field: "punish_scene", Reason: "is required", Missing: true}
	case req.PunishScene < 0:
		return &wechatpay.FieldError{Field: "punish_scene", Reason: "must be a positive scene id"}
	}
	if !utf8.ValidString(req.PunishReason) {
		return &wechatpay.FieldError{Field: "punish_reason", Reason: "is not valid UTF-8"}
	}
	if t := req.PunishEndTime; !t.IsZero() && (t.Year() < 1 || t.Year() > 9999) {
		return &wechatpay.FieldError{Field: "punish_end_time", Reason: "has a year outside 1..9999"}
	}
	if err := checkCommunity(req.CardNo, req.SgnNo, req.ReqScene); err != nil {
		return err
	}
	return svc.CheckID("fund_repatriation_strategy", string(req.FundRepatriationStrategy), 0, false)
}

// Punish registers a control order on a WeBank ledger (发起微众台账管控 /
// 受理管控). The answer only acknowledges the order: poll
// QueryControlOrder with ControlTypePunish for its outcome (no notification
// format is documented), and lift it with Recover.
//
// POST /v3/aggracct-bc/wb-channel/control-orders/punish
//
// Rate limit: 200 requests per minute (see WithPunishLimiter). The API is
// re-entrant for one year per out_request_no, so the client retries it with
// the same body bytes on transport errors, 429 and 5xx; a repeat with the
// same number and fields returns the same WxpayPunishNo. What WeChat Pay
// does with the same number and other fields is not documented (the
// emulator answers 400 PARAM_ERROR): never reuse a number for other fields.
func (s *Service) Punish(ctx context.Context, req *PunishRequest) (*PunishResult, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	if err := validatePunish(req); err != nil {
		return nil, err
	}
	cipher, card, serial, err := s.encryptPair(req.BalAccountNo, req.CardNo)
	if err != nil {
		return nil, err
	}
	wire := newPunishBody(req, cipher)
	wire.CardNo = card
	body, err := wire.encode()
	if err != nil {
		return nil, err
	}
	var out PunishResult
	meta, err := s.postEncrypted(ctx, s.punishLimiter, "/v3/aggracct-bc/wb-channel/control-orders/punish", body, serial, &out)
	if err != nil {
		return nil, err
	}
	out.Meta = *meta
	return &out, nil
}
