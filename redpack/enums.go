package redpack

import "github.com/gowechatpay/wechatpay/internal/enum"

// Status is the state of a red packet. Values this SDK does not know decode
// without error and report Known() == false.
type Status string

// The documented red-packet states.
const (
	// StatusSending: the packet is being sent.
	StatusSending Status = "SENDING"
	// StatusSent: sent, waiting to be opened.
	StatusSent Status = "SENT"
	// StatusFailed: sending failed; see WorkWxRedPacket.Reason.
	StatusFailed Status = "FAILED"
	// StatusReceived: opened by the receiver.
	StatusReceived Status = "RECEIVED"
	// StatusRefunding: being refunded. The wire value is WeChat Pay's
	// spelling "RFUND_ING", not "REFUND_ING".
	StatusRefunding Status = "RFUND_ING"
	// StatusRefunded: refunded.
	StatusRefunded Status = "REFUND"
)

// Known reports whether s is a value this version of the SDK knows.
func (s Status) Known() bool { return statuses.Has(s) }

var statuses = enum.Of(StatusSending, StatusSent, StatusFailed, StatusReceived, StatusRefunding, StatusRefunded)

// SendType is how a red packet was sent.
type SendType string

// The known send types: API is documented for this endpoint, UPLOAD and
// ACTIVITY for its sister endpoint gethbinfo.
const (
	// SendTypeAPI: sent through the API.
	SendTypeAPI SendType = "API"
	// SendTypeUpload: sent by file upload.
	SendTypeUpload SendType = "UPLOAD"
	// SendTypeActivity: sent by an activity.
	SendTypeActivity SendType = "ACTIVITY"
)

// Known reports whether t is a value this version of the SDK knows.
func (t SendType) Known() bool { return sendTypes.Has(t) }

var sendTypes = enum.Of(SendTypeAPI, SendTypeUpload, SendTypeActivity)

// SceneID is the scene of a red packet (scene_id), required when the
// amount is below 1 yuan or above 200 yuan. Values this SDK does not know
// are sent as they are and report Known() == false.
type SceneID string

// The documented scenes (community enum; meanings as third-party SDKs copied
// them from the official page).
const (
	// SceneProductPromotion: product promotion.
	SceneProductPromotion SceneID = "PRODUCT_1"
	// SceneLottery: lottery.
	SceneLottery SceneID = "PRODUCT_2"
	// SceneVirtualPrize: virtual-goods prize redemption.
	SceneVirtualPrize SceneID = "PRODUCT_3"
	// SceneCompanyWelfare: internal company welfare.
	SceneCompanyWelfare SceneID = "PRODUCT_4"
	// SceneChannelSharing: channel revenue sharing.
	SceneChannelSharing SceneID = "PRODUCT_5"
	// SceneInsuranceRebate: insurance rebate.
	SceneInsuranceRebate SceneID = "PRODUCT_6"
	// SceneLotteryTicket: lottery-ticket prize payout.
	SceneLotteryTicket SceneID = "PRODUCT_7"
	// SceneTaxScratchCard: tax scratch-card prize.
	SceneTaxScratchCard SceneID = "PRODUCT_8"
)

// Known reports whether s is a value this version of the SDK knows.
func (s SceneID) Known() bool { return scenes.Has(s) }

var scenes = enum.Of(SceneProductPromotion, SceneLottery, SceneVirtualPrize, SceneCompanyWelfare,
	SceneChannelSharing, SceneInsuranceRebate, SceneLotteryTicket, SceneTaxScratchCard)

// HBType is the kind of a cash red packet (hb_type of gethbinfo).
type HBType string

// The documented red-packet kinds.
const (
	// HBTypeNormal: an ordinary red packet (Send).
	HBTypeNormal HBType = "NORMAL"
	// HBTypeGroup: a fission red packet (offline since 2024-06-05).
	HBTypeGroup HBType = "GROUP"
)

// Known reports whether t is a value this version of the SDK knows.
func (t HBType) Known() bool { return hbTypes.Has(t) }

var hbTypes = enum.Of(HBTypeNormal, HBTypeGroup)
