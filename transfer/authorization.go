package transfer

import (
	"context"
	"net/http"
	"time"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/enum"
)

// AuthorizationState is the state of a confirmation-free authorization
// (免确认收款授权). Values this SDK does not know decode without error and
// report Known() == false.
type AuthorizationState string

// The documented authorization states.
const (
	// AuthorizationWaitUserConfirm: waiting for the user (F1 with the
	// authorization's package_info), at most 24 hours.
	AuthorizationWaitUserConfirm AuthorizationState = "WAIT_USER_CONFIRM"
	// AuthorizationTakingEffect: in force; TransferWithAuthorization pays
	// the user without a confirmation page.
	AuthorizationTakingEffect AuthorizationState = "TAKING_EFFECT"
	// AuthorizationClosed: closed, see CloseInfo (terminal).
	AuthorizationClosed AuthorizationState = "CLOSED"
)

var authorizationStates = enum.Of(AuthorizationWaitUserConfirm, AuthorizationTakingEffect, AuthorizationClosed)

// Known reports whether s is a value this version of the SDK knows.
func (s AuthorizationState) Known() bool { return authorizationStates.Has(s) }

// CloseReason says why an authorization was closed (meanings from the names,
// a community reference).
type CloseReason string

// The documented close reasons.
const (
	// CloseViaMchAPI: closed by CloseAuthorization.
	CloseViaMchAPI CloseReason = "CLOSE_VIA_MCH_API"
	// CloseUser: revoked by the user.
	CloseUser CloseReason = "USER_CLOSE"
	// CloseUserOverdueUnconfirmed: the user did not authorize within 24 h.
	CloseUserOverdueUnconfirmed CloseReason = "USER_OVERDUE_UNCONFIRMED"
	// CloseTransferRisk: closed for risk.
	CloseTransferRisk CloseReason = "TRANSFER_RISK"
	// CloseUserAccountAbnormal: the user's account is abnormal.
	CloseUserAccountAbnormal CloseReason = "USER_ACCOUNT_ABNORMAL"
)

var closeReasons = enum.Of(CloseViaMchAPI, CloseUser, CloseUserOverdueUnconfirmed, CloseTransferRisk, CloseUserAccountAbnormal)

// Known reports whether r is a value this version of the SDK knows.
func (r CloseReason) Known() bool { return closeReasons.Has(r) }

// CreateAuthorizationRequest is what CreateAuthorization sends.
type CreateAuthorizationRequest struct {
	// OutAuthorizationNo is the merchant's authorization number, unique
	// per merchant; required. One user needs one: reuse it.
	OutAuthorizationNo string `json:"out_authorization_no" wx:"required,alnum,max=32"`
	// AppID is an appid bound to the merchant; empty means the client's.
	AppID string `json:"appid" wx:"default=appid,id,max=32"`
	// OpenID is the user under AppID; required.
	OpenID string `json:"openid" wx:"required,orderno,max=64"`
	// SceneID is the scene the later transfers use; required.
	SceneID SceneID `json:"transfer_scene_id" wx:"required,id,max=36"`
	// UserDisplayName is the account shown in the authorization's details,
	// to tell the user's accounts apart (no emoji); required.
	UserDisplayName string `json:"user_display_name" wx:"required,max=32"`
	// UserRecvPerception is the reason shown when receiving; optional.
	UserRecvPerception string `json:"user_recv_perception,omitempty" wx:"max=256"`
	// NotifyURL receives the MCHTRANSFER.AUTHORIZATION.* callbacks: an
	// https URL without a query string; required.
	NotifyURL string `json:"authorization_notify_url" wx:"required,max=256,https"`
	// SceneInfo describes the user's device; optional, known from a
	// community reference only (Unconfirmed).
	SceneInfo *AuthorizationSceneInfo `json:"scene_info,omitempty"`
}

// AuthorizationSceneInfo is the user's terminal (community reference only).
type AuthorizationSceneInfo struct {
	// ClientIP is the user terminal's IP.
	ClientIP string `json:"client_ip,omitempty" wx:"max=64"`
	// DeviceID is the user's device id.
	DeviceID string `json:"device_id,omitempty" wx:"max=128"`
	// DeviceType is IOS, ANDROID, HARMONY or OTHER.
	DeviceType string `json:"device_type,omitempty" wx:"oneof=IOS|ANDROID|HARMONY|OTHER"`
}

// Validate reports every field that breaks the documented rules, the
// notify URL's shape included.
func (r *CreateAuthorizationRequest) Validate() error { return wechatpay.ValidateRequest(r) }

// AuthorizationRequest is the answer to CreateAuthorization.
type AuthorizationRequest struct {
	// OutAuthorizationNo is the merchant's number.
	OutAuthorizationNo string `json:"out_authorization_no" wire:"required"`
	// State is WAIT_USER_CONFIRM.
	State AuthorizationState `json:"state" wire:"required"`
	// CreateTime is when the authorization was asked for.
	CreateTime time.Time `json:"create_time"`
	// PackageInfo is the token the front end passes to
	// requestMerchantTransfer (see ConfirmParams).
	PackageInfo string `json:"package_info" wire:"required"`
	// Meta describes the HTTP exchange (Request-ID, attempts).
	Meta wechatpay.Response `json:"-"`
}

var opCreateAuthorization = wechatpay.Operation[CreateAuthorizationRequest, AuthorizationRequest]{
	Name: "transfer.CreateAuthorization", Method: http.MethodPost, Repeat: wechatpay.RepeatReentrant,
	Path: "/v3/fund-app/mch-transfer/user-confirm-authorization",
}

