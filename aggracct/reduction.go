package aggracct

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/svc"
	"github.com/gowechatpay/wechatpay/internal/wire"
)

// QuerySpecialReductionRequest asks for the result of one special reduction.
type QuerySpecialReductionRequest struct {
	// OutRequestNo is the special-reduction number (特殊减额单号); required,
	// at most 32 characters.
	OutRequestNo string
	// MchID is the WeChat Pay merchant number; at most 32 characters. Empty
	// means the client's own merchant number.
	MchID string
	// BalAccountNo is the quota ledger number (额度台账号) in plaintext;
	// required. The SDK encrypts it (RSA-OAEP) and never logs it.
	BalAccountNo string
	// CardNo is the card number (卡号) in plaintext; optional, left out
	// when empty, encrypted by the SDK. CardNo, SgnNo and ReqScene are
	// fields a 2026 community reference added; the official pages of
	// 2025-09 do not have them.
	CardNo string
	// SgnNo is the merchant account agreement number (商户账户协议号);
	// optional (community only).
	SgnNo string
	// ReqScene is the request scene; optional (community only).
	ReqScene ReqScene
}

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

// QuerySpecialReduction returns the result of a special reduction on a
// WeBank-channel aggregated account (查询特殊减额结果).
//
// GET /v3/aggracct-bc/wb-channel/special-reduction/{out_request_no}
//
// Rate limit: 100 requests per second per target merchant (see
// WithQueryLimiter). The call is read-only and is retried by the client on
// transport errors, 429 and 5xx.
func (s *Service) QuerySpecialReduction(ctx context.Context, req *QuerySpecialReductionRequest) (*SpecialReduction, error) {
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
	if err := svc.CheckID("out_request_no", req.OutRequestNo, 32, true); err != nil {
		return nil, err
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
	if err := s.wait(ctx, s.queryLimiter); err != nil {
		return nil, err
	}
	query := accountQuery(mchID, cipher, card, req.SgnNo, req.ReqScene)
	var out SpecialReduction
	meta, err := svc.DoV3(ctx, "aggracct", s.c, &wechatpay.Request{
		Method: http.MethodGet,
		Path:   "/v3/aggracct-bc/wb-channel/special-reduction/" + url.PathEscape(req.OutRequestNo),
		Query:  query,
		Header: http.Header{wechatpay.HeaderSerial: {serial}},
	}, &out)
	if err != nil {
		return nil, err
	}
	if err := s.openReduction(&out, meta, req.BalAccountNo); err != nil {
		return nil, err
	}
	return &out, nil
}

// optional sets the query parameter key to v unless v is empty.
// accountQuery is the query of a read by ledger (QuerySpecialReduction,
// QueryBalance): mchid, the encrypted bal_account_no, and those of the
// community fields that are set (card_no encrypted).
func accountQuery(mchID, balCipher, cardCipher, sgnNo string, scene ReqScene) url.Values {
	q := url.Values{"mchid": {mchID}, "bal_account_no": {balCipher}}
	optional(q, "card_no", cardCipher)
	optional(q, "sgn_no", sgnNo)
	optional(q, "req_scene", string(scene))
	return q
}

func optional(q url.Values, key, v string) {
	if v != "" {
		q.Set(key, v)
	}
}

// openReduction completes a verified special-reduction answer: its Meta,
// and its bal_account_no decrypted. The field is marked encrypted, yet the
// official examples show it in plaintext: a verified answer that carries
// exactly the ledger number the caller sent is taken as it is, anything
// else must decrypt.
func (s *Service) openReduction(out *SpecialReduction, meta *wechatpay.Response, plain string) error {
	out.Meta = *meta
	if out.BalAccountNo == plain {
		return nil
	}
	var err error
	if out.BalAccountNo, err = s.c.DecryptSensitive(out.BalAccountNo); err != nil {
		return fmt.Errorf("aggracct: bal_account_no (Request-ID %s): %w", meta.RequestID, err)
	}
	return nil
}

// CreateSpecialReductionRequest reduces a quota ledger (特殊减额): a
// judicial deduction or a financial penalty.
type CreateSpecialReductionRequest struct {
	// MchID is the target merchant of the reduction (特殊减额目标商户号); at
	// most 32 characters. Empty means the client's own merchant number.
	MchID string
	// BalAccountNo is the quota ledger number (额度台账号) in plaintext;
	// required. The SDK encrypts it (RSA-OAEP) and never logs it.
	BalAccountNo string
	// OutRequestNo is the merchant's special-reduction number; required,
	// at most 32 ASCII digits and letters. It is the idempotency key: the
	// API is re-entrant for 31 days with the same number and fields.
	OutRequestNo string
	// ReductionType is the kind of reduction; required,
	// ReductionTypeFinancialPenalty or ReductionTypeJudicialDeduction.
	ReductionType ReductionType
	// Amount is the amount to reduce in fen; required, positive.
	Amount int64
	// Reason is kept for audit; optional, visible UTF-8, at most 512
	// characters (checked by WeChat Pay). For a judicial deduction, the
	// case number of the requesting party; for a financial penalty, the
	// reason.
	Reason string
	// CardNo is the card number (卡号) in plaintext; optional, encrypted
	// by the SDK. CardNo, SgnNo and ReqScene are fields a 2026 community
	// reference added; the official pages of 2025-09 do not have them.
	CardNo string
	// SgnNo is the merchant account agreement number (商户账户协议号);
	// optional (community only).
	SgnNo string
	// ReqScene is the request scene; optional (community only).
	ReqScene ReqScene
}

// reductionBody is the request body of CreateSpecialReduction, fields in
// the documented order.
type reductionBody struct {
	MchID         string        `json:"mchid"`
	BalAccountNo  string        `json:"bal_account_no"`
	OutRequestNo  string        `json:"out_request_no"`
	ReductionType ReductionType `json:"reduction_type"`
	Amount        int64         `json:"amount"`
	Reason        string        `json:"reason,omitempty"`
	CardNo        string        `json:"card_no,omitempty"`
	SgnNo         string        `json:"sgn_no,omitempty"`
	ReqScene      ReqScene      `json:"req_scene,omitempty"`
}

func validateCreateReduction(req *CreateSpecialReductionRequest, mchID string) error {
	if req == nil {
		return &wechatpay.FieldError{Field: "request", Reason: "is nil", Missing: true}
	}
	if err := svc.CheckID("mchid", mchID, 32, true); err != nil {
		return err
	}
	if err := svc.CheckID("bal_account_no", req.BalAccountNo, 0, true); err != nil {
		return err
	}
	if err := checkAlnum("out_request_no", req.OutRequestNo, 32); err != nil {
		return err
	}
	switch req.ReductionType {
	case ReductionTypeFinancialPenalty, ReductionTypeJudicialDeduction:
	case "":
		return &wechatpay.FieldError{Field: "reduction_type", Reason: "is required", Missing: true}
	default:
		return &wechatpay.FieldError{Field: "reduction_type", Reason: "must be FINANCIAL_PENALTY or JUDICIAL_DEDUCTION"}
	}
	switch {
	case req.Amount == 0:
		return &wechatpay.FieldError{Field: "amount", Reason: "is required", Missing: true}
	case req.Amount < 0:
		return &wechatpay.FieldError{Field: "amount", Reason: "must be a positive number of fen"}
	}
	if err := checkText("reason", req.Reason, false); err != nil {
		return err
	}
	return checkCommunity(req.CardNo, req.SgnNo, req.ReqScene)
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
	if err := s.ready(); err != nil {
		return nil, err
	}
	var mchID string
	if req != nil {
		if mchID = req.MchID; mchID == "" {
			mchID = s.c.MchID()
		}
	}
	if err := validateCreateReduction(req, mchID); err != nil {
		return nil, err
	}
	cipher, card, serial, err := s.encryptPair(req.BalAccountNo, req.CardNo)
	if err != nil {
		return nil, err
	}
	body, err := svc.EncodeJSON(&reductionBody{
		MchID: mchID, BalAccountNo: cipher, OutRequestNo: req.OutRequestNo,
		ReductionType: req.ReductionType, Amount: req.Amount, Reason: req.Reason,
		CardNo: card, SgnNo: req.SgnNo, ReqScene: req.ReqScene,
	})
	if err != nil {
		return nil, err
	}
	var out SpecialReduction
	meta, err := s.postEncrypted(ctx, s.createLimiter, "/v3/aggracct-bc/wb-channel/special-reduction", body, serial, &out)
	if err != nil {
		return nil, err
	}
	if err := s.openReduction(&out, meta, req.BalAccountNo); err != nil {
		return nil, err
	}
	return &out, nil
}
