package aggracct

import "github.com/gowechatpay/wechatpay/internal/enum"

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

var reductionTypes = enum.Of(ReductionTypeUnknown, ReductionTypeFinancialPenalty, ReductionTypeJudicialDeduction)

// Known reports whether t is a value this version of the SDK knows.
func (t ReductionType) Known() bool { return reductionTypes.Has(t) }

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

var states = enum.Of(StateUnknown, StateProcessing, StateSuccess, StateFailed)

// Known reports whether s is a value this version of the SDK knows.
func (s State) Known() bool { return states.Has(s) }

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

var failReasons = enum.Of(FailReasonUnknown, FailReasonBalanceNotEnough, FailReasonReceiptNotExist,
	FailReasonReceiptNotExistClosed, FailReasonTimeOutClosed)

// Known reports whether r is a value this version of the SDK knows,
// including the alias FailReasonReceiptNotExistClosed.
func (r FailReason) Known() bool { return failReasons.Has(r) }

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

// ReqScene is the request scene (请求场景) of the WeBank-channel APIs, an
// optional field a 2026 community reference added (the official pages of
// 2025-09 do not have it); "" leaves it out. The meanings are read from the
// names only. Values this SDK does not know are sent and decoded as they
// are and report Known() == false.
type ReqScene string

// The request scenes the community reference lists.
const (
	// ReqSceneSJTConvenientSettlementServiceMerchant is an "SJT"
	// convenient-settlement service merchant.
	ReqSceneSJTConvenientSettlementServiceMerchant ReqScene = "SJT_CONVENIENT_SETTLEMENT_SERVICE_MERCHANT"
	// ReqSceneSJTMicroMerchant is an "SJT" micro merchant.
	ReqSceneSJTMicroMerchant ReqScene = "SJT_MICRO_MERCHANT"
	// ReqSceneWxShopConvenientSettlementServiceMerchant is a WeChat Shop
	// (微信小店) convenient-settlement service merchant.
	ReqSceneWxShopConvenientSettlementServiceMerchant ReqScene = "WX_SHOP_CONVENIENT_SETTLEMENT_SERVICE_MERCHANT"
)

var reqScenes = enum.Of(ReqSceneSJTConvenientSettlementServiceMerchant, ReqSceneSJTMicroMerchant,
	ReqSceneWxShopConvenientSettlementServiceMerchant)

// Known reports whether s is a value this version of the SDK knows.
func (s ReqScene) Known() bool { return reqScenes.Has(s) }

// FundRepatriationStrategy is the WeBank funds transfer-back strategy
// (微众资金划回策略) of a punish, an optional field of a 2026 community
// reference only; "" leaves it out. The meanings are read from the names.
type FundRepatriationStrategy string

// The documented strategies.
const (
	// FundRepatriationAllForbidden: no transfer back at all.
	FundRepatriationAllForbidden FundRepatriationStrategy = "ALL_FORBIDDEN"
	// FundRepatriationAllAllowedWhenUnique: every transfer back is allowed
	// when it is unique.
	FundRepatriationAllAllowedWhenUnique FundRepatriationStrategy = "ALL_ALLOWED_WHEN_UNIQUE"
)

var fundStrategies = enum.Of(FundRepatriationAllForbidden, FundRepatriationAllAllowedWhenUnique)

// Known reports whether f is a value this version of the SDK knows.
func (f FundRepatriationStrategy) Known() bool { return fundStrategies.Has(f) }

// ControlType says which kind of control order a number names: a punish
// (管控) or a recover (解管). It is the control_type of QueryControlOrder
// and the control_scene of its answer. Values this SDK does not know decode
// without error and report Known() == false.
type ControlType string

// The documented control types.
const (
	// ControlTypePunish is a punish order (管控), created by Punish.
	ControlTypePunish ControlType = "PUNISH"
	// ControlTypeRecover is a recover order (解管), created by Recover.
	ControlTypeRecover ControlType = "RECOVER"
)

