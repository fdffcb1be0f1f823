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
		MchID         *string `json:"mchid"`
		BalAccountNo  *string `json:"bal_account_no"`
		OutRequestNo  *string `json:"out_request_no"`
		ReductionType *string `json:"reduction_type"`
		Amount        *int64  `json:"amount"`
		Reason        *string `json:"reason"`
		CardNo        *string `json:"card_no"`
		SgnNo         *string `json:"sgn_no"`
		ReqScene      *string `json:"req_scene"`
	}
	if e := r.DecodeJSON(&req); e != nil {
		return e.Answer()
	}
	in := reductionRequest{
		MchID: str(req.MchID), OutRequestNo: str(req.OutRequestNo), ReductionType: str(req.ReductionType),
		Reason: str(req.Reason), SgnNo: str(req.SgnNo), ReqScene: str(req.ReqScene),
	}
	switch {
	case in.MchID == "":
		return paramError("/mchid", "body", "required").Answer()
	case tooLong(in.MchID, 32):
		return paramError("/mchid", "body", longerThan(32)).Answer()
	case str(req.BalAccountNo) == "":
		return paramError("/bal_account_no", "body", "required").Answer()
	case tooLong(*req.BalAccountNo, 1024):
		return paramError("/bal_account_no", "body", longerThan(1024)).Answer()
	case in.OutRequestNo == "":
		return paramError("/out_request_no", "body", "required").Answer()
	case tooLong(in.OutRequestNo, 32) || !alnum(in.OutRequestNo):
		return paramError("/out_request_no", "body", "at most 32 ASCII digits and letters").Answer()
	case in.ReductionType == "":
		return paramError("/reduction_type", "body", "required").Answer()
	case in.ReductionType != "FINANCIAL_PENALTY" && in.ReductionType != "JUDICIAL_DEDUCTION":
		return paramError("/reduction_type", "body", "must be FINANCIAL_PENALTY or JUDICIAL_DEDUCTION").Answer()
	case req.Amount == nil:
		return paramError("/amount", "body", "required").Answer()
	case *req.Amount <= 0:
		return paramError("/amount", "body", "must be a positive integer").Answer()
	case tooLong(in.Reason, 512) || !utf8.ValidString(in.Reason):
		return paramError("/reason", "body", "at most 512 visible UTF-8 characters").Answer()
	}
	in.Amount = *req.Amount
	var e *ErrorAnswer
	if in.BalAccountNo, e = r.DecryptField("/bal_account_no", "body", *req.BalAccountNo); e != nil {
		return e.Answer()
	}
	if in.CardNo, e = communityFields(r, "body", str(req.CardNo), in.ReqScene); e != nil {
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
			return SpecialReduction{}, reusedNumber()
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

// alnum reports whether v is ASCII digits and letters only.
func alnum(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}
