package wechatpaytest

import "encoding/xml"

// queryCashParams are the documented parameters of the cash red-packet
// query, in the order they are checked.
var queryCashParams = []v2Param{
	{"nonce_str", 32, true}, {"mch_billno", 28, true}, {"mch_id", 32, true}, {"appid", 32, true}, {"bill_type", 32, true},
}

// serveQueryCashRedPacket answers 查询红包记录: the parameters (bill_type
// MCHT), then the cash packet whose mch_id, mch_billno and appid match,
// moved on as advanceRedPacket says; WeCom packets are not found here.
func (s *Server) serveQueryCashRedPacket(r *V2Request) map[string]string {
	params := r.Params
	if fail := checkV2Params(params, queryCashParams); fail != nil {
		return fail
	}
	if params["bill_type"] != "MCHT" {
		return V2Error("PARAM_ERROR", "参数错误: bill_type 只能是 MCHT")
	}
	p, fail := lookupRedPacket(s, s.redpack.cash, params, cashRedPacketState)
	if fail != nil {
		return fail
	}
	hblist, err := hbList(p.Receipts)
	if err != nil {
		return nil // answered SYSTEMERROR
	}
	return v2Fields(map[string]string{"return_code": "SUCCESS", "return_msg": "OK", "result_code": "SUCCESS",
		"err_code": "SUCCESS", "err_code_des": "OK"},
		"mch_billno", p.MchBillNo, "mch_id", p.MchID, "detail_id", p.DetailID, "status", p.Status,
		"send_type", p.SendType, "hb_type", p.HBType, "total_num", nonZero(p.TotalNum),
		"total_amount", nonZero(p.TotalAmount), "reason", p.Reason, "send_time", beijingTime(p.SendTime),
		"refund_time", beijingTime(p.RefundTime), "refund_amount", nonZero(p.RefundAmount),
		"wishing", p.Wishing, "remark", p.Remark, "act_name", p.ActName, "hblist", hblist)
}

// hbList renders the receipts of a cash packet as the inner XML of hblist,
// one hbinfo each ("" for none).
func hbList(receipts []CashReceipt) (string, error) {
	if len(receipts) == 0 {
		return "", nil
	}
	type hbinfo struct {
		OpenID  string `xml:"openid"`
		Amount  int64  `xml:"amount"`
		RcvTime string `xml:"rcv_time,omitempty"`
	}
	items := make([]hbinfo, 0, len(receipts))
	for _, rc := range receipts {
		items = append(items, hbinfo{OpenID: rc.OpenID, Amount: rc.Amount, RcvTime: beijingTime(rc.RcvTime)})
	}
	inner, err := xml.Marshal(items) // <hbinfo>…</hbinfo> per receipt
	return string(inner), err
}
