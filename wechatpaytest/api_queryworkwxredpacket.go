package wechatpaytest

// queryWorkWxParams are the documented parameters of the WeCom red-packet
// query, in the order they are checked.
var queryWorkWxParams = []v2Param{{"mch_billno", 28, true}, {"mch_id", 32, true}, {"appid", 32, true}, {"nonce_str", 32, true}}

// serveQueryWorkWxRedPacket answers the WeCom red-packet query once the
// client certificate and the sign are checked: required fields and their
// lengths, then the record whose mch_id, mch_billno and appid match, moved
// on as advanceRedPacket says.
func (s *Server) serveQueryWorkWxRedPacket(r *V2Request) map[string]string {
	params := r.Params
	if fail := checkV2Params(params, queryWorkWxParams); fail != nil {
		return fail
	}
	p, fail := lookupRedPacket(s, s.redpack.workwx, params, workWxRedPacketState)
	if fail != nil {
		return fail
	}
	return v2Fields(map[string]string{"return_code": "SUCCESS", "return_msg": "OK", "result_code": "SUCCESS"},
		"mch_billno", p.MchBillNo, "mch_id", p.MchID, "detail_id", p.DetailID, "status", p.Status,
		"send_type", p.SendType, "total_amount", nonZero(p.TotalAmount), "reason", p.Reason,
		"send_time", beijingTime(p.SendTime), "refund_time", beijingTime(p.RefundTime),
		"refund_amount", nonZero(p.RefundAmount), "wishing", p.Wishing, "remark", p.Remark, "act_name", p.ActName,
		"openid", p.OpenID, "amount", nonZero(p.Amount), "rcv_time", beijingTime(p.RcvTime),
		"sender_name", p.SenderName, "sender_header_media_id", p.SenderHeaderMediaID)
}
