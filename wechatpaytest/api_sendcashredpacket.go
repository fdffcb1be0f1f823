package wechatpaytest

import (
	"net/netip"
	"strconv"
	"time"
)

// redPacketCommonParams are the parameters both sends document.
var redPacketCommonParams = []v2Param{
	{"nonce_str", 32, true}, {"mch_billno", 28, true}, {"mch_id", 32, true}, {"wxappid", 32, true},
	{"re_openid", 32, true}, {"total_amount", 12, true}, {"wishing", 128, true}, {"act_name", 32, true},
	{"remark", 256, true}, {"scene_id", 32, false},
}

// sendRedPackParams are the parameters only sendredpack has.
var sendRedPackParams = []v2Param{
	{"send_name", 32, true}, {"total_num", 4, true}, {"client_ip", 15, true},
	{"sub_mch_id", 32, false}, {"msgappid", 32, false}, {"consume_mch_id", 32, false}, {"risk_info", 128, false},
}

// checkRedPacketSend checks what both sends share beyond the lengths: the
// bill number's characters, the amount and the scene rule. It returns the
// amount, or a PARAM_ERROR reply.
func checkRedPacketSend(params map[string]string) (int64, map[string]string) {
	if !isAlnum(params["mch_billno"]) {
		return 0, V2Error("PARAM_ERROR", "参数错误: mch_billno 只能是数字和字母")
	}
	amount, err := strconv.ParseInt(params["total_amount"], 10, 64)
	if err != nil || amount <= 0 {
		return 0, V2Error("PARAM_ERROR", "参数错误: total_amount 必须是正整数")
	}
	if (amount < 100 || amount > 20000) && params["scene_id"] == "" {
		return 0, V2Error("PARAM_ERROR", "参数错误: 金额小于1元或大于200元时 scene_id 必填")
	}
	return amount, nil
}

// serveSendCashRedPacket answers 发放普通红包: the parameters, then the send
// (re-entrant on mch_billno; another body is FATAL_ERROR; NOTENOUGH when
// the balance is short), creating a SENDING packet that gethbinfo answers.
func (s *Server) serveSendCashRedPacket(r *V2Request) map[string]string {
	params := r.Params
	if fail := checkV2Params(params, redPacketCommonParams, sendRedPackParams); fail != nil {
		return fail
	}
	amount, fail := checkRedPacketSend(params)
	if fail != nil {
		return fail
	}
	if params["total_num"] != "1" {
		return V2Error("PARAM_ERROR", "参数错误: total_num 必须为1")
	}
	if a, err := netip.ParseAddr(params["client_ip"]); err != nil || !a.Is4() {
		return V2Error("PARAM_ERROR", "参数错误: client_ip 不是IPv4地址")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fields := s.sendRedPacket(apiNameSendRedPack, params, amount, func(detailID string, now time.Time, failed bool) {
		key := redPacketKey{params["mch_id"], params["mch_billno"]}
		p := CashRedPacket{
			MchBillNo: key.billNo, MchID: key.mchID, AppID: params["wxappid"], DetailID: detailID,
			Status: "SENDING", SendType: "API", HBType: "NORMAL", TotalNum: 1, TotalAmount: amount,
			SendTime: now, Wishing: params["wishing"], Remark: params["remark"], ActName: params["act_name"],
			ReOpenID: params["re_openid"],
		}
		if failed { // a cash packet refused NOTENOUGH is kept, FAILED
			p.Status, p.Reason = "FAILED", "余额不足"
		}
		s.redpack.cash[key] = p
	})
	if fields["result_code"] == "SUCCESS" {
		// As observed at WeChat Pay: a success also carries err_code SUCCESS.
		fields["err_code"], fields["err_code_des"] = "SUCCESS", "发放成功"
	}
	return fields
}
