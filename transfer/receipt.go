package transfer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/enum"
	"github.com/gowechatpay/wechatpay/internal/service"
)

// ReceiptState is the state of a bill's electronic receipt (电子回单).
// Values this SDK does not know decode without error and report
// Known() == false.
type ReceiptState string

// The documented receipt states.
const (
	// ReceiptGenerating: accepted; query again after at least 2 minutes.
	ReceiptGenerating ReceiptState = "GENERATING"
	// ReceiptFinished: the file is ready: DownloadReceipt within 10 minutes.
	ReceiptFinished ReceiptState = "FINISHED"
	// ReceiptFailed: no receipt; see Receipt.FailReason. Stop polling.
	ReceiptFailed ReceiptState = "FAILED"
)

var receiptStates = enum.Of(ReceiptGenerating, ReceiptFinished, ReceiptFailed)

// Known reports whether s is a value this version of the SDK knows.
func (s ReceiptState) Known() bool { return receiptStates.Has(s) }

// ErrReceiptDigestMismatch is returned by DownloadReceipt when the file
// does not match the receipt's hash_value; the bytes are discarded.
var ErrReceiptDigestMismatch = errors.New("transfer: the receipt file does not match its hash_value")

// ErrReceiptDigestUnsupported is returned by DownloadReceipt, before any
// I/O, for a hash_type this SDK cannot check (such as SM3): the file is
// never returned unchecked.
var ErrReceiptDigestUnsupported = errors.New("transfer: the receipt's hash_type cannot be checked by this SDK")

// maxReceiptBytes bounds a receipt file (a one-page PDF).
const maxReceiptBytes = 16 << 20

// ApplyReceiptByOutBillNoRequest names a bill by the merchant's number.
type ApplyReceiptByOutBillNoRequest struct {
	// OutBillNo is the merchant's bill number; required.
	OutBillNo string `json:"out_bill_no" wx:"required,alnum,max=32"`
}

// ApplyReceiptByTransferBillNoRequest names a bill by WeChat Pay's number.
type ApplyReceiptByTransferBillNoRequest struct {
	// TransferBillNo is WeChat Pay's bill number; required.
	TransferBillNo string `json:"transfer_bill_no" wx:"required,alnum,max=64"`
}

// ReceiptApplication is the answer to the receipt applications.
type ReceiptApplication struct {
	// State is GENERATING just after acceptance.
	State ReceiptState `json:"state" wire:"required"`
	// CreateTime is when the receipt was applied for.
	CreateTime time.Time `json:"create_time"`
	// Meta describes the HTTP exchange (Request-ID, attempts).
	Meta wechatpay.Response `json:"-"`
}

// QueryReceiptByOutBillNoRequest names a bill's receipt by the merchant's
// number.
type QueryReceiptByOutBillNoRequest struct {
	// OutBillNo is the merchant's bill number; required.
	OutBillNo string `json:"-" path:"out_bill_no" wx:"required,alnum,max=32"`
}

// QueryReceiptByTransferBillNoRequest names a bill's receipt by WeChat
// Pay's number.
type QueryReceiptByTransferBillNoRequest struct {
	// TransferBillNo is WeChat Pay's bill number; required.
	TransferBillNo string `json:"-" path:"transfer_bill_no" wx:"required,alnum,max=64"`
}

// Receipt is a bill's electronic receipt as the queries answer it; pass
// it to DownloadReceipt when FINISHED.
type Receipt struct {
	// State is the receipt's state.
	State ReceiptState `json:"state" wire:"required"`
	// CreateTime is when the receipt was applied for.
	CreateTime time.Time `json:"create_time"`
	// UpdateTime is the last change.
	UpdateTime time.Time `json:"update_time"`
	// HashType is the digest of the file (SHA256 or SM3), when FINISHED.
	HashType string `json:"hash_type,omitempty"`
	// HashValue is the hex digest of the file, when FINISHED.
	HashValue string `json:"hash_value,omitempty"`
	// DownloadURL is the file's address, valid 10 minutes, when FINISHED;
	// never build it.
	DownloadURL string `json:"download_url,omitempty"`
	// FailReason says why, when FAILED; its values are not documented.
	FailReason string `json:"fail_reason,omitempty"`
	// Meta describes the HTTP exchange (Request-ID, attempts).
	Meta wechatpay.Response `json:"-"`
}

