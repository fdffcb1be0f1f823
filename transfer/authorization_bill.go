package transfer

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gowechatpay/wechatpay"
)

// CreateBillWithAuthorizationRequest is what CreateBillWithAuthorization
// sends: CreateBill's fields (without UserRecvStyle) and the authorization
// offered with the bill.
type CreateBillWithAuthorizationRequest struct {
	// AppID is an appid bound to the merchant; empty means the client's.
	AppID string `json:"appid" wx:"default=appid,id,max=32"`
	// OutBillNo is the merchant's bill number, as CreateBill's.
	OutBillNo string `json:"out_bill_no" wx:"required,alnum,max=32"`
	// SceneID is a scene granted to the merchant; required.
	SceneID SceneID `json:"transfer_scene_id" wx:"required,id,max=36"`
	// OpenID is the receiving user; required here (the official page lets
	// it be absent with AuthorizationInfo, the community reference does
	// not: Unconfirmed).
	OpenID string `json:"openid" wx:"required,orderno,max=64"`
	// UserName is the real name in plaintext, as CreateBill's (encrypted).
	UserName string `json:"user_name,omitempty" wx:"maxbytes=214,encrypt"`
	// Amount is the amount in fen; required.
	Amount int64 `json:"transfer_amount" wx:"required,min=1"`
	// Remark is the note the user sees; required, at most 32 characters.
	Remark string `json:"transfer_remark" wx:"required,max=32"`
	// NotifyURL receives MCHTRANSFER.BILL.FINISHED; optional.
	NotifyURL string `json:"notify_url,omitempty" wx:"max=256,https"`
	// UserRecvPerception is the reason shown to the user, as CreateBill's.
	UserRecvPerception string `json:"user_recv_perception,omitempty" wx:"max=256"`
	// SceneReportInfos are the scene's report items, required.
	SceneReportInfos []SceneReportInfo `json:"transfer_scene_report_infos" wx:"required"`
	// AuthorizationInfo is the authorization the confirmation page offers;
	// without it this is CreateBill.
	AuthorizationInfo *AuthorizationOffer `json:"authorization_info,omitempty"`
	// SponsorMchID is the funding merchant (出资商户号); its conditions
	// are not documented (Unconfirmed). Optional.
	SponsorMchID string `json:"sponsor_mchid,omitempty" wx:"digits,max=32"`
}

// AuthorizationOffer is the authorization offered with a bill.
type AuthorizationOffer struct {
	// UserDisplayName is the account shown to the user; required.
	UserDisplayName string `json:"user_display_name" wx:"required,max=32"`
	// OutAuthorizationNo is the merchant's new authorization number;
	// required.
	OutAuthorizationNo string `json:"out_authorization_no" wx:"required,alnum,max=32"`
	// NotifyURL receives MCHTRANSFER.AUTHORIZATION.CONFIRMED; required.
	NotifyURL string `json:"authorization_notify_url" wx:"required,max=256,https"`
}

// Validate checks the request as CreateBill's Validate does, and the
// offer's notify URL.
func (r *CreateBillWithAuthorizationRequest) Validate() error {
	err := wechatpay.ValidateRequest(r)
	if r == nil {
		return err
	}
	return errors.Join(err, checkBill(r.Amount, r.UserName, r.SceneID, r.SceneReportInfos))
}

// BillWithAuthorization is the answer to CreateBillWithAuthorization.
type BillWithAuthorization struct {
	// OutBillNo is the merchant's number, echoed.
	OutBillNo string `json:"out_bill_no" wire:"required"`
	// TransferBillNo is WeChat Pay's number.
	TransferBillNo string `json:"transfer_bill_no" wire:"required"`
	// CreateTime is when the bill was created.
	CreateTime time.Time `json:"create_time"`
	// State is WAIT_USER_CONFIRM for a bill to hand to the user.
	State BillState `json:"state" wire:"required"`
	// FailReason is set when the bill failed.
	FailReason FailReason `json:"fail_reason,omitempty"`
	// PackageInfo is the token for the front end (ConfirmParams).
	PackageInfo string `json:"package_info,omitempty"`
	// UserDisplayName is the offer's, echoed.
	UserDisplayName string `json:"user_display_name,omitempty"`
	// OutAuthorizationNo is the offer's, echoed.
	OutAuthorizationNo string `json:"out_authorization_no,omitempty"`
	// Meta describes the HTTP exchange (Request-ID, attempts).
	Meta wechatpay.Response `json:"-"`
}

var opCreateBillWithAuthorization = wechatpay.Operation[CreateBillWithAuthorizationRequest, BillWithAuthorization]{
	Name: "transfer.CreateBillWithAuthorization", Method: http.MethodPost, Repeat: wechatpay.RepeatReentrant,
	Path: "/v3/fund-app/mch-transfer/transfer-bills/pre-transfer-with-authorization",
}

// CreateBillWithAuthorization creates a bill as CreateBill does, whose
// confirmation page also asks the user for a confirmation-free
// authorization (发起转账并完成免确认收款授权). If the user does not receive,
// receives without agreeing, or rules block it, the authorization is
// dropped and no callback comes; otherwise its notify URL gets
// MCHTRANSFER.AUTHORIZATION.CONFIRMED.
//
// POST /v3/fund-app/mch-transfer/transfer-bills/pre-transfer-with-authorization
//
// Rate limit: 100 per second per merchant. Re-entrant on out_bill_no: the
// client retries the same body on transport errors, 429 and 5xx; after
// another failure query the bill before choosing a new number.
func (s *Service) CreateBillWithAuthorization(ctx context.Context, req *CreateBillWithAuthorizationRequest) (*BillWithAuthorization, error) {
	return opCreateBillWithAuthorization.Do(ctx, s.core().Client(), req, s.core().Limiter())
}
