package wechatpaytest

import (
	"net/http"
	"unicode/utf8"
)

// serveRecover answers a recover request: the documented fields and
// limits, bal_account_no (and card_no) decrypted, then the punish order it
// names. The punish must exist and be in force (ACTIVE), with the same
// wxpay_punish_no, mchid and ledger, and the recover's number must differ
// from the punish's: else 400 INVALID_REQUEST. A new recover creates a
// recover order (EXECUTING, then SUCCESS at once unless HoldWeBankOrders)
// that sets the punish's effect_state to RECOVERED. The same number with
// the same fields answers the same wxpay_recover_no, with other fields 400
// PARAM_ERROR.
func (s *Server) serveRecover(r *V3Request) (int, any) {
	var in recoverRequest
	if e := r.DecodeJSON(&in); e != nil {
		return e.Answer()
	}
	if e := checkFields("body",
		field{name: "/out_request_no", value: in.OutRequestNo, required: true, max: 64},
		field{name: "/related_webank_punish_no", value: in.RelatedWebankPunishNo, required: true},
		field{name: "/related_wxpay_punish_no", value: in.RelatedWxpayPunishNo, required: true},
		field{name: "/mchid", value: in.MchID, required: true},
		field{name: "/bal_account_no", value: in.BalAccountNo, required: true},
		field{name: "/recover_reason", value: in.RecoverReason, max: 256, valid: utf8.ValidString, issue: "at most 256 visible UTF-8 characters"},
	); e != nil {
		return e.Answer()
	}
	if e := ledgerFields(r, "body", &in.BalAccountNo, &in.CardNo, in.ReqScene); e != nil {
		return e.Answer()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if prev, ok := s.agg.recoverReqs[in.OutRequestNo]; ok {
		if prev != in {
			return reusedNumber("/out_request_no").Answer()
		}
		return recoverAnswer(s.agg.recoverOrders[in.OutRequestNo])
	}
	p, e := s.recoveredPunish(in)
	if e != nil {
		return e.Answer()
	}
	if o, ok := s.agg.recoverOrders[in.OutRequestNo]; ok { // a fixture
		return recoverAnswer(o)
	}
	now := s.now()
	o := &RecoverOrder{
		OutRequestNo: in.OutRequestNo, WxpayRecoverNo: s.aggNumber("RC", now), RelatedWxpayPunishNo: p.WxpayPunishNo,
		MchID: in.MchID, PunishScene: p.PunishScene, PunishRuleVersion: p.PunishRuleVersion,
		RecoverState: "EXECUTING", RecoverReason: in.RecoverReason, RecoverAcceptTime: now,
	}
	s.agg.recoverReqs[in.OutRequestNo] = in
	s.agg.recoverOrders[in.OutRequestNo] = o
	answer := *o
	if !s.agg.hold {
		s.settleRecover(o, now)
	}
	return recoverAnswer(&answer)
}

// recoveredPunish returns the punish order a new recover lifts: it must
// exist and be in force (ACTIVE), with the same wxpay_punish_no, mchid and
// ledger, and another number than the recover's; else 400
// INVALID_REQUEST. The caller holds s.mu.
func (s *Server) recoveredPunish(in recoverRequest) (*PunishOrder, *ErrorAnswer) {
	p, ok := s.agg.punishOrders[in.RelatedWebankPunishNo]
	switch {
	case in.OutRequestNo == in.RelatedWebankPunishNo:
		return nil, invalidRequest("out_request_no 不能与 related_webank_punish_no 相同")
	case !ok:
		return nil, invalidRequest("关联的管控单不存在")
	case p.WxpayPunishNo != in.RelatedWxpayPunishNo:
		return nil, invalidRequest("related_wxpay_punish_no 与管控单不符")
	case p.MchID != in.MchID || p.BalAccountNo != in.BalAccountNo:
		return nil, invalidRequest("mchid 或 bal_account_no 与管控单不符")
	case p.EffectState != "ACTIVE":
		return nil, invalidRequest("管控单未生效或已解管")
	}
	return p, nil
}

func recoverAnswer(o *RecoverOrder) (int, any) {
	return http.StatusOK, struct {
		WxpayRecoverNo string `json:"wxpay_recover_no"`
		OutRequestNo   string `json:"out_request_no"`
	}{o.WxpayRecoverNo, o.OutRequestNo}
}
