package wechatpaytest

import (
	"cmp"
	"net/http"
	"strconv"
	"strings"
)

// serveQueryControlOrder answers a control-order query: control_type PUNISH or
// RECOVER and mchid are required; the punish or recover order of that
// number and merchant is answered, an unknown number or one of the other
// type 404 RESOURCE_NOT_EXISTS. punish_scene and punish_rule_version are
// JSON numbers in punish_order and strings in recover_order, as the
// community reference shows them.
func (s *Server) serveQueryControlOrder(r *V3Request) (int, any) {
	no := r.PathValue("out_request_no")
	q := r.URL.Query()
	controlType, mchID := q.Get("control_type"), q.Get("mchid")
	if e := cmp.Or(checkFields("path", field{name: "out_request_no", value: no, max: 64}),
		checkFields("query", field{name: "control_type", value: controlType, required: true, valid: oneOf("PUNISH", "RECOVER"), issue: "must be PUNISH or RECOVER"},
			field{name: "mchid", value: mchID, required: true})); e != nil {
		return e.Answer()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch p, o := s.agg.punishOrders[no], s.agg.recoverOrders[no]; {
	case controlType == "PUNISH" && p != nil && p.MchID == mchID:
		c := *p
		wireTimes(&c.PunishStartTime, &c.PunishEndTime, &c.PunishAcceptTime, &c.PunishFinishTime)
		return http.StatusOK, map[string]any{"control_scene": controlType, "punish_order": c}
	case controlType == "RECOVER" && o != nil && o.MchID == mchID:
		return http.StatusOK, map[string]any{"control_scene": controlType, "recover_order": recoverOrderWire{
			WxpayRecoverNo: o.WxpayRecoverNo, OutRequestNo: o.OutRequestNo, RelatedWxpayPunishNo: o.RelatedWxpayPunishNo,
			MchID: o.MchID, PunishScene: strconv.FormatInt(o.PunishScene, 10),
			PunishRuleVersion: strconv.FormatInt(o.PunishRuleVersion, 10),
			RecoverAcceptTime: rfc3339(o.RecoverAcceptTime), RecoverFinishTime: rfc3339(o.RecoverFinishTime),
			RecoverState: o.RecoverState, RecoverReason: o.RecoverReason, ErrorCode: o.ErrorCode, ErrorMessage: o.ErrorMessage,
		}}
	}
	return notFound(strings.ToLower(controlType) + " order").Answer()
}

type recoverOrderWire struct {
	WxpayRecoverNo       string `json:"wxpay_recover_no"`
	OutRequestNo         string `json:"out_request_no"`
	RelatedWxpayPunishNo string `json:"related_wxpay_punish_no"`
	MchID                string `json:"mchid"`
	PunishScene          string `json:"punish_scene"`
	PunishRuleVersion    string `json:"punish_rule_version"`
	RecoverAcceptTime    string `json:"recover_accept_time,omitempty"`
	RecoverFinishTime    string `json:"recover_finish_time,omitempty"`
	RecoverState         string `json:"recover_state,omitempty"`
	RecoverReason        string `json:"recover_reason,omitempty"`
	ErrorCode            string `json:"error_code,omitempty"`
	ErrorMessage         string `json:"error_message,omitempty"`
}
