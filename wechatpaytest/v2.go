package wechatpaytest

import (
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

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

// v2Limits are the documented maximum lengths of the red-packet query's
// parameters, in characters, in the order they are checked.
var v2Limits = [...]struct {
	name string
	max  int
}{{"mch_billno", 28}, {"mch_id", 32}, {"appid", 32}, {"nonce_str", 32}}

// serveRedPacket answers POST /mmpaymkttransfers/queryworkwxredpack: client
// certificate, XML, sign, required fields and their lengths, then the
// record. With takeFault set (no fault applied yet), an answer-signing fault
// applies to a signed reply; the fault it applied is returned.
func (s *Server) serveRedPacket(r *http.Request, body []byte, takeFault bool) (*reply, *Fault) {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return v2CommFail(msgNoClientCert, "ca_error: no client certificate"), nil
	}
	params, err := v2xml.Decode(body)
	if err != nil {
		return v2CommFail("XML格式错误", "xml_error: "+err.Error()), nil
	}
	if st := params["sign_type"]; st != "" {
		// The red-packet endpoints document no sign_type, and one sent
		// is known to make WeChat Pay answer a signature error, whatever
		// its value and however the request was signed.
		return v2CommFail(msgBadSign, "sign_error: sign_type "+strconv.Quote(st)+" sent; this endpoint documents none"), nil
	}
	if !wxcrypto.VerifyV2(params, TestAPIv2Key, wxcrypto.SignTypeMD5, params["sign"]) {
		return v2CommFail(msgBadSign, "sign_error: v2 sign does not verify"), nil
	}
	for _, l := range v2Limits {
		v := params[l.name]
		if v == "" {
			return v2BusinessFail("PARAM_ERROR", "参数错误: "+l.name+" 不能为空", "param_error: "+l.name+" missing"), nil
		}
		if n := utf8.RuneCountInString(v); n > l.max {
			issue := "longer than " + strconv.Itoa(l.max) + " characters"
			return v2BusinessFail("PARAM_ERROR", "参数错误: "+l.name+" 长度超过"+strconv.Itoa(l.max), "param_error: "+l.name+" "+issue), nil
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
		}, "not_found: red packet")
		return rep, nil
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
	sign, err := wxcrypto.SignV2(fields, TestAPIv2Key, wxcrypto.SignTypeMD5)
	if err != nil {
		return v2CommFail("SYSTEMERROR", "system_error: signing: "+err.Error()), nil
	}
	verdict := "ok"
	// A signed reply: the answer-signing faults apply now, and only now, so
	// the unsigned replies above do not use them up.
	var f *Fault
	if takeFault {
		f = s.takeFault(APIRedPacket, true, true)
	}
	if f != nil {
		switch f.Kind {
		case FaultTamperedBody:
			fields["total_amount"] = strconv.FormatInt(p.TotalAmount+4000, 10)
			verdict = "fault: tampered body"
		case FaultProbeSignature:
			sign = "WECHATPAYSIGNTEST" + sign[len("WECHATPAYSIGNTEST"):]
			verdict = "fault: wrong sign"
		}
	}
	fields["sign"] = sign
	return v2Reply(fields, verdict), f
}
