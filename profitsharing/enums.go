package profitsharing

import "github.com/gowechatpay/wechatpay/internal/enum"

// State is the state of a profit-sharing order; the outcome of each receiver
// is in Receiver.Result. Values this SDK does not know decode without error
// and report Known() == false.
type State string

// The documented order states.
const (
	// StateProcessing: the distribution is in progress.
	StateProcessing State = "PROCESSING"
	// StateFinished: the distribution is done.
	StateFinished State = "FINISHED"
)

var states = enum.Of(StateProcessing, StateFinished)

// Known reports whether s is a value this version of the SDK knows.
func (s State) Known() bool { return states.Has(s) }

// ReceiverType is the kind of account that receives a share.
type ReceiverType string

// The documented receiver types.
const (
	// ReceiverTypeMerchantID: a merchant id.
	ReceiverTypeMerchantID ReceiverType = "MERCHANT_ID"
	// ReceiverTypePersonalOpenID: an openid under the merchant's appid.
	ReceiverTypePersonalOpenID ReceiverType = "PERSONAL_OPENID"
	// ReceiverTypePersonalSubOpenID: an openid under the sub-merchant's
	// appid.
	ReceiverTypePersonalSubOpenID ReceiverType = "PERSONAL_SUB_OPENID"
)

var receiverTypes = enum.Of(ReceiverTypeMerchantID, ReceiverTypePersonalOpenID, ReceiverTypePersonalSubOpenID)

// Known reports whether t is a value this version of the SDK knows.
func (t ReceiverType) Known() bool { return receiverTypes.Has(t) }

// Result is the outcome of one distribution detail.
type Result string

// The documented detail results.
const (
	// ResultPending: waiting to be distributed.
	ResultPending Result = "PENDING"
	// ResultSuccess: distributed.
	ResultSuccess Result = "SUCCESS"
	// ResultClosed: closed; see Receiver.FailReason.
	ResultClosed Result = "CLOSED"
)

var results = enum.Of(ResultPending, ResultSuccess, ResultClosed)

// Known reports whether r is a value this version of the SDK knows.
func (r Result) Known() bool { return results.Has(r) }

// FailReason says why a detail was closed; "" means absent (it is present
// only when Result is ResultClosed).
type FailReason string

// The documented failure reasons.
const (
	// FailReasonNoRelation: the distribution relationship was removed.
	FailReasonNoRelation FailReason = "NO_RELATION"
	// FailReasonSubMerchantFronen: the sub-merchant account is frozen. The
	// spelling is WeChat Pay's; a corrected SUB_MERCHANT_FROZEN would still
	// decode, as an unknown value.
	FailReasonSubMerchantFronen FailReason = "SUB_MERCHANT_FRONEN"
	// FailReasonMchContractSettleOff: the merchant's settlement contract is
	// closed.
	FailReasonMchContractSettleOff FailReason = "MCH_CONTRACT_SETTLE_OFF"
	// FailReasonMchContractFrozen: the merchant's settlement contract is
	// frozen.
	FailReasonMchContractFrozen FailReason = "MCH_CONTRACT_FROZEN"
	// FailReasonAccountAbnormal: the receiver account is abnormal.
	FailReasonAccountAbnormal FailReason = "ACCOUNT_ABNORMAL"
	// FailReasonReceiverHighRisk: the receiver is high risk.
	FailReasonReceiverHighRisk FailReason = "RECEIVER_HIGH_RISK"
	// FailReasonReceiverRealNameNotVerified: the receiver has not completed
	// real-name verification.
	FailReasonReceiverRealNameNotVerified FailReason = "RECEIVER_REAL_NAME_NOT_VERIFIED"
	// FailReasonNoAuth: the distribution permission was revoked.
	FailReasonNoAuth FailReason = "NO_AUTH"
	// FailReasonDefaultError: another error.
	FailReasonDefaultError FailReason = "DEFAULT_ERROR"
)

var failReasons = enum.Of(FailReasonNoRelation, FailReasonSubMerchantFronen, FailReasonMchContractSettleOff,
	FailReasonMchContractFrozen, FailReasonAccountAbnormal, FailReasonReceiverHighRisk,
	FailReasonReceiverRealNameNotVerified, FailReasonNoAuth, FailReasonDefaultError)

// Known reports whether r is a value this version of the SDK knows.
func (r FailReason) Known() bool { return failReasons.Has(r) }

// DetailType distinguishes a distribution to another receiver from the
// return of the remaining funds to the sponsor.
type DetailType string

// The documented detail types.
const (
	// DetailTypeDistributeToOthers: funds distributed to another receiver.
	DetailTypeDistributeToOthers DetailType = "DISTRIBUTE_TO_OTHERS"
	// DetailTypeUnfreezeToSponsor: the remaining funds unfrozen back to the
	// sponsor; only these details carry settlement currency, amount and
	// rate.
	DetailTypeUnfreezeToSponsor DetailType = "UNFREEZE_TO_SPONSOR"
)

var detailTypes = enum.Of(DetailTypeDistributeToOthers, DetailTypeUnfreezeToSponsor)

// Known reports whether t is a value this version of the SDK knows.
func (t DetailType) Known() bool { return detailTypes.Has(t) }

// RelationType is the relationship of a receiver with the distributing
// merchant (AddReceiver).
type RelationType string

// The documented relationship types.
const (
	// RelationTypeSupplier: a supplier.
	RelationTypeSupplier RelationType = "SUPPLIER"
	// RelationTypeDistributor: a distributor.
	RelationTypeDistributor RelationType = "DISTRIBUTOR"
	// RelationTypeTaxServiceProvider: a tax service provider.
	RelationTypeTaxServiceProvider RelationType = "TAX_SERVICE_PROVIDER"
	// RelationTypeITServiceProvider: an IT service provider.
	RelationTypeITServiceProvider RelationType = "IT_SERVICE_PROVIDER"
	// RelationTypeCustom: a custom relationship, described by
	// CustomRelation.
	RelationTypeCustom RelationType = "CUSTOM"
)

var relationTypes = enum.Of(RelationTypeSupplier, RelationTypeDistributor, RelationTypeTaxServiceProvider,
	RelationTypeITServiceProvider, RelationTypeCustom)

// Known reports whether t is a value this version of the SDK knows.
func (t RelationType) Known() bool { return relationTypes.Has(t) }

// ReceiverState is the audit state of a receiver relationship. The name of
// the failed state is not documented: treat a non-empty
// ReceiverRelation.FailReason as a failure.
type ReceiverState string

// The documented receiver states.
const (
	// ReceiverStateInit: added, awaiting WeChat Pay's audit.
	ReceiverStateInit ReceiverState = "INIT"
	// ReceiverStateEffective: approved; CreateOrder may pay the receiver.
	ReceiverStateEffective ReceiverState = "EFFECTIVE"
)

var receiverStates = enum.Of(ReceiverStateInit, ReceiverStateEffective)

// Known reports whether s is a value this version of the SDK knows.
func (s ReceiverState) Known() bool { return receiverStates.Has(s) }
