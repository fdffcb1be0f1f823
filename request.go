package wechatpay

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/textproto"
	"net/url"
	"reflect"
	"slices"
	"strings"

	"golang.org/x/net/http/httpguts"

	"github.com/gowechatpay/wechatpay/internal/wire"
)

// Request is one v3 call for DoV3: any endpoint, without a typed service.
type Request struct {
	// Method is the HTTP method, e.g. http.MethodGet.
	Method string
	// Path is the path, possibly a template such as
	// "/v3/aggracct-bc/wb-channel/special-reduction/{out_request_no}".
	Path string
	// PathParams fill the template; values are escaped with
	// url.PathEscape and never case-changed. Each must be non-empty and
	// neither "." nor "..".
	PathParams map[string]string
	// Query is encoded sorted by key (url.Values.Encode).
	Query url.Values
	// RawQuery is sent verbatim when Query is nil (already encoded).
	RawQuery string
	// Body is sent as JSON: nil for none, []byte or json.RawMessage as is,
	// anything else encoded with encoding/json (no HTML escaping). The
	// signature covers it. A GET or HEAD carries none; a DELETE may (the
	// profit-sharing receiver delete).
	Body any
	// Header holds extra headers. DoV3 sets Wechatpay-Serial itself, to
	// the key EncryptSensitive encrypts with; set it here only to override.
	Header http.Header
	// Global sends the call to the cross-border domain (apihk).
	Global bool
	// Idempotent marks a POST/PUT/PATCH/DELETE that the API documents as
	// re-entrant with the same business number and body, so it may be
	// retried after 5xx, 429 or a transport failure.
	Idempotent bool
}

// Response describes a completed v3 or v2 call.
type Response struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Header is the response header.
	Header http.Header
	// RequestID is WeChat Pay's Request-ID header (v3).
	RequestID string
	// Attempts is the number of attempts made, retries included.
	Attempts int
}

// checkOut rejects, before any I/O, an out that a response could not be
// decoded into: it must be nil or a non-nil pointer.
func checkOut(out any) error {
	if out == nil {
		return nil
	}
	if v := reflect.ValueOf(out); v.Kind() != reflect.Pointer || v.IsNil() {
		return &FieldError{Field: "out", Reason: "must be nil or a non-nil pointer, got " + reflect.TypeOf(out).String()}
	}
	return nil
}

// decodeInto decodes a verified 2xx body into out with encoding/json
// (wire.Unmarshal: errors name the field, never a value). An empty or
// whitespace body leaves out as it is; the typed services then refuse the
// answer for the fields it lacks.
func decodeInto(data []byte, out any, requestID string) error {
	switch o := out.(type) {
	case nil:
		return nil
	case *[]byte:
		*o = append((*o)[:0], data...)
		return nil
	case *json.RawMessage:
		*o = append((*o)[:0], data...)
		return nil
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if err := wire.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%w%s: %w", ErrMalformedResponse, requestIDNote(requestID), err)
	}
	return nil
}

func newV3APIError(status int, requestID string, data []byte) *APIError {
	// An error answer is not signed: what it says is cut short.
	e := &APIError{StatusCode: status, RequestID: peerID(requestID)}
	var wire struct {
		Code    string          `json:"code"`
		Message string          `json:"message"`
		Detail  json.RawMessage `json:"detail"`
	}
	if err := json.Unmarshal(data, &wire); err == nil {
		e.Code, e.Message, e.Detail = truncate(wire.Code, maxPeerID), truncate(wire.Message, maxPeerText), wire.Detail
	} else if len(data) > 0 {
		e.Message = truncate(string(data), maxPeerText)
	}
	if e.Code == "" {
		e.Code = http.StatusText(status)
	}
	return e
}

// requestIDNote is " (Request-ID id)" for error messages, or "" without one.
func requestIDNote(requestID string) string {
	if requestID == "" {
		return ""
	}
	return " (Request-ID " + peerID(requestID) + ")"
}

// The prefixes of values from an unauthenticated peer (headers, error
// bodies) that errors and logs quote.
const (
	maxPeerID   = 80  // a Request-ID, a serial, a code
	maxPeerText = 256 // a message
)

// peerID cuts an identifier from an unauthenticated peer to maxPeerID.
func peerID(s string) string { return truncate(s, maxPeerID) }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// encodeQuery is url.Values.Encode (keys sorted, url.QueryEscape) in one
// allocation for the usual few keys.
func encodeQuery(v url.Values) string {
	if len(v) == 0 {
		return ""
	}
	var arr [8]string
	keys := arr[:0]
	n := 0
	for k, vs := range v {
		keys = append(keys, k)
		for _, x := range vs {
			n += len(k) + len(x) + 2
		}
	}
	slices.Sort(keys)
	var b strings.Builder
	b.Grow(n)
	for _, k := range keys {
		ke := url.QueryEscape(k)
		for _, x := range v[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(ke)
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(x))
		}
	}
	return b.String()
}

