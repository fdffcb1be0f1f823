package profitsharing

import (
	"context"
	"errors"
	"net/http"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/service"
)

// AddReceiverRequest registers a receiver relationship (添加分账接收方).
// Upload the supporting documents first with the overseas file-upload API
// and pass their file ids.
type AddReceiverRequest struct {
	// SubMchID is the sub-merchant: required in institutional mode, empty
	// in direct mode; at most 32 characters.
	SubMchID string `json:"sub_mchid,omitempty" wx:"id,max=32"`
	// AppID is the merchant's app id; required for
	// ReceiverTypePersonalOpenID.
	AppID string `json:"appid,omitempty" wx:"id,max=32"`
	// SubAppID is the sub-merchant's app id; required for
	// ReceiverTypePersonalSubOpenID.
	SubAppID string `json:"sub_appid,omitempty" wx:"id,max=32"`
	// Type is the receiver type; required.
	Type ReceiverType `json:"type" wx:"required,id,max=32"`
	// Account is the merchant id or openid; required, at most 64
	// characters.
	Account string `json:"account" wx:"required,id,max=64"`
	// Name is the receiver's full name in plaintext, optional (a personal
	// name is checked). The SDK encrypts it and never logs it.
	Name string `json:"name,omitempty" wx:"encrypt"`
	// Authorized says that the user's consent to pass real-name data was
	// obtained; sent only when true.
	Authorized bool `json:"authorized,omitempty"`
	// RelationType is the relationship with the distributing merchant;
	// required.
	RelationType RelationType `json:"relation_type" wx:"required,id,max=32"`
	// CustomRelation describes the relationship; required when
	// RelationType is RelationTypeCustom.
	CustomRelation string `json:"custom_relation,omitempty"`
	// Scene describes the distribution scenario; optional.
	Scene string `json:"scene,omitempty"`
	// MajorService is the receiver's main business; optional.
	MajorService string `json:"major_service,omitempty"`
	// ExpectedRatio is the expected distribution ratio, optional (0 is not
	// sent). The unit is not documented; the official example 2000
	// suggests basis points (20.00%).
	ExpectedRatio int64 `json:"expected_ratio,omitempty" wx:"min=0"`
	// ApplicationFileID is the file id of the receiver application letter
	// (申请函); optional.
	ApplicationFileID string `json:"application_file_id,omitempty" wx:"id"`
	// PartnershipFileID is the file id of the partnership proof
	// (合作关系证明); optional.
	PartnershipFileID string `json:"partnership_file_id,omitempty" wx:"id"`
	// FileID is the file id field of the 2025 documentation, which merges
	// the two documents; optional. Which of the three fields WeChat Pay
	// reads is not confirmed: only those set are sent.
	FileID string `json:"file_id,omitempty" wx:"id"`
}

// Validate checks the request before any I/O and reports every problem:
// the rules of its tags (see wechatpay.ValidateRequest), the appid or
// sub_appid a personal receiver needs, and the CustomRelation that
// RelationTypeCustom needs. AddReceiver calls it.
func (r *AddReceiverRequest) Validate() error {
	if r == nil {
		return wechatpay.ValidateRequest(r)
	}
	var custom error
	if r.RelationType == RelationTypeCustom && r.CustomRelation == "" {
		custom = &wechatpay.FieldError{Field: "custom_relation", GoField: "CustomRelation", Reason: "is required for a CUSTOM relation", Missing: true}
	}
	return errors.Join(wechatpay.ValidateRequest(r), needApps(r.AppID, r.SubAppID, r.Type), custom)
}

