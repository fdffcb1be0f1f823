package wechatpaytest

import "cmp"

// serveProfitSharingQueryOrder answers a profit-sharing order query: the documented
// limits, then the order whose out_order_no, transaction_id and sub_mchid
// match (else 404 RESOURCE_NOT_EXISTS, whose message names sub_mchid when
// only it is missing or differs). An order that a distribution or unfreeze request created moves
// from PROCESSING to FINISHED on its first query.
func (s *Server) serveProfitSharingQueryOrder(r *V3Request) (int, any) {
	outOrderNo := r.PathValue("out_order_no")
	q := r.URL.Query()
	txID, subMchID := q.Get("transaction_id"), q.Get("sub_mchid")
	if e := cmp.Or(checkFields("path", field{name: "out_order_no", value: outOrderNo, max: 64},
		field{name: "out_order_no", value: outOrderNo, valid: isOrderNo, issue: "only digits, letters, '_' and '-' are allowed"}),
		checkFields("query", field{name: "transaction_id", value: txID, required: true, max: 32},
			field{name: "sub_mchid", value: subMchID, max: 32})); e != nil {
		return e.Answer()
	}
	s.mu.Lock()
	o, ok := s.ps.orders[outOrderNo]
	if ok && o.TransactionID == txID && o.SubMchID == subMchID {
		// An order the emulator created finishes on its first query.
		s.finishProfitSharingOrder(outOrderNo)
		o = s.ps.orders[outOrderNo]
	}
	s.mu.Unlock()
	if !ok || o.TransactionID != txID || o.SubMchID != subMchID {
		a := notFound("profit-sharing order")
		if ok && o.TransactionID == txID {
			// Only sub_mchid differs: say it is part of the lookup.
			a.Message += " with this sub_mchid (an institution's order is found with its transaction's sub_mchid; a direct merchant's without one)"
		}
		return a.Answer()
	}
	return psOrderAnswer(o)
}
