package aggracct

import (
	"context"
	"net/http"

	"github.com/gowechatpay/wechatpay"
)

// QueryBalanceRequest asks for the quota balance of a ledger.
type QueryBalanceRequest struct {
	// MchID is the merchant; at most 32 characters. Empty means the
	// client's own merchant number.
	MchID string `json:"-" query:"mchid" wx:"default=mchid,id,max=32"`
	// BalAccountNo is the quota ledger number (额度台账号) in plaintext;
	// required. The SDK encrypts it (RSA-OAEP) and never logs it.
	BalAccountNo string `json:"-" query:"bal_account_no" wx:"required,id,encrypt"`
	// CardNo is the card number (卡号) in plaintext; optional, encrypted
	// by the SDK. CardNo, SgnNo and ReqScene are fields a 2026 community
	// reference added; the official pages of 2025-09 do not have them.
	CardNo string `json:"-" query:"card_no" wx:"id,encrypt"`
	// SgnNo is the sub-account agreement number; optional (community only).
	SgnNo string `json:"-" query:"sgn_no" wx:"id"`
	// ReqScene is the request scene; optional (community only).
	ReqScene ReqScene `json:"-" query:"req_scene" wx:"id"`
}

// Validate checks the request as QueryBalance does before any I/O (the
// client's merchant number is filled in after), reporting every problem.
func (r *QueryBalanceRequest) Validate() error { return wechatpay.ValidateRequest(r) }

// Balance is the quota of a ledger (渠道额度). Both fields are in every
// answer, and their zero values mean something: a verified answer without
// one is wechatpay.ErrMalformedResponse.
type Balance struct {
	// Balance is the quota of the ledger. The unit is not stated; fen is
	// assumed, like the amounts of CreateSpecialReduction.
	Balance int64 `json:"balance" wire:"present"`
	// InTransitReductionExist reports a special reduction still in
	// progress on the ledger: Balance does not reflect it yet.
	InTransitReductionExist bool `json:"in_transit_reduction_exist" wire:"present"`
	// Meta describes the HTTP exchange (Request-ID, attempts).
	Meta wechatpay.Response `json:"-"`
}

var opQueryBalance = wechatpay.Operation[QueryBalanceRequest, Balance]{
	Name: "aggracct.QueryBalance", Method: http.MethodGet, Repeat: wechatpay.RepeatRead,
	Path: "/v3/aggracct-bc/wb-channel/account/balance",
}

// QueryBalance returns the quota balance of a WeBank-channel ledger
// (查询渠道额度). A special reduction lowers it once it succeeds.
//
// GET /v3/aggracct-bc/wb-channel/account/balance?mchid=…&bal_account_no=…
//
// Rate limit: 100 requests per second per target merchant (see
// WithBalanceLimiter). The call is read-only and is retried by the client on
// transport errors, 429 and 5xx. A verified answer without balance or
// in_transit_reduction_exist is wechatpay.ErrMalformedResponse.
func (s *Service) QueryBalance(ctx context.Context, req *QueryBalanceRequest) (*Balance, error) {
	return opQueryBalance.Do(ctx, s.core().Client(), req, s.limits(apiBalance)...)
}
