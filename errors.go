package wechatpay

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// ErrInvalidSignature is matched by every signature-verification failure of a
// response or callback: the body that failed is discarded, never decoded.
// The narrower sentinels below say which check failed; each of them also
// matches ErrInvalidSignature with errors.Is.
var ErrInvalidSignature = errors.New("wechatpay: invalid signature")

// The verification sentinels, one per rule that Verifier.Verify applies, in
// its order.
var (
	// ErrMissingHeader: a Wechatpay-Timestamp, -Nonce, -Signature or -Serial
	// header is absent or empty.
	ErrMissingHeader = errors.New("wechatpay: missing signature header")
	// ErrMalformedTimestamp: Wechatpay-Timestamp is not a decimal integer.
	ErrMalformedTimestamp = errors.New("wechatpay: malformed signature timestamp")
	// ErrStaleTimestamp: Wechatpay-Timestamp is more than five minutes away
	// from the client's clock, in either direction.
	ErrStaleTimestamp = errors.New("wechatpay: signature timestamp outside the 5-minute window")
	// ErrSignatureProbe: the signature starts with WECHATPAY/SIGNTEST/, a
	// deliberate test by WeChat Pay that merchants must reject.
	ErrSignatureProbe = errors.New("wechatpay: signature probe (WECHATPAY/SIGNTEST/) rejected")
	// ErrUnknownSerial: Wechatpay-Serial names no key the client holds.
	ErrUnknownSerial = errors.New("wechatpay: unknown Wechatpay-Serial")
	// ErrMalformedSignature: Wechatpay-Signature is not standard base64.
	ErrMalformedSignature = errors.New("wechatpay: malformed signature")
	// ErrBadSignature: the RSA signature does not verify over the message.
	ErrBadSignature = errors.New("wechatpay: signature does not verify")
)

// Sentinels for input and protocol failures outside signature checks.
var (
	// ErrInvalidInput is matched by every error that rejects a caller's input
	// before any network I/O (see FieldError).
	ErrInvalidInput = errors.New("wechatpay: invalid input")
	// ErrMissingField is matched when a required field is empty; it also
	// matches ErrInvalidInput.
	ErrMissingField = errors.New("wechatpay: missing required field")
	// ErrInvalidConfig is matched by every construction error of NewClient.
	ErrInvalidConfig = errors.New("wechatpay: invalid configuration")
	// ErrResponseTooLarge: the response body exceeds the client's limit. The
	// body is not cut short and handed on: the call fails.
	ErrResponseTooLarge = errors.New("wechatpay: response body exceeds the size limit")
	// ErrDecrypt: a sensitive field or callback resource did not decrypt.
	ErrDecrypt = errors.New("wechatpay: decryption failed")
	// ErrV2Sign: an APIv2 reply carries a sign that does not verify, or a
	// successful reply carries none. Its data is not trusted.
	ErrV2Sign = errors.New("wechatpay: v2 reply sign invalid or missing")
	// ErrMalformedResponse: a verified response body could not be decoded.
	ErrMalformedResponse = errors.New("wechatpay: malformed response body")
	// ErrNoWechatpayKey: the client has no WeChat Pay key for encryption.
	ErrNoWechatpayKey = errors.New("wechatpay: no WeChat Pay public key or platform certificate configured")
)

// verifyError is a signature failure: it matches its specific sentinel and
// ErrInvalidSignature, and keeps the Request-ID for support tickets.
type verifyError struct {
	kind      error
	detail    string
	requestID string
}

func (e *verifyError) Error() string {
	s := e.kind.Error()
	if e.detail != "" {
		s += ": " + e.detail // built by the verifier, peer values already cut (unknownSerialDetail)
	}
	return s + requestIDNote(e.requestID)
}

func (e *verifyError) Unwrap() []error { return []error{e.kind, ErrInvalidSignature} }

// RequestID returns the Request-ID of the response that failed verification.
func (e *verifyError) RequestID() string { return peerID(e.requestID) }

// FieldError rejects one field of a caller's input before any I/O. It matches
// ErrInvalidInput, and ErrMissingField when the field was required and empty.
type FieldError struct {
	// Field is the wire name of the field, e.g. "out_request_no", with
	// the path into nested fields ("receivers[0].amount").
	Field string
	// GoField is the Go name of the field when the error comes from a
	// typed request's Validate ("Receivers[0].Amount"); "" otherwise.
	GoField string
	// Reason says what is wrong, without echoing the value.
	Reason string
	// Missing is true when a required field was empty.
	Missing bool
}

