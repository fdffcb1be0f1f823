package transfer

import "github.com/gowechatpay/wechatpay/internal/enum"

// BillState is the state of a transfer bill. Values this SDK does not know
// decode without error and report Known() == false.
type BillState string

// The documented bill states; SUCCESS, FAIL and CANCELLED are terminal.
const (
	// BillAccepted: accepted; retrying with the same number is safe.
	BillAccepted BillState = "ACCEPTED"
	// BillProcessing: funds are being locked; if it stays here, top up the
	// balance and retry the same number.
	BillProcessing BillState = "PROCESSING"
	// BillWaitUserConfirm: funds locked, waiting for the user (F1).
	BillWaitUserConfirm BillState = "WAIT_USER_CONFIRM"
	// BillTransfering: transfer in progress (the wire spelling, one R).
	BillTransfering BillState = "TRANSFERING"
	// BillSuccess: transferred (terminal).
	BillSuccess BillState = "SUCCESS"
	// BillFail: failed, see FailReason (terminal); pay again only under a
	// new out_bill_no.
	BillFail BillState = "FAIL"
	// BillCanceling: the merchant's cancel was accepted; query for the
	// outcome.
	BillCanceling BillState = "CANCELING"
	// BillCancelled: cancelled (terminal).
	BillCancelled BillState = "CANCELLED"
)

var billStates = enum.Of(BillAccepted, BillProcessing, BillWaitUserConfirm, BillTransfering,
	BillSuccess, BillFail, BillCanceling, BillCancelled)

// Known reports whether s is a value this version of the SDK knows.
func (s BillState) Known() bool { return billStates.Has(s) }

// Terminal reports whether s is SUCCESS, FAIL or CANCELLED.
func (s BillState) Terminal() bool { return s == BillSuccess || s == BillFail || s == BillCancelled }

// FailReason says why a bill failed or its money went back; "" means
// absent. The official list gives meanings up to TRANSFER_QUOTA_EXCEED; the
// others are known by name only (Unconfirmed). Values this SDK does not
// know decode without error and report Known() == false.
type FailReason string

// The documented failure reasons most merchants handle; see Known for the
// whole list of the reference.
const (
	// FailAccountFrozen: the user's account is frozen.
	FailAccountFrozen FailReason = "ACCOUNT_FROZEN"
	// FailAccountNotExist: the user's account does not exist.
	FailAccountNotExist FailReason = "ACCOUNT_NOT_EXIST"
	// FailNameNotCorrect: the receiver's real name did not match.
	FailNameNotCorrect FailReason = "NAME_NOT_CORRECT"
	// FailOpenIDInvalid: the openid is malformed or not under the appid.
	FailOpenIDInvalid FailReason = "OPENID_INVALID"
	// FailOverdueClose: not confirmed within the system's period (24 h);
	// closed by WeChat Pay (the bill is FAIL, not CANCELLED).
	FailOverdueClose FailReason = "OVERDUE_CLOSE"
	// FailMchCancel: cancelled by the merchant (CancelBill). That a
	// CANCELLED bill carries it is Unconfirmed.
	FailMchCancel FailReason = "MCH_CANCEL"
	// FailOther: another reason.
	FailOther FailReason = "OTHER_FAIL_REASON_TYPE"
)

var failReasons = enum.Of(FailAccountFrozen, FailAccountNotExist, "BANK_CARD_ACCOUNT_ABNORMAL",
	"BANK_CARD_BANK_INFO_WRONG", "BANK_CARD_CARD_INFO_WRONG", "BANK_CARD_COLLECTIONS_ABOVE_QUOTA",
	"BANK_CARD_PARAM_ERROR", "BANK_CARD_STATUS_ABNORMAL", "BLOCK_B2C_USERLIMITAMOUNT_BSRULE_MONTH",
	"BLOCK_B2C_USERLIMITAMOUNT_MONTH", "DAY_RECEIVED_COUNT_EXCEED", "DAY_RECEIVED_QUOTA_EXCEED",
	"EXCEEDED_ESTIMATED_AMOUNT", "ID_CARD_NOT_CORRECT", FailMchCancel, "MERCHANT_REJECT",
	"MERCHANT_NOT_CONFIRM", FailNameNotCorrect, FailOpenIDInvalid, FailOther, FailOverdueClose,
	"PAYEE_ACCOUNT_ABNORMAL", "PAYER_ACCOUNT_ABNORMAL", "PRODUCT_AUTH_CHECK_FAIL",
	"REALNAME_ACCOUNT_RECEIVED_QUOTA_EXCEED", "REAL_NAME_CHECK_FAIL", "RECEIVE_ACCOUNT_NOT_CONFIGURE",
	"RESERVATION_INFO_NOT_MATCH", "RESERVATION_SCENE_NOT_MATCH", "RESERVATION_STATE_INVALID",
	"TRANSFER_QUOTA_EXCEED", "TRANSFER_REMARK_SET_FAIL", "TRANSFER_RISK", "TRANSFER_SCENE_INVALID",
	"TRANSFER_SCENE_UNAVAILABLE", "RELATED_ORDER_TRANSFER_AMOUNT_EXCEED",
	"RELATED_ORDER_TRANSFER_COUNT_EXCEED", "BUDGET_NOT_ENOUGH")

