package wechatpaytest

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// servePunish answers a punish request: the JSON body with its documented
// fields and limits, bal_account_no decrypted, then the record. Punish keeps
// state: the same out_request_no with the same fields answers the same
// wxpay_punish_no, with other fields 400 PARAM_ERROR; a new one creates the
// punish order that the control-order query answers.
func (s *Server) servePunish(r *V3Request) (int, any) {
	var req struct {
		Punishment
		BalAccountNo string          `json:"bal_account_no"`
		PunishScene  json.RawMessage `json:"punish_scene"`
		CardNo       string          `json:"card_no"`
	}
	if e := r.DecodeJSON(&req); e != nil {
		return e.Answer()
	}
	p := req.Punishment
	scene := string(req.PunishScene)
	if scene == "null" {
		scene = ""
	}
	if e := checkFields("body",
		field{name: "/out_request_no", value: p.OutRequestNo, required: true, max: 64},
		field{name: "/mchid", value: p.MchID, required: true},
		field{name: "/bal_account_no", value: req.BalAccountNo, required: true},
		field{name: "/punish_scene", value: scene, required: true, valid: isPositive, issue: "must be a positive integer"},
		field{name: "/punish_end_time", value: p.PunishEndTime, valid: isRFC3339, issue: "not an RFC 3339 time"},
		field{name: "/fund_repatriation_strategy", value: p.FundRepatriationStrategy,
			valid: oneOf("ALL_FORBIDDEN", "ALL_ALLOWED_WHEN_UNIQUE"), issue: "not a documented strategy"},
	); e != nil {
		return e.Answer()
	}
	p.PunishScene, _ = strconv.ParseInt(scene, 10, 64) // checked
	p.BalAccountNo, p.CardNo = req.BalAccountNo, req.CardNo
	if e := ledgerFields(r, "body", &p.BalAccountNo, &p.CardNo, p.ReqScene); e != nil {
		return e.Answer()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.punish(p)
}

// punish applies an accepted punish request: a re-entry answers the first
// number (other fields: 400 PARAM_ERROR), a fixture's number is answered
// as punishFixtureAnswer says, a new one is numbered, recorded and makes
// its punish order. The caller holds s.mu.
func (s *Server) punish(p Punishment) (int, any) {
	if i, ok := s.agg.punishByNo[p.OutRequestNo]; ok {
		prev := s.agg.punishments[i]
		p.WxpayPunishNo = prev.WxpayPunishNo
		if p != prev {
			return reusedNumber("/out_request_no").Answer()
		}
		return punishAnswer(p)
	}
	if status, body, ok := s.punishFixtureAnswer(p); ok {
		return status, body
	}
	p.WxpayPunishNo = s.now().In(beijing).Format("20060102") + strconv.FormatInt(int64(1_000_000_000+len(s.agg.punishments)+1), 10)
	s.agg.punishByNo[p.OutRequestNo] = len(s.agg.punishments)
	s.agg.punishments = append(s.agg.punishments, p)
	s.addPunishOrder(p) // for the control-order query (state_aggracct.go)
	return punishAnswer(p)
}

func punishAnswer(p Punishment) (int, any) {
	return http.StatusOK, struct {
		WxpayPunishNo string `json:"wxpay_punish_no"`
		OutRequestNo  string `json:"out_request_no"`
	}{p.WxpayPunishNo, p.OutRequestNo}
}
