package wechatpaytest

import (
	"slices"
	"time"
)

// seedLedgerBalance is the quota of the seed ledger (the example of 查询渠道额度).
const seedLedgerBalance = 99999

// Ledger is a quota ledger (额度台账) of the WeBank channel: the balance
// that GET /v3/aggracct-bc/wb-channel/account/balance answers and that a
// special reduction (POST /v3/aggracct-bc/wb-channel/special-reduction)
// lowers once it succeeds.
type Ledger struct {
	// MchID and BalAccountNo (plaintext) identify the ledger.
	MchID, BalAccountNo string
	// Balance is the quota in fen.
	Balance int64
}

// AddLedger adds or replaces the ledger of l.MchID and l.BalAccountNo. The
// seed fixtures hold one: the seed special reduction's ledger, with a
// balance of 99999 fen. A special reduction on an unknown ledger is
// answered 404 RESOURCE_NOT_EXISTS, as is a balance query.
func (s *Server) AddLedger(l Ledger) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.agg.ledgers[ledgerKey{l.MchID, l.BalAccountNo}] = l.Balance
}

// LedgerBalance returns the balance of a ledger, and whether it exists.
func (s *Server) LedgerBalance(mchID, balAccountNo string) (int64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.agg.ledgers[ledgerKey{mchID, balAccountNo}]
	return b, ok
}

// PunishOrder is a punish order (管控单) that GET
// /v3/aggracct-bc/wb-channel/control-orders/{out_request_no}?control_type=PUNISH
// answers when the query's mchid matches. A punish request creates one
// (EXECUTING, then SUCCESS with EffectState ACTIVE); a recover of it sets
// EffectState to RECOVERED.
type PunishOrder struct {
	// OutRequestNo, WxpayPunishNo and MchID identify the order.
	OutRequestNo  string `json:"out_request_no"`
	WxpayPunishNo string `json:"wxpay_punish_no"`
	MchID         string `json:"mchid"`
	// BalAccountNo is the controlled ledger, plaintext: a recover must
	// name the same one. It is never answered.
	BalAccountNo string `json:"-"`
	// PunishScene and PunishRuleVersion are answered as JSON numbers.
	PunishScene       int64 `json:"punish_scene"`
	PunishRuleVersion int64 `json:"punish_rule_version"`
	// PunishReason, PunishState (EXECUTING, SUCCESS, FAILED), EffectState
	// (ACTIVE, RECOVERED), ErrorCode and ErrorMessage are answered as they
	// are; empty ones are left out.
	PunishReason string `json:"punish_reason,omitempty"`
	PunishState  string `json:"punish_state,omitempty"`
	EffectState  string `json:"effect_state,omitempty"`
	ErrorCode    string `json:"error_code,omitempty"`
	ErrorMessage string `json:"error_message,omitempty"`
	// ControlAction is answered in order unless empty.
	ControlAction []string `json:"control_action,omitempty"`
	// The times are answered in RFC 3339 (UTC+8) unless zero.
	PunishStartTime  time.Time `json:"punish_start_time,omitzero"`
	PunishEndTime    time.Time `json:"punish_end_time,omitzero"`
	PunishAcceptTime time.Time `json:"punish_accept_time,omitzero"`
	PunishFinishTime time.Time `json:"punish_finish_time,omitzero"`
}

// AddPunishOrder adds or replaces the punish order with o.OutRequestNo. A
// punish request with that number and the order's fields is then answered
// with o.WxpayPunishNo, one with other fields 400 PARAM_ERROR.
func (s *Server) AddPunishOrder(o PunishOrder) {
	o.ControlAction = slices.Clone(o.ControlAction)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.agg.punishOrders[o.OutRequestNo] = &o
}

// RecoverOrder is a recover order (解管单) that GET
// /v3/aggracct-bc/wb-channel/control-orders/{out_request_no}?control_type=RECOVER
// answers when the query's mchid matches. A recover request creates one
// (EXECUTING, then SUCCESS).
type RecoverOrder struct {
	// OutRequestNo, WxpayRecoverNo, RelatedWxpayPunishNo and MchID
	// identify the order and the punish it lifts.
	OutRequestNo, WxpayRecoverNo, RelatedWxpayPunishNo, MchID string
	// PunishScene and PunishRuleVersion are those of the lifted punish,
	// answered as JSON strings (as the community reference shows them).
	PunishScene, PunishRuleVersion int64
	// RecoverState (EXECUTING, SUCCESS, FAILED), RecoverReason, ErrorCode
	// and ErrorMessage are answered as they are; empty ones are left out.
	RecoverState, RecoverReason, ErrorCode, ErrorMessage string
	// The times are answered in RFC 3339 (UTC+8) unless zero.
	RecoverAcceptTime, RecoverFinishTime time.Time
}

// AddRecoverOrder adds or replaces the recover order with o.OutRequestNo.
func (s *Server) AddRecoverOrder(o RecoverOrder) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.agg.recoverOrders[o.OutRequestNo] = &o
}

// AuditReport is an audit-result report (资料更新请求审核结果) that the
// emulator accepted on POST
// /v3/aggracct-bc/wb-channel/control-orders/info/update/result/notify.
type AuditReport struct {
	// The fields are the request's, as sent (the JSON names of the
	// request); AuditFinishTime is the RFC 3339 text ("" when absent).
	OutRequestNo    string `json:"out_request_no"`
	MchID           string `json:"mchid"`
	AuditResult     string `json:"audit_result"`
	AuditFinishTime string `json:"audit_finish_time"`
	AttachInfo      string `json:"attach_info"`
	FailCode        string `json:"fail_code"`
	FailMsg         string `json:"fail_msg"`
	Scene           string `json:"scene"`
}

