package wechatpaytest

import (
	"net/http"
	"time"
)

// serveProfitSharingQueryRefundableBalance answers the advance-refund
// quota: the base set by SetProfitSharingRefundableBalance plus every
// UNFREEZE_TO_SPONSOR amount that became SUCCESS today (Beijing time), so
// it starts again at 00:00 +08:00; sponsor_mchid is the caller (TestMchID).
func (s *Server) serveProfitSharingQueryRefundableBalance(*V3Request) (int, any) {
	s.mu.Lock()
	today := s.now().In(beijing).Format(time.DateOnly)
	balance := s.ps.refundBalance
	for _, o := range s.ps.orders {
		for _, d := range o.Receivers {
			if d.DetailType == "UNFREEZE_TO_SPONSOR" && d.Result == "SUCCESS" && d.FinishTime.In(beijing).Format(time.DateOnly) == today {
				balance += d.Amount
			}
		}
	}
	s.mu.Unlock()
	return http.StatusOK, struct {
		SponsorMchID string `json:"sponsor_mchid"`
		Balance      int64  `json:"balance"`
		Currency     string `json:"currency"`
	}{TestMchID, balance, "CNY"}
}
