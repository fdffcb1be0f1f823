package wechatpaytest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gowechatpay/wechatpay"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
)

// maxRequestBody bounds the body the emulator reads.
const maxRequestBody = 1 << 20

// The emulated paths.
const (
	pathSpecialReduction = "/v3/aggracct-bc/wb-channel/special-reduction/"
	pathPunish           = "/v3/aggracct-bc/wb-channel/control-orders/punish"
	pathProfitSharing    = "/v3/global/profit-sharing/orders/"
	pathCertificates     = "/v3/certificates"
	pathRedPacket        = "/mmpaymkttransfers/queryworkwxredpack"
)

// staleBy is how old FaultStaleTimestamp makes a response timestamp.
const staleBy = 10 * time.Minute

// reply is an answer the handler built, written by ServeHTTP.
type reply struct {
	status   int
	body     []byte
	xml      bool   // a v2 answer
	unsigned bool   // v3: no Wechatpay-* signature headers
	verdict  string // for the log
	allow    string // Allow header of a 405
}

// v3Error builds a v3 error answer in WeChat Pay's shape.
func v3Error(status int, code, message string, detail any, verdict string) *reply {
	wire := struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Detail  any    `json:"detail,omitempty"`
	}{code, message, detail}
	body, err := marshalJSON(wire)
	if err != nil { // only plain strings and maps of strings go in
		body = []byte(`{"code":"SYSTEM_ERROR","message":"encoding error"}`)
		status = http.StatusInternalServerError
	}
	return &reply{status: status, body: body, verdict: verdict}
}

// paramError is 400 PARAM_ERROR about one field.
func paramError(field, location, issue string) *reply {
	return v3Error(http.StatusBadRequest, "PARAM_ERROR", "参数错误: "+field+": "+issue,
		map[string]string{"field": field, "location": location, "issue": issue},
		"param_error: "+field+": "+issue)
}

// tooLong reports whether v has more than maxLen characters (documented
// limits do not say bytes or characters; the emulator is lenient).
func tooLong(v string, maxLen int) bool { return utf8.RuneCountInString(v) > maxLen }

// longerThan is the issue of a value over a length limit.
func longerThan(maxLen int) string { return "longer than " + strconv.Itoa(maxLen) + " characters" }

// notOrderNoChar reports whether c may not appear in an out_order_no.
func notOrderNoChar(c rune) bool {
	return (c < '0' || c > '9') && (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && c != '_' && c != '-'
}

func signError(reason string) *reply {
	r := v3Error(http.StatusUnauthorized, "SIGN_ERROR", "签名错误: "+reason,
		map[string]string{"location": "authorization", "issue": reason}, "sign_error: "+reason)
	r.unsigned = true
	return r
}

func notFound(what string) *reply {
	return v3Error(http.StatusNotFound, "RESOURCE_NOT_EXISTS", what+" does not exist", nil, "not_found: "+what)
}

// jsonReply is a 200 answer with body v.
func jsonReply(v any) *reply {
	body, err := marshalJSON(v)
	if err != nil {
		return v3Error(http.StatusInternalServerError, "SYSTEM_ERROR", "encoding the answer failed", nil, "system_error: "+err.Error())
	}
	return &reply{status: http.StatusOK, body: body, verdict: "ok"}
}

func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), nil
}

// route names the API of a path and the method it takes.
func route(path string) (api API, method string, v2, ok bool) {
	switch {
	case strings.HasPrefix(path, pathSpecialReduction) && validPathParam(path[len(pathSpecialReduction):]):
		return APISpecialReduction, http.MethodGet, false, true
	case path == pathPunish:
		return APIPunish, http.MethodPost, false, true
	case strings.HasPrefix(path, pathProfitSharing) && validPathParam(path[len(pathProfitSharing):]):
		return APIProfitSharing, http.MethodGet, false, true
	case path == pathCertificates:
		return APICertificates, http.MethodGet, false, true
	case path == pathRedPacket:
		return APIRedPacket, http.MethodPost, true, true
	}
	return "", "", false, false
}

func validPathParam(p string) bool { return p != "" && !strings.Contains(p, "/") }

