package redpack

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"time"

	"github.com/gowechatpay/wechatpay"
)

// Amounts below MinAmountWithoutScene or above MaxAmountWithoutScene fen
// need a SceneID (scene_id).
const (
	MinAmountWithoutScene = 100
	MaxAmountWithoutScene = 20000
)

// SendRequest is an ordinary cash red packet (发放普通红包) for one user of
// a public account. Lengths are in characters.
type SendRequest struct {
	// MchBillNo is the bill number: required, 1 to 28 characters of
	// [0-9A-Za-z], unique per merchant (suggested: mch_id + yyyymmdd + 10
	// digits). Resending the same number with the same parameters sends
	// at most one packet.
	MchBillNo string `xml:"mch_billno" wx:"required,alnum,max=28"`
	// MchID is the merchant number (in partner mode, the service
	// provider); at most 32 characters, empty for the client's.
	MchID string `xml:"mch_id" wx:"required,id,max=32,default=mchid"`
	// SubMchID is the sub-merchant in partner mode; at most 32 characters.
	SubMchID string `xml:"sub_mch_id" wx:"id,max=32"`
	// MsgAppID is, in partner mode, the appid through which the user is
	// notified (msgappid); at most 32 characters.
	MsgAppID string `xml:"msgappid" wx:"id,max=32"`
	// ConsumeMchID is, in partner mode, the merchant whose funds are used
	// (consume_mch_id, seen in third-party SDKs only); at most 32
	// characters.
	ConsumeMchID string `xml:"consume_mch_id" wx:"id,max=32"`
	// WxAppID is the public-account appid that ReOpenID belongs to; at
	// most 32 characters, empty for the client's (wechatpay.WithAppID).
	WxAppID string `xml:"wxappid" wx:"required,id,max=32,default=appid"`
	// SendName is the sender (merchant) name: required, at most 32.
	SendName string `xml:"send_name" wx:"required,max=32"`
	// ReOpenID is the receiver's openid under WxAppID: required, at most 32.
	ReOpenID string `xml:"re_openid" wx:"required,id,max=32"`
	// TotalAmount is the amount in fen: required, positive; below 100 or
	// above 20000 it needs SceneID. total_num is always 1.
	TotalAmount int64 `xml:"total_amount" wx:"required,min=1"`
	// Wishing is the greeting: required, at most 128.
	Wishing string `xml:"wishing" wx:"required,max=128"`
	// ClientIP is the IPv4 address of the calling server: required.
	ClientIP string `xml:"client_ip" wx:"required,ipv4"`
	// ActName is the activity name: required, at most 32.
	ActName string `xml:"act_name" wx:"required,max=32"`
	// Remark is the remark: required, at most 256.
	Remark string `xml:"remark" wx:"required,max=256"`
	// SceneID is the scene; required when the amount is below 100 or above
	// 20000 fen.
	SceneID SceneID `xml:"scene_id" wx:"id,max=32"`
	// RiskInfo is optional risk-control information.
	RiskInfo *RiskInfo `xml:"risk_info"`
}

// RiskInfo is the risk_info of a send: at most 128 characters once
// encoded. The SDK joins the non-empty fields
// as posttime=…&mobile=…&deviceid=…&clientversion=… and sends that string
// URL-encoded as a whole (posttime%3D…%26mobile%3D…), as the official
// example does; the sign covers the encoded form.
type RiskInfo struct {
	// PostTime is when the user acted (posttime, Unix seconds).
	PostTime time.Time `xml:"posttime"`
	// Mobile is the user's phone number, with country code (mobile).
	Mobile string `xml:"mobile"`
	// DeviceID is the device's MAC address or id (deviceid).
	DeviceID string `xml:"deviceid"`
	// ClientVersion is the client's version (clientversion).
	ClientVersion string `xml:"clientversion"`
}

// MarshalText returns the risk_info value, empty for none.
func (r *RiskInfo) MarshalText() ([]byte, error) { return []byte(r.encode()), nil }

// encode returns the risk_info value, "" for none.
func (r *RiskInfo) encode() string {
	if r == nil {
		return ""
	}
	v := url.Values{}
	if !r.PostTime.IsZero() {
		v.Set("posttime", strconv.FormatInt(r.PostTime.Unix(), 10))
	}
	for k, s := range map[string]string{"mobile": r.Mobile, "deviceid": r.DeviceID, "clientversion": r.ClientVersion} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if len(v) == 0 {
		return ""
	}
	return url.QueryEscape(v.Encode())
}

