package wechatpaytest

import (
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"

	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
	"github.com/gowechatpay/wechatpay/internal/v2xml"
)

// v2 reply texts.
const (
	// msgNoClientCert answers a call to a secure v2 endpoint without a
	// client certificate: return_code FAIL, unsigned, HTTP 200, as WeChat
	// Pay's CA_ERROR.
	msgNoClientCert = "CA_ERROR: 请求未携带证书或证书出错 (no merchant API client certificate presented)"
	msgBadSign      = "签名错误,请检查后再试"
)

// v2CommFail is a return_code FAIL answer (unsigned).
func v2CommFail(msg, verdict string) *reply {
	return v2Reply(map[string]string{"return_code": "FAIL", "return_msg": msg}, verdict)
}

func v2Reply(fields map[string]string, verdict string, nested ...string) *reply {
	body, err := v2xml.EncodeNested(fields, nested...)
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

// serveV2 answers a request for the v2 route rt: client certificate (when
// the route is secure), XML, sign, then the route's handler, whose reply it
// signs unless the route or the reply says otherwise. With takeFault set
// (no fault applied yet), an answer-signing fault applies to a signed
// reply; the fault it applied is returned.
func (s *Server) serveV2(r *http.Request, rt *route, body []byte, takeFault bool) (*reply, *Fault) {
	opts := rt.v2opts
	if opts.Secure && (r.TLS == nil || len(r.TLS.PeerCertificates) == 0) {
		return v2CommFail(msgNoClientCert, "ca_error: no client certificate"), nil
	}
	params, err := v2xml.Decode(body)
	if err != nil {
		return v2CommFail("XML格式错误", "xml_error: "+err.Error()), nil
	}
	signType := wxcrypto.SignTypeMD5
	st := params["sign_type"]
	switch {
	case len(opts.SignTypes) == 0 && st != "":
		// The endpoint documents no sign_type, and one sent is known to
		// make WeChat Pay answer a signature error, whatever its value
		// and however the request was signed.
		return v2CommFail(msgBadSign, "sign_error: sign_type "+strconv.Quote(st)+" sent; this endpoint documents none"), nil
	case st != "":
		if !slices.Contains(opts.SignTypes, wxcrypto.SignType(st)) {
			return v2CommFail(msgBadSign, "sign_error: sign_type "+strconv.Quote(st)+" is not one this endpoint takes"), nil
		}
		signType = wxcrypto.SignType(st)
	case len(opts.SignTypes) > 0 && !slices.Contains(opts.SignTypes, wxcrypto.SignTypeMD5):
		return v2CommFail(msgBadSign, "sign_error: no sign_type sent; this endpoint takes no MD5"), nil
	}
	if !wxcrypto.VerifyV2(params, TestAPIv2Key, signType, params["sign"]) {
		return v2CommFail(msgBadSign, "sign_error: v2 sign does not verify"), nil
	}
	fields := s.callV2(rt, &V2Request{Request: r, Body: body, Params: params, SignType: signType})
	if fields == nil {
		return v2CommFail("SYSTEMERROR", "system_error: the handler answered no reply"), nil
	}
	fields = maps.Clone(fields)
	delete(fields, "sign")
	verdict := "ok"
	switch rc, ok := fields["result_code"]; {
	case fields["return_code"] != "SUCCESS":
		verdict = "fail: " + fields["return_msg"]
	case ok && rc != "SUCCESS":
		verdict = "fail: " + fields["err_code"] + ": " + fields["err_code_des"]
	}
	if verdict != "ok" {
		return v2Reply(fields, verdict, opts.Nested...), nil
	}
	sign, err := wxcrypto.SignV2(fields, TestAPIv2Key, signType)
	if err != nil {
		return v2CommFail("SYSTEMERROR", "system_error: signing: "+err.Error()), nil
	}
	// A signed reply: the answer-signing faults apply now, and only now, so
	// the failure replies above do not use them up. On a route whose
	// replies are unsigned, such a fault makes the success reply carry a
	// sign that does not verify (the client must check a sign present).
	var f *Fault
	if takeFault {
		f = s.takeFault(rt.pattern, true, true)
	}
	if opts.UnsignedReply && f == nil {
		return v2Reply(fields, verdict, opts.Nested...), nil
	}
	if f != nil {
		switch f.Kind {
		case FaultTamperedBody:
			tamperV2(fields)
			verdict = "fault: tampered body"
		case FaultProbeSignature:
			sign = "WECHATPAYSIGNTEST" + sign[len("WECHATPAYSIGNTEST"):]
			verdict = "fault: wrong sign"
		}
	}
	fields["sign"] = sign
	return v2Reply(fields, verdict, opts.Nested...), f
}

// tamperV2 alters one value of a signed reply: it appends a digit to the
// first value, in name order, other than return_code, return_msg and
// result_code (a reply of those alone gets a changed return_msg).
func tamperV2(fields map[string]string) {
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		if k != "return_code" && k != "return_msg" && k != "result_code" {
			fields[k] += "0"
			return
		}
	}
	fields["return_msg"] += " (tampered)"
}

// optionalFields returns setters that add a reply field only when it has a
// value: a string that is not empty, an integer that is not 0.
func optionalFields(fields map[string]string) (set func(k, v string), setInt func(k string, v int64)) {
	set = func(k, v string) {
		if v != "" {
			fields[k] = v
		}
	}
	setInt = func(k string, v int64) {
		if v != 0 {
			fields[k] = strconv.FormatInt(v, 10)
		}
	}
	return set, setInt
}
