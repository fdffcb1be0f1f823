package aggracct

// ReductionType is the kind of a special reduction (特殊减额类型). It is
// present only when State is StateSuccess; "" means absent. Values this SDK
// does not know decode without error and report Known() == false.
type ReductionType string

// The documented reduction types.
const (
	// ReductionTypeUnknown is WeChat Pay's own "unknown" value (official
	// page only): the type was not determined.
	ReductionTypeUnknown ReductionType = "REDUCTION_TYPE_UNKNOWN"
	// ReductionTypeFinancialPenalty is a financial penalty (金融惩戒).
	ReductionTypeFinancialPenalty ReductionType = "FINANCIAL_PENALTY"
	// ReductionTypeJudicialDeduction is a judicial deduction (司法扣划).
	ReductionTypeJudicialDeduction ReductionType = "JUDICIAL_DEDUCTION"
)

// Known reports whether t is a value this version of the SDK knows.
func (t ReductionType) Known() bool {
	switch t {
	case ReductionTypeUnknown, ReductionTypeFinancialPenalty, ReductionTypeJudicialDeduction:
		return true
	}
	return false
}

// State is the processing state of a special reduction. Values this SDK does
// not know decode without error and report Known() == false.
type State string

// The documented states.
const (
	// StateUnknown is WeChat Pay's own "unknown" value (official page only).
	StateUnknown State = "STATE_UNKNOWN"
	// StateProcessing means the reduction is in progress: query again later.
	StateProcessing State = "PROCESSING"
	// StateSuccess means the reduction is done.
	StateSuccess State = "SUCCESS"
	// StateFailed means the reduction failed; see FailReason.
	StateFailed State = "FAILED"
)

// Known reports whether s is a value this version of the SDK knows.
func (s State) Known() bool {
	switch s {
	case StateUnknown, StateProcessing, StateSuccess, StateFailed:
		return true
	}
	return false
}

// FailReason says why a special reduction failed. It is present only when
// State is StateFailed; "" means absent. Values this SDK does not know decode
// without error and report Known() == false.
type FailReason string

// The documented failure reasons.
const (
	// FailReasonUnknown is WeChat Pay's own "unknown" value (official page
	// only).
	FailReasonUnknown FailReason = "FAIL_REASON_UNKNOWN"
	// FailReasonBalanceNotEnough: the balance is insufficient.
	FailReasonBalanceNotEnough FailReason = "BALANCE_NOT_ENOUGH"
	// FailReasonReceiptNotExist: the bill does not exist and the order was
	// closed (单据不存在,已关单). This is the value of the official page.
	FailReasonReceiptNotExist FailReason = "RECEIPT_NOT_EXIST"
	// FailReasonReceiptNotExistClosed is an alias of
	// FailReasonReceiptNotExist seen in a community reference only. It is
	// Known, and Canonical maps it to FailReasonReceiptNotExist: compare
	// r.Canonical() == FailReasonReceiptNotExist to match both spellings.
	FailReasonReceiptNotExistClosed FailReason = "RECEIPT_NOT_EXIST_CLOSED"
	// FailReasonTimeOutClosed: a system error, processing timed out and the
	// order was closed.
	FailReasonTimeOutClosed FailReason = "TIME_OUT_CLOSED"
)

// Known reports whether r is a value this version of the SDK knows,
// including the alias FailReasonReceiptNotExistClosed.
func (r FailReason) Known() bool {
	switch r {
	case FailReasonUnknown, FailReasonBalanceNotEnough, FailReasonReceiptNotExist,
		FailReasonReceiptNotExistClosed, FailReasonTimeOutClosed:
		return true
	}
	return false
}

// Canonical returns the documented spelling of r: the alias
// FailReasonReceiptNotExistClosed becomes FailReasonReceiptNotExist, and
// every other value, known or not, is returned unchanged.
func (r FailReason) Canonical() FailReason {
	if r == FailReasonReceiptNotExistClosed {
		return FailReasonReceiptNotExist
	}
	return r
}

// PunishScene is the id of a control scene (管控场景) that WeBank registered
// beforehand in the control system. No values are published; scene ids are
// positive integers (the documented example uses 1).
type PunishScene int64