// ServeHTTP answers one request as WeChat Pay would. It is the server's
// handler; tests normally reach it through the Server's URL.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	requestID := s.newRequestID()
	api, method, v2, ok := route(r.URL.Path)
	var rep *reply
	var fault *Fault
	switch {
	case !ok:
		rep = v3Error(http.StatusNotFound, "NOT_FOUND", "no such API: "+r.URL.Path, nil, "not_found: unknown path")
	case r.Method != method:
		rep = v3Error(http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "use "+method, nil, "method_not_allowed")
		rep.allow = method
	default:
		// Read the body first: net/http cancels the request's context when
		// the client hangs up only once the body has been read, and a
		// delay fault must end with the client.
		body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
		fault = s.takeFault(api, v2, false)
		if fault != nil {
			if done := s.applyEarlyFault(w, r, fault, v2, requestID); done {
				return
			}
		}
		switch {
		case err != nil:
			rep = v3Error(http.StatusBadRequest, "INVALID_REQUEST", "reading the body failed", nil, "invalid_request: body: "+err.Error())
		case len(body) > maxRequestBody:
			rep = v3Error(http.StatusRequestEntityTooLarge, "INVALID_REQUEST", "body too large", nil, "invalid_request: body too large")
		case v2:
			var signing *Fault
			rep, signing = s.serveRedPacket(r, body, fault == nil)
			if signing != nil {
				fault = signing
			}
		default:
			rep = s.serveV3(r, api, body)
			if fault == nil && !rep.unsigned {
				// An answer to sign: the signing faults apply now, and
				// only now, so an unsigned 401 does not use them up.
				fault = s.takeFault(api, false, true)
			}
		}
	}
	if rep.xml {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	} else {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set(wechatpay.HeaderRequestID, requestID)
		if rep.allow != "" {
			w.Header().Set("Allow", rep.allow)
		}
		if !rep.unsigned {
			s.signV3(w.Header(), r, rep, fault)
		}
	}
	w.WriteHeader(rep.status)
	_, _ = w.Write(rep.body)
	s.log(r, rep.status, rep.verdict, fault, requestID)
}

// applyEarlyFault applies the faults that act before the request is
// handled; it reports whether the request is finished.
func (s *Server) applyEarlyFault(w http.ResponseWriter, r *http.Request, f *Fault, v2 bool, requestID string) bool {
	var rep *reply
	switch f.Kind {
	case FaultDelay:
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
		}
		return false
	case FaultDropConnection:
		s.log(r, 0, "fault: connection dropped", f, requestID)
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return true
			}
		}
		panic(http.ErrAbortHandler) // closes the connection or stream
	case FaultSystemError:
		if v2 {
			rep = v2BusinessFail("SYSTEMERROR", "系统繁忙,请稍后再试", "fault: system error")
		} else {
			rep = v3Error(http.StatusInternalServerError, "SYSTEM_ERROR", "系统错误", nil, "fault: system error")
		}
	case FaultRateLimited:
		if v2 {
			rep = v2BusinessFail("FREQ_LIMIT", "超过频率限制,请稍后再试", "fault: rate limited")
		} else {
			rep = v3Error(http.StatusTooManyRequests, "FREQUENCY_LIMITED", "频率超限", nil, "fault: rate limited")
		}
	case FaultAPIError:
		msg := f.Message
		if msg == "" {
			msg = "fault"
		}
		status := f.Status
		if status == 0 {
			status = http.StatusBadRequest
		}
		if v2 {
			rep = v2BusinessFail(f.Code, msg, "fault: api error "+f.Code)
		} else {
			rep = v3Error(status, f.Code, msg, nil, "fault: api error "+f.Code)
		}
	default:
		return false
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, maxRequestBody))
	if rep.xml {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	} else {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set(wechatpay.HeaderRequestID, requestID)
	}
	w.WriteHeader(rep.status)
	_, _ = w.Write(rep.body)
	s.log(r, rep.status, rep.verdict, f, requestID)
	return true
}

func (s *Server) log(r *http.Request, status int, verdict string, f *Fault, requestID string) {
	if s.logger == nil {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", status),
		slog.String("verdict", verdict),
	}
	if requestID != "" {
		attrs = append(attrs, slog.String("request_id", requestID))
	}
	if f != nil {
		attrs = append(attrs, slog.String("fault", f.Kind.String()))
	}
	s.logger.LogAttrs(context.Background(), slog.LevelInfo, "wechatpaytest request", attrs...)
}

// newRequestID returns a unique Request-ID: a counter and random bytes.
func (s *Server) newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails since Go 1.24
	return strconv.FormatUint(s.idCounter.Add(1), 10) + "-" + strings.ToUpper(hex.EncodeToString(b[:]))
}

