package wechatpaytest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// servePunish answers a punish request: the JSON body with its documented
// fields and limits, bal_account_no decrypted, then the record. Punish keeps
// state: the same out_request_no with the same fields answers the same
// wxpay_punish_no, with other fields 400 PARAM_ERROR; a new one creates the
// punish order that the control-order query answers.
func (s *Server) servePunish(r *V3Request) (int, any) {
	var req struct {
		OutRequestNo  *string         `json:"out_request_no"`
		MchID         *string         `json:"mchid"`
		BalAccountNo  *string         `json:"bal_account_no"`
		PunishScene   json.RawMessage `json:"punish_scene"`
		PunishReason  *string         `json:"punish_reason"`
		PunishEndTime *string         `json:"punish_end_time"`
		CardNo        *string         `json:"card_no"`
		SgnNo         *string         `json:"sgn_no"`
		ReqScene      *string         `json:"req_scene"`
		FundStrategy  *string         `json:"fund_repatriation_strategy"`
	}
	if e := r.DecodeJSON(&req); e != nil {
		return e.Answer()
	}
	p := Punishment{
		OutRequestNo:             str(req.OutRequestNo),
		MchID:                    str(req.MchID),
		PunishReason:             str(req.PunishReason),
		PunishEndTime:            str(req.PunishEndTime),
		SgnNo:                    str(req.SgnNo),
		ReqScene:                 str(req.ReqScene),
		FundRepatriationStrategy: str(req.FundStrategy),
	}
	switch {
	case p.OutRequestNo == "":
		return paramError("/out_request_no", "body", "required").Answer()
	case tooLong(p.OutRequestNo, 64):
		return paramError("/out_request_no", "body", longerThan(64)).Answer()
	case p.MchID == "":
		return paramError("/mchid", "body", "required").Answer()
	case str(req.BalAccountNo) == "":
		return paramError("/bal_account_no", "body", "required").Answer()
	case req.PunishScene == nil || string(req.PunishScene) == "null":
		return paramError("/punish_scene", "body", "required").Answer()
	}
	scene, err := strconv.ParseInt(string(req.PunishScene), 10, 64)
	if err != nil || scene <= 0 {
		return paramError("/punish_scene", "body", "must be a positive integer").Answer()
	}
	p.PunishScene = scene
	if p.PunishEndTime != "" {
		if _, err := time.Parse(time.RFC3339, p.PunishEndTime); err != nil {
			return paramError("/punish_end_time", "body", "not an RFC 3339 time").Answer()
		}
	}
	bal, e := r.DecryptField("/bal_account_no", "body", *req.BalAccountNo)
	if e != nil {
		return e.Answer()
	}
	p.BalAccountNo = bal
	switch p.FundRepatriationStrategy {
	case "", "ALL_FORBIDDEN", "ALL_ALLOWED_WHEN_UNIQUE":
	default:
		return paramError("/fund_repatriation_strategy", "body", "not a documented strategy").Answer()
	}
	if p.CardNo, e = communityFields(r, "body", str(req.CardNo), p.ReqScene); e != nil {
		return e.Answer()
	}

	s.mu.Lock()
	if i, ok := s.agg.punishByNo[p.OutRequestNo]; ok {
		prev := s.agg.punishments[i]
		s.mu.Unlock()
		p.WxpayPunishNo = prev.WxpayPunishNo
		if p != prev {
			return reusedNumber().Answer()
		}
		return punishAnswer(p)
	}
	if status, body, ok := s.punishFixtureAnswer(p); ok {
		s.mu.Unlock()
		return status, body
	}
	p.WxpayPunishNo = s.now().In(beijing).Format("20060102") + strconv.FormatInt(int64(1_000_000_000+len(s.agg.punishments)+1), 10)
	s.agg.punishByNo[p.OutRequestNo] = len(s.agg.punishments)
	s.agg.punishments = append(s.agg.punishments, p)
	s.addPunishOrder(p) // for the control-order query (state_aggracct.go)
	s.mu.Unlock()
	return punishAnswer(p)
}

func punishAnswer(p Punishment) (int, any) {
	return http.StatusOK, struct {
		WxpayPunishNo string `json:"wxpay_punish_no"`
		OutRequestNo  string `json:"out_request_no"`
	}{p.WxpayPunishNo, p.OutRequestNo}
}
