package redpack

import (
	"context"
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
	MchBillNo string
	// MchID is the merchant number; at most 32 characters, empty for the
	// client's.
	MchID string
	// WxAppID is the WeCom corp id (企业微信 corpid); at most 32
	// characters, empty for the client's appid (wechatpay.WithAppID).
	WxAppID string
	// SenderName sends as a person: the sender name shown; at most 128.
	SenderName string
	// AgentID sends in the name of a WeCom application: its agent id.
	AgentID string
	// SenderHeaderMediaID is the WeCom media id of the sender's avatar.
	SenderHeaderMediaID string
	// ReOpenID is the receiver's openid (converted from the WeCom userid):
	// required, at most 32.
	ReOpenID string
	// TotalAmount is the amount in fen: required, positive; below 100 or
	// above 20000 it needs SceneID.
	TotalAmount int64
	// Wishing is the greeting: required, at most 128.
	Wishing string
	// ActName is the activity name: required, at most 32.
	ActName string
	// Remark is the remark: required, at most 256.
	Remark string
	// SceneID is the scene; required when the amount is below 100 or above
	// 20000 fen.
	SceneID SceneID
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
	if err := s.ready(); err != nil {
		return nil, err
	}
	if req == nil {
		return nil, &wechatpay.FieldError{Field: "request", Reason: "is nil", Missing: true}
	}
	p := map[string]string{
		"mch_billno": req.MchBillNo, "mch_id": or(req.MchID, s.c.MchID()), "wxappid": or(req.WxAppID, s.c.AppID()),
		"sender_name": req.SenderName, "agentid": req.AgentID, "sender_header_media_id": req.SenderHeaderMediaID,
		"re_openid": req.ReOpenID, "wishing": req.Wishing, "act_name": req.ActName, "remark": req.Remark,
		"scene_id": string(req.SceneID),
	}
	if err := checkSend(p, req.TotalAmount, []limit{
		{"sender_name", 128, false, false}, {"agentid", 32, false, true}, {"sender_header_media_id", 256, false, true},
	}); err != nil {
		return nil, err
	}
	switch {
	case req.SenderName != "" && req.AgentID != "":
		return nil, &wechatpay.FieldError{Field: "agentid", Reason: "must not be set with sender_name (one or the other)"}
	case req.SenderName == "" && req.AgentID == "":
		return nil, &wechatpay.FieldError{Field: "sender_name", Reason: "or agentid is required", Missing: true}
	case s.workwx == nil:
		return nil, &wechatpay.FieldError{Field: "workwx_secret", Reason: "not configured (redpack.WithWorkWxSecret)", Missing: true}
	}
	// One nonce for every attempt: workwx_sign covers it.
	p["nonce_str"] = wechatpay.NewNonce()
	ws, err := wxcrypto.SignWorkWx(p, s.workwx.v)
	if err != nil {
		return nil, fmt.Errorf("redpack: workwx_sign: %w", err) // GODEBUG=fips140=only refuses MD5
	}
	p["workwx_sign"] = ws
	return s.send(ctx, "/mmpaymkttransfers/sendworkwxredpack", p)
}
