package redpack

import (
	"context"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/svc"
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
	MchBillNo string
	// MchID is the merchant number (in partner mode, the service
	// provider); at most 32 characters, empty for the client's.
	MchID string
	// SubMchID is the sub-merchant in partner mode; at most 32 characters.
	SubMchID string
	// MsgAppID is, in partner mode, the appid through which the user is
	// notified (msgappid); at most 32 characters.
	MsgAppID string
	// ConsumeMchID is, in partner mode, the merchant whose funds are used
	// (consume_mch_id, seen in third-party SDKs only); at most 32
	// characters.
	ConsumeMchID string
	// WxAppID is the public-account appid that ReOpenID belongs to; at
	// most 32 characters, empty for the client's (wechatpay.WithAppID).
	WxAppID string
	// SendName is the sender (merchant) name: required, at most 32.
	SendName string
	// ReOpenID is the receiver's openid under WxAppID: required, at most 32.
	ReOpenID string
	// TotalAmount is the amount in fen: required, positive; below 100 or
	// above 20000 it needs SceneID. total_num is always 1.
	TotalAmount int64
	// Wishing is the greeting: required, at most 128.
	Wishing string
	// ClientIP is the IPv4 address of the calling server: required.
	ClientIP string
	// ActName is the activity name: required, at most 32.
	ActName string
	// Remark is the remark: required, at most 256.
	Remark string
	// SceneID is the scene; required when the amount is below 100 or above
	// 20000 fen.
	SceneID SceneID
	// RiskInfo is optional risk-control information.
	RiskInfo *RiskInfo
}

// RiskInfo is the risk_info of a send. The SDK joins the non-empty fields
// as posttime=…&mobile=…&deviceid=…&clientversion=… and sends that string
// URL-encoded as a whole (posttime%3D…%26mobile%3D…), as the official
// example does; the sign covers the encoded form.
type RiskInfo struct {
	// PostTime is when the user acted (posttime, Unix seconds).
	PostTime time.Time
	// Mobile is the user's phone number, with country code (mobile).
	Mobile string
	// DeviceID is the device's MAC address or id (deviceid).
	DeviceID string
	// ClientVersion is the client's version (clientversion).
	ClientVersion string
}

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
	SendListID string `json:"send_listid" wire:"required"`
	// MchBillNo, MchID, WxAppID, ReOpenID and TotalAmount are echoed.
	MchBillNo   string `json:"mch_billno,omitempty"`
	MchID       string `json:"mch_id,omitempty"`
	WxAppID     string `json:"wxappid,omitempty"`
	ReOpenID    string `json:"re_openid,omitempty"`
	TotalAmount int64  `json:"total_amount,omitempty"`
	// SenderName and SenderHeaderMediaID are echoed by SendWorkWx.
	SenderName          string `json:"sender_name,omitempty"`
	SenderHeaderMediaID string `json:"sender_header_media_id,omitempty"`
	// Signed reports whether the reply carried a sign (which then
	// verified). The replies of sendredpack are documented unsigned; those
	// of sendworkwxredpack are reported signed but are accepted unsigned,
	// since an error there could lead a caller to resend under a new
	// number.
	Signed bool `json:"signed"`
	// Extra holds the reply fields this SDK does not know; nil when there
	// are none.
	Extra map[string]string `json:"extra,omitempty"`
	// Meta describes the HTTP exchange (attempts).
	Meta wechatpay.Response `json:"-"`
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
// jitter halves it) where that matters. When the outcome stays unknown the error is an *UnknownOutcomeError
// (errors.Is ErrUnknownOutcome): resend with the same MchBillNo, or Query.
// A documented failure is a *wechatpay.APIError with its err_code, for
// example NOTENOUGH (top up, then resend with the same number), FATAL_ERROR
// (the number was used with other parameters) or SEND_FAILED (the number is
// spent: only then use a new one). The replies are documented unsigned: a
// success without a sign is accepted (SendResult.Signed is false), a sign
// present must verify.
func (s *Service) Send(ctx context.Context, req *SendRequest) (*SendResult, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	if req == nil {
		return nil, &wechatpay.FieldError{Field: "request", Reason: "is nil", Missing: true}
	}
	p := map[string]string{
		"mch_billno": req.MchBillNo, "mch_id": or(req.MchID, s.c.MchID()), "wxappid": or(req.WxAppID, s.c.AppID()),
		"sub_mch_id": req.SubMchID, "msgappid": req.MsgAppID, "consume_mch_id": req.ConsumeMchID,
		"send_name": req.SendName, "re_openid": req.ReOpenID, "total_num": "1",
		"wishing": req.Wishing, "client_ip": req.ClientIP, "act_name": req.ActName, "remark": req.Remark,
		"scene_id": string(req.SceneID), "risk_info": req.RiskInfo.encode(),
	}
	if err := checkSend(p, req.TotalAmount, []limit{
		{"sub_mch_id", 32, false, true}, {"msgappid", 32, false, true}, {"consume_mch_id", 32, false, true},
		{"send_name", 32, true, false}, {"client_ip", 15, true, true}, {"risk_info", 128, false, true},
	}); err != nil {
		return nil, err
	}
	if a, err := netip.ParseAddr(req.ClientIP); err != nil || !a.Is4() {
		return nil, &wechatpay.FieldError{Field: "client_ip", Reason: "must be an IPv4 address"}
	}
	return s.send(ctx, "/mmpaymkttransfers/sendredpack", p)
}

