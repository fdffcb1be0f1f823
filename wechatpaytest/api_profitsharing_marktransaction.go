package wechatpaytest

import "net/http"

// serveProfitSharingMarkTransaction answers a mark: the documented fields
// (out_trade_no 6–32 characters), a currency other than CNY or an order
// already paid (see PayProfitSharingTransaction) is 400 INVALID_REQUEST;
// otherwise the order is marked and the answer is 204 No Content. A
// repeat before payment answers 204 again.
func (s *Server) serveProfitSharingMarkTransaction(r *V3Request) (int, any) {
	var req struct {
		SubMchID   string `json:"sub_mchid"`
		OutTradeNo string `json:"out_trade_no"`
		Currency   string `json:"currency"`
	}
	if e := r.DecodeJSON(&req); e != nil {
		return e.Answer()
	}
	if e := checkFields("body", field{name: "/sub_mchid", value: req.SubMchID, max: 32},
		field{name: "/out_trade_no", value: req.OutTradeNo, required: true, max: 32},
		field{name: "/out_trade_no", value: req.OutTradeNo, valid: func(v string) bool { return len(v) >= 6 && isOrderNo(v) },
			issue: "6 to 32 digits, letters, '_' and '-'"},
		field{name: "/currency", value: req.Currency, required: true, max: 10}); e != nil {
		return e.Answer()
	}
	if req.Currency != "CNY" {
		return invalidRequest("币种仅支持 CNY").Answer()
	}
	k := psMarkKey{req.SubMchID, req.OutTradeNo}
	s.mu.Lock()
	_, paid := s.ps.paid[k]
	if !paid {
		s.ps.marks[k] = true
	}
	s.mu.Unlock()
	if paid {
		return invalidRequest("该订单已确认为不可分账订单, 请在下单前标记").Answer()
	}
	return http.StatusNoContent, nil
}
