package profitsharing

import (
	"context"
	"errors"
	"net/http"

	"github.com/gowechatpay/wechatpay"
)

// MarkTransactionRequest names the order to mark for profit sharing before
// it is placed.
type MarkTransactionRequest struct {
	// SubMchID is the sub-merchant of the order: required in
	// institutional mode, empty (not sent) in direct mode.
	SubMchID string `json:"sub_mchid,omitempty" wx:"id,max=32"`
	// OutTradeNo is the merchant number of the order still to be placed;
	// required, 6–32 digits, letters, '_' and '-'.
	OutTradeNo string `json:"out_trade_no" wx:"required,orderno,max=32"`
	// Currency is the order's price currency; required (CNY is the only
	// one WeChat Pay accepts; the SDK does not restrict it).
	Currency string `json:"currency" wx:"required,id,max=10"`
}

// Validate checks the request before any I/O and reports every problem:
// the rules of its tags (see wechatpay.ValidateRequest) and OutTradeNo's
// 6 characters at least. MarkTransaction calls it.
func (r *MarkTransactionRequest) Validate() error {
	if r == nil || r.OutTradeNo == "" || len(r.OutTradeNo) >= 6 {
		return wechatpay.ValidateRequest(r)
	}
	return errors.Join(wechatpay.ValidateRequest(r),
		&wechatpay.FieldError{Field: "out_trade_no", GoField: "OutTradeNo", Reason: "is shorter than 6 characters"})
}

// noContent is the answer of an API answered 204 No Content (verified as
// any other): its metadata.
type noContent struct {
	Meta wechatpay.Response `json:"-"`
}

// metaOf is the metadata of a 204 answer, or the call's error.
func metaOf(n *noContent, err error) (*wechatpay.Response, error) {
	if err != nil {
		return nil, err
	}
	return &n.Meta, nil
}

var opMarkTransaction = wechatpay.Operation[MarkTransactionRequest, noContent]{
	Name: "profitsharing.MarkTransaction", Method: http.MethodPost, Path: "/v3/global/profit-sharing/transactions/mark",
	Domain: wechatpay.DomainGlobal, Repeat: wechatpay.RepeatNever,
}

// MarkTransaction marks an order for profit sharing (跨境分账 分账标记)
// BEFORE it is placed: a mark after the order exists is ineffective, and
// so is one whose SubMchID, OutTradeNo or Currency differ from the
// order's; such an order can never be shared. After payment the funds
// freeze; check 3 to 5 minutes later with QueryUnsplitAmount. WeChat Pay
// answers 204 No Content, verified like every answer, and MarkTransaction
// returns its metadata.
//
// POST /v3/global/profit-sharing/transactions/mark (apihk domain)
//
// Rate limit: not documented (see WithLimiter). Idempotency is not
// documented, so the client does not retry it; repeating a mark before the
// order exists is expected to be harmless (unconfirmed).
func (s *Service) MarkTransaction(ctx context.Context, req *MarkTransactionRequest) (*wechatpay.Response, error) {
	return metaOf(opMarkTransaction.Do(ctx, s.core().Client(), req, s.core().Limiter()))
}
