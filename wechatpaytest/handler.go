package wechatpaytest

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/gowechatpay/wechatpay"
)

// This file holds what every route shares: dispatch, faults, signing and
// the log (authentication is in auth.go). The emulation of each built-in
// API is in its own api_*.go file.

// maxRequestBody bounds the body the emulator reads.
const maxRequestBody = 1 << 20

// staleBy is how old FaultStaleTimestamp makes a response timestamp.
const staleBy = 10 * time.Minute

// reply is an answer a route built, written by serveRoute.
type reply struct {
	status   int
	body     []byte
	xml      bool             // a v2 answer
	unsigned bool             // v3: no Wechatpay-* signature headers
	fileType string           // v3: the Content-Type of a file answer
	verdict  string           // for the log
	allow    string           // Allow header of a 405
	signInfo *signInformation // a SIGN_ERROR's sign_information, logged
}

// errorReply is the reply of a v3 error answer.
func errorReply(e *ErrorAnswer) *reply {
	body, err := marshalJSON(e)
	status := e.status
	if err != nil { // a Detail that does not encode
		body = []byte(`{"code":"SYSTEM_ERROR","message":"encoding the error answer failed"}`)
		status = http.StatusInternalServerError
	}
	return &reply{status: status, body: body, verdict: e.logVerdict()}
}

// v3Error builds a v3 error answer in WeChat Pay's shape.
func v3Error(status int, code, message string, detail any, verdict string) *reply {
	return errorReply(&ErrorAnswer{Code: code, Message: message, Detail: detail, status: status, verdict: verdict})
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

// rawOrJSON returns v itself when it is []byte or json.RawMessage, else its
// JSON encoding.
func rawOrJSON(v any) ([]byte, error) {
	switch b := v.(type) {
	case []byte:
		return b, nil
	case json.RawMessage:
		return b, nil
	}
	return marshalJSON(v)
}

// rfc3339 renders t in UTC+8, or "" for the zero time.
func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(beijing).Format(time.RFC3339)
}

// wireTimes sets each non-zero time to its whole second in UTC+8, as an
// answer renders it (encoding/json then writes RFC 3339, like rfc3339).
func wireTimes(ts ...*time.Time) {
	for _, t := range ts {
		if !t.IsZero() {
			*t = t.In(beijing).Truncate(time.Second)
		}
	}
}

// ServeHTTP answers one request as WeChat Pay would. It is the server's
// handler; tests normally reach it through the Server's URL. A request
// that matches no registered route is answered 404 NOT_FOUND with a message
// that names its method and path as not emulated, or 405
// METHOD_NOT_ALLOWED with an Allow header when only its method is wrong.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	if h, _ := s.mux.Handler(r); !isRoute(h) {
		s.serveNoRoute(w, r, h)
		return
	}
	s.mux.ServeHTTP(w, r) // sets the path values, then calls the route
}

func isRoute(h http.Handler) bool {
	_, ok := h.(*route)
	return ok
}

// serveNoRoute answers a request no route takes: h is what the ServeMux
// would do with it (404, 405 with Allow, or a redirect to a cleaned path,
// which the emulator, like WeChat Pay, answers 404).
func (s *Server) serveNoRoute(w http.ResponseWriter, r *http.Request, h http.Handler) {
	requestID := s.newRequestID()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	var rep *reply
	if allow := rec.Header().Get("Allow"); rec.Code == http.StatusMethodNotAllowed && allow != "" {
		rep = methodNotAllowed(allow)
	} else {
		// Not "order not found": the message names the route and says the
		// emulator lacks it, so a merchant's code cannot take it for a
		// missing record.
		route := r.Method + " " + r.URL.Path
		rep = v3Error(http.StatusNotFound, "NOT_FOUND", route+" is not emulated: no route of the emulator takes it (register it with HandleV3, or HandleV2 for a v2 path)",
			nil, "not_found: not emulated")
	}
	s.writeReply(w, r, rep, nil, requestID)
}

// methodNotAllowed is 405 METHOD_NOT_ALLOWED with the Allow header allow.
func methodNotAllowed(allow string) *reply {
	rep := v3Error(http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "use "+allow, nil, "method_not_allowed")
	rep.allow = allow
	return rep
}

