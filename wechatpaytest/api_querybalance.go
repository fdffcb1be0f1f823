package wechatpaytest

import "net/http"

// serveQueryBalance answers a ledger balance query: mchid and
// bal_account_no (decrypted with the key Wechatpay-Serial names) are
// required; the ledger's balance is answered, with
// in_transit_reduction_exist true while a special reduction on it is
// PROCESSING. An unknown ledger is 404 RESOURCE_NOT_EXISTS.
func (s *Server) serveQueryBalance(r *V3Request) (int, any) {
	k, e := queryLedger(r, 1024)
	if e != nil {
		return e.Answer()
	}
	s.mu.Lock()
	balance, ok := s.agg.ledgers[k]
	_, inTransit := s.pending(k)
	s.mu.Unlock()
	if !ok {
		return notFound("ledger").Answer()
	}
	return http.StatusOK, struct {
		InTransitReductionExist bool  `json:"in_transit_reduction_exist"`
		Balance                 int64 `json:"balance"`
	}{inTransit, balance}
}