// ReceiverRelation is a receiver relationship as AddReceiver and
// QueryReceiver answer it. Account and State are in every answer.
type ReceiverRelation struct {
	// SubMchID is the sub-merchant (institutional mode).
	SubMchID string `json:"sub_mchid,omitempty"`
	// Type is the receiver type.
	Type ReceiverType `json:"type,omitempty"`
	// Account is the merchant id or openid.
	Account string `json:"account" wire:"required"`
	// Name is the receiver's full name, decrypted by the SDK ("" when
	// absent).
	Name string `json:"name,omitempty"`
	// RelationType, CustomRelation, Scene, MajorService and ExpectedRatio
	// are as added.
	RelationType   RelationType `json:"relation_type,omitempty"`
	CustomRelation string       `json:"custom_relation,omitempty"`
	Scene          string       `json:"scene,omitempty"`
	MajorService   string       `json:"major_service,omitempty"`
	ExpectedRatio  int64        `json:"expected_ratio,omitempty"`
	// FileID, ApplicationFileID and PartnershipFileID are the document
	// file ids.
	FileID            string `json:"file_id,omitempty"`
	ApplicationFileID string `json:"application_file_id,omitempty"`
	PartnershipFileID string `json:"partnership_file_id,omitempty"`
	// State is the audit state: ReceiverStateInit at once, then
	// ReceiverStateEffective once approved.
	State ReceiverState `json:"state" wire:"required"`
	// FailReason says why the relationship could not be added; non-empty
	// means the audit failed.
	FailReason string `json:"fail_reason,omitempty"`
	// FailDescription describes the failure.
	FailDescription string `json:"fail_description,omitempty"`
	// Meta describes the HTTP exchange (Request-ID, attempts).
	Meta wechatpay.Response `json:"-"`
}

var opAddReceiver = wechatpay.Operation[AddReceiverRequest, ReceiverRelation]{
	Name: "profitsharing.AddReceiver", Method: http.MethodPost, Path: "/v3/global/profit-sharing/receivers",
	Domain: wechatpay.DomainGlobal, Repeat: wechatpay.RepeatNever,
	After: func(c *wechatpay.Client, _ []byte, r *ReceiverRelation) error {
		return service.Decrypt(c.DecryptSensitive, &r.Name, "profitsharing: the answer's name", r.Meta.RequestID)
	},
}

// AddReceiver registers a receiver relationship (跨境分账 添加分账接收方). It
// starts in ReceiverStateInit; after WeChat Pay's audit it becomes
// ReceiverStateEffective, and only then can CreateOrder pay it. A receiver
// in either state cannot be added again; after a failed audit, fix the
// documents and add it again.
//
// POST /v3/global/profit-sharing/receivers (apihk domain)
//
// The name is encrypted by the SDK, and the answer's name (encrypted with
// the merchant key) is returned decrypted. Rate limit: not documented (see
// WithLimiter). The API is not documented as re-entrant (a repeat of a
// successful add is rejected), so the client does not retry it: after a
// transport failure, call QueryReceiver.
func (s *Service) AddReceiver(ctx context.Context, req *AddReceiverRequest) (*ReceiverRelation, error) {
	return opAddReceiver.Do(ctx, s.core().Client(), req, s.core().Limiter())
}

// QueryReceiverRequest names the receiver relationship to read.
type QueryReceiverRequest struct {
	// Account is the merchant id or openid; required, at most 64
	// characters.
	Account string `json:"-" path:"account" wx:"required,id,max=64"`
	// SubMchID is the sub-merchant: required in institutional mode, empty
	// in direct mode.
	SubMchID string `json:"-" query:"sub_mchid" wx:"id,max=32"`
	// AppID is required for ReceiverTypePersonalOpenID.
	AppID string `json:"-" query:"appid" wx:"id,max=32"`
	// SubAppID is required for ReceiverTypePersonalSubOpenID.
	SubAppID string `json:"-" query:"sub_appid" wx:"id,max=32"`
	// Type is the receiver type; required.
	Type ReceiverType `json:"-" query:"type" wx:"required,id,max=32"`
}

// Validate checks the request before any I/O and reports every problem:
// the rules of its tags (see wechatpay.ValidateRequest) and the appid or
// sub_appid a personal receiver needs. QueryReceiver calls it.
func (r *QueryReceiverRequest) Validate() error {
	if r == nil {
		return wechatpay.ValidateRequest(r)
	}
	return errors.Join(wechatpay.ValidateRequest(r), needApps(r.AppID, r.SubAppID, r.Type))
}

