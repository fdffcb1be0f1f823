package aggracct

import (
	"context"
	"fmt"
	"net/http"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/svc"
)

// QueryBalanceRequest asks for the quota balance of a ledger.
type QueryBalanceRequest struct {
	// MchID is the merchant; at most 32 characters. Empty means the
	// client's own merchant number.
	MchID string
	// BalAccountNo is the quota ledger number (额度台账号) in plaintext;
	// required. The SDK encrypts it (RSA-OAEP) and never logs it.
	BalAccountNo string
	// CardNo is the card number (卡号) in plaintext; optional, encrypted
	// by the SDK. CardNo, SgnNo and ReqScene are fields a 2026 community
	// reference added; the official pages of 2025-09 do not have them.
	CardNo string
	// SgnNo is the sub-account agreement number; optional (community only).
	SgnNo string
	// ReqScene is the request scene; optional (community only).
	ReqScene ReqScene
}

// Balance is the quota of a ledger (渠道额度).
type Balance struct {
	// InTransitReductionExist reports a special reduction still in
	// progress on the ledger: Balance does not reflect it yet.
	InTransitReductionExist bool
	// Balance is the quota of the ledger. The unit is not stated; fen is
	// assumed, like the amounts of CreateSpecialReduction.
	Balance int64
	// Meta describes the HTTP exchange (Request-ID, attempts).
	Meta wechatpay.Response
}

// balanceWire is the answer as sent: both fields are in every answer, and
// their zero values mean something, so absence is told apart.
type balanceWire struct {
	InTransitReductionExist *bool  `json:"in_transit_reduction_exist"`
	Balance                 *int64 `json:"balance"`
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
	if err := s.ready(); err != nil {
		return nil, err
	}
	if req == nil {
		return nil, &wechatpay.FieldError{Field: "request", Reason: "is nil", Missing: true}
	}
	mchID := req.MchID
	if mchID == "" {
		mchID = s.c.MchID()
	}
	if err := svc.CheckID("mchid", mchID, 32, true); err != nil {
		return nil, err
	}
	if err := svc.CheckID("bal_account_no", req.BalAccountNo, 0, true); err != nil {
		return nil, err
	}
	if err := checkCommunity(req.CardNo, req.SgnNo, req.ReqScene); err != nil {
		return nil, err
	}
	cipher, card, serial, err := s.encryptPair(req.BalAccountNo, req.CardNo)
	if err != nil {
		return nil, err
	}
	if err := s.wait(ctx, s.balanceLimiter); err != nil {
		return nil, err
	}
	query := accountQuery(mchID, cipher, card, req.SgnNo, req.ReqScene)
	var w balanceWire
	meta, err := svc.DoV3(ctx, "aggracct", s.c, &wechatpay.Request{
		Method: http.MethodGet,
		Path:   "/v3/aggracct-bc/wb-channel/account/balance",
		Query:  query,
		Header: http.Header{wechatpay.HeaderSerial: {serial}},
	}, &w)
	if err != nil {
		return nil, err
	}
	missing := ""
	switch {
	case w.Balance == nil:
		missing = "balance"
	case w.InTransitReductionExist == nil:
		missing = "in_transit_reduction_exist"
	}
	if missing != "" {
		return nil, fmt.Errorf("aggracct: %w: the answer has no %s (Request-ID %s)", wechatpay.ErrMalformedResponse, missing, meta.RequestID)
	}
	return &Balance{InTransitReductionExist: *w.InTransitReductionExist, Balance: *w.Balance, Meta: *meta}, nil
}
