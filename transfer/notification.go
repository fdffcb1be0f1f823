package transfer

import (
	"cmp"
	"fmt"
	"time"

	"github.com/gowechatpay/wechatpay"
)

// EventBillFinished is the event type of the callback sent to a bill's
// notify_url when it reaches SUCCESS, FAIL or CANCELLED, the system close
// after 24 h included.
const EventBillFinished = "MCHTRANSFER.BILL.FINISHED"

// BillNotification is the decrypted resource of a MCHTRANSFER.BILL.FINISHED
// callback. Handlers must be idempotent on the notification id or the
// bill's state, and should compare Amount and OpenID with their own bill.
// The redelivery schedule of this family is Unconfirmed.
type BillNotification struct {
	// OutBillNo is the merchant's number.
	OutBillNo string `json:"out_bill_no"`
	// TransferBillNo is WeChat Pay's number.
	TransferBillNo string `json:"transfer_bill_no"`
	// State is SUCCESS, FAIL or CANCELLED.
	State BillState `json:"state"`
	// MchID is the merchant: the resource's mch_id, else its mchid (the
	// community reference lists both).
	MchID string `json:"mch_id"`
	// Amount is the amount in fen.
	Amount int64 `json:"transfer_amount"`
	// OpenID is the receiving user.
	OpenID string `json:"openid"`
	// FailReason is set when State is FAIL (and, in the emulator,
	// MCH_CANCEL when CANCELLED: Unconfirmed).
	FailReason FailReason `json:"fail_reason,omitempty"`
	// CreateTime is when the bill was created.
	CreateTime time.Time `json:"create_time"`
	// UpdateTime is the last state change.
	UpdateTime time.Time `json:"update_time"`
	// PaymentMethodType is known from a community reference only.
	PaymentMethodType PaymentMethodType `json:"payment_method_type,omitempty"`
}

// DecodeBillNotification reads the resource of a verified
// MCHTRANSFER.BILL.FINISHED callback, n from the client's
// ParseNotification or NotificationHandler. Another event type, or a
// resource that does not decode or lacks its numbers or state, matches
// wechatpay.ErrMalformedNotification.
func (s *Service) DecodeBillNotification(n *wechatpay.Notification) (*BillNotification, error) {
	if n == nil || n.EventType != EventBillFinished {
		return nil, fmt.Errorf("transfer: %w: not a %s callback", wechatpay.ErrMalformedNotification, EventBillFinished)
	}
	var res struct {
		BillNotification
		MchIDAlt string `json:"mchid"`
	}
	if err := n.Decode(&res); err != nil {
		return nil, fmt.Errorf("transfer: %w", err)
	}
	out := res.BillNotification
	if out.OutBillNo == "" || out.TransferBillNo == "" || out.State == "" {
		return nil, fmt.Errorf("transfer: %w: notification %s lacks out_bill_no, transfer_bill_no or state", wechatpay.ErrMalformedNotification, n.ID)
	}
	out.MchID = cmp.Or(out.MchID, res.MchIDAlt)
	return &out, nil
}
