package wechatpaytest

import (
	"net/http"
	"unicode/utf8"
)

// serveCreateSpecialReduction answers a special-reduction request: the
// documented fields and limits, bal_account_no (and card_no) decrypted, then
// the ledger of (mchid, bal_account_no). A new number with an amount the
// ledger's balance (less the reductions in progress) covers creates an
// order, answered PROCESSING, that succeeds right after (unless
// HoldWeBankOrders): the balance drops by the amount; a larger amount closes the order (FAILED,
// BALANCE_NOT_ENOUGH) and answers 403 NOT_ENOUGH. The same number with the
// same fields answers the order again (400 ALREADY_EXISTS once it is
// closed), with other fields 400 PARAM_ERROR. An unknown ledger is 404
// RESOURCE_NOT_EXISTS.
func (s *Server) serveCreateSpecialReduction(r *V3Request) (int, any) {
	var req struct {
		reductionRequest
		Amount *int64 `json:"amount"`
	}
	if e := r.DecodeJSON(&req); e != nil {
		return e.Answer()
	}
	in := req.reductionRequest
	if e := checkFields("body",
		field{name: "/mchid", value: in.MchID, required: true, max: 32},
		field{name: "/bal_account_no", value: in.BalAccountNo, required: true, max: 1024},
		field{name: "/out_request_no", value: in.OutRequestNo, required: true, max: 32, valid: isAlnum, issue: "at most 32 ASCII digits and letters"},
		field{name: "/reduction_type", value: in.ReductionType, required: true,
			valid: oneOf("FINANCIAL_PENALTY", "JUDICIAL_DEDUCTION"), issue: "must be FINANCIAL_PENALTY or JUDICIAL_DEDUCTION"},
	); e != nil {
		return e.Answer()
	}
	switch {
	case req.Amount == nil:
		return paramError("/amount", "body", "required").Answer()
	case *req.Amount <= 0:
		return paramError("/amount", "body", "must be a positive integer").Answer()
	}
	if e := checkFields("body", field{name: "/reason", value: in.Reason, max: 512, valid: utf8.ValidString, issue: "at most 512 visible UTF-8 characters"}); e != nil {
		return e.Answer()
	}
	in.Amount = *req.Amount
	if e := ledgerFields(r, "body", &in.BalAccountNo, &in.CardNo, in.ReqScene); e != nil {
		return e.Answer()
	}
	s.mu.Lock()
	red, e := s.createReduction(in)
	s.mu.Unlock()
	if e != nil {
		return e.Answer()
	}
	return reductionAnswer(r, red)
}

// createReduction applies a special-reduction request to the state and
// returns the order to answer, or the error answer. The caller holds s.mu.
func (s *Server) createReduction(in reductionRequest) (SpecialReduction, *ErrorAnswer) {
	if red, ok := s.agg.reductions[in.OutRequestNo]; ok {
		prev, created := s.agg.reductionReqs[in.OutRequestNo]
		if !created { // a fixture: compare with what it shows
			prev = reductionRequest{MchID: red.MchID, BalAccountNo: red.BalAccountNo, OutRequestNo: red.OutRequestNo,
				ReductionType: red.ReductionType, Reason: red.Reason, Amount: red.Amount}
		}
		if prev != in {
			return SpecialReduction{}, reusedNumber("/out_request_no")
		}
		if red.State == "FAILED" {
			return SpecialReduction{}, &ErrorAnswer{Code: "ALREADY_EXISTS", Message: "特殊减额单已关闭",
				status: http.StatusBadRequest, verdict: "already_exists: the order was closed"}
		}
		return red, nil
	}
	k := ledgerKey{in.MchID, in.BalAccountNo}
	balance, ok := s.agg.ledgers[k]
	if !ok {
		return SpecialReduction{}, notFound("ledger")
	}
	now := s.now()
	s.agg.reductionReqs[in.OutRequestNo] = in
	s.agg.reductionOrder = append(s.agg.reductionOrder, in.OutRequestNo)
	red := SpecialReduction{OutRequestNo: in.OutRequestNo, MchID: in.MchID, BalAccountNo: in.BalAccountNo}
	if pending, _ := s.pending(k); in.Amount > balance-pending {
		red.State, red.FailReason, red.FailTime = "FAILED", "BALANCE_NOT_ENOUGH", now
		s.agg.reductions[in.OutRequestNo] = red
		return SpecialReduction{}, &ErrorAnswer{Code: "NOT_ENOUGH", Message: "额度不足",
			status: http.StatusForbidden, verdict: "not_enough: the order was closed"}
	}
	red.State = "PROCESSING"
	s.agg.reductions[in.OutRequestNo] = red
	if !s.agg.hold { // answered PROCESSING, SUCCESS right after
		s.settleReduction(in.OutRequestNo, now)
	}
	return red, nil
}
