package aggracct

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/wire"
)

// ApplyRenameRequest asks WeChat Pay to rename the channel settlement bank
// account of a WeBank ledger. Its fields are the body, in the documented
// order.
type ApplyRenameRequest struct {
	// OutRequestNo is WeBank's number for the rename, unique inside WeBank;
	// required, at most 64 characters. WeChat Pay passes it through and
	// does not de-duplicate on it.
	OutRequestNo string `json:"out_request_no" wx:"required,id,max=64"`
	// MchID is the merchant whose account is renamed; required, at most 64
	// characters.
	MchID string `json:"mchid" wx:"required,id,max=64"`
	// BalAccountNo is the ledger in plaintext; required. The SDK encrypts
	// it (RSA-OAEP) and never logs it.
	BalAccountNo string `json:"bal_account_no" wx:"required,id,encrypt"`
	// ChangeScene is why; required, ChangeSceneSubjectInfoRename.
	ChangeScene ChangeScene `json:"change_scene" wx:"required,id"`
	// ReqScene is the request scene; optional: absent means
	// ReqSceneSJTConvenientSettlementServiceMerchant.
	ReqScene ReqScene `json:"req_scene,omitempty" wx:"id"`
}

// Validate checks the request as ApplyRename does before any I/O,
// reporting every problem.
func (r *ApplyRenameRequest) Validate() error { return wechatpay.ValidateRequest(r) }

// QueryRenameRequest names a rename application.
type QueryRenameRequest struct {
	// ApplicationID is WeChat Pay's application number that ApplyRename
	// answered; required, at most 64 characters.
	ApplicationID string `json:"-" path:"application_id" wx:"required,id,max=64"`
	// MchID is the merchant; required, at most 64 characters.
	MchID string `json:"-" query:"mchid" wx:"required,id,max=64"`
	// BalAccountNo is the ledger in plaintext; required, encrypted by the
	// SDK.
	BalAccountNo string `json:"-" query:"bal_account_no" wx:"required,id,encrypt"`
}

// Validate checks the request as QueryRename does before any I/O,
// reporting every problem.
func (r *QueryRenameRequest) Validate() error { return wechatpay.ValidateRequest(r) }

// Rename is a rename application. The fields tagged wire:"required" are
// in every answer: a verified answer without one is
// wechatpay.ErrMalformedResponse.
type Rename struct {
	// ChangeScene, OutRequestNo and MchID echo the application's.
	ChangeScene  ChangeScene `json:"change_scene" wire:"required"`
	OutRequestNo string      `json:"out_request_no" wire:"required"`
	MchID        string      `json:"mchid" wire:"required"`
	// ApplicationID is WeChat Pay's number, the only key QueryRename takes.
	ApplicationID string `json:"application_id" wire:"required"`
	// BalAccountNo is the ledger and NewAccountName the account's target
	// name, both decrypted.
	BalAccountNo   string `json:"bal_account_no" wire:"required"`
	NewAccountName string `json:"new_account_name" wire:"required"`
	// ApplicationState is the state of the application.
	ApplicationState RenameState `json:"application_state" wire:"required"`
	// FinishTime is when it finished; zero while it is processing.
	FinishTime time.Time `json:"finish_time,omitzero"`
	// FailCode and FailMsg say why it failed.
	FailCode string `json:"fail_code,omitempty"`
	FailMsg  string `json:"fail_msg,omitempty"`
	// Meta describes the HTTP exchange (Request-ID, attempts).
	Meta wechatpay.Response `json:"-"`
}

// UnmarshalJSON decodes a rename application with encoding/json, reading
// finish_time as RFC 3339 (absent, "" or null is the zero time).
func (r *Rename) UnmarshalJSON(data []byte) error {
	type plain Rename
	w := struct {
		*plain
		FinishTime json.RawMessage `json:"finish_time"`
	}{plain: (*plain)(r)}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	return wire.TimeField("finish_time", w.FinishTime, &r.FinishTime)
}

