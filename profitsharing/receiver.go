package profitsharing

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/svc"
)

// AddReceiverRequest registers a receiver relationship (添加分账接收方).
// Upload the supporting documents first with the overseas file-upload API
// and pass their file ids.
type AddReceiverRequest struct {
	// SubMchID is the sub-merchant: required in institutional mode, empty
	// in direct mode; at most 32 characters.
	SubMchID string
	// AppID is the merchant's app id; required for
	// ReceiverTypePersonalOpenID.
	AppID string
	// SubAppID is the sub-merchant's app id; required for
	// ReceiverTypePersonalSubOpenID.
	SubAppID string
	// Type is the receiver type; required.
	Type ReceiverType
	// Account is the merchant id or openid; required, at most 64
	// characters.
	Account string
	// Name is the receiver's full name in plaintext, optional (a personal
	// name is checked). The SDK encrypts it and never logs it.
	Name string
	// Authorized says that the user's consent to pass real-name data was
	// obtained; sent only when true.
	Authorized bool
	// RelationType is the relationship with the distributing merchant;
	// required.
	RelationType RelationType
	// CustomRelation describes the relationship; required when
	// RelationType is RelationTypeCustom.
	CustomRelation string
	// Scene describes the distribution scenario; optional.
	Scene string
	// MajorService is the receiver's main business; optional.
	MajorService string
	// ExpectedRatio is the expected distribution ratio, optional (0 is not
	// sent). The unit is not documented; the official example 2000
	// suggests basis points (20.00%).
	ExpectedRatio int64
	// ApplicationFileID is the file id of the receiver application letter
	// (申请函); optional.
	ApplicationFileID string
	// PartnershipFileID is the file id of the partnership proof
	// (合作关系证明); optional.
	PartnershipFileID string
	// FileID is the file id field of the 2025 documentation, which merges
	// the two documents; optional. Which of the three fields WeChat Pay
	// reads is not confirmed: only those set are sent.
	FileID string
}

