package transfer

import (
	"context"
	"net/http"
	"time"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/service"
)

// QueryBillByOutBillNoRequest names a bill by the merchant's number.
type QueryBillByOutBillNoRequest struct {
	// OutBillNo is the merchant's bill number; required.
	OutBillNo string `json:"-" path:"out_bill_no" wx:"required,alnum,max=32"`
}

// QueryBillByTransferBillNoRequest names a bill by WeChat Pay's number.
type QueryBillByTransferBillNoRequest struct {
	// TransferBillNo is WeChat Pay's bill number; required.
	TransferBillNo string `json:"-" path:"transfer_bill_no" wx:"required,alnum,max=64"`
}

// BillDetail is a bill as the queries answer it.
type BillDetail struct {
	// MchID is the merchant number (mch_id).
	MchID string `json:"mch_id"`
	// OutBillNo is the merchant's number.
	OutBillNo string `json:"out_bill_no" wire:"required"`
	// TransferBillNo is WeChat Pay's number.
	TransferBillNo string `json:"transfer_bill_no" wire:"required"`
	// AppID is the bill's appid.
	AppID string `json:"appid"`
	// State is the bill's state.
	State BillState `json:"state" wire:"required"`
	// Amount is the amount in fen.
	Amount int64 `json:"transfer_amount" wire:"present"`
	// Remark is the note the user sees.
	Remark string `json:"transfer_remark"`
	// FailReason is set when the bill failed or its money went back.
	FailReason FailReason `json:"fail_reason,omitempty"`
	// OpenID is the receiving user.
	OpenID string `json:"openid,omitempty"`
	// UserName is the real name sent on creation, decrypted with the
	// merchant key; empty when none was sent.
	UserName string `json:"user_name,omitempty"`
	// CreateTime is when the bill was created.
	CreateTime time.Time `json:"create_time"`
	// UpdateTime is the last state change.
	UpdateTime time.Time `json:"update_time"`
	// Meta describes the HTTP exchange (Request-ID, attempts).
	Meta wechatpay.Response `json:"-"`
}

// decryptUserName decrypts the answer's user_name (encrypted with the
// merchant certificate's public key).
func decryptUserName(c *wechatpay.Client, _ []byte, b *BillDetail) error {
	return service.Decrypt(c.DecryptSensitive, &b.UserName, "transfer: the answer's user_name", b.Meta.RequestID)
}

var opQueryByOut = wechatpay.Operation[QueryBillByOutBillNoRequest, BillDetail]{
	Name: "transfer.QueryBillByOutBillNo", Method: http.MethodGet, Repeat: wechatpay.RepeatRead,
	Path: "/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}", After: decryptUserName,
}

var opQueryByTransfer = wechatpay.Operation[QueryBillByTransferBillNoRequest, BillDetail]{
	Name: "transfer.QueryBillByTransferBillNo", Method: http.MethodGet, Repeat: wechatpay.RepeatRead,
	Path: "/v3/fund-app/mch-transfer/transfer-bills/transfer-bill-no/{transfer_bill_no}", After: decryptUserName,
}

// QueryBillByOutBillNo reads a bill of the last 30 days by the merchant's
// number (商户单号查询转账单); older bills are only in fund statements.
//
// GET /v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}
//
// Rate limit: 100 per second per merchant. Read-only: retried on transport
// errors, 429 and 5xx. An unknown number is 404 whatever its code (the
// code is not documented). The answer has no package_info: reuse
// CreateBill's while the bill is WAIT_USER_CONFIRM. A second official page
// (4024814206) was not captured: whether it changes fields is Unconfirmed.
func (s *Service) QueryBillByOutBillNo(ctx context.Context, req *QueryBillByOutBillNoRequest) (*BillDetail, error) {
	return opQueryByOut.Do(ctx, s.core().Client(), req, s.core().Limiter())
}

// QueryBillByTransferBillNo reads a bill of the last 30 days by WeChat
// Pay's number (微信单号查询转账单), as QueryBillByOutBillNo does.
//
// GET /v3/fund-app/mch-transfer/transfer-bills/transfer-bill-no/{transfer_bill_no}
//
// Rate limit: 100 per second per merchant; read-only and retried. The
// second official page (4024819515) was not captured (Unconfirmed).
func (s *Service) QueryBillByTransferBillNo(ctx context.Context, req *QueryBillByTransferBillNoRequest) (*BillDetail, error) {
	return opQueryByTransfer.Do(ctx, s.core().Client(), req, s.core().Limiter())
}