// Known reports whether r is a value of the reference's list.
func (r FailReason) Known() bool { return failReasons.Has(r) }

// SceneID is a transfer scene (transfer_scene_id). Only scenes granted to
// the merchant in the merchant platform may be used. Any string is sent;
// the constants are the eight scenes whose report items are validated.
type SceneID string

// The scenes whose report items the reference lists. Only scene 1000 is
// official in full; the labels of the others come from a community
// reference (Unconfirmed).
const (
	// SceneCashMarketing is 现金营销: 活动名称, 奖励说明.
	SceneCashMarketing SceneID = "1000"
	// SceneAdminSubsidy is 行政补贴: 补贴类型.
	SceneAdminSubsidy SceneID = "1002"
	// SceneInsuranceClaim is 保险理赔: 保险产品备案编号, 保险名称, 保险操作单号.
	SceneInsuranceClaim SceneID = "1004"
	// SceneCommission is 佣金报酬: 岗位类型, 报酬说明.
	SceneCommission SceneID = "1005"
	// ScenePurchase is 采购货款: 采购商品名称.
	ScenePurchase SceneID = "1009"
	// SceneRecycling is 二手回收: 回收商品名称.
	SceneRecycling SceneID = "1010"
	// SceneCompensation is 企业赔付: 赔付原因.
	SceneCompensation SceneID = "1011"
	// SceneCharity is 公益补助: 公益活动名称, 公益活动备案编号.
	SceneCharity SceneID = "1013"
)

// sceneLabels are the exact info_type labels each known scene requires.
var sceneLabels = map[SceneID][]string{
	SceneCashMarketing:  {"活动名称", "奖励说明"},
	SceneAdminSubsidy:   {"补贴类型"},
	SceneInsuranceClaim: {"保险产品备案编号", "保险名称", "保险操作单号"},
	SceneCommission:     {"岗位类型", "报酬说明"},
	ScenePurchase:       {"采购商品名称"},
	SceneRecycling:      {"回收商品名称"},
	SceneCompensation:   {"赔付原因"},
	SceneCharity:        {"公益活动名称", "公益活动备案编号"},
}

// Known reports whether s is one of the eight scenes the SDK validates.
func (s SceneID) Known() bool { _, ok := sceneLabels[s]; return ok }

// RecvStyleType is the receiving style of a bill (community reference
// only, Unconfirmed). Unknown values are sent and decoded unchanged.
type RecvStyleType string

const (
	// RecvStyleConfirmPage is the standard confirmation page.
	RecvStyleConfirmPage RecvStyleType = "CONFIRM_PAGE"
	// RecvStyleRedPacket is the red-packet style (a third-party document
	// says at most 200 yuan per bill, Unconfirmed).
	RecvStyleRedPacket RecvStyleType = "RED_PACKET"
)

var recvStyles = enum.Of(RecvStyleConfirmPage, RecvStyleRedPacket)

// Known reports whether t is a value this version of the SDK knows.
func (t RecvStyleType) Known() bool { return recvStyles.Has(t) }

// PaymentMethodType is the callback's payment_method_type (community
// reference only; the meaning is not documented: the names suggest the
// mainland wallet and WeChat Pay HK).
type PaymentMethodType string

const (
	// PaymentMethodCFT is CFT.
	PaymentMethodCFT PaymentMethodType = "CFT"
	// PaymentMethodWPHK is WPHK.
	PaymentMethodWPHK PaymentMethodType = "WPHK"
)

var paymentMethods = enum.Of(PaymentMethodCFT, PaymentMethodWPHK)

// Known reports whether t is a value this version of the SDK knows.
func (t PaymentMethodType) Known() bool { return paymentMethods.Has(t) }
