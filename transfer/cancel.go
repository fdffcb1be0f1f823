package transfer

import (
	"context"
	"net/http"
	"time"

	"github.com/gowechatpay/wechatpay"
)

// CancelBillRequest names the bill to cancel.
type CancelBillRequest struct {
	// OutBillNo is the merchant's bill number; required.
	OutBillNo string `json:"-" path:"out_bill_no" wx:"required,alnum,max=32"`
}

// Cancellation is the answer to CancelBill.
type Cancellation struct {
	// OutBillNo is the merchant's number.
	OutBillNo string `json:"out_bill_no" wire:"required"`
	// TransferBillNo is WeChat Pay's number.
	TransferBillNo string `json:"transfer_bill_no" wire:"required"`
	// State is CANCELING (query for the outcome) or CANCELLED.
	State BillState `json:"state" wire:"required"`
	// UpdateTime is the last state change.
	UpdateTime time.Time `json:"update_time"`
	// Meta describes the HTTP exchange (Request-ID, attempts).
	Meta wechatpay.Response `json:"-"`
}

var opCancelBill = wechatpay.Operation[CancelBillRequest, Cancellation]{
	Name: "transfer.CancelBill", Method: http.MethodPost, Repeat: wechatpay.RepeatReentrant,
	Path: "/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}/cancel",
}

// CancelBill cancels a bill the user has not confirmed (撤销转账). It only
// accepts the cancel: the money goes back asynchronously and the final
// state comes from the queries or MCHTRANSFER.BILL.FINISHED.
//
// POST /v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}/cancel
//
// Rate limit: 20 per second per merchant by the partner FAQ, 100 by the
// partner page, none on the merchant page (Unconfirmed). Cancelling is
// keyed by out_bill_no and a repeat answers the current state, so the
// client retries it on transport errors, 429 and 5xx. Whether a bill in
// TRANSFERING can still be cancelled is said by a community moderator
// only (Unconfirmed); a terminal bill cannot (400 in the emulator). The
// merchant page documents no body, and none is sent.
func (s *Service) CancelBill(ctx context.Context, req *CancelBillRequest) (*Cancellation, error) {
	return opCancelBill.Do(ctx, s.core().Client(), req, s.core().Limiter())
}
