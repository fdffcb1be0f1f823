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
	t, e := s.psQueriedTransaction(r)
	if e != nil {
		return e.Answer()
	}
	return http.StatusOK, struct {
		TransactionID string `json:"transaction_id"`
		UnsplitAmount int64  `json:"unsplit_amount"`
		Currency      string `json:"currency"`
	}{t.TransactionID, t.UnsplitAmount, t.Currency}
}

// psQueriedTransaction is a copy of the transaction a query names by its
// path's transaction_id and its sub_mchid parameter; an unknown one, or
// one of another sub-merchant, is 400 INVALID_REQUEST.
func (s *Server) psQueriedTransaction(r *V3Request) (ProfitSharingTransaction, *ErrorAnswer) {
	txID, subMchID := r.PathValue("transaction_id"), r.URL.Query().Get("sub_mchid")
	if e := cmp.Or(checkFields("path", field{name: "transaction_id", value: txID, max: 32}),
		checkFields("query", field{name: "sub_mchid", value: subMchID, max: 32})); e != nil {
		return ProfitSharingTransaction{}, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tx, e := s.psTransactionOf(txID, subMchID)
	if e != nil {
		return ProfitSharingTransaction{}, e
	}
	return tx.ProfitSharingTransaction, nil
}
