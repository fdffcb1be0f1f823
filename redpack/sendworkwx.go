package redpack

import (
	"context"
	"errors"
	"fmt"

	"github.com/gowechatpay/wechatpay"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
)

// SendWorkWxRequest is a WeCom red packet (发放企业红包) for one member of
// a WeCom corp. Exactly one of SenderName and AgentID is set. Lengths are
// in characters.
type SendWorkWxRequest struct {
	// MchBillNo is the bill number: required, 1 to 28 characters of
	// [0-9A-Za-z], unique per merchant. Resending the same number with the
	// same parameters sends at most one packet.
	MchBillNo string `xml:"mch_billno" wx:"required,alnum,max=28"`
	// MchID is the merchant number; at most 32 characters, empty for the
	// client's.
	MchID string `xml:"mch_id" wx:"required,id,max=32,default=mchid"`
	// WxAppID is the WeCom corp id (企业微信 corpid); at most 32
	// characters, empty for the client's appid (wechatpay.WithAppID).
	WxAppID string `xml:"wxappid" wx:"required,id,max=32,default=appid"`
	// SenderName sends as a person: the sender name shown; at most 128.
	SenderName string `xml:"sender_name" wx:"max=128"`
	// AgentID sends in the name of a WeCom application: its agent id.
	AgentID string `xml:"agentid" wx:"id,max=32"`
	// SenderHeaderMediaID is the WeCom media id of the sender's avatar.
	SenderHeaderMediaID string `xml:"sender_header_media_id" wx:"id,max=256"`
	// ReOpenID is the receiver's openid (converted from the WeCom userid):
	// required, at most 32.
	ReOpenID string `xml:"re_openid" wx:"required,id,max=32"`
	// TotalAmount is the amount in fen: required, positive; below 100 or
	// above 20000 it needs SceneID.
	TotalAmount int64 `xml:"total_amount" wx:"required,min=1"`
	// Wishing is the greeting: required, at most 128.
	Wishing string `xml:"wishing" wx:"required,max=128"`
	// ActName is the activity name: required, at most 32.
	ActName string `xml:"act_name" wx:"required,max=32"`
	// Remark is the remark: required, at most 256.
	Remark string `xml:"remark" wx:"required,max=256"`
	// SceneID is the scene; required when the amount is below 100 or above
	// 20000 fen.
	SceneID SceneID `xml:"scene_id" wx:"id,max=32"`
}

// SendWorkWx sends a red packet to a member of a WeCom corp (企业微信红包
// 发放企业红包).
//
// POST /mmpaymkttransfers/sendworkwxredpack (APIv2, XML, MD5 sign, mTLS,
// and workwx_sign with the WeCom payment secret: WithWorkWxSecret)
//
// workwx_sign is MD5 over act_name, mch_billno, mch_id, nonce_str,
// re_openid, total_amount and wxappid with "&secret=" and the secret; the
// ordinary sign covers it. Rate limit: 1800 packets a minute by default
// (see WithLimiter). Query the packet with QueryWorkWx.
//
// The send is re-entrant on MchBillNo, so the client retries it (with the
// same number, nonce and parameters) on transport errors, 5xx and
// SYSTEMERROR. When the outcome stays unknown the error is an
// *UnknownOutcomeError (errors.Is ErrUnknownOutcome): resend with the same
// MchBillNo, or QueryWorkWx. A documented failure is a *wechatpay.APIError
// (SIGN_ERROR also means a bad workwx_sign: check the secret). A reply
// sign present must verify; a success without one is accepted, with
// SendResult.Signed false (whether WeChat Pay signs these replies is
// unconfirmed, and an error there could lead a caller to resend under a
// new number).
func (s *Service) SendWorkWx(ctx context.Context, req *SendWorkWxRequest) (*SendResult, error) {
	op := opSendWorkWx
	op.Complete = s.signWorkWx
	out, err := op.Do(ctx, s.core().Client(), req, s.wait())
	return sent(out, err, req.billNo())
}

var opSendWorkWx = wechatpay.V2Operation[SendWorkWxRequest, SendResult]{
	Name: "redpack.SendWorkWx", Path: "/mmpaymkttransfers/sendworkwxredpack", Secure: true, UnsignedReply: true,
	Repeat: wechatpay.RepeatReentrant, // on mch_billno
}

// signWorkWx adds nonce_str, one for every attempt, and workwx_sign, which
// covers it, keyed with the WeCom payment secret.
func (s *Service) signWorkWx(p map[string]string) error {
	own := s.core().Own()
	if own == nil || own.workwx == nil {
		return &wechatpay.FieldError{Field: "workwx_secret", Reason: "not configured (redpack.WithWorkWxSecret)", Missing: true}
	}
	p["nonce_str"] = wechatpay.NewNonce()
	ws, err := wxcrypto.SignWorkWx(p, own.workwx.v)
	if err != nil {
		return fmt.Errorf("redpack: workwx_sign: %w", err) // GODEBUG=fips140=only refuses MD5
	}
	p["workwx_sign"] = ws
	return nil
}

// Validate checks the request as SendWorkWx does before any I/O (MchID
// and WxAppID are required here; SendWorkWx fills them from the client
// first) and returns every problem at once.
func (r *SendWorkWxRequest) Validate() error {
	if r == nil {
		return wechatpay.ValidateRequest(r)
	}
	var sender error
	switch {
	case r.SenderName != "" && r.AgentID != "":
		sender = &wechatpay.FieldError{Field: "agentid", GoField: "AgentID", Reason: "must not be set with sender_name (one or the other)"}
	case r.SenderName == "" && r.AgentID == "":
		sender = &wechatpay.FieldError{Field: "sender_name", GoField: "SenderName", Reason: "or agentid is required", Missing: true}
	}
	return errors.Join(wechatpay.ValidateRequest(r), checkScene(r.TotalAmount, r.SceneID), sender)
}

func (r *SendWorkWxRequest) billNo() string {
	if r == nil {
		return ""
	}
	return r.MchBillNo
}
