package aggracct

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/service"
	"github.com/gowechatpay/wechatpay/internal/wire"
)

// QuerySpecialReductionRequest asks for the result of one special reduction.
type QuerySpecialReductionRequest struct {
	// OutRequestNo is the special-reduction number (特殊减额单号); required,
	// at most 32 characters.
	OutRequestNo string `json:"-" path:"out_request_no" wx:"required,id,max=32"`
	// MchID is the WeChat Pay merchant number; at most 32 characters. Empty
	// means the client's own merchant number.
	MchID string `json:"-" query:"mchid" wx:"default=mchid,id,max=32"`
	// BalAccountNo is the quota ledger number (额度台账号) in plaintext;
	// required. The SDK encrypts it (RSA-OAEP) and never logs it.
	BalAccountNo string `json:"-" query:"bal_account_no" wx:"required,id,encrypt"`
	// CardNo is the card number (卡号) in plaintext; optional, left out
	// when empty, encrypted by the SDK. CardNo, SgnNo and ReqScene are
	// fields a 2026 community reference added; the official pages of
	// 2025-09 do not have them.
	CardNo string `json:"-" query:"card_no" wx:"id,encrypt"`
	// SgnNo is the merchant account agreement number (商户账户协议号);
	// optional (community only).
	SgnNo string `json:"-" query:"sgn_no" wx:"id"`
	// ReqScene is the request scene; optional (community only).
	ReqScene ReqScene `json:"-" query:"req_scene" wx:"id"`
}

// Validate checks the request as QuerySpecialReduction does before any
// I/O (the client's merchant number is filled in after), reporting every
// problem.
func (r *QuerySpecialReductionRequest) Validate() error { return wechatpay.ValidateRequest(r) }

// SpecialReduction is the result of a special reduction. Fields documented
// for one state only are zero values in the others. The fields tagged
// wire:"required" are in every answer: a verified answer without one is
// wechatpay.ErrMalformedResponse.
type SpecialReduction struct {
	// MchID is the target merchant of the reduction.
	MchID string `json:"mchid" wire:"required"`
	// BalAccountNo is the quota ledger number, decrypted.
	BalAccountNo string `json:"bal_account_no" wire:"required"`
	// OutRequestNo is the merchant's special-reduction number.
	OutRequestNo string `json:"out_request_no" wire:"required"`
	// ReductionType is the kind of reduction (SUCCESS only).
	ReductionType ReductionType `json:"reduction_type,omitempty"`
	// Amount is the reduced amount in fen (SUCCESS only).
	Amount int64 `json:"amount,omitempty"`
	// State is the processing result.
	State State `json:"state" wire:"required"`
	// Reason is why the reduction was made, e.g. a court case number
	// (SUCCESS only).
	Reason string `json:"reason,omitempty"`
	// QuotaChangeNo is WeChat Pay's quota-change number (SUCCESS only).
	QuotaChangeNo string `json:"quota_change_no,omitempty"`
	// SuccessTime is when the reduction succeeded; zero when absent.
	SuccessTime time.Time `json:"success_time,omitzero"`
	// FailTime is when the reduction failed; zero when absent.
	FailTime time.Time `json:"fail_time,omitzero"`
	// FailReason says why the reduction failed (FAILED only).
	FailReason FailReason `json:"fail_reason,omitempty"`
	// Meta describes the HTTP exchange (Request-ID, attempts).
	Meta wechatpay.Response `json:"-"`
}

// UnmarshalJSON decodes a special reduction with encoding/json, reading
// the times as RFC 3339 with or without a fraction of a second (absent, ""
// or null is the zero time). BalAccountNo is taken as sent: the service
// decrypts it.
func (r *SpecialReduction) UnmarshalJSON(data []byte) error {
	type plain SpecialReduction
	w := struct {
		*plain
		SuccessTime json.RawMessage `json:"success_time"`
		FailTime    json.RawMessage `json:"fail_time"`
	}{plain: (*plain)(r)}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	return errors.Join(
		wire.TimeField("success_time", w.SuccessTime, &r.SuccessTime),
		wire.TimeField("fail_time", w.FailTime, &r.FailTime))
}

var opQuerySpecialReduction = wechatpay.Operation[QuerySpecialReductionRequest, SpecialReduction]{
	Name: "aggracct.QuerySpecialReduction", Method: http.MethodGet, Repeat: wechatpay.RepeatRead,
	Path: "/v3/aggracct-bc/wb-channel/special-reduction/{out_request_no}",
}

// QuerySpecialReduction returns the result of a special reduction on a
// WeBank-channel aggregated account (查询特殊减额结果).
//
// GET /v3/aggracct-bc/wb-channel/special-reduction/{out_request_no}
//
// Rate limit: 100 requests per second per target merchant (see
// WithQueryLimiter). The call is read-only and is retried by the client on
// transport errors, 429 and 5xx.
func (s *Service) QuerySpecialReduction(ctx context.Context, req *QuerySpecialReductionRequest) (*SpecialReduction, error) {
	r, err := opQuerySpecialReduction.Do(ctx, s.core().Client(), req, s.limits(apiQuery)...)
	return then(r, err, func(r *SpecialReduction) error { return s.open(r, req.BalAccountNo) })
}