// AuditReports returns the last report of each (mchid, out_request_no),
// in the order they were first reported.
func (s *Server) AuditReports() []AuditReport {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.agg.audits)
}

// HoldWeBankOrders, when hold is set, leaves the special reductions and
// the punish and recover orders that requests create in progress
// (PROCESSING, EXECUTING) until SettleWeBankOrders, so a test can see them
// before they succeed. By default they succeed at once.
func (s *Server) HoldWeBankOrders(hold bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.agg.hold = hold
}

// SettleWeBankOrders makes every special reduction that a request created
// and that is PROCESSING succeed (its ledger's balance drops by its
// amount), then every EXECUTING punish order, then every EXECUTING recover
// order (its punish becomes RECOVERED).
func (s *Server) SettleWeBankOrders() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for _, no := range s.agg.reductionOrder {
		_, created := s.agg.reductionReqs[no] // not replaced by a fixture since
		if red := s.agg.reductions[no]; created && red.State == "PROCESSING" {
			s.settleReduction(no, now)
		}
	}
	for _, o := range s.agg.punishOrders {
		if o.PunishState == "EXECUTING" {
			settlePunish(o, now)
		}
	}
	for _, o := range s.agg.recoverOrders {
		if o.RecoverState == "EXECUTING" {
			s.settleRecover(o, now)
		}
	}
}

// addAggracctSeed installs the seed special reduction and its ledger.
func (s *Server) addAggracctSeed() {
	s.agg.reductions[SeedReductionNo] = SpecialReduction{
		OutRequestNo:  SeedReductionNo,
		MchID:         TestMchID,
		BalAccountNo:  SeedBalAccountNo,
		ReductionType: "JUDICIAL_DEDUCTION",
		Amount:        1,
		State:         "SUCCESS",
		Reason:        "司法案件号:202508080009",
		QuotaChangeNo: "m6a6dx8iit7m932dx03ue2lw2ofo2r88",
		SuccessTime:   time.Date(2015, 5, 20, 13, 29, 35, 0, beijing),
	}
	s.agg.ledgers[ledgerKey{TestMchID, SeedBalAccountNo}] = seedLedgerBalance
	s.agg.archives[ledgerKey{TestMchID, SeedBalAccountNo}] = seedArchives()
	s.agg.media = append(s.agg.media, seedMedia())
}

// SpecialReduction is a special-reduction result (查询特殊减额结果) that the
// emulator answers for GET
// /v3/aggracct-bc/wb-channel/special-reduction/{out_request_no} when the
// query's mchid and decrypted bal_account_no match.
type SpecialReduction struct {
	// OutRequestNo, MchID and BalAccountNo identify the reduction;
	// BalAccountNo is plaintext: the emulator compares it with the
	// decrypted request value and encrypts it for the merchant in answers.
	OutRequestNo, MchID, BalAccountNo string
	// ReductionType, State, Reason, QuotaChangeNo and FailReason are
	// answered as they are; empty ones are left out.
	ReductionType, State, Reason, QuotaChangeNo, FailReason string
	// Amount is answered (in fen) when State is SUCCESS.
	Amount int64
	// SuccessTime and FailTime are answered unless zero.
	SuccessTime, FailTime time.Time
}

// AddSpecialReduction adds or replaces the special reduction with
// r.OutRequestNo. Its ledger (MchID, BalAccountNo) is created with a
// balance of 0 unless it exists (see AddLedger); a PROCESSING reduction
// shows as in transit on the ledger's balance. A special-reduction request
// with that number and the fixture's fields is answered with it (400
// ALREADY_EXISTS when it is FAILED), one with other fields 400 PARAM_ERROR.
func (s *Server) AddSpecialReduction(r SpecialReduction) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.agg.reductions[r.OutRequestNo] = r
	delete(s.agg.reductionReqs, r.OutRequestNo)
	if k := (ledgerKey{r.MchID, r.BalAccountNo}); r.MchID != "" && r.BalAccountNo != "" {
		if _, ok := s.agg.ledgers[k]; !ok {
			s.agg.ledgers[k] = 0
		}
	}
}

// Punishment is a punish request (发起微众台账管控) the emulator accepted.
type Punishment struct {
	// OutRequestNo, MchID, PunishScene and PunishReason are the request's
	// (the JSON names of the request).
	OutRequestNo string `json:"out_request_no"`
	MchID        string `json:"mchid"`
	// BalAccountNo is the decrypted ledger number.
	BalAccountNo string `json:"-"`
	PunishScene  int64  `json:"-"`
	PunishReason string `json:"punish_reason"`
	// PunishEndTime is the RFC 3339 text as sent ("" when absent).
	PunishEndTime string `json:"punish_end_time"`
	// WxpayPunishNo is the control-order number the emulator assigned.
	WxpayPunishNo string `json:"-"`
	// CardNo (decrypted), SgnNo, ReqScene and FundRepatriationStrategy are
	// the request's optional community-only fields ("" when absent).
	CardNo                   string `json:"-"`
	SgnNo                    string `json:"sgn_no"`
	ReqScene                 string `json:"req_scene"`
	FundRepatriationStrategy string `json:"fund_repatriation_strategy"`
}

// Punishments returns the accepted punish requests, oldest first; a
// repeated request (same out_request_no and body) is recorded once.
func (s *Server) Punishments() []Punishment {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.agg.punishments)
}

// addSeedFixtures installs the seed examples of protocol/credentials.md,
// domain by domain.
