package transfer

import (
	"context"
	"errors"
	"net/http"

	"github.com/gowechatpay/wechatpay"
)

// TransferWithAuthorizationRequest is what TransferWithAuthorization
// sends: CreateBill's fields without OpenID (the authorization names the
// user) and exactly one of AuthorizationID and OutAuthorizationNo.
type TransferWithAuthorizationRequest struct {
	// AppID is the authorization's appid; empty means the client's.
	AppID string `json:"appid" wx:"default=appid,id,max=32"`
	// OutBillNo is the merchant's bill number, as CreateBill's.
	OutBillNo string `json:"out_bill_no" wx:"required,alnum,max=32"`
	// SceneID is the authorization's scene; required.
	SceneID SceneID `json:"transfer_scene_id" wx:"required,id,max=36"`
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
	// AuthorizationID is WeChat Pay's authorization id (QueryAuthorization,
	// the CONFIRMED callback); set it or OutAuthorizationNo.
	AuthorizationID string `json:"authorization_id,omitempty" wx:"max=64"`
	// OutAuthorizationNo is the merchant's authorization number; set it or
	// AuthorizationID.
	OutAuthorizationNo string `json:"out_authorization_no,omitempty" wx:"alnum,max=32"`
	// SponsorMchID is the funding merchant (Unconfirmed); optional.
	SponsorMchID string `json:"sponsor_mchid,omitempty" wx:"digits,max=32"`
}

// Validate checks the request as CreateBill's Validate does, and that
// exactly one of AuthorizationID and OutAuthorizationNo is set.
func (r *TransferWithAuthorizationRequest) Validate() error {
	err := wechatpay.ValidateRequest(r)
	if r == nil {
		return err
	}
	err = errors.Join(err, checkBill(r.Amount, r.UserName, r.SceneID, r.SceneReportInfos))
	if (r.AuthorizationID == "") == (r.OutAuthorizationNo == "") {
		err = errors.Join(err, &wechatpay.FieldError{Field: "authorization_id", GoField: "AuthorizationID", Missing: r.AuthorizationID == "",
			Reason: "exactly one of authorization_id and out_authorization_no is required"})
	}
	return err
}

var opTransferWithAuthorization = wechatpay.Operation[TransferWithAuthorizationRequest, BillDetail]{
	Name: "transfer.TransferWithAuthorization", Method: http.MethodPost, Repeat: wechatpay.RepeatReentrant,
	Path: "/v3/fund-app/mch-transfer/transfer-bills/transfer", After: decryptUserName,
}

// TransferWithAuthorization pays a user who granted a confirmation-free
// authorization (用户授权后转账): no confirmation page. The answer is the
// bill as the queries answer it (UserName decrypted).
//
// POST /v3/fund-app/mch-transfer/transfer-bills/transfer
//
// Rate limit: 100 per second. Re-entrant on out_bill_no: the client
// retries the same body on transport errors, 429 and 5xx. State SUCCESS
// means transferred; the official page says any other state in a 200 is
// unexpected and to contact WeChat Pay before acting. After a failure,
// keep the number and query the bill. Requiring exactly one of the two
// authorization fields is the SDK's decision (the sources changed).
func (s *Service) TransferWithAuthorization(ctx context.Context, req *TransferWithAuthorizationRequest) (*BillDetail, error) {
	return opTransferWithAuthorization.Do(ctx, s.core().Client(), req, s.core().Limiter())
}
