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
	var req struct {
		OutRequestNo          *string `json:"out_request_no"`
		RelatedWebankPunishNo *string `json:"related_webank_punish_no"`
		RelatedWxpayPunishNo  *string `json:"related_wxpay_punish_no"`
		MchID                 *string `json:"mchid"`
		BalAccountNo          *string `json:"bal_account_no"`
		RecoverReason         *string `json:"recover_reason"`
		CardNo                *string `json:"card_no"`
		SgnNo                 *string `json:"sgn_no"`
		ReqScene              *string `json:"req_scene"`
	}
	if e := r.DecodeJSON(&req); e != nil {
		return e.Answer()
	}
	in := recoverRequest{
		OutRequestNo: str(req.OutRequestNo), RelatedWebankPunishNo: str(req.RelatedWebankPunishNo),
		RelatedWxpayPunishNo: str(req.RelatedWxpayPunishNo), MchID: str(req.MchID),
		RecoverReason: str(req.RecoverReason), SgnNo: str(req.SgnNo), ReqScene: str(req.ReqScene),
	}
	switch {
	case in.OutRequestNo == "":
		return paramError("/out_request_no", "body", "required").Answer()
	case tooLong(in.OutRequestNo, 64):
		return paramError("/out_request_no", "body", longerThan(64)).Answer()
	case in.RelatedWebankPunishNo == "":
		return paramError("/related_webank_punish_no", "body", "required").Answer()
	case in.RelatedWxpayPunishNo == "":
		return paramError("/related_wxpay_punish_no", "body", "required").Answer()
	case in.MchID == "":
		return paramError("/mchid", "body", "required").Answer()
	case str(req.BalAccountNo) == "":
		return paramError("/bal_account_no", "body", "required").Answer()
	case tooLong(in.RecoverReason, 256) || !utf8.ValidString(in.RecoverReason):
		return paramError("/recover_reason", "body", "at most 256 visible UTF-8 characters").Answer()
	}
	var e *ErrorAnswer
	if in.BalAccountNo, e = r.DecryptField("/bal_account_no", "body", *req.BalAccountNo); e != nil {
		return e.Answer()
	}
	if in.CardNo, e = communityFields(r, "body", str(req.CardNo), in.ReqScene); e != nil {
		return e.Answer()
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if prev, ok := s.agg.recoverReqs[in.OutRequestNo]; ok {
		if prev != in {
			return reusedNumber().Answer()
		}
		return recoverAnswer(s.agg.recoverOrders[in.OutRequestNo])
	}
	if in.OutRequestNo == in.RelatedWebankPunishNo {
		return invalidRequest("out_request_no 不能与 related_webank_punish_no 相同", "recover number equals the punish number").Answer()
	}
	p, ok := s.agg.punishOrders[in.RelatedWebankPunishNo]
	switch {
	case !ok:
		return invalidRequest("关联的管控单不存在", "unknown related punish").Answer()
	case p.WxpayPunishNo != in.RelatedWxpayPunishNo:
		return invalidRequest("related_wxpay_punish_no 与管控单不符", "wxpay_punish_no does not match").Answer()
	case p.MchID != in.MchID || p.BalAccountNo != in.BalAccountNo:
		return invalidRequest("mchid 或 bal_account_no 与管控单不符", "other merchant or ledger").Answer()
	case p.EffectState != "ACTIVE":
		return invalidRequest("管控单未生效或已解管", "punish not in force").Answer()
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

func recoverAnswer(o *RecoverOrder) (int, any) {
	return http.StatusOK, struct {
		WxpayRecoverNo string `json:"wxpay_recover_no"`
		OutRequestNo   string `json:"out_request_no"`
	}{o.WxpayRecoverNo, o.OutRequestNo}
}
