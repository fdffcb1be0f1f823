package wechatpaytest

import (
	"cmp"
	"net/http"
	"strconv"
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
	if controlType == "PUNISH" {
		o, ok := s.agg.punishOrders[no]
		if !ok || o.MchID != mchID {
			return notFound("punish order").Answer()
		}
		return http.StatusOK, struct {
			ControlScene string          `json:"control_scene"`
			PunishOrder  punishOrderWire `json:"punish_order"`
		}{"PUNISH", newPunishOrderWire(o)}
	}
	o, ok := s.agg.recoverOrders[no]
	if !ok || o.MchID != mchID {
		return notFound("recover order").Answer()
	}
	return http.StatusOK, struct {
		ControlScene string           `json:"control_scene"`
		RecoverOrder recoverOrderWire `json:"recover_order"`
	}{"RECOVER", recoverOrderWire{
		WxpayRecoverNo: o.WxpayRecoverNo, OutRequestNo: o.OutRequestNo, RelatedWxpayPunishNo: o.RelatedWxpayPunishNo,
		MchID: o.MchID, PunishScene: strconv.FormatInt(o.PunishScene, 10),
		PunishRuleVersion: strconv.FormatInt(o.PunishRuleVersion, 10),
		RecoverAcceptTime: rfc3339(o.RecoverAcceptTime), RecoverFinishTime: rfc3339(o.RecoverFinishTime),
		RecoverState: o.RecoverState, RecoverReason: o.RecoverReason, ErrorCode: o.ErrorCode, ErrorMessage: o.ErrorMessage,
	}}
}

type punishOrderWire struct {
	WxpayPunishNo     string   `json:"wxpay_punish_no"`
	OutRequestNo      string   `json:"out_request_no"`
	MchID             string   `json:"mchid"`
	PunishScene       int64    `json:"punish_scene"`
	PunishRuleVersion int64    `json:"punish_rule_version"`
	PunishReason      string   `json:"punish_reason,omitempty"`
	PunishStartTime   string   `json:"punish_start_time,omitempty"`
	PunishEndTime     string   `json:"punish_end_time,omitempty"`
	PunishAcceptTime  string   `json:"punish_accept_time,omitempty"`
	PunishFinishTime  string   `json:"punish_finish_time,omitempty"`
	PunishState       string   `json:"punish_state,omitempty"`
	EffectState       string   `json:"effect_state,omitempty"`
	ControlAction     []string `json:"control_action,omitempty"`
	ErrorCode         string   `json:"error_code,omitempty"`
	ErrorMessage      string   `json:"error_message,omitempty"`
}

func newPunishOrderWire(o *PunishOrder) punishOrderWire {
	return punishOrderWire{
		WxpayPunishNo: o.WxpayPunishNo, OutRequestNo: o.OutRequestNo, MchID: o.MchID,
		PunishScene: o.PunishScene, PunishRuleVersion: o.PunishRuleVersion, PunishReason: o.PunishReason,
		PunishStartTime: rfc3339(o.PunishStartTime), PunishEndTime: rfc3339(o.PunishEndTime),
		PunishAcceptTime: rfc3339(o.PunishAcceptTime), PunishFinishTime: rfc3339(o.PunishFinishTime),
		PunishState: o.PunishState, EffectState: o.EffectState, ControlAction: o.ControlAction,
		ErrorCode: o.ErrorCode, ErrorMessage: o.ErrorMessage,
	}
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