// serveRoute answers a request for rt: body, early faults, authentication
// (v3) or client certificate and sign (v2), the route's handler, then the
// signed answer and the signing faults.
func (s *Server) serveRoute(w http.ResponseWriter, r *http.Request, rt *route) {
	requestID := s.newRequestID()
	if r.Method != rt.method { // a GET pattern also matches HEAD
		s.writeReply(w, r, methodNotAllowed(rt.method), nil, requestID)
		return
	}
	v2 := rt.v2 != nil
	// Read the body first: net/http cancels the request's context when the
	// client hangs up only once the body has been read, and a delay fault
	// must end with the client.
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	fault := s.takeFault(rt.pattern, v2, false)
	if fault != nil {
		if done := s.applyEarlyFault(w, r, fault, v2, requestID); done {
			return
		}
	}
	var rep *reply
	switch {
	case err != nil:
		rep = v3Error(http.StatusBadRequest, "INVALID_REQUEST", "reading the body failed", nil, "invalid_request: body: "+err.Error())
	case len(body) > maxRequestBody:
		rep = v3Error(http.StatusRequestEntityTooLarge, "INVALID_REQUEST", "body too large", nil, "invalid_request: body too large")
	case v2:
		var signing *Fault
		rep, signing = s.serveV2(r, rt, body, fault == nil)
		if signing != nil {
			fault = signing
		}
	default:
		rep = s.serveV3(r, rt, body)
		if fault == nil && !rep.unsigned {
			// An answer to sign: the signing faults apply now, and only
			// now, so an unsigned 401 does not use them up.
			fault = s.takeFault(rt.pattern, false, true)
		}
	}
	if fault != nil && fault.Kind == FaultDropAfterHandling {
		s.dropConnection(w, r, fault, requestID, "fault: connection dropped after handling ("+rep.verdict+")")
		return
	}
	s.writeReply(w, r, rep, fault, requestID)
}

// writeReply writes rep, signing a v3 answer unless it is unsigned.
func (s *Server) writeReply(w http.ResponseWriter, r *http.Request, rep *reply, fault *Fault, requestID string) {
	if rep.xml {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	} else {
		switch {
		case rep.fileType != "":
			w.Header().Set("Content-Type", rep.fileType)
		case len(rep.body) > 0:
			w.Header().Set("Content-Type", "application/json")
		}
		w.Header().Set(wechatpay.HeaderRequestID, requestID)
		w.Header().Set("Date", s.wall().UTC().Format(http.TimeFormat)) // the emulator's clock, which a SIGN_ERROR's reader compares
		if rep.allow != "" {
			w.Header().Set("Allow", rep.allow)
		}
		if !rep.unsigned {
			s.signV3(w.Header(), r, rep, fault)
		}
	}
	w.WriteHeader(rep.status)
	_, _ = w.Write(rep.body)
	s.log(r, rep.status, rep.verdict, fault, requestID, rep.signInfo.logAttrs()...)
}

// serveV3 authenticates a v3 request, runs the route's handler and encodes
// its answer.
func (s *Server) serveV3(r *http.Request, rt *route, body []byte) *reply {
	if rep := s.authenticate(r, body); rep != nil {
		return rep
	}
	status, out := s.callV3(rt, &V3Request{Request: r, Body: body, srv: s})
	rep := v3Answer(status, out)
	if rt.fileType != "" && rep.status >= 200 && rep.status <= 299 {
		rep.unsigned, rep.fileType = true, rt.fileType
	}
	return rep
}

// callV3 runs rt's v3 handler; a panic is logged and answered 500
// SYSTEM_ERROR (signed, like every v3 answer).
func (s *Server) callV3(rt *route, req *V3Request) (status int, out any) {
	defer s.recoverHandler(req.Request, rt, func() {
		status, out = systemError("the emulated handler of "+rt.pattern+" panicked", "handler panic").Answer()
	})
	return rt.v3(req)
}

// callV2 runs rt's v2 handler; a panic is logged and answered err_code
// SYSTEMERROR, as WeChat Pay answers an internal error.
func (s *Server) callV2(rt *route, req *V2Request) (fields map[string]string) {
	defer s.recoverHandler(req.Request, rt, func() {
		fields = V2Error("SYSTEMERROR", "系统繁忙,请稍后再试 (the emulated handler of "+rt.pattern+" panicked)")
	})
	return rt.v2(req)
}

// recoverHandler, deferred around a route's handler, recovers its panic:
// it logs the panic value and stack at level Error with the server's
// logger (slog's default logger without WithLogger) and calls answer to set
// the handler's results. http.ErrAbortHandler, a deliberate abort, passes
// through.
func (s *Server) recoverHandler(r *http.Request, rt *route, answer func()) {
	p := recover()
	if p == nil {
		return
	}
	if p == http.ErrAbortHandler { // compared as net/http compares it
		panic(p)
	}
	l := s.logger
	if l == nil {
		l = slog.Default()
	}
	l.LogAttrs(context.Background(), slog.LevelError, "wechatpaytest: handler panic",
		slog.String("route", rt.pattern), slog.String("path", r.URL.Path),
		slog.String("panic", fmt.Sprint(p)), slog.String("stack", string(debug.Stack())))
	answer()
}

