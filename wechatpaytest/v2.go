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
	signType, refusal := v2SignType(opts.SignTypes, params["sign_type"])
	if refusal == "" && !wxcrypto.VerifyV2(params, TestAPIv2Key, signType, params["sign"]) {
		refusal = "v2 sign does not verify"
	}
	if refusal != "" {
		return v2CommFail(msgBadSign, "sign_error: "+refusal), nil
	}
	fields := s.callV2(rt, &V2Request{Request: r, Body: body, Params: params, SignType: signType})
	if fields == nil {
		return v2CommFail("SYSTEMERROR", "system_error: the handler answered no reply"), nil
	}
	fields = maps.Clone(fields)
	delete(fields, "sign")
	switch rc, ok := fields["result_code"]; {
	case fields["return_code"] != "SUCCESS":
		return v2Reply(fields, "fail: "+fields["return_msg"], opts.Nested...), nil
	case ok && rc != "SUCCESS":
		return v2Reply(fields, "fail: "+fields["err_code"]+": "+fields["err_code_des"], opts.Nested...), nil
	}
	// A signed reply: the answer-signing faults apply now, and only now, so
	// the failure replies above do not use them up.
	var f *Fault
	if takeFault {
		f = s.takeFault(rt.pattern, true, true)
	}
	return signV2Reply(fields, signType, opts, f), f
}

// v2SignType returns the sign type of a request whose sign_type is st, on
// an endpoint that takes the sign types types (none documented: MD5, and a
// sign_type sent is refused, as WeChat Pay is known to do whatever its
// value), or why the request is refused.
func v2SignType(types []wxcrypto.SignType, st string) (wxcrypto.SignType, string) {
	switch {
	case len(types) == 0 && st != "":
		return "", "sign_type " + strconv.Quote(st) + " sent; this endpoint documents none"
	case st != "" && !slices.Contains(types, wxcrypto.SignType(st)):
		return "", "sign_type " + strconv.Quote(st) + " is not one this endpoint takes"
	case st != "":
		return wxcrypto.SignType(st), ""
	case len(types) > 0 && !slices.Contains(types, wxcrypto.SignTypeMD5):
		return "", "no sign_type sent; this endpoint takes no MD5"
	}
	return wxcrypto.SignTypeMD5, ""
}

// signV2Reply signs a success reply with signType, applying the
// answer-signing fault f (nil for none). On a route whose replies are
// unsigned it leaves the reply unsigned, unless f applies: then the reply
// carries a sign that does not verify (the client must check a sign
// present).
func signV2Reply(fields map[string]string, signType wxcrypto.SignType, opts V2Route, f *Fault) *reply {
	if opts.UnsignedReply && f == nil {
		return v2Reply(fields, "ok", opts.Nested...)
	}
	sign, err := wxcrypto.SignV2(fields, TestAPIv2Key, signType)
	if err != nil {
		return v2CommFail("SYSTEMERROR", "system_error: signing: "+err.Error())
	}
	verdict := "ok"
	switch {
	case f == nil:
	case f.Kind == FaultTamperedBody:
		tamperV2(fields)
		verdict = "fault: tampered body"
	case f.Kind == FaultProbeSignature:
		sign = "WECHATPAYSIGNTEST" + sign[len("WECHATPAYSIGNTEST"):]
		verdict = "fault: wrong sign"
	}
	fields["sign"] = sign
	return v2Reply(fields, verdict, opts.Nested...)
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

// v2Fields adds to fields the pairs of kv, name then value, whose value is
// not empty, and returns fields.
func v2Fields(fields map[string]string, kv ...string) map[string]string {
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			fields[kv[i]] = kv[i+1]
		}
	}
	return fields
}

// nonZero renders v in decimal, or "" for 0.
func nonZero(v int64) string {
	if v == 0 {
		return ""
	}
	return strconv.FormatInt(v, 10)
}
