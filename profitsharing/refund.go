package profitsharing

import (
	"context"
	"net/http"
	"time"

	"github.com/gowechatpay/wechatpay"
)

// QueryRefundableAmountsRequest names the transaction whose refundable
// amounts to read: its TransactionID (required) and, in institutional
// mode, its SubMchID, as for QueryUnsplitAmount.
type QueryRefundableAmountsRequest QueryUnsplitAmountRequest

// Validate checks the request before any I/O and reports every problem
// (see wechatpay.ValidateRequest); QueryRefundableAmounts calls it.
func (r *QueryRefundableAmountsRequest) Validate() error { return wechatpay.ValidateRequest(r) }

// RefundableAmounts is what of a profit-sharing transaction can still be
// refunded, in the currency's smallest unit (fen).
type RefundableAmounts struct {
	// TransactionID echoes the transaction id.
	TransactionID string `json:"transaction_id" wire:"required"`
	// RefundableAmount is the frozen amount still usable to refund the
	// user, including the share of WeChat Pay's fee that a refund returns;
	// refunding from it lowers what can be distributed. An answer without
	// it is wechatpay.ErrMalformedResponse, never a 0.
	RefundableAmount int64 `json:"refundable_amount" wire:"present"`
	// Currency is the currency of the amounts (CNY at present).
	Currency string `json:"currency" wire:"required"`
	// FundsRefundableAmount is what can be refunded from advance (垫付)
	// funds: the part already distributed or sent abroad, with its fee
	// share (see QueryRefundableBalance); 0 when the answer lacks it.
	FundsRefundableAmount int64 `json:"funds_refundable_amount"`
	// Meta describes the HTTP exchange (Request-ID, attempts).
	Meta wechatpay.Response `json:"-"`
}

var opQueryRefundableAmounts = wechatpay.Operation[QueryRefundableAmountsRequest, RefundableAmounts]{
	Name: "profitsharing.QueryRefundableAmounts", Method: http.MethodGet,
	Path:   "/v3/global/profit-sharing/transactions/{transaction_id}/refundable-amounts",
	Domain: wechatpay.DomainGlobal, Repeat: wechatpay.RepeatRead,
}

// QueryRefundableAmounts returns what of a profit-sharing transaction can
// still be refunded (跨境分账 查询订单剩余可退款金额). WeChat Pay's numbers are
// authoritative for the fee share; how it rounds that share is not
// documented.
//
// GET /v3/global/profit-sharing/transactions/{transaction_id}/refundable-amounts?sub_mchid=… (apihk domain)
//
// Errors are not documented; expect QueryUnsplitAmount's. Rate limit: not
// documented (see WithLimiter). The call is read-only and is retried by
// the client on transport errors, 429 and 5xx.
func (s *Service) QueryRefundableAmounts(ctx context.Context, req *QueryRefundableAmountsRequest) (*RefundableAmounts, error) {
	return opQueryRefundableAmounts.Do(ctx, s.core().Client(), req, s.core().Limiter())
}

// noParams is the request of an API without parameters.
type noParams struct{}

// RefundableBalance is the real-time quota for advance (垫付) refunds.
type RefundableBalance struct {
	// SponsorMchID is the merchant that settles with WeChat Pay (the
	// institution in institutional mode).
	SponsorMchID string `json:"sponsor_mchid" wire:"required"`
	// Balance is the quota in the currency's smallest unit (fen). An
	// answer without it is wechatpay.ErrMalformedResponse, never a 0.
	Balance int64 `json:"balance" wire:"present"`
	// Currency is the currency of the balance (CNY at present).
	Currency string `json:"currency" wire:"required"`
	// Meta describes the HTTP exchange (Request-ID, attempts).
	Meta wechatpay.Response `json:"-"`
}

var opQueryRefundableBalance = wechatpay.Operation[noParams, RefundableBalance]{
	Name: "profitsharing.QueryRefundableBalance", Method: http.MethodGet, Path: "/v3/global/profit-sharing/refunds/refundable-balance",
	Domain: wechatpay.DomainGlobal, Repeat: wechatpay.RepeatRead,
}

// QueryRefundableBalance returns the real-time quota for advance refunds
// (跨境分账 查询可供垫付退款实时余额): funds the merchant unfroze for outbound
// settlement that, until that day's currency purchase, can refund orders
// whose money was already distributed or sent abroad. What feeds the
// quota is WeChat Pay's description, not a documented formula.
//
// GET /v3/global/profit-sharing/refunds/refundable-balance (apihk domain)
//
// Rate limit: not documented (see WithLimiter). The call is read-only and
// is retried by the client on transport errors, 429 and 5xx.
func (s *Service) QueryRefundableBalance(ctx context.Context) (*RefundableBalance, error) {
	return opQueryRefundableBalance.Do(ctx, s.core().Client(), &noParams{}, s.core().Limiter())
}

// QueryRefundBillDownloadURLRequest names the day whose profit-sharing
// refund bill to fetch.
type QueryRefundBillDownloadURLRequest struct {
	// SubMchID is empty for a direct merchant. For an institution, empty
	// asks for the bills of all its sub-merchants, set for one's.
	SubMchID string `json:"-" query:"sub_mchid" wx:"id,max=32"`
	// BillDate is the day of the bill, sent as YYYY-MM-DD in its own
	// location; required. Pass a time in UTC+08:00, WeChat Pay's days.
	// Bills of the last 90 days are served.
	BillDate time.Time `json:"-" query:"bill_date" wx:"required"`
}

// Validate checks the request before any I/O and reports every problem
// (see wechatpay.ValidateRequest); QueryRefundBillDownloadURL calls it.
func (r *QueryRefundBillDownloadURLRequest) Validate() error { return wechatpay.ValidateRequest(r) }

var opQueryRefundBillDownloadURL = wechatpay.Operation[QueryRefundBillDownloadURLRequest, BillDownloadURL]{
	Name: "profitsharing.QueryRefundBillDownloadURL", Method: http.MethodGet, Path: "/v3/global/profit-sharing/refunds/bill-download-url",
	Domain: wechatpay.DomainGlobal, Repeat: wechatpay.RepeatRead,
}

// QueryRefundBillDownloadURL returns the URL of a day's profit-sharing
// refund bill (跨境分账 获取分账退款账单下载链接), valid for 30 seconds: pass
// the answer to DownloadBill at once. The file (CSV, values prefixed with
// '`', amounts in yuan) lists the day's successful refunds in a detail
// and a summary part; it is not the distribution bill, so read it with
// encoding/csv, not NewBillReader. Its columns after "Refund source" are
// not documented.
//
// GET /v3/global/profit-sharing/refunds/bill-download-url?sub_mchid=…&bill_date=… (apihk domain)
//
// Rate limit: not documented (see WithLimiter). The call is read-only and
// is retried by the client on transport errors, 429 and 5xx.
func (s *Service) QueryRefundBillDownloadURL(ctx context.Context, req *QueryRefundBillDownloadURLRequest) (*BillDownloadURL, error) {
	return opQueryRefundBillDownloadURL.Do(ctx, s.core().Client(), req, s.core().Limiter())
}
