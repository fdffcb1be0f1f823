package wechatpaytest

import "time"

// API names one emulated endpoint, to aim a Fault at it.
type API string

// The APIs faults can target.
const (
	// APIAny matches every API.
	APIAny API = ""
	// APISpecialReduction is GET /v3/aggracct-bc/wb-channel/special-reduction/{out_request_no}.
	APISpecialReduction API = "special-reduction"
	// APIPunish is POST /v3/aggracct-bc/wb-channel/control-orders/punish.
	APIPunish API = "punish"
	// APIProfitSharing is GET /v3/global/profit-sharing/orders/{out_order_no}.
	APIProfitSharing API = "profit-sharing"
	// APIRedPacket is POST /mmpaymkttransfers/queryworkwxredpack (v2).
	APIRedPacket API = "redpack"
	// APICertificates is GET /v3/certificates.
	APICertificates API = "certificates"
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
	// body; on v2 the reply sign no longer matches.
	FaultTamperedBody
	// FaultProbeSignature answers with a signature probe,
	// "WECHATPAY/SIGNTEST/" followed by a signature; on v2 (which has no
	// probes) the reply carries a wrong sign.
	FaultProbeSignature
	// FaultStaleTimestamp signs the answer with a timestamp 10 minutes
	// old; v2 answers, which carry no timestamp, are unaffected.
	FaultStaleTimestamp
	// FaultAPIError answers any documented error: Fault.Status with the
	// v3 code Fault.Code, e.g. 403 NO_AUTH; on v2, result_code FAIL with
	// err_code Fault.Code (HTTP 200, as WeChat Pay does).
	FaultAPIError
)

// String returns the kind's name.
func (k FaultKind) String() string {
	switch k {
	case FaultDelay:
		return "delay"
	case FaultSystemError:
		return "system-error"
	case FaultRateLimited:
		return "rate-limited"
	case FaultDropConnection:
		return "drop-connection"
	case FaultTamperedBody:
		return "tampered-body"
	case FaultProbeSignature:
		return "probe-signature"
	case FaultStaleTimestamp:
		return "stale-timestamp"
	case FaultAPIError:
		return "api-error"
	}
	return "unknown-fault"
}

// Fault makes the emulator misbehave for the requests it matches, to test a
// merchant's error paths.
type Fault struct {
	// API is the API the fault applies to; APIAny for all.
	API API
	// Kind is what goes wrong.
	Kind FaultKind
	// Count is the number of matching requests affected; 0 means every
	// one until ClearFaults.
	Count int
	// Delay is the delay of FaultDelay.
	Delay time.Duration
	// Status and Code are the answer of FaultAPIError (Status is unused
	// on v2); Message is its message, "fault" when empty.
	Status  int
	Code    string
	Message string
}

// InjectFault arms a fault. When several faults match a request, the one
// injected first applies; each request of an API (retries included) uses up
// one count.
func (s *Server) InjectFault(f Fault) {
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

// takeFault returns the fault that applies to a request of api, using up
// one of its counts, or nil.
func (s *Server) takeFault(api API) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.API != APIAny && f.API != api {
			continue
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
