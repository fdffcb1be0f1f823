package wechatpaytest

import (
	"net/http"
	"strconv"
	"time"
)

// aggracctState is the emulator's state of the WeBank channel (aggracct): the
// special reductions and the requests behind those created, ledgers, the
// punish requests, control orders and audit reports. Server.mu guards it.
type aggracctState struct {
	hold           bool
	reductions     map[string]SpecialReduction
	punishments    []Punishment
	punishByNo     map[string]int // out_request_no → index in punishments
	ledgers        map[ledgerKey]int64
	reductionReqs  map[string]reductionRequest // out_request_no → the creating request
	reductionOrder []string                    // created reductions, oldest first
	punishOrders   map[string]*PunishOrder
	recoverOrders  map[string]*RecoverOrder
	recoverReqs    map[string]recoverRequest
	audits         []AuditReport
	auditIndex     map[auditKey]int
	seq            int64 // for the numbers the emulator assigns
	archives       map[ledgerKey]MerchantArchives
	media          []MerchantMedia
	renames        map[string]*renameApp // application_id → application
	renameClosed   bool                  // CloseRename
	renameFail     [2]string             // FailRename's code and message
}

type ledgerKey struct{ mchID, bal string }

type auditKey struct{ mchID, no string }

// reductionRequest is a special-reduction request, decrypted: what a
// resend must repeat.
type reductionRequest struct {
	MchID         string `json:"mchid"`
	BalAccountNo  string `json:"bal_account_no"` // decrypted once checked
	OutRequestNo  string `json:"out_request_no"`
	ReductionType string `json:"reduction_type"`
	Reason        string `json:"reason"`
	CardNo        string `json:"card_no"` // decrypted once checked
	SgnNo         string `json:"sgn_no"`
	ReqScene      string `json:"req_scene"`
	Amount        int64  `json:"-"`
}

// recoverRequest is a recover request, decrypted: what a resend must
// repeat.
type recoverRequest struct {
	OutRequestNo          string `json:"out_request_no"`
	RelatedWebankPunishNo string `json:"related_webank_punish_no"`
	RelatedWxpayPunishNo  string `json:"related_wxpay_punish_no"`
	MchID                 string `json:"mchid"`
	BalAccountNo          string `json:"bal_account_no"` // decrypted once checked
	RecoverReason         string `json:"recover_reason"`
	CardNo                string `json:"card_no"` // decrypted once checked
	SgnNo                 string `json:"sgn_no"`
	ReqScene              string `json:"req_scene"`
}

func newAggracctState() *aggracctState {
	return &aggracctState{
		reductions:    map[string]SpecialReduction{},
		punishByNo:    map[string]int{},
		ledgers:       map[ledgerKey]int64{},
		reductionReqs: map[string]reductionRequest{},
		punishOrders:  map[string]*PunishOrder{},
		recoverOrders: map[string]*RecoverOrder{},
		recoverReqs:   map[string]recoverRequest{},
		auditIndex:    map[auditKey]int{},
		archives:      map[ledgerKey]MerchantArchives{},
		renames:       map[string]*renameApp{},
	}
}

// number returns a new WeChat Pay number: the date, a prefix and a
// counter. The caller holds s.mu.
func (s *Server) aggNumber(prefix string, now time.Time) string {
	s.agg.seq++
	return now.In(beijing).Format("20060102") + prefix + strconv.FormatInt(1_000_000_000+s.agg.seq, 10)
}

// pending returns the amount of the PROCESSING special reductions on a
// ledger, and whether there are any. The caller holds s.mu.
func (s *Server) pending(k ledgerKey) (amount int64, inTransit bool) {
	for no, red := range s.agg.reductions {
		if red.State != "PROCESSING" || red.MchID != k.mchID || red.BalAccountNo != k.bal {
			continue
		}
		inTransit = true
		if req, ok := s.agg.reductionReqs[no]; ok {
			amount += req.Amount
		} else {
			amount += red.Amount
		}
	}
	return amount, inTransit
}

// settleReduction makes the PROCESSING reduction no succeed: the ledger's
// balance drops by its amount. The caller holds s.mu.
func (s *Server) settleReduction(no string, now time.Time) {
	red, req := s.agg.reductions[no], s.agg.reductionReqs[no]
	red.State, red.ReductionType, red.Amount, red.Reason = "SUCCESS", req.ReductionType, req.Amount, req.Reason
	red.QuotaChangeNo = s.aggNumber("QC", now)
	red.SuccessTime = now
	s.agg.reductions[no] = red
	s.agg.ledgers[ledgerKey{red.MchID, red.BalAccountNo}] -= req.Amount
}

// punishControlAction is the fixture table of control actions per punish
// scene (a Decision of protocol/apis-domains.md A3); other scenes disable
// withdrawal too.
var punishControlAction = map[int64][]string{1: {"DISABLE_WITHDRAWAL"}}

// settlePunish makes an EXECUTING punish order succeed and take effect.
func settlePunish(o *PunishOrder, now time.Time) {
	o.PunishState, o.EffectState = "SUCCESS", "ACTIVE"
	o.PunishStartTime, o.PunishFinishTime = now, now
	if o.ControlAction == nil {
		o.ControlAction = punishControlAction[o.PunishScene]
		if o.ControlAction == nil {
			o.ControlAction = []string{"DISABLE_WITHDRAWAL"}
		}
	}
}

// settleRecover makes an EXECUTING recover order succeed and lifts its
// punish. The caller holds s.mu.
func (s *Server) settleRecover(o *RecoverOrder, now time.Time) {
	o.RecoverState, o.RecoverFinishTime = "SUCCESS", now
	for _, p := range s.agg.punishOrders {
		if p.WxpayPunishNo == o.RelatedWxpayPunishNo {
			p.EffectState = "RECOVERED"
		}
	}
}

