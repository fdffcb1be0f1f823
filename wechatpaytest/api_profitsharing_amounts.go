package wechatpaytest

import "net/http"

// serveProfitSharingQueryUnsplitAmount answers the unsplit amount of a transaction:
// the fixture's amount less what distribution and unfreeze requests took.
// An unknown transaction, or one of another sub-merchant, is 400
// INVALID_REQUEST, as documented.
func (s *Server) serveProfitSharingQueryUnsplitAmount(r *V3Request) (int, any) {
	txID, subMchID := r.PathValue("transaction_id"), r.URL.Query().Get("sub_mchid")
	switch {
	case tooLong(txID, 32):
		return paramError("transaction_id", "path", longerThan(32)).Answer()
	case tooLong(subMchID, 32):
		return paramError("sub_mchid", "query", longerThan(32)).Answer()
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
		return psInvalid("该笔交易不能分账, 请确认下单前已标记分账").Answer()
	case t.SubMchID != subMchID:
		return psInvalid("商户信息与交易的商户信息不匹配").Answer()
	}
	return http.StatusOK, struct {
		TransactionID string `json:"transaction_id"`
		UnsplitAmount int64  `json:"unsplit_amount"`
		Currency      string `json:"currency"`
	}{t.TransactionID, t.UnsplitAmount, t.Currency}
}