// serveV3 authenticates a v3 request and dispatches it.
func (s *Server) serveV3(r *http.Request, api API, body []byte) *reply {
	if rep := s.authenticate(r, body); rep != nil {
		return rep
	}
	switch api {
	case APISpecialReduction:
		return s.serveSpecialReduction(r)
	case APIPunish:
		return s.servePunish(r, body)
	case APIProfitSharing:
		return s.serveProfitSharing(r)
	default:
		return s.serveCertificates(r)
	}
}

// authenticate checks a v3 request's Authorization as WeChat Pay does and
// returns a 401 SIGN_ERROR answer when it fails.
func (s *Server) authenticate(r *http.Request, body []byte) *reply {
	values := r.Header.Values("Authorization")
	if len(values) != 1 {
		return signError("exactly one Authorization header is required")
	}
	a, err := parseAuthorization(values[0])
	if err != nil {
		return signError(err.Error())
	}
	if a.MchID != TestMchID {
		return signError("mchid is not the merchant's")
	}
	if !strings.EqualFold(a.SerialNo, s.keys.merchantSerial) {
		return signError("serial_no is not the serial of the merchant API certificate")
	}
	ts, err := strconv.ParseInt(a.Timestamp, 10, 64)
	if err != nil || a.Timestamp[0] == '+' || a.Timestamp[0] == '-' {
		return signError("malformed timestamp")
	}
	window := int64(wechatpay.Window / time.Second)
	if d := s.now().Unix() - ts; d > window || d < -window {
		return signError("stale timestamp")
	}
	msg := make([]byte, 0, len(r.Method)+len(r.RequestURI)+len(a.Timestamp)+len(a.NonceStr)+len(body)+5)
	for _, part := range [][]byte{[]byte(r.Method), []byte(r.RequestURI), []byte(a.Timestamp), []byte(a.NonceStr), body} {
		msg = append(msg, part...)
		msg = append(msg, '\n')
	}
	if err := wxcrypto.VerifySHA256WithRSA(&s.keys.merchantKey.PublicKey, msg, a.Signature); err != nil {
		return signError("signature does not verify")
	}
	return nil
}

// decryptionKey returns the private key of the WeChat Pay key that the
// request's Wechatpay-Serial names, for decrypting its encrypted fields.
func (s *Server) decryptionKey(r *http.Request) (*rsa.PrivateKey, *reply) {
	serial := r.Header.Get(wechatpay.HeaderSerial)
	switch {
	case serial == "":
		return nil, paramError(wechatpay.HeaderSerial, "header", "required when a field is encrypted")
	case serial == s.keys.pubKeyID:
		return s.keys.pubKey, nil
	case strings.EqualFold(serial, s.keys.platformSerial):
		return s.keys.platformKey, nil
	}
	return nil, paramError(wechatpay.HeaderSerial, "header", "names no WeChat Pay key of this merchant")
}

// decryptField decrypts an encrypted request field.
func (s *Server) decryptField(r *http.Request, field, location, ciphertext string) (string, *reply) {
	key, rep := s.decryptionKey(r)
	if rep != nil {
		return "", rep
	}
	plain, err := wxcrypto.DecryptOAEP(key, ciphertext)
	if err != nil {
		return "", paramError(field, location, "private-key decryption failed (RSA-OAEP with the key named by Wechatpay-Serial)")
	}
	return string(plain), nil
}

// encryptForMerchant encrypts a sensitive response field with the merchant
// certificate's public key.
func (s *Server) encryptForMerchant(plain string) (string, error) {
	if plain == "" {
		return "", nil
	}
	return wxcrypto.EncryptOAEP(&s.keys.merchantKey.PublicKey, []byte(plain))
}

