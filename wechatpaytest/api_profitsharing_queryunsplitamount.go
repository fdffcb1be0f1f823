package wechatpaytest

import (
	"cmp"
	"net/http"
)

// serveProfitSharingQueryUnsplitAmount answers the unsplit amount of a transaction:
// the fixture's amount less what distribution and unfreeze requests took.
// An unknown transaction, or one of another sub-merchant, is 400
// INVALID_REQUEST, as documented.
func (s *Server) serveProfitSharingQueryUnsplitAmount(r *V3Request) (int, any) {
	txID, subMchID := r.PathValue("transaction_id"), r.URL.Query().Get("sub_mchid")
	if e := cmp.Or(checkFields("path", field{name: "transaction_id", value: txID, max: 32}),
		checkFields("query", field{name: "sub_mchid", value: subMchID, max: 32})); e != nil {
		return e.Answer()
	}
	s.mu.Lock()
	tx, ok := s.ps.txs[txID]
	var t ProfitSharingTransaction
	if ok {
		t = tx.ProfitSharingTransaction
	}
	s.mu.Unlock()
	switch {
	case !ok:
		return invalidRequest("该笔交易不能分账, 请确认下单前已标记分账").Answer()
	case t.SubMchID != subMchID:
		return invalidRequest("商户信息与交易的商户信息不匹配").Answer()
	}
	return http.StatusOK, struct {
		TransactionID string `json:"transaction_id"`
		UnsplitAmount int64  `json:"unsplit_amount"`
		Currency      string `json:"currency"`
	}{t.TransactionID, t.UnsplitAmount, t.Currency}
}