var opQueryReceiver = wechatpay.Operation[QueryReceiverRequest, ReceiverRelation]{
	Name: "profitsharing.QueryReceiver", Method: http.MethodGet, Path: "/v3/global/profit-sharing/receivers/{account}",
	Domain: wechatpay.DomainGlobal, Repeat: wechatpay.RepeatRead,
	After: func(c *wechatpay.Client, _ []byte, r *ReceiverRelation) error {
		if !service.LooksEncrypted(r.Name) {
			return nil
		}
		return service.Decrypt(c.DecryptSensitive, &r.Name, "profitsharing: the answer's name", r.Meta.RequestID)
	},
}

// QueryReceiver reads a receiver relationship and its audit state
// (跨境分账 查询分账接收方添加结果): poll it after AddReceiver until State is
// ReceiverStateEffective, or FailReason is set.
//
// GET /v3/global/profit-sharing/receivers/{account}?sub_mchid=…&appid=…&sub_appid=…&type=… (apihk domain)
//
// Whether WeChat Pay encrypts the answer's name here is not documented:
// the SDK decrypts it when it is base64 of an RSA block, and returns it as
// it is otherwise. Rate limit: not documented (see WithLimiter). The call
// is read-only and is retried by the client on transport errors, 429 and
// 5xx.
func (s *Service) QueryReceiver(ctx context.Context, req *QueryReceiverRequest) (*ReceiverRelation, error) {
	return opQueryReceiver.Do(ctx, s.core().Client(), req, s.core().Limiter())
}

// DeleteReceiverRequest names the receiver relationship to remove.
type DeleteReceiverRequest struct {
	// SubMchID is the sub-merchant: required in institutional mode, empty
	// in direct mode.
	SubMchID string `json:"sub_mchid,omitempty" wx:"id,max=32"`
	// AppID is required for ReceiverTypePersonalOpenID.
	AppID string `json:"appid,omitempty" wx:"id,max=32"`
	// SubAppID is required for ReceiverTypePersonalSubOpenID.
	SubAppID string `json:"sub_appid,omitempty" wx:"id,max=32"`
	// Type is the receiver type; required.
	Type ReceiverType `json:"type" wx:"required,id,max=32"`
	// Account is the merchant id or openid; required, at most 64
	// characters.
	Account string `json:"account" wx:"required,id,max=64"`
}

// Validate checks the request before any I/O and reports every problem:
// the rules of its tags (see wechatpay.ValidateRequest) and the appid or
// sub_appid a personal receiver needs. DeleteReceiver calls it.
func (r *DeleteReceiverRequest) Validate() error {
	if r == nil {
		return wechatpay.ValidateRequest(r)
	}
	return errors.Join(wechatpay.ValidateRequest(r), needApps(r.AppID, r.SubAppID, r.Type))
}

var opDeleteReceiver = wechatpay.Operation[DeleteReceiverRequest, noContent]{
	Name: "profitsharing.DeleteReceiver", Method: http.MethodDelete, Path: "/v3/global/profit-sharing/receivers",
	Domain: wechatpay.DomainGlobal, Repeat: wechatpay.RepeatNever,
}

// DeleteReceiver removes a receiver relationship (跨境分账 删除分账接收方):
// CreateOrder can no longer pay the receiver. It is a DELETE with a JSON
// body, signed over that body; WeChat Pay answers 204 No Content, verified
// like every answer, and DeleteReceiver returns its metadata.
//
// DELETE /v3/global/profit-sharing/receivers (apihk domain)
//
// Rate limit: not documented (see WithLimiter). A repeat may answer an
// error once the receiver is gone, so the client does not retry it: after
// a transport failure, confirm with QueryReceiver.
func (s *Service) DeleteReceiver(ctx context.Context, req *DeleteReceiverRequest) (*wechatpay.Response, error) {
	return metaOf(opDeleteReceiver.Do(ctx, s.core().Client(), req, s.core().Limiter()))
}
