package profitsharing

import (
	"context"
	"net/http"
	"time"

	"github.com/gowechatpay/wechatpay"
)

// QueryUnsplitAmountRequest names the transaction whose undistributed
// amount to read.
type QueryUnsplitAmountRequest struct {
	// TransactionID is the WeChat Pay transaction id; required, at most 32
	// characters.
	TransactionID string `json:"-" path:"transaction_id" wx:"required,id,max=32"`
	// SubMchID is the sub-merchant: required in institutional mode, empty
	// in direct mode.
	SubMchID string `json:"-" query:"sub_mchid" wx:"id,max=32"`
}

// Validate checks the request before any I/O and reports every problem
// (see wechatpay.ValidateRequest); QueryUnsplitAmount calls it.
func (r *QueryUnsplitAmountRequest) Validate() error { return wechatpay.ValidateRequest(r) }

// UnsplitAmount is the amount of a transaction not yet distributed.
type UnsplitAmount struct {
	// TransactionID echoes the transaction id.
	TransactionID string `json:"transaction_id" wire:"required"`
	// UnsplitAmount is the amount still to be distributed, in the
	// currency's smallest unit (fen); 0 once everything was distributed or
	// unfrozen. An answer without it is wechatpay.ErrMalformedResponse,
	// never a 0.
	UnsplitAmount int64 `json:"unsplit_amount" wire:"present"`
	// Currency is the currency of the amount (CNY at present).
	Currency string `json:"currency" wire:"required"`
	// Meta describes the HTTP exchange (Request-ID, attempts).
	Meta wechatpay.Response `json:"-"`
}

var opQueryUnsplitAmount = wechatpay.Operation[QueryUnsplitAmountRequest, UnsplitAmount]{
	Name: "profitsharing.QueryUnsplitAmount", Method: http.MethodGet, Path: "/v3/global/profit-sharing/transactions/{transaction_id}/amounts",
	Domain: wechatpay.DomainGlobal, Repeat: wechatpay.RepeatRead,
}

// QueryUnsplitAmount returns the amount of a transaction not yet
// distributed (跨境分账 查询剩余待分金额). After payment the funds are
// frozen; WeChat Pay answers an error until they can be distributed,
// usually 3 to 5 minutes after payment.
//
// GET /v3/global/profit-sharing/transactions/{transaction_id}/amounts?sub_mchid=… (apihk domain)
//
// Rate limit: not documented (see WithLimiter). The call is read-only and
// is retried by the client on transport errors, 429 and 5xx.
func (s *Service) QueryUnsplitAmount(ctx context.Context, req *QueryUnsplitAmountRequest) (*UnsplitAmount, error) {
	return opQueryUnsplitAmount.Do(ctx, s.core().Client(), req, s.core().Limiter())
}

// QueryBillDownloadURLRequest names the day whose distribution bill to
// fetch.
type QueryBillDownloadURLRequest struct {
	// SubMchID is the sub-merchant whose bill is wanted: required in
	// institutional mode, empty in direct mode.
	SubMchID string `json:"-" query:"sub_mchid" wx:"id,max=32"`
	// BillDate is the day of the bill: its year, month and day in its own
	// location are sent as YYYY-MM-DD; required. WeChat Pay's days are in
	// UTC+08:00, so pass a time in that zone, such as
	// time.Now().In(time.FixedZone("CST", 8*3600)). Bills of the last 90
	// days are served.
	BillDate time.Time `json:"-" query:"bill_date" wx:"required"`
}

// Validate checks the request before any I/O and reports every problem
// (see wechatpay.ValidateRequest); QueryBillDownloadURL calls it.
func (r *QueryBillDownloadURLRequest) Validate() error { return wechatpay.ValidateRequest(r) }

// BillDownloadURL is the answer of QueryBillDownloadURL, for DownloadBill.
type BillDownloadURL struct {
	// DownloadURL is the URL of the bill file, valid for 30 seconds.
	DownloadURL string `json:"download_url" wire:"required"`
	// HashType and HashValue are not sent by the global API today (the
	// domestic bill API sends SHA1 and its hex digest). When an answer
	// carries them, DownloadBill verifies the file against them.
	HashType  string `json:"hash_type,omitempty"`
	HashValue string `json:"hash_value,omitempty"`
	// Meta describes the HTTP exchange (Request-ID, attempts).
	Meta wechatpay.Response `json:"-"`
}

var opQueryBillDownloadURL = wechatpay.Operation[QueryBillDownloadURLRequest, BillDownloadURL]{
	Name: "profitsharing.QueryBillDownloadURL", Method: http.MethodGet, Path: "/v3/global/profit-sharing/bill-download-url",
	Domain: wechatpay.DomainGlobal, Repeat: wechatpay.RepeatRead,
}

// QueryBillDownloadURL returns the URL of a day's distribution bill
// (跨境分账 获取分账账单文件下载地址), valid for 30 seconds: pass the answer
// to DownloadBill at once. The bill lists the successful distributions of
// the day, amounts in yuan.
//
// GET /v3/global/profit-sharing/bill-download-url?sub_mchid=…&bill_date=… (apihk domain)
//
// Rate limit: not documented (see WithLimiter). The call is read-only and
// is retried by the client on transport errors, 429 and 5xx.
func (s *Service) QueryBillDownloadURL(ctx context.Context, req *QueryBillDownloadURLRequest) (*BillDownloadURL, error) {
	return opQueryBillDownloadURL.Do(ctx, s.core().Client(), req, s.core().Limiter())
}
