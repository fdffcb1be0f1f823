package transfer

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gowechatpay/wechatpay"
)

// UserNameThreshold is the amount, in fen, from which CreateBill requires
// UserName: 200000 fen (2,000 yuan).
const UserNameThreshold = 200000

// CreateBillRequest is what CreateBill sends.
type CreateBillRequest struct {
	// AppID is an appid bound to the merchant (official account, mini
	// program, app or WeCom corp id); empty means the client's appid.
	AppID string `json:"appid" wx:"default=appid,id,max=32"`
	// OutBillNo is the merchant's bill number, unique per merchant: ASCII
	// letters and digits, at most 32. Never change it after an answer
	// other than 200: query the bill first.
	OutBillNo string `json:"out_bill_no" wx:"required,alnum,max=32"`
	// SceneID is a scene granted to the merchant; required.
	SceneID SceneID `json:"transfer_scene_id" wx:"required,id,max=36"`
	// OpenID is the receiving user's openid under AppID; required.
	OpenID string `json:"openid" wx:"required,orderno,max=64"`
	// UserName is the receiver's real name in plaintext, required when
	// Amount is at least UserNameThreshold; WeChat Pay checks it against
	// the user's identity, and only bills with it get a receipt. The SDK
	// encrypts it (RSA-OAEP, Wechatpay-Serial set) and never logs it.
	UserName string `json:"user_name,omitempty" wx:"maxbytes=214,encrypt"`
	// Amount is the amount in fen; required. The per-bill range is
	// configured in the merchant platform (at least 10 fen for scene 1000).
	Amount int64 `json:"transfer_amount" wx:"required,min=1"`
	// Remark is the note the user sees; required, at most 32 characters.
	Remark string `json:"transfer_remark" wx:"required,max=32"`
	// NotifyURL receives MCHTRANSFER.BILL.FINISHED: an https URL without
	// a query string; optional.
	NotifyURL string `json:"notify_url,omitempty" wx:"max=256,https"`
	// UserRecvPerception is the reason shown to the user; allowed values
	// depend on the scene (scene 1000: 现金奖励 or 活动奖励; for the other
	// scenes Unconfirmed). Empty shows the scene's default.
	UserRecvPerception string `json:"user_recv_perception,omitempty" wx:"max=256"`
	// SceneReportInfos are the scene's report items, required: for the
	// eight known scenes exactly the labels the scene lists, each once.
	SceneReportInfos []SceneReportInfo `json:"transfer_scene_report_infos" wx:"required"`
	// UserRecvStyle is the receiving style; optional, known from a
	// community reference only (Unconfirmed).
	UserRecvStyle *RecvStyle `json:"user_recv_style,omitempty"`
}

// SceneReportInfo is one report item (转账场景报备信息).
type SceneReportInfo struct {
	// InfoType is the scene's fixed Chinese label, sent exactly as listed
	// (活动名称, 奖励说明, ...); 1 to 15 characters.
	InfoType string `json:"info_type" wx:"required,max=15"`
	// InfoContent is the merchant's text; 1 to 32 characters.
	InfoContent string `json:"info_content" wx:"required,max=32"`
}

// RecvStyle is the receiving style of a bill (community reference only).
type RecvStyle struct {
	// Type is CONFIRM_PAGE or RED_PACKET; required in the object.
	Type RecvStyleType `json:"type" wx:"required,id"`
}

// Validate checks the request as CreateBill does before any I/O (the
// client's appid is filled in after), reporting every problem: the tags,
// UserName at or above UserNameThreshold, the notify_url's form, and the
// report items of the eight known scenes (count, exact labels, no repeat).
// Unknown scenes pass unchecked.
func (r *CreateBillRequest) Validate() error {
	err := wechatpay.ValidateRequest(r)
	if r == nil {
		return err
	}
	return errors.Join(err, checkBill(r.Amount, r.UserName, r.SceneID, r.SceneReportInfos))
}

