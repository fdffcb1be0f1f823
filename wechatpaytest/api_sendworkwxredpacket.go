package wechatpaytest

import (
	"time"

	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
)

// sendWorkWxParams are the parameters only sendworkwxredpack has.
var sendWorkWxParams = []v2Param{
	{"sender_name", 128, false}, {"agentid", 32, false}, {"sender_header_media_id", 256, false},
	{"workwx_sign", 32, true},
}

// serveSendWorkWxRedPacket answers 发放企业红包: the parameters, workwx_sign (with
// TestWeComPaymentSecret; a bad one is SIGN_ERROR), sender_name or agentid
// but not both, then the send as serveSendCashRedPacket does, creating a SENDING
// WeCom packet that queryworkwxredpack answers.
func (s *Server) serveSendWorkWxRedPacket(r *V2Request) map[string]string {
	params := r.Params
	if fail := checkV2Params(params, redPacketCommonParams, sendWorkWxParams); fail != nil {
		return fail
	}
	if !wxcrypto.VerifyWorkWx(params, TestWeComPaymentSecret, params["workwx_sign"]) {
		return V2Error("SIGN_ERROR", "企业微信签名错误(workwx_sign)")
	}
	if (params["sender_name"] == "") == (params["agentid"] == "") {
		return V2Error("PARAM_ERROR", "参数错误: sender_name 与 agentid 必须且只能填写一个")
	}
	amount, fail := checkRedPacketSend(params)
	if fail != nil {
		return fail
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fields := s.sendRedPacket(apiNameSendWorkWx, params, amount, func(detailID string, now time.Time, failed bool) {
		if failed { // a WeCom packet refused NOTENOUGH leaves no record
			return
		}
		key := redPacketKey{params["mch_id"], params["mch_billno"]}
		s.redpack.workwx[key] = WorkWxRedPacket{
			MchBillNo: key.billNo, MchID: key.mchID, AppID: params["wxappid"], DetailID: detailID,
			Status: "SENDING", SendType: "API", TotalAmount: amount, SendTime: now,
			Wishing: params["wishing"], Remark: params["remark"], ActName: params["act_name"],
			SenderName: params["sender_name"], SenderHeaderMediaID: params["sender_header_media_id"],
		}
	})
	if fields["result_code"] == "SUCCESS" {
		v2Fields(fields, "sender_name", params["sender_name"], "sender_header_media_id", params["sender_header_media_id"])
	}
	return fields
}
