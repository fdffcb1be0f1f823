package wechatpaytest

import "net/http"

// serveProfitSharingQueryRefundableAmounts answers the refundable amounts
// of a transaction of total T and fee F: refundable_amount =
// ⌊unsplit × T / (T − F)⌋ (the unsplit amount with its fee share; the
// rounding is the emulator's choice) and funds_refundable_amount = T −
// refundable_amount. An unknown transaction, or one of another
// sub-merchant, is 400 INVALID_REQUEST, as for the unsplit amount.
func (s *Server) serveProfitSharingQueryRefundableAmounts(r *V3Request) (int, any) {
	t, e := s.psQueriedTransaction(r)
	if e != nil {
		return e.Answer()
	}
	refundable := t.UnsplitAmount
	if net := t.Total - t.Fee; net > 0 {
		refundable = t.UnsplitAmount * t.Total / net
	}
	return http.StatusOK, struct {
		TransactionID         string `json:"transaction_id"`
		RefundableAmount      int64  `json:"refundable_amount"`
		Currency              string `json:"currency"`
		FundsRefundableAmount int64  `json:"funds_refundable_amount"`
	}{t.TransactionID, refundable, t.Currency, t.Total - refundable}
}