// open decrypts the bal_account_no of a verified special-reduction answer.
// The field is marked encrypted, yet the official examples show it in
// plaintext: a verified answer that carries exactly the ledger number the
// caller sent is taken as it is, anything else must decrypt.
func (s *Service) open(r *SpecialReduction, plain string) error {
	if r.BalAccountNo == plain {
		return nil
	}
	return service.Decrypt(s.core().Client().DecryptSensitive, &r.BalAccountNo, "aggracct: bal_account_no", r.Meta.RequestID)
}

// CreateSpecialReductionRequest reduces a quota ledger (特殊减额): a
// judicial deduction or a financial penalty. Its fields are the body, in
// the documented order.
type CreateSpecialReductionRequest struct {
	// MchID is the target merchant of the reduction (特殊减额目标商户号); at
	// most 32 characters. Empty means the client's own merchant number.
	MchID string `json:"mchid" wx:"default=mchid,id,max=32"`
	// BalAccountNo is the quota ledger number (额度台账号) in plaintext;
	// required. The SDK encrypts it (RSA-OAEP) and never logs it.
	BalAccountNo string `json:"bal_account_no" wx:"required,id,encrypt"`
	// OutRequestNo is the merchant's special-reduction number; required,
	// at most 32 ASCII digits and letters. It is the idempotency key: the
	// API is re-entrant for 31 days with the same number and fields.
	OutRequestNo string `json:"out_request_no" wx:"required,alnum,max=32"`
	// ReductionType is the kind of reduction; required,
	// ReductionTypeFinancialPenalty or ReductionTypeJudicialDeduction.
	ReductionType ReductionType `json:"reduction_type" wx:"required,oneof=FINANCIAL_PENALTY|JUDICIAL_DEDUCTION"`
	// Amount is the amount to reduce in fen; required, positive.
	Amount int64 `json:"amount" wx:"required,min=1"`
	// Reason is kept for audit; optional, visible UTF-8, at most 512
	// characters (checked by WeChat Pay). For a judicial deduction, the
	// case number of the requesting party; for a financial penalty, the
	// reason.
	Reason string `json:"reason,omitempty"`
	// CardNo is the card number (卡号) in plaintext; optional, encrypted
	// by the SDK. CardNo, SgnNo and ReqScene are fields a 2026 community
	// reference added; the official pages of 2025-09 do not have them.
	CardNo string `json:"card_no,omitempty" wx:"id,encrypt"`
	// SgnNo is the merchant account agreement number (商户账户协议号);
	// optional (community only).
	SgnNo string `json:"sgn_no,omitempty" wx:"id"`
	// ReqScene is the request scene; optional (community only).
	ReqScene ReqScene `json:"req_scene,omitempty" wx:"id"`
}

// Validate checks the request as CreateSpecialReduction does before any
// I/O (the client's merchant number is filled in after), reporting every
// problem.
func (r *CreateSpecialReductionRequest) Validate() error { return wechatpay.ValidateRequest(r) }

var opCreateSpecialReduction = wechatpay.Operation[CreateSpecialReductionRequest, SpecialReduction]{
	Name: "aggracct.CreateSpecialReduction", Method: http.MethodPost, Repeat: wechatpay.RepeatReentrant,
	Path: "/v3/aggracct-bc/wb-channel/special-reduction",
}

// CreateSpecialReduction reduces a quota ledger of the WeBank channel
// (特殊减额) by a judicial deduction or a financial penalty, and returns the
// order, often still StateProcessing: query it with QuerySpecialReduction.
//
// POST /v3/aggracct-bc/wb-channel/special-reduction
//
// Rate limit: 100 requests per second per target merchant (see
// WithCreateReductionLimiter). The API is re-entrant for 31 days per
// out_request_no, so the client retries it with the same body bytes on
// transport errors, 429 and 5xx; a repeat with the same number and fields
// returns the order. When the balance is insufficient WeChat Pay closes the
// order and answers 403 NOT_ENOUGH (a *wechatpay.APIError); a later resend
// of that number answers 400 ALREADY_EXISTS, so a new reduction needs a new
// number. Never reuse a number for other fields (the emulator answers 400
// PARAM_ERROR).
func (s *Service) CreateSpecialReduction(ctx context.Context, req *CreateSpecialReductionRequest) (*SpecialReduction, error) {
	r, err := opCreateSpecialReduction.Do(ctx, s.core().Client(), req, s.limits(apiCreate)...)
	return then(r, err, func(r *SpecialReduction) error { return s.open(r, req.BalAccountNo) })
}
