package wechatpaytest

import (
	"strconv"
	"unicode/utf8"
)

// msgNotFound is WeChat Pay's err_code_des of an unknown bill.
const msgNotFound = "指定单号数据不存在"

// v2Limits are the documented maximum lengths of the red-packet query's
// parameters, in characters, in the order they are checked.
var v2Limits = [...]struct {
	name string
	max  int
}{{"mch_billno", 28}, {"mch_id", 32}, {"appid", 32}, {"nonce_str", 32}}

// serveQueryWorkWxRedPacket answers the red-packet query once the client certificate
// and the sign are checked: required fields and their lengths, then the
// record whose mch_id, mch_billno and appid match.
func (s *Server) serveQueryWorkWxRedPacket(r *V2Request) map[string]string {
	params := r.Params
	for _, l := range v2Limits {
		v := params[l.name]
		if v == "" {
			return V2Error("PARAM_ERROR", "参数错误: "+l.name+" 不能为空")
		}
		if utf8.RuneCountInString(v) > l.max {
			return V2Error("PARAM_ERROR", "参数错误: "+l.name+" 长度超过"+strconv.Itoa(l.max))
		}
	}
	mchID, billNo := params["mch_id"], params["mch_billno"]
	s.mu.Lock()
	p, ok := s.redpack.workwx[redPacketKey{mchID, billNo}]
	if ok && p.AppID == params["appid"] {
		// SENDING is answered once, then SENT; an unopened SENT packet is
		// refunded after RedPacketRefundAfter (state_redpack.go).
		answer, next, refundTime, refund := s.advanceRedPacket(redPacketKey{mchID, billNo}, p.DetailID, p.Status, p.SendTime, p.TotalAmount)
		if refund != 0 {
			p.RefundTime, p.RefundAmount = refundTime, refund
		}
		p.Status = next
		s.redpack.workwx[redPacketKey{mchID, billNo}] = p
		p.Status = answer
	}
	s.mu.Unlock()
	if !ok || p.AppID != params["appid"] {
		fields := V2Error("NOT_FOUND", msgNotFound)
		fields["mch_billno"], fields["mch_id"] = billNo, mchID
		return fields
	}
	fields := map[string]string{
		"return_code": "SUCCESS", "return_msg": "OK", "result_code": "SUCCESS",
		"mch_billno": p.MchBillNo, "mch_id": p.MchID,
	}
	set, setInt := optionalFields(fields)
	set("detail_id", p.DetailID)
	set("status", p.Status)
	set("send_type", p.SendType)
	setInt("total_amount", p.TotalAmount)
	set("reason", p.Reason)
	set("send_time", beijingTime(p.SendTime))
	set("refund_time", beijingTime(p.RefundTime))
	setInt("refund_amount", p.RefundAmount)
	set("wishing", p.Wishing)
	set("remark", p.Remark)
	set("act_name", p.ActName)
	set("openid", p.OpenID)
	setInt("amount", p.Amount)
	set("rcv_time", beijingTime(p.RcvTime))
	set("sender_name", p.SenderName)
	set("sender_header_media_id", p.SenderHeaderMediaID)
	return fields
}