var opApplyReceiptByOut = wechatpay.Operation[ApplyReceiptByOutBillNoRequest, ReceiptApplication]{
	Name: "transfer.ApplyReceiptByOutBillNo", Method: http.MethodPost, Repeat: wechatpay.RepeatReentrant,
	Path: "/v3/fund-app/mch-transfer/elecsign/out-bill-no",
}

var opApplyReceiptByTransfer = wechatpay.Operation[ApplyReceiptByTransferBillNoRequest, ReceiptApplication]{
	Name: "transfer.ApplyReceiptByTransferBillNo", Method: http.MethodPost, Repeat: wechatpay.RepeatReentrant,
	Path: "/v3/fund-app/mch-transfer/elecsign/transfer-bill-no",
}

var opQueryReceiptByOut = wechatpay.Operation[QueryReceiptByOutBillNoRequest, Receipt]{
	Name: "transfer.QueryReceiptByOutBillNo", Method: http.MethodGet, Repeat: wechatpay.RepeatRead,
	Path: "/v3/fund-app/mch-transfer/elecsign/out-bill-no/{out_bill_no}",
}

var opQueryReceiptByTransfer = wechatpay.Operation[QueryReceiptByTransferBillNoRequest, Receipt]{
	Name: "transfer.QueryReceiptByTransferBillNo", Method: http.MethodGet, Repeat: wechatpay.RepeatRead,
	Path: "/v3/fund-app/mch-transfer/elecsign/transfer-bill-no/{transfer_bill_no}",
}

// ApplyReceiptByOutBillNo applies for the electronic receipt of a bill
// (商户单号申请电子回单). Only a SUCCESS bill created with user_name, at
// most six months old, gets one (else an error; retrying is pointless).
// Acceptance does not guarantee a receipt: poll QueryReceiptByOutBillNo. A
// receipt is valid 90 days; then apply again.
//
// POST /v3/fund-app/mch-transfer/elecsign/out-bill-no
//
// Rate limit: not documented for merchants (the partner page says 20 per
// second). Keyed by out_bill_no, so retried on transport errors, 429 and
// 5xx. The error codes are not documented (Unconfirmed): the emulator
// answers 400 INVALID_REQUEST for an ineligible bill, 404 NOT_FOUND for an
// unknown one, and a repeat with the current state.
func (s *Service) ApplyReceiptByOutBillNo(ctx context.Context, req *ApplyReceiptByOutBillNoRequest) (*ReceiptApplication, error) {
	return opApplyReceiptByOut.Do(ctx, s.core().Client(), req, s.core().Limiter())
}

// ApplyReceiptByTransferBillNo applies for the electronic receipt of a
// bill by WeChat Pay's number (微信单号申请电子回单), as
// ApplyReceiptByOutBillNo does.
//
// POST /v3/fund-app/mch-transfer/elecsign/transfer-bill-no
//
// Rate limit not documented; retried. The official page (4012716456) was
// not captured (Unconfirmed).
func (s *Service) ApplyReceiptByTransferBillNo(ctx context.Context, req *ApplyReceiptByTransferBillNoRequest) (*ReceiptApplication, error) {
	return opApplyReceiptByTransfer.Do(ctx, s.core().Client(), req, s.core().Limiter())
}

