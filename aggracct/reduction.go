package aggracct

import (
	"context"
	"encoding/json"
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
		SuccessTime wire.Time `json:"success_time"`
		FailTime    wire.Time `json:"fail_time"`
	}{plain: (*plain)(r)}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	r.SuccessTime, r.FailTime = w.SuccessTime.Time, w.FailTime.Time
	return nil
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
	cipher, serial, err := s.encrypt("bal_account_no", req.BalAccountNo)
	if err != nil {
		return nil, err
	}
	if err := s.wait(ctx, s.queryLimiter); err != nil {
		return nil, err
	}
	var out SpecialReduction
	meta, err := svc.DoV3(ctx, "aggracct", s.c, &wechatpay.Request{
		Method: http.MethodGet,
		Path:   "/v3/aggracct-bc/wb-channel/special-reduction/" + url.PathEscape(req.OutRequestNo),
		Query:  url.Values{"bal_account_no": {cipher}, "mchid": {mchID}},
		Header: http.Header{wechatpay.HeaderSerial: {serial}},
	}, &out)
	if err != nil {
		return nil, err
	}
	out.Meta = *meta
	// The field is marked encrypted, yet the official examples show it in
	// plaintext: a verified answer that carries exactly the ledger number
	// the caller asked about is taken as it is, anything else must decrypt.
	if out.BalAccountNo != req.BalAccountNo {
		if out.BalAccountNo, err = s.c.DecryptSensitive(out.BalAccountNo); err != nil {
			return nil, fmt.Errorf("aggracct: bal_account_no (Request-ID %s): %w", meta.RequestID, err)
		}
	}
	return &out, nil
}