// CreateAuthorization asks a user for confirmation-free authorization
// (发起免确认收款授权): the front end opens PackageInfo with
// requestMerchantTransfer; once the user agrees (callback
// MCHTRANSFER.AUTHORIZATION.CONFIRMED), TransferWithAuthorization pays the
// user without a confirmation page. The user has 24 hours; an effective
// authorization has no expiry.
//
// POST /v3/fund-app/mch-transfer/user-confirm-authorization
//
// Rate limit: 50 per second per merchant. Keyed by out_authorization_no:
// retried with the same body on transport errors, 429 and 5xx. A user
// with too many authorizations in the scene is 400 INVALID_REQUEST: reuse
// the existing number. A limit of 5 per user is Unconfirmed.
func (s *Service) CreateAuthorization(ctx context.Context, req *CreateAuthorizationRequest) (*AuthorizationRequest, error) {
	return opCreateAuthorization.Do(ctx, s.core().Client(), req, s.core().Limiter())
}

// CloseAuthorizationRequest names the authorization to close.
type CloseAuthorizationRequest struct {
	// OutAuthorizationNo is the merchant's authorization number; required.
	OutAuthorizationNo string `json:"-" path:"out_authorization_no" wx:"required,alnum,max=32"`
}

// QueryAuthorizationRequest names the authorization to read.
type QueryAuthorizationRequest struct {
	// OutAuthorizationNo is the merchant's authorization number; required.
	OutAuthorizationNo string `json:"-" path:"out_authorization_no" wx:"required,alnum,max=32"`
	// DisplayAuthorization asks to show the user's authorization
	// information; community reference only, effect Unconfirmed.
	DisplayAuthorization bool `json:"-" query:"is_display_authorization"`
}

// CloseInfo says when and why an authorization was closed.
type CloseInfo struct {
	// CloseTime is when it was closed.
	CloseTime time.Time `json:"close_time"`
	// CloseReason is why.
	CloseReason CloseReason `json:"close_reason"`
}

// Authorization is an authorization as QueryAuthorization and
// CloseAuthorization answer it.
type Authorization struct {
	// OutAuthorizationNo is the merchant's number.
	OutAuthorizationNo string `json:"out_authorization_no" wire:"required"`
	// AppID is the authorization's appid.
	AppID string `json:"appid"`
	// OpenID is the user.
	OpenID string `json:"openid"`
	// UserDisplayName is the account shown to the user.
	UserDisplayName string `json:"user_display_name"`
	// AuthorizationID is WeChat Pay's id, set once effective.
	AuthorizationID string `json:"authorization_id,omitempty"`
	// State is the authorization's state.
	State AuthorizationState `json:"state" wire:"required"`
	// AuthorizeTime is when the user authorized.
	AuthorizeTime time.Time `json:"authorize_time"`
	// CloseInfo is set when CLOSED.
	CloseInfo *CloseInfo `json:"close_info,omitempty"`
	// SceneID is the authorization's scene.
	SceneID SceneID `json:"transfer_scene_id"`
	// UserRecvPerception is the reason shown when receiving.
	UserRecvPerception string `json:"user_recv_perception"`
	// CreateTime is when it was asked for.
	CreateTime time.Time `json:"create_time"`
	// PackageInfo re-opens the page while WAIT_USER_CONFIRM; community
	// reference only (Unconfirmed), never on CloseAuthorization.
	PackageInfo string `json:"package_info,omitempty"`
	// Meta describes the HTTP exchange (Request-ID, attempts).
	Meta wechatpay.Response `json:"-"`
}

var opQueryAuthorization = wechatpay.Operation[QueryAuthorizationRequest, Authorization]{
	Name: "transfer.QueryAuthorization", Method: http.MethodGet, Repeat: wechatpay.RepeatRead,
	Path: "/v3/fund-app/mch-transfer/user-confirm-authorization/out-authorization-no/{out_authorization_no}",
}

// QueryAuthorization reads an authorization by the merchant's number
// (商户单号查询授权结果). One closed because the user never authorized
// stays readable 30 days, then answers 404 NOT_FOUND.
//
// GET /v3/fund-app/mch-transfer/user-confirm-authorization/out-authorization-no/{out_authorization_no}
//
// Rate limit: 100 per second per merchant. Read-only: retried on transport
// errors, 429 and 5xx.
func (s *Service) QueryAuthorization(ctx context.Context, req *QueryAuthorizationRequest) (*Authorization, error) {
	return opQueryAuthorization.Do(ctx, s.core().Client(), req, s.core().Limiter())
}

var opCloseAuthorization = wechatpay.Operation[CloseAuthorizationRequest, Authorization]{
	Name: "transfer.CloseAuthorization", Method: http.MethodPost, Repeat: wechatpay.RepeatReentrant,
	Path: "/v3/fund-app/mch-transfer/user-confirm-authorization/out-authorization-no/{out_authorization_no}/close",
}

// CloseAuthorization revokes an authorization, pending or effective
// (解除免确认收款授权); the answer is CLOSED with CLOSE_VIA_MCH_API and the
// callback MCHTRANSFER.AUTHORIZATION.CLOSED follows. No body is sent.
//
// POST /v3/fund-app/mch-transfer/user-confirm-authorization/out-authorization-no/{out_authorization_no}/close
//
// Rate limit: 50 per second per merchant. Keyed by the number: retried on
// transport errors, 429 and 5xx. Its errors were not captured: that an
// unknown number is 404 and a repeat answers the closed authorization is
// the emulator's decision (Unconfirmed).
func (s *Service) CloseAuthorization(ctx context.Context, req *CloseAuthorizationRequest) (*Authorization, error) {
	return opCloseAuthorization.Do(ctx, s.core().Client(), req, s.core().Limiter())
}