type addReceiverBody struct {
	SubMchID          string       `json:"sub_mchid,omitempty"`
	AppID             string       `json:"appid,omitempty"`
	SubAppID          string       `json:"sub_appid,omitempty"`
	Type              ReceiverType `json:"type"`
	Account           string       `json:"account"`
	Name              string       `json:"name,omitempty"`
	Authorized        bool         `json:"authorized,omitempty"`
	RelationType      RelationType `json:"relation_type"`
	CustomRelation    string       `json:"custom_relation,omitempty"`
	Scene             string       `json:"scene,omitempty"`
	MajorService      string       `json:"major_service,omitempty"`
	ExpectedRatio     int64        `json:"expected_ratio,omitempty"`
	ApplicationFileID string       `json:"application_file_id,omitempty"`
	PartnershipFileID string       `json:"partnership_file_id,omitempty"`
	FileID            string       `json:"file_id,omitempty"`
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

func validateAddReceiver(req *AddReceiverRequest) error {
	if req == nil {
		return &wechatpay.FieldError{Field: "request", Reason: "is nil", Missing: true}
	}
	if err := checkApps(req.SubMchID, req.AppID, req.SubAppID); err != nil {
		return err
	}
	if err := checkParty("", req.Type, req.Account, req.AppID, req.SubAppID); err != nil {
		return err
	}
	if err := checkText("name", req.Name, 0, false); err != nil {
		return err
	}
	if err := svc.CheckID("relation_type", string(req.RelationType), 32, true); err != nil {
		return err
	}
	if err := checkText("custom_relation", req.CustomRelation, 0, req.RelationType == RelationTypeCustom); err != nil {
		return err
	}
	for _, f := range []struct{ name, v string }{{"scene", req.Scene}, {"major_service", req.MajorService}} {
		if err := checkText(f.name, f.v, 0, false); err != nil {
			return err
		}
	}
	if req.ExpectedRatio < 0 {
		return &wechatpay.FieldError{Field: "expected_ratio", Reason: "must not be negative"}
	}
	for _, f := range []struct{ name, v string }{{"application_file_id", req.ApplicationFileID},
		{"partnership_file_id", req.PartnershipFileID}, {"file_id", req.FileID}} {
		if err := svc.CheckID(f.name, f.v, 0, false); err != nil {
			return err
		}
	}
	return nil
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
	if err := s.ready(); err != nil {
		return nil, err
	}
	if err := validateAddReceiver(req); err != nil {
		return nil, err
	}
	b := addReceiverBody{
		SubMchID: req.SubMchID, AppID: req.AppID, SubAppID: req.SubAppID, Type: req.Type, Account: req.Account,
		Authorized: req.Authorized, RelationType: req.RelationType, CustomRelation: req.CustomRelation,
		Scene: req.Scene, MajorService: req.MajorService, ExpectedRatio: req.ExpectedRatio,
		ApplicationFileID: req.ApplicationFileID, PartnershipFileID: req.PartnershipFileID, FileID: req.FileID,
	}
	var header http.Header
	if req.Name != "" {
		cipher, serial, err := svc.Encrypt(s.c, "name", req.Name)
		if err != nil {
			return nil, err
		}
		b.Name, header = cipher, http.Header{wechatpay.HeaderSerial: {serial}}
	}
	body, err := svc.EncodeJSON(&b)
	if err != nil {
		return nil, err
	}
	if err := s.wait(ctx); err != nil {
		return nil, err
	}
	var out ReceiverRelation
	meta, err := svc.DoV3(ctx, "profitsharing", s.c, &wechatpay.Request{
		Method: http.MethodPost,
		Path:   "/v3/global/profit-sharing/receivers",
		Body:   body,
		Header: header,
		Global: true,
	}, &out)
	if err != nil {
		return nil, err
	}
	if out.Name, err = s.c.DecryptSensitive(out.Name); err != nil {
		return nil, err
	}
	out.Meta = *meta
	return &out, nil
}

// QueryReceiverRequest names the receiver relationship to read.
type QueryReceiverRequest struct {
	// Account is the merchant id or openid; required, at most 64
	// characters.
	Account string
	// SubMchID is the sub-merchant: required in institutional mode, empty
	// in direct mode.
	SubMchID string
	// AppID is required for ReceiverTypePersonalOpenID.
	AppID string
	// SubAppID is required for ReceiverTypePersonalSubOpenID.
	SubAppID string
	// Type is the receiver type; required.
	Type ReceiverType
}

func validateQueryReceiver(req *QueryReceiverRequest) error {
	if req == nil {
		return &wechatpay.FieldError{Field: "request", Reason: "is nil", Missing: true}
	}
	if err := checkApps(req.SubMchID, req.AppID, req.SubAppID); err != nil {
		return err
	}
	return checkParty("", req.Type, req.Account, req.AppID, req.SubAppID)
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
	if err := s.ready(); err != nil {
		return nil, err
	}
	if err := validateQueryReceiver(req); err != nil {
		return nil, err
	}
	query := url.Values{"type": {string(req.Type)}}
	for k, v := range map[string]string{"sub_mchid": req.SubMchID, "appid": req.AppID, "sub_appid": req.SubAppID} {
		if v != "" {
			query.Set(k, v)
		}
	}
	var out ReceiverRelation
	meta, err := s.get(ctx, "/v3/global/profit-sharing/receivers/"+url.PathEscape(req.Account), query, &out)
	if err != nil {
		return nil, err
	}
	if looksEncrypted(out.Name) {
		if out.Name, err = s.c.DecryptSensitive(out.Name); err != nil {
			return nil, err
		}
	}
	out.Meta = *meta
	return &out, nil
}

// looksEncrypted reports whether v is standard base64 of one RSA-2048,
// -3072 or -4096 block, the form of an RSA-OAEP ciphertext; no name is.
func looksEncrypted(v string) bool {
	n := base64.StdEncoding.DecodedLen(len(v))
	if n < 256 || n > 513 {
		return false
	}
	b, err := base64.StdEncoding.DecodeString(v)
	return err == nil && (len(b) == 256 || len(b) == 384 || len(b) == 512)
}

// DeleteReceiverRequest names the receiver relationship to remove.
type DeleteReceiverRequest struct {
	// SubMchID is the sub-merchant: required in institutional mode, empty
	// in direct mode.
	SubMchID string
	// AppID is required for ReceiverTypePersonalOpenID.
	AppID string
	// SubAppID is required for ReceiverTypePersonalSubOpenID.
	SubAppID string
	// Type is the receiver type; required.
	Type ReceiverType
	// Account is the merchant id or openid; required, at most 64
	// characters.
	Account string
}

type deleteReceiverBody struct {
	SubMchID string       `json:"sub_mchid,omitempty"`
	AppID    string       `json:"appid,omitempty"`
	SubAppID string       `json:"sub_appid,omitempty"`
	Type     ReceiverType `json:"type"`
	Account  string       `json:"account"`
}

func validateDeleteReceiver(req *DeleteReceiverRequest) error {
	if req == nil {
		return &wechatpay.FieldError{Field: "request", Reason: "is nil", Missing: true}
	}
	if err := checkApps(req.SubMchID, req.AppID, req.SubAppID); err != nil {
		return err
	}
	return checkParty("", req.Type, req.Account, req.AppID, req.SubAppID)
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
	if err := s.ready(); err != nil {
		return nil, err
	}
	if err := validateDeleteReceiver(req); err != nil {
		return nil, err
	}
	body, err := svc.EncodeJSON(&deleteReceiverBody{SubMchID: req.SubMchID, AppID: req.AppID, SubAppID: req.SubAppID,
		Type: req.Type, Account: req.Account})
	if err != nil {
		return nil, err
	}
	if err := s.wait(ctx); err != nil {
		return nil, err
	}
	return s.c.DoV3(ctx, &wechatpay.Request{
		Method: http.MethodDelete,
		Path:   "/v3/global/profit-sharing/receivers",
		Body:   body,
		Global: true,
	}, nil)
}