// addPunishOrder creates the punish order of an accepted punish request.
// The caller holds s.mu.
func (s *Server) addPunishOrder(p Punishment) {
	now := s.now()
	o := &PunishOrder{
		OutRequestNo: p.OutRequestNo, WxpayPunishNo: p.WxpayPunishNo, MchID: p.MchID,
		BalAccountNo: p.BalAccountNo, PunishScene: p.PunishScene, PunishRuleVersion: 1,
		PunishReason: p.PunishReason, PunishState: "EXECUTING", PunishAcceptTime: now,
	}
	if p.PunishEndTime != "" {
		o.PunishEndTime, _ = time.Parse(time.RFC3339, p.PunishEndTime) // checked by servePunish
	}
	if !s.agg.hold {
		settlePunish(o, now)
	}
	s.agg.punishOrders[o.OutRequestNo] = o
}

// punishFixtureAnswer answers a punish request whose number a fixture
// punish order (AddPunishOrder) holds: the same fields are a re-entry, other
// ones 400 PARAM_ERROR. ok is false when no fixture holds the number. The
// caller holds s.mu.
func (s *Server) punishFixtureAnswer(p Punishment) (status int, body any, ok bool) {
	o, ok := s.agg.punishOrders[p.OutRequestNo]
	if !ok {
		return 0, nil, false
	}
	end := ""
	if !o.PunishEndTime.IsZero() {
		if t, err := time.Parse(time.RFC3339, p.PunishEndTime); err == nil && t.Equal(o.PunishEndTime) {
			end = p.PunishEndTime
		} else {
			end = "other"
		}
	}
	if o.MchID != p.MchID || o.BalAccountNo != p.BalAccountNo || o.PunishScene != p.PunishScene ||
		o.PunishReason != p.PunishReason || end != p.PunishEndTime {
		status, body = reusedNumber("/out_request_no").Answer()
		return status, body, true
	}
	p.WxpayPunishNo = o.WxpayPunishNo
	status, body = punishAnswer(p)
	return status, body, true
}

// queryLedger checks the ledger a WeBank-channel query names: mchid (at
// most 32) and bal_account_no (at most maxBal, 0 for no limit) are
// required, then ledgerFields decrypts and checks the rest.
func queryLedger(r *V3Request, maxBal int) (ledgerKey, *ErrorAnswer) {
	q := r.URL.Query()
	k, cardNo := ledgerKey{q.Get("mchid"), q.Get("bal_account_no")}, q.Get("card_no")
	if e := checkFields("query", field{name: "mchid", value: k.mchID, required: true, max: 32},
		field{name: "bal_account_no", value: k.bal, required: true, max: maxBal}); e != nil {
		return k, e
	}
	return k, ledgerFields(r, "query", &k.bal, &cardNo, q.Get("req_scene"))
}

// ledgerFields decrypts bal_account_no (*bal) in place, then checks the
// optional fields a 2026 community reference added to every WeBank-channel
// API: req_scene (a documented value) and card_no (*cardNo, decrypted in
// place); sgn_no is taken as it is. A field's name in the answer is
// "/card_no" in a body, "card_no" in a query.
func ledgerFields(r *V3Request, location string, bal, cardNo *string, reqScene string) *ErrorAnswer {
	prefix := ""
	if location == "body" {
		prefix = "/"
	}
	var e *ErrorAnswer
	if *bal, e = r.DecryptField(prefix+"bal_account_no", location, *bal); e != nil {
		return e
	}
	if e := checkFields(location, field{name: prefix + "req_scene", value: reqScene, issue: "not a documented request scene",
		valid: oneOf("SJT_CONVENIENT_SETTLEMENT_SERVICE_MERCHANT", "SJT_MICRO_MERCHANT", "WX_SHOP_CONVENIENT_SETTLEMENT_SERVICE_MERCHANT")}); e != nil {
		return e
	}
	if *cardNo != "" {
		*cardNo, e = r.DecryptField(prefix+"card_no", location, *cardNo)
	}
	return e
}

// reductionAnswer is the answer of the query and of the creation of a
// special reduction: the record, with bal_account_no encrypted for the
// merchant.
func reductionAnswer(r *V3Request, red SpecialReduction) (int, any) {
	encBal, e := r.EncryptForMerchant(red.BalAccountNo)
	if e != nil {
		return e.Answer()
	}
	wire := struct {
		MchID         string `json:"mchid"`
		BalAccountNo  string `json:"bal_account_no"`
		OutRequestNo  string `json:"out_request_no"`
		ReductionType string `json:"reduction_type,omitempty"`
		Amount        *int64 `json:"amount,omitempty"`
		State         string `json:"state,omitempty"`
		Reason        string `json:"reason,omitempty"`
		QuotaChangeNo string `json:"quota_change_no,omitempty"`
		SuccessTime   string `json:"success_time,omitempty"`
		FailTime      string `json:"fail_time,omitempty"`
		FailReason    string `json:"fail_reason,omitempty"`
	}{
		MchID: red.MchID, BalAccountNo: encBal, OutRequestNo: red.OutRequestNo,
		ReductionType: red.ReductionType, State: red.State, Reason: red.Reason,
		QuotaChangeNo: red.QuotaChangeNo, SuccessTime: rfc3339(red.SuccessTime),
		FailTime: rfc3339(red.FailTime), FailReason: red.FailReason,
	}
	if red.State == "SUCCESS" || red.Amount != 0 {
		amount := red.Amount
		wire.Amount = &amount
	}
	return http.StatusOK, wire
}