// checkBill checks what the tags cannot of a bill (CreateBill,
// CreateBillWithAuthorization, TransferWithAuthorization): UserName at or
// above UserNameThreshold and the report items.
func checkBill(amount int64, userName string, scene SceneID, infos []SceneReportInfo) error {
	var err error
	if amount >= UserNameThreshold && userName == "" {
		err = &wechatpay.FieldError{Field: "user_name", GoField: "UserName", Missing: true,
			Reason: "is required when transfer_amount is at least " + strconv.Itoa(UserNameThreshold) + " fen"}
	}
	return errors.Join(err, checkReportInfos(scene, infos))
}

// checkReportInfos checks the report items of a known scene: each label
// of the scene exactly once, and no other.
func checkReportInfos(scene SceneID, infos []SceneReportInfo) error {
	labels, ok := sceneLabels[scene]
	if !ok || len(infos) == 0 {
		return nil
	}
	var err error
	seen := map[string]bool{}
	for i, in := range infos {
		f := fmt.Sprintf("transfer_scene_report_infos[%d].info_type", i)
		switch {
		case seen[in.InfoType]:
			err = errors.Join(err, &wechatpay.FieldError{Field: f, GoField: fmt.Sprintf("SceneReportInfos[%d].InfoType", i), Reason: "repeats a label"})
		case !contains(labels, in.InfoType):
			err = errors.Join(err, &wechatpay.FieldError{Field: f, GoField: fmt.Sprintf("SceneReportInfos[%d].InfoType", i),
				Reason: fmt.Sprintf("is not a label of scene %s (%q)", scene, labels)})
		}
		seen[in.InfoType] = true
	}
	for _, l := range labels {
		if !seen[l] {
			err = errors.Join(err, &wechatpay.FieldError{Field: "transfer_scene_report_infos", GoField: "SceneReportInfos", Missing: true,
				Reason: fmt.Sprintf("lacks the label %q of scene %s", l, scene)})
		}
	}
	return err
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// Bill is the answer to CreateBill.
type Bill struct {
	// OutBillNo is the merchant's number, echoed.
	OutBillNo string `json:"out_bill_no" wire:"required"`
	// TransferBillNo is WeChat Pay's transfer bill number.
	TransferBillNo string `json:"transfer_bill_no" wire:"required"`
	// CreateTime is when the bill was created.
	CreateTime time.Time `json:"create_time"`
	// State is WAIT_USER_CONFIRM for a bill to hand to the user; any other
	// state follows the state table (see BillState).
	State BillState `json:"state" wire:"required"`
	// FailReason is set when the bill failed.
	FailReason FailReason `json:"fail_reason,omitempty"`
	// PackageInfo is the opaque token for the front end (ConfirmParams),
	// only when State is WAIT_USER_CONFIRM. A repeat of the same request
	// may answer another token for the same bill (community report).
	PackageInfo string `json:"package_info,omitempty"`
	// Meta describes the HTTP exchange (Request-ID, attempts).
	Meta wechatpay.Response `json:"-"`
}

var opCreateBill = wechatpay.Operation[CreateBillRequest, Bill]{
	Name: "transfer.CreateBill", Method: http.MethodPost, Path: "/v3/fund-app/mch-transfer/transfer-bills",
	Repeat: wechatpay.RepeatReentrant,
}

// CreateBill creates a transfer bill (发起转账) that the user confirms in
// WeChat: hand the answer's PackageInfo to the front end (ConfirmParams).
// The money leaves the merchant's operating account (运营账户).
//
// POST /v3/fund-app/mch-transfer/transfer-bills
//
// Rate limit: 100 requests per second per merchant (see WithLimiter). The
// bill is re-entrant on out_bill_no, so the client retries the same body
// on transport errors, 429 and 5xx. A 403 NOT_ENOUGH means the balance is
// short: top up and retry the same number. After any other failure query
// the bill before choosing a new number. Wechatpay-Serial is always sent
// when UserName is (optional on the official page, required on the
// community one). What WeChat Pay answers to the same number with another
// body is not documented (Unconfirmed; the emulator answers 400
// INVALID_REQUEST).
func (s *Service) CreateBill(ctx context.Context, req *CreateBillRequest) (*Bill, error) {
	return opCreateBill.Do(ctx, s.core().Client(), req, s.core().Limiter())
}
