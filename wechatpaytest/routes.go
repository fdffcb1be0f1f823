package wechatpaytest

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"strings"

	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
)

// route is one endpoint registered with HandleV3 or HandleV2; the server's
// ServeMux holds it.
type route struct {
	srv     *Server
	pattern string // as registered, method included: what a Fault aims at
	method  string
	v3      func(*V3Request) (int, any)
	v2      func(*V2Request) map[string]string
	v2opts  V2Route
	// fileType, when set, makes the route's 2xx answers files of that
	// Content-Type, unsigned (a bill download); its errors stay signed.
	fileType string
}

// ServeHTTP is called by the server's ServeMux once it has matched the
// request (and set its path values).
func (rt *route) ServeHTTP(w http.ResponseWriter, r *http.Request) { rt.srv.serveRoute(w, r, rt) }

// HandleV3 teaches the emulator a v3 endpoint. pattern is a net/http
// ServeMux pattern that starts with a method, such as
// "POST /v3/pay/transactions/jsapi" or
// "GET /v3/pay/transactions/out-trade-no/{out_trade_no}"; the emulator is a
// ServeMux behind its verification and signing step. h runs only for a
// request whose Authorization verified (else the answer is 401 SIGN_ERROR,
// unsigned) and that no early fault answered. It returns the answer's
// status (0 for 200) and body: nil for none, []byte or json.RawMessage sent
// as they are, anything else encoded as JSON; V3Error builds WeChat Pay's
// error shape. The answer is signed like every v3 answer, with the key the
// server's key mode gives, and the faults of InjectFault apply to it: aim
// one at this route with Fault.API set to API(pattern).
//
// A request for a path no route takes is answered 404 NOT_FOUND, its
// message naming the method and path as not emulated (so that it does not
// read as a missing order); one with
// a method no route of its path takes 405 METHOD_NOT_ALLOWED with an Allow
// header. Like http.ServeMux.Handle, HandleV3 panics on a pattern that
// ServeMux refuses or that conflicts with one already registered (the
// built-in APIs included), and on a pattern without a method or a nil h.
// It may be called before or after Start. A handler that panics is answered
// 500 SYSTEM_ERROR, signed, and the panic with its stack is logged at level
// Error (with the logger of WithLogger, else slog's default logger).
func (s *Server) HandleV3(pattern string, h func(r *V3Request) (status int, body any)) {
	if h == nil {
		panic("wechatpaytest: HandleV3 " + strconv.Quote(pattern) + ": nil handler")
	}
	s.handle(&route{srv: s, pattern: pattern, v3: h})
}

// V2Route describes how a v2 endpoint registered with HandleV2 checks its
// requests and answers.
type V2Route struct {
	// Secure requires the merchant API certificate as TLS client
	// certificate; a request without one is answered return_code FAIL
	// with a return_msg starting with "CA_ERROR" (HTTP 200, unsigned), as
	// WeChat Pay answers.
	Secure bool
	// SignTypes lists the sign_type values the endpoint documents, such as
	// wxcrypto.SignTypeMD5 and wxcrypto.SignTypeHMACSHA256; a request
	// without sign_type is signed with MD5. Empty means the endpoint
	// documents no sign_type (the red-packet APIs): the sign is MD5 and a
	// request carrying a sign_type is answered like a bad sign, as WeChat
	// Pay is known to do.
	SignTypes []wxcrypto.SignType
	// UnsignedReply leaves every reply unsigned. Otherwise a reply with
	// return_code SUCCESS and result_code SUCCESS (or none) is signed with
	// the request's sign type, and failures are unsigned, as at WeChat Pay.
	UnsignedReply bool
	// Nested names the reply fields whose value is inner XML (a list such
	// as gethbinfo's hblist, built with encoding/xml), written as they are
	// rather than as text.
	Nested []string
}

// V2Request is a v2 request whose sign verified, as a HandleV2 handler
// gets it.
type V2Request struct {
	// Request is the HTTP request; its body has been read into Body.
	*http.Request
	// Body is the raw XML body.
	Body []byte
	// Params are the request's parameters, sign and sign_type included.
	Params map[string]string
	// SignType is the sign type the request was signed with, and the one
	// its reply is signed with.
	SignType wxcrypto.SignType
}

// HandleV2 teaches the emulator a v2 (XML) endpoint: POST path. Before h
// runs, the emulator requires the client certificate when opts.Secure is
// set, decodes the XML (a malformed document is return_code FAIL) and
// checks the sign with the APIv2 key and the sign type opts allows (a bad
// sign is return_code FAIL, 签名错误). h returns the reply's fields
// without sign: return_code, result_code and the rest; V2Error builds a
// result_code FAIL reply, and a nil map is answered return_code FAIL. The
// reply is signed as opts says, and the faults of InjectFault apply to it
// (aim one with Fault.API set to API("POST " + path)). HandleV2 panics like
// HandleV3 on a path ServeMux refuses or that is already registered, and on
// a nil h. A handler that panics is answered result_code FAIL, err_code
// SYSTEMERROR, and the panic is logged as with HandleV3.
func (s *Server) HandleV2(path string, opts V2Route, h func(r *V2Request) map[string]string) {
	if h == nil {
		panic("wechatpaytest: HandleV2 " + strconv.Quote(path) + ": nil handler")
	}
	if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " {}") {
		panic("wechatpaytest: HandleV2 " + strconv.Quote(path) + ": want a plain path such as /mmpaymkttransfers/queryworkwxredpack")
	}
	opts.SignTypes = append([]wxcrypto.SignType(nil), opts.SignTypes...)
	opts.Nested = append([]string(nil), opts.Nested...)
	s.handle(&route{srv: s, pattern: http.MethodPost + " " + path, v2: h, v2opts: opts})
}