var controlTypes = enum.Of(ControlTypePunish, ControlTypeRecover)

// Known reports whether t is a value this version of the SDK knows.
func (t ControlType) Known() bool { return controlTypes.Has(t) }

// ControlState is the execution state of a punish or recover order
// (punish_state, recover_state). Values this SDK does not know decode
// without error and report Known() == false.
type ControlState string

// The documented execution states.
const (
	// ControlStateExecuting: the order is being executed; query again later.
	ControlStateExecuting ControlState = "EXECUTING"
	// ControlStateSuccess: the order was executed.
	ControlStateSuccess ControlState = "SUCCESS"
	// ControlStateFailed: execution failed; see ErrorCode and ErrorMessage.
	ControlStateFailed ControlState = "FAILED"
)

var controlStates = enum.Of(ControlStateExecuting, ControlStateSuccess, ControlStateFailed)

// Known reports whether s is a value this version of the SDK knows.
func (s ControlState) Known() bool { return controlStates.Has(s) }

// EffectState says whether a punish is in force. "" means absent (the
// punish is still executing). Values this SDK does not know decode without
// error and report Known() == false.
type EffectState string

// The documented effect states.
const (
	// EffectStateActive: the control is in force.
	EffectStateActive EffectState = "ACTIVE"
	// EffectStateRecovered: the control was lifted by a recover.
	EffectStateRecovered EffectState = "RECOVERED"
)

var effectStates = enum.Of(EffectStateActive, EffectStateRecovered)

// Known reports whether s is a value this version of the SDK knows.
func (s EffectState) Known() bool { return effectStates.Has(s) }

// ControlAction is one thing a control disables. Only the values are
// documented; the meanings are read from the names. Values this SDK does
// not know decode without error and report Known() == false.
type ControlAction string

// The documented control actions.
const (
	// ControlActionDisableReceive: the merchant cannot receive payments.
	ControlActionDisableReceive ControlAction = "DISABLE_RECEIVE"
	// ControlActionDisableWithdrawal: the merchant cannot withdraw.
	ControlActionDisableWithdrawal ControlAction = "DISABLE_WITHDRAWAL"
	// ControlActionDisablePay: the merchant cannot pay out.
	ControlActionDisablePay ControlAction = "DISABLE_PAY"
	// ControlActionDisableRefund: the merchant cannot refund.
	ControlActionDisableRefund ControlAction = "DISABLE_REFUND"
	// ControlActionDisableCloseMerchant: the merchant cannot be closed
	// (deregistered).
	ControlActionDisableCloseMerchant ControlAction = "DISABLE_CLOSE_MERCHANT"
)

var controlActions = enum.Of(ControlActionDisableReceive, ControlActionDisableWithdrawal, ControlActionDisablePay,
	ControlActionDisableRefund, ControlActionDisableCloseMerchant)

// Known reports whether a is a value this version of the SDK knows.
func (a ControlAction) Known() bool { return controlActions.Has(a) }

// AuditResult is the outcome of the audit of an info-update request
// (资料更新请求审核结果) that SyncInfoUpdateAuditResult reports.
type AuditResult string

// The documented audit results.
const (
	// AuditResultPass: the audit passed (审核通过).
	AuditResultPass AuditResult = "PASS"
	// AuditResultReject: the audit rejected the request (审核驳回); give
	// FailCode and FailMsg.
	AuditResultReject AuditResult = "REJECT"
)

var auditResults = enum.Of(AuditResultPass, AuditResultReject)

// Known reports whether r is a value this version of the SDK knows.
func (r AuditResult) Known() bool { return auditResults.Has(r) }

// AuditScene is the scene of an audit-result report, an optional field of a
// 2026 community reference only, whose meaning is not documented; "" leaves
// it out. Other values are sent as they are.
type AuditScene string