// v3Answer encodes a handler's answer: status 0 is 200 (or, for an
// *ErrorAnswer, its own status, 400 when it has none); []byte and
// json.RawMessage are sent as they are, nil as an empty body, anything else
// as JSON. A status that cannot be written (below 200, above 599, or a
// body on 204 or 304) is answered 500 SYSTEM_ERROR.
func v3Answer(status int, out any) *reply {
	if e, ok := out.(*ErrorAnswer); ok && e != nil && status == 0 {
		status = e.status
		if status == 0 { // an ErrorAnswer literal
			status = http.StatusBadRequest
		}
	}
	if status == 0 {
		status = http.StatusOK
	}
	var body []byte
	verdict := "ok"
	switch b := out.(type) {
	case nil:
	case *ErrorAnswer:
		if b == nil {
			return errorReply(systemError("the handler answered a nil *ErrorAnswer", "nil error answer"))
		}
		rep := errorReply(b)
		if status != b.status && b.status != 0 {
			rep.verdict += " (status " + strconv.Itoa(status) + ")"
		}
		body, verdict = rep.body, rep.verdict
	default:
		var err error
		if body, err = rawOrJSON(out); err != nil {
			return errorReply(systemError("encoding the answer failed", "encoding the answer: "+err.Error()))
		}
	}
	switch {
	case status < 200 || status > 599:
		return errorReply(systemError("the handler answered status "+strconv.Itoa(status), "handler status "+strconv.Itoa(status)))
	case (status == http.StatusNoContent || status == http.StatusNotModified) && len(body) > 0:
		return errorReply(systemError("the handler answered a body with status "+strconv.Itoa(status), "body on status "+strconv.Itoa(status)))
	case verdict == "ok" && status >= 300:
		verdict = "status " + strconv.Itoa(status)
	}
	return &reply{status: status, body: body, verdict: verdict}
}

// dropConnection closes the request's connection without an answer.
func (s *Server) dropConnection(w http.ResponseWriter, r *http.Request, f *Fault, requestID, verdict string) {
	s.log(r, 0, verdict, f, requestID)
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler) // closes the connection or stream
}

// applyEarlyFault applies the faults that act before the request is
// handled; it reports whether the request is finished.
func (s *Server) applyEarlyFault(w http.ResponseWriter, r *http.Request, f *Fault, v2 bool, requestID string) bool {
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
		s.dropConnection(w, r, f, requestID, "fault: connection dropped")
		return true
	}
	rep := faultReply(f, v2)
	if rep == nil {
		return false
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, maxRequestBody))
	s.writeReply(w, r, rep, f, requestID)
	return true
}

// faultReply is the error answer of the faults that answer one, unsigned,
// or nil for another fault.
func faultReply(f *Fault, v2 bool) *reply {
	var status int
	var code, msg, v2Code, v2Msg string
	switch f.Kind {
	case FaultSystemError:
		status, code, msg, v2Code, v2Msg = http.StatusInternalServerError, "SYSTEM_ERROR", "系统错误", "SYSTEMERROR", "系统繁忙,请稍后再试"
	case FaultRateLimited:
		status, code, msg, v2Code, v2Msg = http.StatusTooManyRequests, "FREQUENCY_LIMITED", "频率超限", "FREQ_LIMIT", "超过频率限制,请稍后再试"
	case FaultAPIError:
		status, code, msg = cmp.Or(f.Status, http.StatusBadRequest), f.Code, cmp.Or(f.Message, "fault")
		v2Code, v2Msg = code, msg
	default:
		return nil
	}
	verdict := "fault: " + strings.ReplaceAll(f.Kind.String(), "-", " ")
	if f.Kind == FaultAPIError {
		verdict += " " + f.Code
	}
	if v2 {
		return v2Reply(V2Error(v2Code, v2Msg), verdict)
	}
	rep := v3Error(status, code, msg, nil, verdict)
	rep.unsigned = true
	return rep
}

func (s *Server) log(r *http.Request, status int, verdict string, f *Fault, requestID string, more ...slog.Attr) {
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
	attrs = append(attrs, more...)
	s.logger.LogAttrs(context.Background(), slog.LevelInfo, "wechatpaytest request", attrs...)
}

// newRequestID returns a unique Request-ID: a counter and random bytes.
func (s *Server) newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails since Go 1.24
	return strconv.FormatUint(s.idCounter.Add(1), 10) + "-" + strings.ToUpper(hex.EncodeToString(b[:]))
}

// signV3 adds the signature headers of a v3 answer, applying the signing
// fault f (nil for none). The key is the one the key mode gives for r (see
// signingKey); the Wechatpay-Serial answer header names it.
func (s *Server) signV3(h http.Header, r *http.Request, rep *reply, f *Fault) {
	key, serial := s.signingKey(r)
	now := s.wall()
	kind := FaultKind(0)
	if f != nil {
		kind = f.Kind
	}
	if kind == FaultStaleTimestamp {
		now = now.Add(-staleBy)
	}
	if err := signHeaders(h, key, serial, now, rep.body, kind == FaultProbeSignature); err != nil {
		*rep = *errorReply(systemError("signing failed", "signing: "+err.Error()))
		return
	}
	if kind == FaultTamperedBody {
		rep.body = tamper(rep.body)
	}
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