// Error implements error.
func (e *FieldError) Error() string {
	if e.GoField != "" && e.GoField != e.Field {
		return "wechatpay: invalid " + e.GoField + " (" + e.Field + "): " + e.Reason
	}
	return "wechatpay: invalid " + e.Field + ": " + e.Reason
}

// Unwrap makes errors.Is match ErrInvalidInput and, for a missing field,
// ErrMissingField.
func (e *FieldError) Unwrap() []error {
	if e.Missing {
		return []error{ErrMissingField, ErrInvalidInput}
	}
	return []error{ErrInvalidInput}
}

// nilContextError refuses a nil context.Context, before any I/O.
func nilContextError() *FieldError {
	return &FieldError{Field: "ctx", Reason: "nil context.Context (use context.Background())", Missing: true}
}

// nilClientError refuses a call on a nil *Client, or on a zero Client{}
// that NewClient did not build, before anything reads it, as the domain
// services refuse a nil client.
func nilClientError() *FieldError {
	return &FieldError{Field: "client", Reason: "nil *wechatpay.Client, or one not built by NewClient", Missing: true}
}

// APIError is an answer of WeChat Pay that reports a failure: a v3 response
// with a 4xx/5xx status, or a v2 reply whose return_code or result_code is
// FAIL. Match it with errors.As through any wrapping.
type APIError struct {
	// StatusCode is the HTTP status (v2 failures usually come with 200).
	StatusCode int
	// Code is the v3 machine-readable code (PARAM_ERROR, SIGN_ERROR, ...);
	// for v2 it is "FAIL" for a return_code failure or the err_code.
	Code string
	// Message is the human-readable text (v3 message, v2 return_msg or
	// err_code_des); it varies for one code, so never branch on it.
	Message string
	// Detail is the raw v3 "detail" object, if any; its shape is free-form.
	Detail json.RawMessage
	// RequestID is WeChat Pay's Request-ID header; quote it to support.
	RequestID string
	// ErrCode is the v2 err_code (stable, for machines).
	ErrCode string
	// ErrCodeDes is the v2 err_code_des (for humans).
	ErrCodeDes string
	// ReturnCode is the v2 return_code: FAIL is a communication failure.
	ReturnCode string
	// ResultCode is the v2 result_code: FAIL is a business failure.
	ResultCode string

	// signDiffs says, for a 401 SIGN_ERROR, where the message the SDK
	// signed and the one WeChat Pay verified differ (signerror.go).
	signDiffs []SignDifference
}

// Error implements error.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("wechatpay: ")
	code := e.Code
	switch {
	case e.ResultCode != "":
		// A v2 business failure comes with HTTP 200: say what failed.
		b.WriteString("v2 result_code " + e.ResultCode + ": ")
	case e.ReturnCode != "":
		b.WriteString("v2 return_code " + e.ReturnCode)
		if code == "FAIL" {
			code = "" // the return_code said it
		} else if code != "" {
			b.WriteString(": ")
		}
	case e.StatusCode != 0:
		b.WriteString("HTTP " + strconv.Itoa(e.StatusCode) + " ")
	}
	b.WriteString(code)
	if e.ErrCode != "" && e.ErrCode != e.Code {
		b.WriteString(" err_code=" + e.ErrCode)
	}
	msg := e.Message
	if msg == "" {
		msg = e.ErrCodeDes
	}
	if msg != "" {
		b.WriteString(": " + msg)
	}
	if e.RequestID != "" {
		b.WriteString(" (Request-ID " + e.RequestID + ")")
	}
	sep := ": "
	for _, d := range e.signDiffs {
		b.WriteString(sep + d.Text)
		sep = "; "
	}
	return b.String()
}

// Temporary reports whether repeating the same request later may succeed:
// 429, 5xx, and the v2 err_code SYSTEMERROR and FREQ_LIMIT.
func (e *APIError) Temporary() bool {
	return e.StatusCode == 429 || e.StatusCode >= 500 || e.ErrCode == "SYSTEMERROR" || e.ErrCode == "FREQ_LIMIT"
}