// expandPath fills {name} placeholders with escaped values.
func expandPath(tmpl string, params map[string]string) (string, error) {
	if !strings.HasPrefix(tmpl, "/") {
		return "", &FieldError{Field: "path", Reason: "must start with /"}
	}
	if strings.IndexByte(tmpl, '{') < 0 {
		if len(params) > 0 {
			return "", &FieldError{Field: "path", Reason: "has no placeholders for its path parameters"}
		}
		return tmpl, nil
	}
	var b strings.Builder
	b.Grow(len(tmpl) + 32)
	used := 0
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			b.WriteString(tmpl)
			break
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			return "", &FieldError{Field: "path", Reason: "unclosed {"}
		}
		name := tmpl[i+1 : i+j]
		v, ok := params[name]
		if !ok || v == "" {
			return "", &FieldError{Field: name, Reason: "path parameter is empty", Missing: true}
		}
		if v == "." || v == ".." {
			// url.PathEscape keeps dots: a proxy would normalise the segment away.
			return "", &FieldError{Field: name, Reason: "path parameter is a dot segment (. or ..)"}
		}
		used++
		b.WriteString(tmpl[:i])
		b.WriteString(url.PathEscape(v))
		tmpl = tmpl[i+j+1:]
	}
	if used != len(params) {
		return "", &FieldError{Field: "path", Reason: "path parameters do not match the template"}
	}
	return b.String(), nil
}

func encodeBody(body any) ([]byte, error) {
	switch b := body.(type) {
	case nil:
		return nil, nil
	case []byte:
		return b, nil
	case json.RawMessage:
		return b, nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(body); err != nil {
		return nil, &FieldError{Field: "body", Reason: err.Error()}
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), nil
}

// v3Exchange checks a v3 request before any I/O and builds its exchange,
// still without a judge.
func (c *Client) v3Exchange(req *Request, out any) (*exchange, error) {
	if req == nil {
		return nil, &FieldError{Field: "request", Reason: "nil", Missing: true}
	}
	method := strings.ToUpper(req.Method)
	if method == "" {
		method = http.MethodGet
	}
	if !httpguts.ValidHeaderFieldName(method) {
		return nil, &FieldError{Field: "method", Reason: "is not an HTTP method token"}
	}
	header, err := c.v3Header(req.Header)
	if err != nil {
		return nil, err
	}
	path, err := expandPath(req.Path, req.PathParams)
	if err != nil {
		return nil, err
	}
	rawQuery := req.RawQuery
	if req.Query != nil {
		rawQuery = encodeQuery(req.Query)
	}
	target := path
	if rawQuery != "" {
		target += "?" + rawQuery
	}
	// A DELETE may carry a JSON body, signed like a POST's (the
	// profit-sharing receiver delete); a GET or HEAD carries none.
	if req.Body != nil && (method == http.MethodGet || method == http.MethodHead) {
		return nil, &FieldError{Field: "body", Reason: method + " requests carry no body"}
	}
	if err := checkOut(out); err != nil {
		return nil, err
	}
	body, err := encodeBody(req.Body)
	if err != nil {
		return nil, err
	}
	if body != nil {
		header["Content-Type"] = contentTypeJSON
	}
	base := c.primary
	if req.Global {
		base = c.global
	}
	retryable := method == http.MethodGet || method == http.MethodHead || req.Idempotent
	return &exchange{c: c, method: method, path: path, target: target, header: header, body: body, retryable: retryable, base: base}, nil
}

// v3Header checks the caller's headers and returns them with the SDK's own:
// User-Agent, Accept and, unless the caller set one, the Wechatpay-Serial
// of the key EncryptSensitive encrypts with.
func (c *Client) v3Header(h http.Header) (http.Header, error) {
	header := make(http.Header, len(h)+4)
	for k, vs := range h {
		if !httpguts.ValidHeaderFieldName(k) {
			return nil, &FieldError{Field: "header", Reason: "a header name is not a token"}
		}
		for _, v := range vs {
			if !httpguts.ValidHeaderFieldValue(v) {
				return nil, &FieldError{Field: "header", Reason: "the value of " + truncate(k, 64) + " has a control character"}
			}
		}
		if len(vs) == 0 {
			continue
		}
		ck := textproto.CanonicalMIMEHeaderKey(k)
		header[ck] = append(header[ck], vs...) // a copy: the caller's arrays stay as they are
	}
	header["User-Agent"] = c.userAgentHeader
	header["Accept"] = acceptJSON
	if h.Get(HeaderSerial) == "" {
		if s, _, err := c.verifier.EncryptionKey(); err == nil {
			header[HeaderSerial] = []string{s}
		}
	}
	return header, nil
}