// SendResult is the answer to a successful send. Amounts are in fen.
type SendResult struct {
	// SendListID is the WeChat Pay packet number (send_listid): the
	// DetailID of Query or QueryWorkWx.
	SendListID string `xml:"send_listid" wire:"required"`
	// MchBillNo, MchID, WxAppID, ReOpenID and TotalAmount are echoed.
	MchBillNo   string `xml:"mch_billno"`
	MchID       string `xml:"mch_id"`
	WxAppID     string `xml:"wxappid"`
	ReOpenID    string `xml:"re_openid"`
	TotalAmount int64  `xml:"total_amount"`
	// SenderName and SenderHeaderMediaID are echoed by SendWorkWx.
	SenderName          string `xml:"sender_name"`
	SenderHeaderMediaID string `xml:"sender_header_media_id"`
	// Signed reports whether the reply carried a sign (which then
	// verified). The replies of sendredpack are documented unsigned; those
	// of sendworkwxredpack are reported signed but are accepted unsigned,
	// since an error there could lead a caller to resend under a new
	// number.
	Signed bool `xml:"-"`
	// Extra holds the reply fields this SDK does not know; nil when there
	// are none.
	Extra map[string]string `xml:"-"`
	// Meta describes the HTTP exchange (attempts).
	Meta wechatpay.Response `xml:"-"`
}

var opSend = wechatpay.V2Operation[SendRequest, SendResult]{
	Name: "redpack.Send", Path: "/mmpaymkttransfers/sendredpack", Secure: true, UnsignedReply: true,
	Repeat: wechatpay.RepeatReentrant, // on mch_billno
	Params: map[string]string{"total_num": "1"},
}

// Send sends an ordinary cash red packet to a user of a public account
// (现金红包 发放普通红包).
//
// POST /mmpaymkttransfers/sendredpack (APIv2, XML, MD5 sign, mTLS)
//
// Closed to new merchants since 2026-06-18 (community notice; the
// successor is the v3 merchant transfer); merchants already enrolled keep
// it. Rate limit: 30 packets a second by default, and at least 1 second
// between two tries of one bill (see WithLimiter).
//
// The send is re-entrant on MchBillNo, so the client retries it (with the
// same number and parameters) on transport errors, 5xx and SYSTEMERROR.
// The page asks for at least 1 second between two tries of one bill: give
// the client a RetryPolicy whose BaseDelay is at least 2 seconds (the
// jitter halves it) where that matters. When the outcome stays unknown the
// error is an *UnknownOutcomeError (errors.Is ErrUnknownOutcome): resend
// with the same MchBillNo, or Query. A documented failure is a
// *wechatpay.APIError with its err_code, for example NOTENOUGH (top up,
// then resend with the same number), FATAL_ERROR (the number was used with
// other parameters) or SEND_FAILED (the number is spent: only then use a
// new one). The replies are documented unsigned: a success without a sign
// is accepted (SendResult.Signed is false), a sign present must verify.
func (s *Service) Send(ctx context.Context, req *SendRequest) (*SendResult, error) {
	out, err := opSend.Do(ctx, s.core().Client(), req, s.wait())
	return sent(out, err, req.billNo())
}

// Validate checks the request as Send does before any I/O (MchID and
// WxAppID are required here; Send fills them from the client first) and
// returns every problem at once.
func (r *SendRequest) Validate() error {
	if r == nil {
		return wechatpay.ValidateRequest(r)
	}
	return errors.Join(wechatpay.ValidateRequest(r), checkScene(r.TotalAmount, r.SceneID), r.RiskInfo.validate())
}

func (r *SendRequest) billNo() string {
	if r == nil {
		return ""
	}
	return r.MchBillNo
}

// checkScene requires a scene for an amount below 100 or above 20000 fen.
func checkScene(amount int64, scene SceneID) error {
	if amount > 0 && (amount < MinAmountWithoutScene || amount > MaxAmountWithoutScene) && scene == "" {
		return &wechatpay.FieldError{Field: "scene_id", GoField: "SceneID", Reason: "is required for an amount below 100 or above 20000 fen", Missing: true}
	}
	return nil
}

// validate checks the encoded risk_info: at most 128 characters.
func (r *RiskInfo) validate() error {
	if n := len(r.encode()); n > 128 {
		return &wechatpay.FieldError{Field: "risk_info", GoField: "RiskInfo", Reason: "is " + strconv.Itoa(n) + " characters once encoded, at most 128 allowed"}
	}
	return nil
}