// limit is a documented length limit of a text parameter, in characters.
type limit struct {
	name     string
	max      int
	required bool
	ascii    bool // an identifier: visible ASCII only
}

// checkSend validates the parameters both sends share, then extra, and sets
// total_amount. Empty optional parameters are removed from p.
func checkSend(p map[string]string, amount int64, extra []limit) error {
	if err := checkBillNo(p["mch_billno"]); err != nil {
		return err
	}
	common := []limit{
		{"mch_id", 32, true, true}, {"wxappid", 32, true, true}, {"re_openid", 32, true, true},
		{"wishing", 128, true, false}, {"act_name", 32, true, false}, {"remark", 256, true, false},
		{"scene_id", 32, false, true},
	}
	for _, l := range append(common, extra...) {
		if err := checkText(l, p[l.name]); err != nil {
			return err
		}
	}
	switch {
	case amount <= 0:
		return &wechatpay.FieldError{Field: "total_amount", Reason: "must be a positive number of fen", Missing: amount == 0}
	case (amount < MinAmountWithoutScene || amount > MaxAmountWithoutScene) && p["scene_id"] == "":
		return &wechatpay.FieldError{Field: "scene_id", Reason: "is required for an amount below 100 or above 20000 fen", Missing: true}
	}
	p["total_amount"] = strconv.FormatInt(amount, 10)
	for k, v := range p {
		if v == "" {
			delete(p, k)
		}
	}
	return nil
}

// checkBillNo validates a mch_billno: 1 to 28 characters of [0-9A-Za-z].
func checkBillNo(v string) error {
	if v == "" {
		return &wechatpay.FieldError{Field: "mch_billno", Reason: "is required", Missing: true}
	}
	if len(v) > 28 {
		return &wechatpay.FieldError{Field: "mch_billno", Reason: "is " + strconv.Itoa(len(v)) + " characters, at most 28 allowed"}
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return &wechatpay.FieldError{Field: "mch_billno", Reason: "must be letters and digits only"}
		}
	}
	return nil
}

// checkText validates one text parameter against l.
func checkText(l limit, v string) error {
	if l.ascii {
		return svc.CheckID(l.name, v, l.max, l.required)
	}
	switch n := utf8.RuneCountInString(v); {
	case v == "" && l.required:
		return &wechatpay.FieldError{Field: l.name, Reason: "is required", Missing: true}
	case !utf8.ValidString(v):
		return &wechatpay.FieldError{Field: l.name, Reason: "is not valid UTF-8"}
	case n > l.max:
		return &wechatpay.FieldError{Field: l.name, Reason: "is " + strconv.Itoa(n) + " characters, at most " + strconv.Itoa(l.max) + " allowed"}
	}
	for _, r := range v {
		if r < ' ' && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
			return &wechatpay.FieldError{Field: l.name, Reason: "holds a control character"}
		}
	}
	return nil
}

func or(v, def string) string {
	if v != "" {
		return v
	}
	return def
}

// send makes the call of a send API and builds its result: every error
// that leaves the outcome unknown becomes an *UnknownOutcomeError.
func (s *Service) send(ctx context.Context, path string, p map[string]string) (*SendResult, error) {
	if err := s.wait(ctx); err != nil {
		return nil, err
	}
	billNo := p["mch_billno"]
	fields, meta, err := s.c.DoV2(ctx, &wechatpay.V2Request{
		Path:          path,
		Params:        p,
		Secure:        true,
		UnsignedReply: true,
		Idempotent:    true, // re-entrant on mch_billno
	})
	if err != nil {
		return nil, sendError(billNo, err)
	}
	out, err := decodeSend(fields, billNo)
	if err != nil {
		return nil, &UnknownOutcomeError{MchBillNo: billNo, Err: err}
	}
	if meta != nil {
		out.Meta = *meta
	}
	return out, nil
}

// decodeSend builds the result of a SUCCESS reply; one without send_listid,
// with a non-integer amount, or echoing another bill number is an error
// wrapping wechatpay.ErrMalformedResponse.
func decodeSend(fields map[string]string, billNo string) (*SendResult, error) {
	out := &SendResult{}
	for k, v := range fields {
		var err error
		switch k {
		case "send_listid":
			out.SendListID = v
		case "mch_billno":
			out.MchBillNo = v
		case "mch_id":
			out.MchID = v
		case "wxappid":
			out.WxAppID = v
		case "re_openid":
			out.ReOpenID = v
		case "sender_name":
			out.SenderName = v
		case "sender_header_media_id":
			out.SenderHeaderMediaID = v
		case "total_amount":
			err = parseAmount(k, v, &out.TotalAmount)
		case "sign":
			out.Signed = true
		default:
			keepExtra(&out.Extra, k, v)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := checkRequired(out); err != nil {
		return nil, err
	}
	if out.MchBillNo != "" && out.MchBillNo != billNo {
		return nil, fmt.Errorf("redpack: %w: the reply is for another mch_billno", wechatpay.ErrMalformedResponse)
	}
	return out, nil
}