// signV3 adds the signature headers of a v3 answer, applying the signing
// fault f (nil for none). The key depends on the request's
// Wechatpay-Serial, compared case-insensitively with the platform
// certificate serial:
//
//   - absent or empty: the platform certificate key, deliberately, so that
//     a client that holds no WeChat Pay key yet (no public key, no
//     certificate) can bootstrap: it downloads GET /v3/certificates, whose
//     answer it then verifies with the certificate it decrypted;
//   - the platform certificate serial: the platform certificate key;
//   - anything else (the public key id, or a serial naming no key): the
//     public-key-id key.
//
// The Wechatpay-Serial answer header names the key used.
func (s *Server) signV3(h http.Header, r *http.Request, rep *reply, f *Fault) {
	key, serial := s.keys.pubKey, s.keys.pubKeyID
	if named := r.Header.Get(wechatpay.HeaderSerial); named == "" || strings.EqualFold(named, s.keys.platformSerial) {
		key, serial = s.keys.platformKey, s.keys.platformSerial
	}
	now := s.now()
	kind := FaultKind(0)
	if f != nil {
		kind = f.Kind
	}
	if kind == FaultStaleTimestamp {
		now = now.Add(-staleBy)
	}
	ts := strconv.FormatInt(now.Unix(), 10)
	nonce := wechatpay.NewNonce()
	sig, err := signMessage(key, ts, nonce, rep.body)
	if err != nil {
		*rep = *v3Error(http.StatusInternalServerError, "SYSTEM_ERROR", "signing failed", nil, "system_error: signing: "+err.Error())
		return
	}
	switch kind {
	case FaultProbeSignature:
		sig = wechatpay.ProbePrefix + sig
	case FaultTamperedBody:
		rep.body = tamper(rep.body)
	}
	h.Set(wechatpay.HeaderTimestamp, ts)
	h.Set(wechatpay.HeaderNonce, nonce)
	h.Set(wechatpay.HeaderSignature, sig)
	h.Set(wechatpay.HeaderSerial, serial)
	h.Set(wechatpay.HeaderSignatureType, wechatpay.AuthScheme)
}

func signMessage(key *rsa.PrivateKey, ts, nonce string, body []byte) (string, error) {
	msg := make([]byte, 0, len(ts)+len(nonce)+len(body)+3)
	msg = append(msg, ts...)
	msg = append(msg, '\n')
	msg = append(msg, nonce...)
	msg = append(msg, '\n')
	msg = append(msg, body...)
	msg = append(msg, '\n')
	return wxcrypto.SignSHA256WithRSA(key, msg)
}

// tamper returns a copy of body with one ASCII letter or digit changed (or
// a space appended to an empty body).
func tamper(body []byte) []byte {
	out := bytes.Clone(body)
	for i := len(out) / 2; i < len(out); i++ {
		c := out[i]
		if c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			if c == '9' {
				out[i] = '8'
			} else {
				out[i] = c + 1
			}
			if c == 'z' || c == 'Z' {
				out[i] = c - 1
			}
			return out
		}
	}
	return append(out, ' ')
}

// rfc3339 renders t in UTC+8, or "" for the zero time.
func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(beijing).Format(time.RFC3339)
}

func (s *Server) serveSpecialReduction(r *http.Request) *reply {
	outRequestNo := strings.TrimPrefix(r.URL.Path, pathSpecialReduction)
	q := r.URL.Query()
	mchID, cipherBal := q.Get("mchid"), q.Get("bal_account_no")
	switch {
	case tooLong(outRequestNo, 32):
		return paramError("out_request_no", "path", longerThan(32))
	case mchID == "":
		return paramError("mchid", "query", "required")
	case tooLong(mchID, 32):
		return paramError("mchid", "query", longerThan(32))
	case cipherBal == "":
		return paramError("bal_account_no", "query", "required")
	}
	bal, rep := s.decryptField(r, "bal_account_no", "query", cipherBal)
	if rep != nil {
		return rep
	}
	s.mu.Lock()
	red, ok := s.reductions[outRequestNo]
	s.mu.Unlock()
	if !ok || red.MchID != mchID || red.BalAccountNo != bal {
		return notFound("special reduction")
	}
	encBal, err := s.encryptForMerchant(red.BalAccountNo)
	if err != nil {
		return v3Error(http.StatusInternalServerError, "SYSTEM_ERROR", "encryption failed", nil, "system_error: encrypting bal_account_no")
	}
	wire := struct {
		MchID         string `json:"mchid"`
		BalAccountNo  string `json:"bal_account_no"`
		OutRequestNo  string `json:"out_request_no"`
		ReductionType string `json:"reduction_type,omitempty"`
		Amount        *int64 `json:"amount,omitempty"`
		State         string `json:"state,omitempty"`
		Reason        string `json:"reason,omitempty"`
		QuotaChangeNo string `json:"quota_change_no,omitempty"`
		SuccessTime   string `json:"success_time,omitempty"`
		FailTime      string `json:"fail_time,omitempty"`
		FailReason    string `json:"fail_reason,omitempty"`
	}{
		MchID: red.MchID, BalAccountNo: encBal, OutRequestNo: red.OutRequestNo,
		ReductionType: red.ReductionType, State: red.State, Reason: red.Reason,
		QuotaChangeNo: red.QuotaChangeNo, SuccessTime: rfc3339(red.SuccessTime),
		FailTime: rfc3339(red.FailTime), FailReason: red.FailReason,
	}
	if red.State == "SUCCESS" || red.Amount != 0 {
		amount := red.Amount
		wire.Amount = &amount
	}
	return jsonReply(wire)
}

