package wechatpaytest

import (
	"strconv"
	"time"
)

// FaultKind is a way the emulator misbehaves on purpose.
type FaultKind int

const (
	// FaultDelay sleeps Fault.Delay (or until the client gives up), then
	// answers normally.
	FaultDelay FaultKind = iota + 1
	// FaultSystemError answers 500 SYSTEM_ERROR; on v2, return_code
	// SUCCESS, result_code FAIL, err_code SYSTEMERROR.
	FaultSystemError
	// FaultRateLimited answers 429 FREQUENCY_LIMITED; on v2, result_code
	// FAIL, err_code FREQ_LIMIT (HTTP 200, as WeChat Pay does).
	FaultRateLimited
	// FaultDropConnection closes the connection without answering.
	FaultDropConnection
	// FaultTamperedBody signs the answer, then alters one byte of its
	// body; on v2 the reply sign no longer matches. Like the other
	// answer-signing faults (FaultProbeSignature, FaultStaleTimestamp) it
	// is used up only by an answer the emulator signs: a v3 answer other
	// than 401 SIGN_ERROR, or a v2 reply with return_code and result_code
	// SUCCESS. A request answered unsigned (401, CA_ERROR, a bad sign, a
	// v2 NOT_FOUND, ...) leaves it armed for the next one. On a v2 route
	// whose replies are unsigned (V2Route.UnsignedReply: sendredpack,
	// gethbinfo) it applies to a SUCCESS reply by signing it, then altering
	// it, so the reply carries a sign that does not verify.
	FaultTamperedBody
	// FaultProbeSignature answers with a signature probe,
	// "WECHATPAY/SIGNTEST/" followed by a signature; on v2 (which has no
	// probes) the reply carries a wrong sign. It is used up like
	// FaultTamperedBody.
	FaultProbeSignature
	// FaultStaleTimestamp signs the answer with a timestamp 10 minutes
	// old. It is used up like FaultTamperedBody, by v3 answers only: v2
	// replies carry no timestamp, so it does not match v2 requests.
	FaultStaleTimestamp
	// FaultAPIError answers any documented error: Fault.Status with the
	// v3 code Fault.Code, e.g. 403 NO_AUTH; on v2, result_code FAIL with
	// err_code Fault.Code (HTTP 200, as WeChat Pay does).
	FaultAPIError
	// FaultDropAfterHandling handles the request as usual (its effects,
	// such as a red packet sent, stand), then closes the connection
	// without answering, on v3 and v2 routes alike: the client cannot know
	// the outcome. Like FaultDropConnection, which drops before handling,
	// it is used up by every request it matches.
	FaultDropAfterHandling
)

// signsAnswer reports whether k acts on the signature of an answer (and is
// therefore used up only by a signed answer) rather than before the
// request is handled.
func (k FaultKind) signsAnswer() bool {
	return k == FaultTamperedBody || k == FaultProbeSignature || k == FaultStaleTimestamp
}

// faultNames are the kinds' names, as String returns them.
var faultNames = [...]string{FaultDelay: "delay", FaultSystemError: "system-error", FaultRateLimited: "rate-limited",
	FaultDropConnection: "drop-connection", FaultTamperedBody: "tampered-body", FaultProbeSignature: "probe-signature",
	FaultStaleTimestamp: "stale-timestamp", FaultAPIError: "api-error", FaultDropAfterHandling: "drop-after-handling"}

// String returns the kind's name.
func (k FaultKind) String() string {
	if k > 0 && int(k) < len(faultNames) {
		return faultNames[k]
	}
	return "unknown-fault"
}

// Fault makes the emulator misbehave for the requests it matches, to test a
// merchant's error paths.
type Fault struct {
	// API is the route the fault applies to, by its pattern exactly as
	// registered: an API constant for a built-in API, the pattern given
	// to HandleV3 ("POST " + path for HandleV2), or APIAny for all.
	API API
	// Kind is what goes wrong.
	Kind FaultKind
	// Count is the number of matching requests affected; 0 means every
	// one until ClearFaults.
	Count int
	// Delay is the delay of FaultDelay.
	Delay time.Duration
	// Status is the HTTP status of a v3 FaultAPIError answer: 400 to 599,
	// or 0 for 400. It is unused on v2 (HTTP 200) and by the other kinds.
	Status int
	// Code is the error code of FaultAPIError (v3 code, v2 err_code),
	// e.g. NO_AUTH; it is required.
	Code string
	// Message is the message of FaultAPIError (v3 message, v2
	// err_code_des), "fault" when empty.
	Message string
}

// InjectFault arms a fault. When several faults match a request, the one
// injected first applies, alone; each request of an API (retries included)
// that it applies to uses up one count. The faults that alter a signed
// answer (see FaultTamperedBody) apply to signed answers only: a request
// answered unsigned uses up none of them, and meanwhile the faults injected
// after them do not apply either. Like httptest, InjectFault panics on a
// fault that cannot be answered: a FaultAPIError with no Code, or with a
// Status other than 0 or 400 to 599.
func (s *Server) InjectFault(f Fault) {
	if f.Kind == FaultAPIError {
		if f.Code == "" {
			panic("wechatpaytest: InjectFault: FaultAPIError needs a Code, such as NO_AUTH")
		}
		if f.Status != 0 && (f.Status < 400 || f.Status > 599) {
			panic("wechatpaytest: InjectFault: FaultAPIError Status " + strconv.Itoa(f.Status) + " is not an error status (400 to 599, or 0 for 400)")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// aims reports whether f applies to requests of the route pattern.
func (f *Fault) aims(pattern string) bool {
	return f.API == APIAny || string(f.API) == pattern
}

// takeFault returns the fault that applies to a request of pattern (a v2 one
// when v2 is set), using up one of its counts, or nil. The first fault that
// matches the request decides: it is taken when it is of the stage asked for
// (signing set: a fault that acts on a signed answer; unset: one that acts
// before the request is handled), else nothing is. serveRoute asks for the
// early stage when a request arrives and, when that gave nothing, for the
// signing stage once it has an answer to sign, so a signing fault is used
// up only by an answer it alters.
func (s *Server) takeFault(pattern string, v2, signing bool) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if !f.aims(pattern) || v2 && f.Kind == FaultStaleTimestamp {
			continue
		}
		if f.Kind.signsAnswer() != signing {
			return nil
		}
		got := *f
		if f.Count > 0 {
			f.Count--
			if f.Count == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return &got
	}
	return nil
}
