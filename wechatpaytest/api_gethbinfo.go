package wechatpaytest

import (
	"encoding/xml"
)

var getHBInfoParams = []v2Param{
	{"nonce_str", 32, true}, {"mch_billno", 28, true}, {"mch_id", 32, true}, {"appid", 32, true}, {"bill_type", 32, true},
}

// serveQueryCashRedPacket answers 查询红包记录: the parameters (bill_type MCHT), then
// the cash packet whose mch_id, mch_billno and appid match, moved on as
// advanceRedPacket says; WeCom packets are not found here.
func (s *Server) serveQueryCashRedPacket(r *V2Request) map[string]string {
	params := r.Params
	if fail := checkV2Params(params, getHBInfoParams); fail != nil {
		return fail
	}
	if params["bill_type"] != "MCHT" {
		return V2Error("PARAM_ERROR", "参数错误: bill_type 只能是 MCHT")
	}
	key := redPacketKey{params["mch_id"], params["mch_billno"]}
	s.mu.Lock()
	p, ok := s.redpack.cash[key]
	if ok && p.AppID == params["appid"] {
		answer, next, refundTime, refund := s.advanceRedPacket(key, p.DetailID, p.Status, p.SendTime, p.TotalAmount)
		stored := p
		stored.Status = next
		if refund != 0 {
			stored.RefundTime, stored.RefundAmount = refundTime, refund
			p.RefundTime, p.RefundAmount = refundTime, refund
		}
		s.redpack.cash[key] = stored
		p.Status = answer
	}
	s.mu.Unlock()
	if !ok || p.AppID != params["appid"] {
		fields := V2Error("NOT_FOUND", msgNotFound)
		fields["mch_billno"], fields["mch_id"] = key.billNo, key.mchID
		return fields
	}
	fields := map[string]string{
		"return_code": "SUCCESS", "return_msg": "OK", "result_code": "SUCCESS",
		"err_code": "SUCCESS", "err_code_des": "OK",
		"mch_billno": p.MchBillNo, "mch_id": p.MchID,
	}
	set, setInt := optionalFields(fields)
	set("detail_id", p.DetailID)
	set("status", p.Status)
	set("send_type", p.SendType)
	set("hb_type", p.HBType)
	setInt("total_num", p.TotalNum)
	setInt("total_amount", p.TotalAmount)
	set("reason", p.Reason)
	set("send_time", beijingTime(p.SendTime))
	set("refund_time", beijingTime(p.RefundTime))
	setInt("refund_amount", p.RefundAmount)
	set("wishing", p.Wishing)
	set("remark", p.Remark)
	set("act_name", p.ActName)
	if len(p.Receipts) > 0 {
		type hbinfo struct {
			OpenID  string `xml:"openid"`
			Amount  int64  `xml:"amount"`
			RcvTime string `xml:"rcv_time,omitempty"`
		}
		items := make([]hbinfo, 0, len(p.Receipts))
		for _, rc := range p.Receipts {
			items = append(items, hbinfo{OpenID: rc.OpenID, Amount: rc.Amount, RcvTime: beijingTime(rc.RcvTime)})
		}
		inner, err := xml.Marshal(items) // <hbinfo>…</hbinfo> per receipt
		if err != nil {
			return nil // answered SYSTEMERROR
		}
		fields["hblist"] = string(inner)
	}
	return fields
}
