package aggracct

import (
	"context"
	"net/http"
	"time"

	"github.com/gowechatpay/wechatpay"
)

// PunishRequest registers a control order (管控单) on a WeBank ledger. Its
// fields are the body, in the documented order.
type PunishRequest struct {
	// OutRequestNo is the WeBank control-order number (微众管控单号);
	// required, at most 64 characters. It is the idempotency key: repeat a
	// call with the same number and the same fields, never a new number.
	OutRequestNo string `json:"out_request_no" wx:"required,id,max=64"`
	// MchID is the merchant to be controlled (目标下管商户号); required.
	MchID string `json:"mchid" wx:"required,id"`
	// BalAccountNo is the ledger to be controlled, in plaintext; required.
	// The SDK encrypts it (RSA-OAEP) and never logs it.
	BalAccountNo string `json:"bal_account_no" wx:"required,id,encrypt"`
	// PunishScene is the control scene WeBank registered; required (> 0).
	PunishScene PunishScene `json:"punish_scene" wx:"required,min=1"`
	// PunishReason is an optional free-text reason (visible UTF-8), kept
	// for analysis and reconciliation.
	PunishReason string `json:"punish_reason,omitempty"`
	// PunishEndTime is when the control ends; the zero time means
	// long-term. It is sent as RFC 3339 to the second in the time's own
	// location (its year within 1..9999), so use a UTC+08:00 location to
	// match WeChat Pay's examples. Reaching it does not lift the control
	// automatically.
	PunishEndTime time.Time `json:"punish_end_time,omitzero"`
	// CardNo is the card number (卡号) in plaintext; optional, left out when
	// empty. The SDK encrypts it with the same key as BalAccountNo. It is
	// one of the fields a 2026 community reference added (CardNo, SgnNo,
	// ReqScene, FundRepatriationStrategy); the official pages of 2025-09 do
	// not have them.
	CardNo string `json:"card_no,omitempty" wx:"id,encrypt"`
	// SgnNo is the merchant account agreement number (商户账户协议号);
	// optional (community only).
	SgnNo string `json:"sgn_no,omitempty" wx:"id"`
	// ReqScene is the request scene; optional (community only).
	ReqScene ReqScene `json:"req_scene,omitempty" wx:"id"`
	// FundRepatriationStrategy is the WeBank funds transfer-back strategy
	// (微众资金划回策略); optional (community only).
	FundRepatriationStrategy FundRepatriationStrategy `json:"fund_repatriation_strategy,omitempty" wx:"id"`
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

// Validate checks the request as Punish does before any I/O, reporting
// every problem.
func (r *PunishRequest) Validate() error { return wechatpay.ValidateRequest(r) }

var opPunish = wechatpay.Operation[PunishRequest, PunishResult]{
	Name: "aggracct.Punish", Method: http.MethodPost, Repeat: wechatpay.RepeatReentrant,
	Path: "/v3/aggracct-bc/wb-channel/control-orders/punish",
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
	return opPunish.Do(ctx, s.core().Client(), req, s.limits(apiPunish)...)
}