func (s *Server) servePunish(r *http.Request, body []byte) *reply {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return v3Error(http.StatusBadRequest, "INVALID_REQUEST", "Content-Type must be application/json", nil, "invalid_request: content type")
	}
	var req struct {
		OutRequestNo  *string         `json:"out_request_no"`
		MchID         *string         `json:"mchid"`
		BalAccountNo  *string         `json:"bal_account_no"`
		PunishScene   json.RawMessage `json:"punish_scene"`
		PunishReason  *string         `json:"punish_reason"`
		PunishEndTime *string         `json:"punish_end_time"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&req); err != nil {
		return v3Error(http.StatusBadRequest, "PARAM_ERROR", "请求体不是合法的JSON", map[string]string{"location": "body", "issue": "not a JSON object of the documented fields"}, "param_error: body is not valid JSON")
	}
	if dec.More() {
		return v3Error(http.StatusBadRequest, "PARAM_ERROR", "请求体不是合法的JSON", map[string]string{"location": "body", "issue": "data after the JSON object"}, "param_error: data after the JSON object")
	}
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	p := Punishment{
		OutRequestNo:  str(req.OutRequestNo),
		MchID:         str(req.MchID),
		PunishReason:  str(req.PunishReason),
		PunishEndTime: str(req.PunishEndTime),
	}
	switch {
	case p.OutRequestNo == "":
		return paramError("/out_request_no", "body", "required")
	case tooLong(p.OutRequestNo, 64):
		return paramError("/out_request_no", "body", longerThan(64))
	case p.MchID == "":
		return paramError("/mchid", "body", "required")
	case str(req.BalAccountNo) == "":
		return paramError("/bal_account_no", "body", "required")
	case req.PunishScene == nil || string(req.PunishScene) == "null":
		return paramError("/punish_scene", "body", "required")
	}
	scene, err := strconv.ParseInt(string(req.PunishScene), 10, 64)
	if err != nil || scene <= 0 {
		return paramError("/punish_scene", "body", "must be a positive integer")
	}
	p.PunishScene = scene
	if p.PunishEndTime != "" {
		if _, err := time.Parse(time.RFC3339, p.PunishEndTime); err != nil {
			return paramError("/punish_end_time", "body", "not an RFC 3339 time")
		}
	}
	bal, rep := s.decryptField(r, "/bal_account_no", "body", *req.BalAccountNo)
	if rep != nil {
		return rep
	}
	p.BalAccountNo = bal

	s.mu.Lock()
	if i, ok := s.punishByNo[p.OutRequestNo]; ok {
		prev := s.punishments[i]
		s.mu.Unlock()
		p.WxpayPunishNo = prev.WxpayPunishNo
		if p != prev {
			return v3Error(http.StatusBadRequest, "PARAM_ERROR", "out_request_no 已使用且请求参数不一致",
				map[string]string{"field": "/out_request_no", "location": "body", "issue": "already used with different parameters"},
				"param_error: out_request_no reused with another body")
		}
		return punishReply(p)
	}
	p.WxpayPunishNo = s.now().In(beijing).Format("20060102") + strconv.FormatInt(int64(1_000_000_000+len(s.punishments)+1), 10)
	s.punishByNo[p.OutRequestNo] = len(s.punishments)
	s.punishments = append(s.punishments, p)
	s.mu.Unlock()
	return punishReply(p)
}

func punishReply(p Punishment) *reply {
	return jsonReply(struct {
		WxpayPunishNo string `json:"wxpay_punish_no"`
		OutRequestNo  string `json:"out_request_no"`
	}{p.WxpayPunishNo, p.OutRequestNo})
}

func (s *Server) serveProfitSharing(r *http.Request) *reply {
	outOrderNo := strings.TrimPrefix(r.URL.Path, pathProfitSharing)
	q := r.URL.Query()
	txID, subMchID := q.Get("transaction_id"), q.Get("sub_mchid")
	switch {
	case tooLong(outOrderNo, 64):
		return paramError("out_order_no", "path", longerThan(64))
	case strings.IndexFunc(outOrderNo, notOrderNoChar) >= 0:
		return paramError("out_order_no", "path", "only digits, letters, '_' and '-' are allowed")
	case txID == "":
		return paramError("transaction_id", "query", "required")
	case tooLong(txID, 32):
		return paramError("transaction_id", "query", longerThan(32))
	case tooLong(subMchID, 32):
		return paramError("sub_mchid", "query", longerThan(32))
	}
	s.mu.Lock()
	o, ok := s.orders[outOrderNo]
	s.mu.Unlock()
	if !ok || o.TransactionID != txID || o.SubMchID != subMchID {
		return notFound("profit-sharing order")
	}
	type receiver struct {
		Amount             int64  `json:"amount"`
		Currency           string `json:"currency"`
		Description        string `json:"description"`
		Type               string `json:"type"`
		Account            string `json:"account"`
		Result             string `json:"result"`
		FailReason         string `json:"fail_reason,omitempty"`
		CreateTime         string `json:"create_time"`
		FinishTime         string `json:"finish_time,omitempty"`
		DetailID           string `json:"detail_id"`
		DetailType         string `json:"detail_type"`
		SettlementCurrency string `json:"settlement_currency,omitempty"`
		SettlementAmount   int64  `json:"settlement_amount,omitempty"`
		RateValue          int64  `json:"rate_value,omitempty"`
	}
	wire := struct {
		SubMchID      string     `json:"sub_mchid,omitempty"`
		TransactionID string     `json:"transaction_id"`
		OutOrderNo    string     `json:"out_order_no"`
		OrderID       string     `json:"order_id"`
		State         string     `json:"state"`
		Receivers     []receiver `json:"receivers"`
	}{o.SubMchID, o.TransactionID, o.OutOrderNo, o.OrderID, o.State, make([]receiver, 0, len(o.Receivers))}
	for _, rc := range o.Receivers {
		wire.Receivers = append(wire.Receivers, receiver{
			Amount: rc.Amount, Currency: rc.Currency, Description: rc.Description, Type: rc.Type,
			Account: rc.Account, Result: rc.Result, FailReason: rc.FailReason,
			CreateTime: rfc3339(rc.CreateTime), FinishTime: rfc3339(rc.FinishTime),
			DetailID: rc.DetailID, DetailType: rc.DetailType, SettlementCurrency: rc.SettlementCurrency,
			SettlementAmount: rc.SettlementAmount, RateValue: rc.RateValue,
		})
	}
	return jsonReply(wire)
}

func (s *Server) serveCertificates(r *http.Request) *reply {
	if r.URL.RawQuery != "" {
		return paramError("query", "query", "this API takes no query parameters")
	}
	cert := s.keys.platformCert
	nonce := wechatpay.NewNonce()[:wxcrypto.GCMNonceSize]
	ct, err := wxcrypto.SealAESGCM([]byte(TestAPIv3Key), []byte(nonce), []byte("certificate"), certPEM(cert))
	if err != nil {
		return v3Error(http.StatusInternalServerError, "SYSTEM_ERROR", "encryption failed", nil, "system_error: sealing the certificate")
	}
	type encrypted struct {
		Algorithm      string `json:"algorithm"`
		Nonce          string `json:"nonce"`
		AssociatedData string `json:"associated_data"`
		Ciphertext     string `json:"ciphertext"`
	}
	type item struct {
		SerialNo           string    `json:"serial_no"`
		EffectiveTime      string    `json:"effective_time"`
		ExpireTime         string    `json:"expire_time"`
		EncryptCertificate encrypted `json:"encrypt_certificate"`
	}
	return jsonReply(struct {
		Data []item `json:"data"`
	}{[]item{{
		SerialNo:           s.keys.platformSerial,
		EffectiveTime:      rfc3339(cert.NotBefore),
		ExpireTime:         rfc3339(cert.NotAfter),
		EncryptCertificate: encrypted{"AEAD_AES_256_GCM", nonce, "certificate", ct},
	}}})
}