// QueryReceiptByOutBillNo reads a bill's receipt (商户单号查询电子回单):
// while GENERATING query again after at least 2 minutes; stop on FAILED;
// when FINISHED, DownloadReceipt within 10 minutes (afterwards query again).
//
// GET /v3/fund-app/mch-transfer/elecsign/out-bill-no/{out_bill_no}
//
// Rate limit not documented; read-only: retried on transport errors, 429
// and 5xx. The values of fail_reason are not documented (Unconfirmed).
func (s *Service) QueryReceiptByOutBillNo(ctx context.Context, req *QueryReceiptByOutBillNoRequest) (*Receipt, error) {
	return opQueryReceiptByOut.Do(ctx, s.core().Client(), req, s.core().Limiter())
}

// QueryReceiptByTransferBillNo reads a bill's receipt by WeChat Pay's
// number (微信单号查询电子回单), as QueryReceiptByOutBillNo does.
//
// GET /v3/fund-app/mch-transfer/elecsign/transfer-bill-no/{transfer_bill_no}
//
// Rate limit not documented; read-only and retried.
func (s *Service) QueryReceiptByTransferBillNo(ctx context.Context, req *QueryReceiptByTransferBillNoRequest) (*Receipt, error) {
	return opQueryReceiptByTransfer.Do(ctx, s.core().Client(), req, s.core().Limiter())
}

// DownloadReceipt fetches the file (a PDF) of a FINISHED receipt and
// returns it once it matches the receipt's digest (else
// ErrReceiptDigestMismatch, the bytes discarded).
//
// GET {download_url}: signed by the merchant over the URL's path and
// query, with the core's download (wechatpay.Client.DownloadV3): the URL
// must be on a WeChat Pay domain or the client's base URL, the answer is
// not signed by WeChat Pay (only its status is checked) and the file is
// bounded to 16 MiB. The URL is valid 10 minutes: the call is not retried.
// Only SHA256 is checked: another hash_type, such as SM3, is
// ErrReceiptDigestUnsupported before any I/O (WeChat Pay may serve SM3:
// Unconfirmed how often). A receipt that is not FINISHED, or has no URL,
// is a *wechatpay.FieldError before any I/O.
func (s *Service) DownloadReceipt(ctx context.Context, r *Receipt) ([]byte, error) {
	d, err := receiptDigest(s.core().Client(), r)
	if err != nil {
		return nil, err
	}
	if err := s.core().WaitBefore(ctx, "transfer"); err != nil {
		return nil, err
	}
	rc, _, err := s.core().Client().DownloadV3(ctx, r.DownloadURL, maxReceiptBytes)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(d.Reader(rc, ErrReceiptDigestMismatch))
	if err != nil {
		return nil, err // the bytes of a file that does not match are discarded
	}
	return b, nil
}

// receiptDigest checks what DownloadReceipt needs before any I/O and
// returns the SHA256 digest the file must have.
func receiptDigest(c *wechatpay.Client, r *Receipt) (*service.Digest, error) {
	switch {
	case c == nil:
		return nil, &wechatpay.FieldError{Field: "client", Reason: "transfer.New was given a nil *wechatpay.Client", Missing: true}
	case r == nil:
		return nil, &wechatpay.FieldError{Field: "receipt", Reason: "is nil", Missing: true}
	case r.State != ReceiptFinished:
		return nil, &wechatpay.FieldError{Field: "state", Reason: "is not FINISHED: query the receipt again"}
	case r.DownloadURL == "":
		return nil, &wechatpay.FieldError{Field: "download_url", Reason: "is empty", Missing: true}
	}
	d, err := service.ParseDigest(r.HashType, r.HashValue, "SHA256")
	switch {
	case errors.Is(err, service.ErrHashType):
		return nil, fmt.Errorf("%w: %q (only SHA256)", ErrReceiptDigestUnsupported, r.HashType)
	case err != nil:
		return nil, &wechatpay.FieldError{Field: "hash_value", Reason: "is not the hex digest of SHA256"}
	}
	return d, nil
}
