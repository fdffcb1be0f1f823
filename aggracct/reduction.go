package aggracct

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/jsonwire"
	"github.com/gowechatpay/wechatpay/internal/svc"
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
// for one state only are zero values in the others.
type SpecialReduction struct {
	// MchID is the target merchant of the reduction.
	MchID string `json:"mchid"`
	// BalAccountNo is the quota ledger number, decrypted.
	BalAccountNo string `json:"bal_account_no"`
	// OutRequestNo is the merchant's special-reduction number.
	OutRequestNo string `json:"out_request_no"`
	// ReductionType is the kind of reduction (SUCCESS only).
	ReductionType ReductionType `json:"reduction_type,omitempty"`
	// Amount is the reduced amount in fen (SUCCESS only).
	Amount int64 `json:"amount,omitempty"`
	// State is the processing result.
	State State `json:"state"`
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

// specialReductionWire is the response body as sent.
type specialReductionWire struct {
	MchID         string        `json:"mchid"`
	BalAccountNo  string        `json:"bal_account_no"`
	OutRequestNo  string        `json:"out_request_no"`
	ReductionType ReductionType `json:"reduction_type"`
	Amount        int64         `json:"amount"`
	State         State         `json:"state"`
	Reason        string        `json:"reason"`
	QuotaChangeNo string        `json:"quota_change_no"`
	SuccessTime   string        `json:"success_time"`
	FailTime      string        `json:"fail_time"`
	FailReason    FailReason    `json:"fail_reason"`
}

var specialReductionFields = []string{
	"mchid", "bal_account_no", "out_request_no", "reduction_type", "amount", "state", "reason",
	"quota_change_no", "success_time", "fail_time", "fail_reason",
}

// UnmarshalWire decodes the verified body for the client, as json.Unmarshal
// would, with the strings sharing one copy of data.
func (w *specialReductionWire) UnmarshalWire(data []byte) error {
	var r jsonwire.Reader
	r.Reset(data)
	err := r.Object(specialReductionFields, func(name string) error {
		switch name {
		case "mchid":
			return r.String(&w.MchID)
		case "bal_account_no":
			return r.String(&w.BalAccountNo)
		case "out_request_no":
			return r.String(&w.OutRequestNo)
		case "reduction_type":
			return r.String((*string)(&w.ReductionType))
		case "amount":
			return r.Int64(&w.Amount)
		case "state":
			return r.String((*string)(&w.State))
		case "reason":
			return r.String(&w.Reason)
		case "quota_change_no":
			return r.String(&w.QuotaChangeNo)
		case "success_time":
			return r.String(&w.SuccessTime)
		case "fail_time":
			return r.String(&w.FailTime)
		default: // fail_reason
			return r.String((*string)(&w.FailReason))
		}
	})
	if err != nil {
		return err
	}
	return r.End()
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
	var wire specialReductionWire
	meta, err := s.c.DoV3(ctx, &wechatpay.Request{
		Method:   http.MethodGet,
		Path:     "/v3/aggracct-bc/wb-channel/special-reduction/" + url.PathEscape(req.OutRequestNo),
		RawQuery: svc.Query("bal_account_no", cipher, "mchid", mchID),
		Header:   http.Header{wechatpay.HeaderSerial: {serial}},
	}, &wire)
	if err != nil {
		return nil, err
	}
	out, err := s.fromWire(&wire, meta, req.BalAccountNo)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// fromWire converts a verified response: decrypts bal_account_no and parses
// the times. The field is marked encrypted, yet the official examples show it
// in plaintext; a verified answer that carries exactly the ledger number the
// caller asked about (sent is that plaintext) is taken as it is, anything
// else must decrypt.
func (s *Service) fromWire(w *specialReductionWire, meta *wechatpay.Response, sent string) (*SpecialReduction, error) {
	out := &SpecialReduction{
		MchID:         w.MchID,
		OutRequestNo:  w.OutRequestNo,
		ReductionType: w.ReductionType,
		Amount:        w.Amount,
		State:         w.State,
		Reason:        w.Reason,
		QuotaChangeNo: w.QuotaChangeNo,
		FailReason:    w.FailReason,
	}
	if meta != nil {
		out.Meta = *meta
	}
	var err error
	if w.BalAccountNo != "" && w.BalAccountNo == sent {
		out.BalAccountNo = sent
	} else if out.BalAccountNo, err = s.c.DecryptSensitive(w.BalAccountNo); err != nil {
		return nil, fmt.Errorf("aggracct: bal_account_no (Request-ID %s): %w", out.Meta.RequestID, err)
	}
	if out.SuccessTime, err = parseTime("success_time", w.SuccessTime, out.Meta.RequestID); err != nil {
		return nil, err
	}
	if out.FailTime, err = parseTime("fail_time", w.FailTime, out.Meta.RequestID); err != nil {
		return nil, err
	}
	return out, nil
}

// parseTime parses an RFC 3339 time with an optional fraction of a second;
// "" is the zero time. A bad value wraps wechatpay.ErrMalformedResponse.
func parseTime(field, v, requestID string) (time.Time, error) {
	t, err := jsonwire.ParseTime(v)
	if err != nil {
		return time.Time{}, fmt.Errorf("aggracct: %w: %s is not an RFC 3339 time (Request-ID %s)", wechatpay.ErrMalformedResponse, field, requestID)
	}
	return t, nil
}