func (s *Server) handle(rt *route) {
	method, rest, ok := strings.Cut(rt.pattern, " ")
	if !ok || method == "" || strings.ToUpper(method) != method || strings.TrimLeft(rest, " \t") == "" {
		panic("wechatpaytest: pattern " + strconv.Quote(rt.pattern) + " lacks a method: want for example \"GET /v3/pay/transactions/id/{transaction_id}\"")
	}
	rt.method = method
	s.mux.Handle(rt.pattern, rt)
}

// V3Request is a v3 request whose Authorization verified, as a HandleV3
// handler gets it. The embedded *http.Request gives the method, URL, query,
// headers and PathValue of the pattern's wildcards.
type V3Request struct {
	// Request is the HTTP request; its body has been read into Body.
	*http.Request
	// Body is the raw body the signature covered.
	Body []byte

	srv *Server
}

// DecodeJSON decodes the body into v: the Content-Type must be
// application/json (else 400 INVALID_REQUEST) and the body one JSON value
// of v's shape (else 400 PARAM_ERROR); unknown fields are ignored, as WeChat
// Pay does. On failure it returns the error answer, for the handler to
// return with Answer.
func (r *V3Request) DecodeJSON(v any) *ErrorAnswer {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return &ErrorAnswer{Code: "INVALID_REQUEST", Message: "Content-Type must be application/json",
			status: http.StatusBadRequest, verdict: "invalid_request: content type"}
	}
	dec := json.NewDecoder(bytes.NewReader(r.Body))
	issue, verdict := "not a JSON object of the documented fields", "body is not valid JSON"
	if err := dec.Decode(v); err == nil {
		if !dec.More() {
			return nil
		}
		issue, verdict = "data after the JSON object", "data after the JSON object"
	}
	return &ErrorAnswer{Code: "PARAM_ERROR", Message: "请求体不是合法的JSON",
		Detail: map[string]string{"location": "body", "issue": issue},
		status: http.StatusBadRequest, verdict: "param_error: " + verdict}
}

// DecryptField decrypts a sensitive request field (RSA-OAEP, base64) with
// the private half of the WeChat Pay key that the request's
// Wechatpay-Serial names. field and location ("body", "query", "path")
// name the field in the 400 PARAM_ERROR answer returned when the header is
// missing, names no key of the server's key mode, or the value does not
// decrypt. The plaintext is never logged.
func (r *V3Request) DecryptField(field, location, ciphertext string) (string, *ErrorAnswer) {
	return r.srv.decryptField(r.Request, field, location, ciphertext)
}

// EncryptForMerchant encrypts a sensitive answer field (RSA-OAEP, base64)
// with the public key of the merchant API certificate, as WeChat Pay
// encrypts answer fields such as bal_account_no. An empty plain stays
// empty.
func (r *V3Request) EncryptForMerchant(plain string) (string, *ErrorAnswer) {
	return r.srv.encryptForMerchant(plain)
}

// ErrorAnswer is the body of a v3 error answer in WeChat Pay's shape,
// {"code":…,"message":…,"detail":…}, with its HTTP status. Build one with
// V3Error; V3Request's helpers return one when a request is refused. A
// handler that returns one with status 0 answers with its Status, 400 for
// one built as a literal.
type ErrorAnswer struct {
	// Code is the error code, such as PARAM_ERROR or NO_AUTH.
	Code string `json:"code"`
	// Message is the human-readable message.
	Message string `json:"message"`
	// Detail is optional further detail (for PARAM_ERROR, an object with
	// field, location and issue); nil leaves it out.
	Detail any `json:"detail,omitempty"`

	status  int
	verdict string
}

// V3Error returns the status and body of a v3 error answer with code and
// message, for a HandleV3 handler to return:
//
//	return wechatpaytest.V3Error(http.StatusNotFound, "ORDER_NOT_EXIST", "订单不存在")
//
// status should be 4xx or 5xx; one outside 200 to 599 is answered 500
// SYSTEM_ERROR.
func V3Error(status int, code, message string) (int, *ErrorAnswer) {
	return status, &ErrorAnswer{Code: code, Message: message, status: status}
}

// Answer returns the error's status and itself, for a handler to return.
func (e *ErrorAnswer) Answer() (int, any) { return e.status, e }

// Status returns the HTTP status of the answer.
func (e *ErrorAnswer) Status() int { return e.status }

// Error describes the answer: status, code and message.
func (e *ErrorAnswer) Error() string {
	return "wechatpaytest: answer " + strconv.Itoa(e.status) + " " + e.Code + ": " + e.Message
}

func (e *ErrorAnswer) logVerdict() string {
	if e.verdict != "" {
		return e.verdict
	}
	return strings.ToLower(e.Code) + ": " + e.Message
}

// V2Error returns the fields of a v2 business failure, as a HandleV2
// handler returns them: return_code SUCCESS, result_code FAIL, err_code
// errCode and err_code_des description. Such a reply is unsigned.
func V2Error(errCode, description string) map[string]string {
	return map[string]string{
		"return_code": "SUCCESS", "return_msg": description, "result_code": "FAIL",
		"err_code": errCode, "err_code_des": description,
	}
}
