package wechatpaytest

import "strings"

// patternProfitSharing is 查询分账结果 of global profit sharing.
const patternProfitSharing = "GET /v3/global/profit-sharing/orders/{out_order_no}"

// notOrderNoChar reports whether c may not appear in an out_order_no.
func notOrderNoChar(c rune) bool {
	return (c < '0' || c > '9') && (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && c != '_' && c != '-'
}

// serveProfitSharing answers a profit-sharing order query: the documented
// limits, then the order whose out_order_no, transaction_id and sub_mchid
// match (else 404 RESOURCE_NOT_EXISTS, whose message names sub_mchid when
// only it is missing or differs). An order that a distribution or unfreeze request created moves
// from PROCESSING to FINISHED on its first query.
func (s *Server) serveProfitSharing(r *V3Request) (int, any) {
	outOrderNo := r.PathValue("out_order_no")
	q := r.URL.Query()
	txID, subMchID := q.Get("transaction_id"), q.Get("sub_mchid")
	switch {
	case tooLong(outOrderNo, 64):
		return paramError("out_order_no", "path", longerThan(64)).Answer()
	case strings.IndexFunc(outOrderNo, notOrderNoChar) >= 0:
		return paramError("out_order_no", "path", "only digits, letters, '_' and '-' are allowed").Answer()
	case txID == "":
		return paramError("transaction_id", "query", "required").Answer()
	case tooLong(txID, 32):
		return paramError("transaction_id", "query", longerThan(32)).Answer()
	case tooLong(subMchID, 32):
		return paramError("sub_mchid", "query", longerThan(32)).Answer()
	}
	s.mu.Lock()
	o, ok := s.orders[outOrderNo]
	if ok && o.TransactionID == txID && o.SubMchID == subMchID {
		// An order the emulator created finishes on its first query.
		s.finishProfitSharingOrder(outOrderNo)
		o = s.orders[outOrderNo]
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