// openRename decrypts the encrypted fields of a rename application.
func openRename(c *wechatpay.Client, _ []byte, r *Rename) error {
	return openMarked(c, r.Meta.RequestID, &r.BalAccountNo, &r.NewAccountName)
}

var opApplyRename = wechatpay.Operation[ApplyRenameRequest, Rename]{
	Name: "aggracct.ApplyRename", Method: http.MethodPost, Repeat: wechatpay.RepeatNever,
	Path: "/v3/aggracct-bc/wb-channel/bank-channel-account/rename", After: openRename,
}

// ErrRenameOutcomeUnknown is matched (errors.Is) by the error of an
// ApplyRename whose request may have reached WeChat Pay without a readable
// answer: whether an application was created is unknown.
var ErrRenameOutcomeUnknown = errors.New("aggracct: outcome of the rename application unknown")

// ApplyRename requests a rename of the channel settlement bank account of
// a WeBank ledger after the merchant's subject data changed
// (受理渠道结算银行账户更名申请). Poll QueryRename with the answer's
// ApplicationID for the result.
//
// POST /v3/aggracct-bc/wb-channel/bank-channel-account/rename
//
// The function is in grey release: until WeChat Pay opens it, expect 403
// NO_AUTH (unconfirmed). Rate limit: 200 requests per minute per merchant
// (see WithRenameLimiter).
//
// It is never retried: WeChat Pay does not de-duplicate on out_request_no,
// so every request that arrives creates an application, and none can be
// looked up by that number. A *wechatpay.APIError with a 4xx status is a
// definite rejection (nothing was created); a *wechatpay.FieldError or a
// limiter's error means nothing was sent. Every other failure once the
// request may have left (a transport failure, a 5xx, an answer that does
// not verify or decode) matches ErrRenameOutcomeUnknown and wraps its
// cause: an application may exist, and sending again may create a second
// one, so ask WeChat Pay before you do.
func (s *Service) ApplyRename(ctx context.Context, req *ApplyRenameRequest) (*Rename, error) {
	r, err := opApplyRename.Do(ctx, s.core().Client(), req, s.limits(apiRename)...)
	return r, renameOutcome(err)
}

// renameOutcome marks err, an ApplyRename failure, when the request may
// have left and no definite rejection came back.
func renameOutcome(err error) error {
	var apiErr *wechatpay.APIError
	var te *wechatpay.TransportError
	switch {
	case err == nil, errors.As(err, &apiErr) && apiErr.StatusCode < 500:
		return err
	case apiErr != nil, errors.As(err, &te), errors.Is(err, wechatpay.ErrInvalidSignature),
		errors.Is(err, wechatpay.ErrMalformedResponse), errors.Is(err, wechatpay.ErrResponseTooLarge),
		errors.Is(err, wechatpay.ErrDecrypt):
		return fmt.Errorf("%w; an application may exist, do not resend blindly: %w", ErrRenameOutcomeUnknown, err)
	}
	return err
}

var opQueryRename = wechatpay.Operation[QueryRenameRequest, Rename]{
	Name: "aggracct.QueryRename", Method: http.MethodGet, Repeat: wechatpay.RepeatRead,
	Path: "/v3/aggracct-bc/wb-channel/bank-channel-account/rename/{application_id}", After: openRename,
}

// QueryRename reads a rename application that ApplyRename created
// (查询渠道结算银行账户更名申请).
//
// GET /v3/aggracct-bc/wb-channel/bank-channel-account/rename/{application_id}?mchid=…&bal_account_no=…
//
// Rate limit: 200 requests per minute per merchant (see
// WithRenameQueryLimiter). The call is read-only and is retried by the
// client on transport errors, 429 and 5xx.
func (s *Service) QueryRename(ctx context.Context, req *QueryRenameRequest) (*Rename, error) {
	return opQueryRename.Do(ctx, s.core().Client(), req, s.limits(apiRenameQuery)...)
}