// The documented audit scenes (meanings not documented).
const (
	// AuditScene01 is scene "01".
	AuditScene01 AuditScene = "01"
	// AuditScene02 is scene "02".
	AuditScene02 AuditScene = "02"
	// AuditScene03 is scene "03".
	AuditScene03 AuditScene = "03"
)

var auditScenes = enum.Of(AuditScene01, AuditScene02, AuditScene03)

// Known reports whether s is a value this version of the SDK knows.
func (s AuditScene) Known() bool { return auditScenes.Has(s) }

// MediaScene is the lookup of QueryMerchantMedia (business_scene). Values
// this SDK does not know are sent as they are and report Known() == false.
type MediaScene string

// The documented lookups.
const (
	// MediaSceneOpenAccount: an image of a 商家通小微+ account opening, by
	// its application number and the image type.
	MediaSceneOpenAccount MediaScene = "SJT_MICRO_PLUS_OPEN_ACCOUNT"
	// MediaSceneUpdateInfo: an image of a 商家通小微+ information update,
	// by its request number and the image type.
	MediaSceneUpdateInfo MediaScene = "SJT_MICRO_PLUS_UPDATE_INFO"
	// MediaSceneGetByMediaID: the image of a media id.
	MediaSceneGetByMediaID MediaScene = "GET_BY_MEDIA_ID"
)

var mediaScenes = enum.Of(MediaSceneOpenAccount, MediaSceneUpdateInfo, MediaSceneGetByMediaID)

// Known reports whether s is a value this version of the SDK knows.
func (s MediaScene) Known() bool { return mediaScenes.Has(s) }

// MediaType is the image a 商家通小微+ lookup of QueryMerchantMedia asks
// for (mch_media_type). Values this SDK does not know are sent as they are
// and report Known() == false.
type MediaType string

// The documented images.
const (
	// MediaTypeIDCardFront is the front of the ID card.
	MediaTypeIDCardFront MediaType = "ID_CARD_FRONT"
	// MediaTypeIDCardBack is the back of the ID card.
	MediaTypeIDCardBack MediaType = "ID_CARD_BACK"
	// MediaTypeStoreFront is the storefront.
	MediaTypeStoreFront MediaType = "STORE_FRONT"
	// MediaTypeStoreInterior is the inside of the store.
	MediaTypeStoreInterior MediaType = "STORE_INTERIOR"
)

var mediaTypes = enum.Of(MediaTypeIDCardFront, MediaTypeIDCardBack, MediaTypeStoreFront, MediaTypeStoreInterior)

// Known reports whether t is a value this version of the SDK knows.
func (t MediaType) Known() bool { return mediaTypes.Has(t) }

// ChangeScene is why ApplyRename renames a channel settlement bank
// account. Values this SDK does not know decode without error and report
// Known() == false.
type ChangeScene string

// ChangeSceneSubjectInfoRename: a rename after the merchant's subject data
// changed, the only documented value.
const ChangeSceneSubjectInfoRename ChangeScene = "SUBJECT_INFO_RENAME"

// Known reports whether s is a value this version of the SDK knows.
func (s ChangeScene) Known() bool { return s == ChangeSceneSubjectInfoRename }

// RenameState is the state of a rename application. Values this SDK does
// not know decode without error and report Known() == false.
type RenameState string

// The documented states.
const (
	// RenameStateProcessing: in progress; query again with QueryRename.
	RenameStateProcessing RenameState = "PROCESSING"
	// RenameStateSuccess: the account is renamed.
	RenameStateSuccess RenameState = "SUCCESS"
	// RenameStateFail: the rename failed; see FailCode and FailMsg.
	RenameStateFail RenameState = "FAIL"
)

var renameStates = enum.Of(RenameStateProcessing, RenameStateSuccess, RenameStateFail)

// Known reports whether s is a value this version of the SDK knows.
func (s RenameState) Known() bool { return renameStates.Has(s) }
