package redpack

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gowechatpay/wechatpay"
)

// ErrUnknownOutcome is matched (errors.Is) by the error of a send whose
// outcome the SDK cannot know: see UnknownOutcomeError.
var ErrUnknownOutcome = errors.New("redpack: outcome of the send unknown")

// UnknownOutcomeError is the error of Send or SendWorkWx when the packet
// may or may not have been sent: a transport failure once the request may
// have left (timeout, connection dropped, body cut short), err_code
// SYSTEMERROR or PROCESSING, an err_code this SDK does not know, an HTTP
// status other than 200, a return_code or result_code that is missing or
// not exactly SUCCESS or FAIL (padded, in another case), or a reply that
// will not parse or whose sign does not verify: anything but a readable,
// documented rejection. Err is the cause.
//
// The send APIs are re-entrant on mch_billno: resending with the same
// MchBillNo and the same parameters sends at most one packet, so it is the
// right reaction (or query the packet with Query or QueryWorkWx first).
// Never resend under a new bill number unless the old one is known to have
// failed: that can pay twice.
type UnknownOutcomeError struct {
	// MchBillNo is the bill number of the send.
	MchBillNo string
	// Err is the cause: a *wechatpay.TransportError, a *wechatpay.APIError,
	// or an error matching wechatpay.ErrMalformedResponse or
	// wechatpay.ErrV2Sign.
	Err error
}

// Error says that the outcome is unknown and what is safe to do.
func (e *UnknownOutcomeError) Error() string {
	return "redpack: outcome of the send of mch_billno " + e.MchBillNo +
		" unknown; resending with the same mch_billno and parameters is safe (at most one packet is sent), or query it; never resend under a new number: " +
		e.Err.Error()
}

// Unwrap returns ErrUnknownOutcome and the cause.
func (e *UnknownOutcomeError) Unwrap() []error { return []error{ErrUnknownOutcome, e.Err} }

// definiteSendCodes are the documented err_code values of the send APIs
// that say what happened to the bill; SYSTEMERROR and PROCESSING, and any
// code not listed, leave the outcome unknown.
var definiteSendCodes = map[string]bool{
	"SEND_FAILED": true, "FATAL_ERROR": true, "NOTENOUGH": true, "MONEY_LIMIT": true,
	"SENDNUM_LIMIT": true, "FREQ_LIMIT": true, "SECOND_OVER_LIMITED": true,
	"DAY_OVER_LIMITED": true, "DAY_ OVER_LIMITED": true, "NO_AUTH": true,
	"ILLEGAL_APPID": true, "OPENID_ERROR": true, "CA_ERROR": true, "SIGN_ERROR": true,
	"XML_ERROR": true, "PARAM_ERROR": true, "NO_CONSUME_COMPETENCE": true,
}

// sent settles the outcome of a send of billNo: an error that leaves it
// unknown becomes an *UnknownOutcomeError, and so does a success that
// echoes another bill number.
func sent(out *SendResult, err error, billNo string) (*SendResult, error) {
	if err != nil {
		return nil, sendError(billNo, err)
	}
	if out.MchBillNo != "" && out.MchBillNo != billNo {
		err = fmt.Errorf("redpack: %w: the reply is for another mch_billno", wechatpay.ErrMalformedResponse)
		return nil, &UnknownOutcomeError{MchBillNo: billNo, Err: err}
	}
	return out, nil
}

// sendError classifies the error of a send: a rejection before any I/O (a
// *wechatpay.FieldError, a limiter's error) and a readable, documented
// rejection (see definite) come back as they are; everything else is an
// *UnknownOutcomeError.
func sendError(billNo string, err error) error {
	var fe *wechatpay.FieldError
	var ns *notSentError
	if errors.As(err, &fe) || errors.As(err, &ns) {
		return err
	}
	var apiErr *wechatpay.APIError
	if errors.As(err, &apiErr) && definite(apiErr) {
		return err
	}
	return &UnknownOutcomeError{MchBillNo: billNo, Err: err}
}

// definite reports whether a send's *wechatpay.APIError says what
// happened to the bill: an HTTP 200 reply whose return_code is exactly
// FAIL (the request was not accepted), or whose result_code is exactly
// FAIL with a documented err_code. A reply whose return_code is missing,
// padded or in another case never gets here: it is
// wechatpay.ErrMalformedResponse.
func definite(e *wechatpay.APIError) bool {
	if e.StatusCode != http.StatusOK {
		return false
	}
	return e.ReturnCode == "FAIL" ||
		e.ReturnCode == "SUCCESS" && e.ResultCode == "FAIL" && definiteSendCodes[e.ErrCode]
}
