package wechatpaytest

import (
	"net/http"
	"strconv"
	"time"

	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
	"github.com/gowechatpay/wechatpay/internal/v2xml"
)

// v2 reply texts.
const (
	// msgNoClientCert answers a call to the red-packet query without a
	// client certificate: return_code FAIL, unsigned, HTTP 200, as WeChat
	// Pay's CA_ERROR.
	msgNoClientCert = "CA_ERROR: 请求未携带证书或证书出错 (no merchant API client certificate presented)"
	msgBadSign      = "签名错误,请检查后再试"
	msgNotFound     = "指定单号数据不存在"
)

// v2CommFail is a return_code FAIL answer (unsigned).
func v2CommFail(msg, verdict string) *reply {
	return v2Reply(map[string]string{"return_code": "FAIL", "return_msg": msg}, verdict)
}

// v2BusinessFail is a result_code FAIL answer (unsigned).
func v2BusinessFail(errCode, des, verdict string) *reply {
	return v2Reply(map[string]string{
		"return_code": "SUCCESS", "return_msg": des, "result_code": "FAIL",
		"err_code": errCode, "err_code_des": des,
	}, verdict)
}

func v2Reply(fields map[string]string, verdict string) *reply {
	body, err := v2xml.Encode(fields)
	if err != nil {
		body = []byte("<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[SYSTEMERROR]]></return_msg></xml>")
		verdict = "system_error: encoding the reply: " + err.Error()
	}
	return &reply{status: http.StatusOK, body: body, xml: true, verdict: verdict}
}

// beijingTime renders t as v2 does, or "" for the zero time.
func beijingTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(beijing).Format(time.DateTime)
}

// serveRedPacket answers POST /mmpaymkttransfers/queryworkwxredpack: client
// certificate, XML, sign, required fields, then the record.
func (s *Server) serveRedPacket(r *http.Request, body []byte, f *Fault) *reply {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return v2CommFail(msgNoClientCert, "ca_error: no client certificate")
	}
	params, err := v2xml.Decode(body)
	if err != nil {
		return v2CommFail("XML格式错误", "xml_error: "+err.Error())
	}
	signType := wxcrypto.SignTypeMD5
	note := ""
	if st, ok := params["sign_type"]; ok {
		switch wxcrypto.SignType(st) {
		case wxcrypto.SignTypeMD5, wxcrypto.SignTypeHMACSHA256:
			signType = wxcrypto.SignType(st)
			note = " (note: sign_type " + st + " sent; this endpoint documents none)"
		default:
			return v2CommFail("sign_type 参数错误", "sign_error: unknown sign_type")
		}
	}
	if !wxcrypto.VerifyV2(params, TestAPIv2Key, signType, params["sign"]) {
		return v2CommFail(msgBadSign, "sign_error: v2 sign does not verify"+note)
	}
	for _, k := range []string{"mch_billno", "mch_id", "appid", "nonce_str"} {
		if params[k] == "" {
			return v2BusinessFail("PARAM_ERROR", "参数错误: "+k+" 不能为空", "param_error: "+k+" missing"+note)
		}
	}
	mchID, billNo := params["mch_id"], params["mch_billno"]
	s.mu.Lock()
	p, ok := s.redPackets[redPacketKey{mchID, billNo}]
	s.mu.Unlock()
	if !ok || p.AppID != params["appid"] {
		rep := v2Reply(map[string]string{
			"return_code": "SUCCESS", "return_msg": msgNotFound, "result_code": "FAIL",
			"err_code": "NOT_FOUND", "err_code_des": msgNotFound,
			"mch_billno": billNo, "mch_id": mchID,
		}, "not_found: red packet"+note)
		return rep
	}
	fields := map[string]string{
		"return_code": "SUCCESS", "return_msg": "OK", "result_code": "SUCCESS",
		"mch_billno": p.MchBillNo, "mch_id": p.MchID,
	}
	set := func(k, v string) {
		if v != "" {
			fields[k] = v
		}
	}
	setInt := func(k string, v int64) {
		if v != 0 {
			fields[k] = strconv.FormatInt(v, 10)
		}
	}
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
	sign, err := wxcrypto.SignV2(fields, TestAPIv2Key, signType)
	if err != nil {
		return v2CommFail("SYSTEMERROR", "system_error: signing: "+err.Error())
	}
	verdict := "ok" + note
	if f != nil {
		switch f.Kind {
		case FaultTamperedBody:
			fields["total_amount"] = strconv.FormatInt(p.TotalAmount+4000, 10)
			verdict = "fault: tampered body" + note
		case FaultProbeSignature:
			sign = "WECHATPAYSIGNTEST" + sign[len("WECHATPAYSIGNTEST"):]
			verdict = "fault: wrong sign" + note
		}
	}
	fields["sign"] = sign
	return v2Reply(fields, verdict)
}
