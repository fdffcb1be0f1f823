package profitsharing

import (
	"bytes"
	"context"
	"fmt"
	"net/http"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/wire"
)

// QueryOrderRequest asks for the result of one distribution request.
type QueryOrderRequest struct {
	// OutOrderNo is the merchant's distribution order number; required,
	// 1–64 characters of digits, letters, '_' and '-'.
	OutOrderNo string `json:"-" path:"out_order_no" wx:"required,orderno,max=64"`
	// SubMchID is the sub-merchant id, institutional mode only; at most 32
	// characters. Empty means not sent. It is part of the lookup: an
	// institution's order is found only with the sub-merchant of its
	// transaction, and without it (or with another) WeChat Pay answers
	// that the merchant does not match, or that no such order exists.
	SubMchID string `json:"-" query:"sub_mchid" wx:"id,max=32"`
	// TransactionID is the WeChat Pay transaction id; required, at most 32
	// characters.
	TransactionID string `json:"-" query:"transaction_id" wx:"required,id,max=32"`
}

// Validate checks the request before any I/O and reports every problem
// (see wechatpay.ValidateRequest); QueryOrder calls it.
func (r *QueryOrderRequest) Validate() error { return wechatpay.ValidateRequest(r) }

// Order is a profit-sharing order with one entry per receiver. It decodes
// with encoding/json; the fields tagged wire:"required" (in Order and in
// each Receiver) are in every answer, and a verified answer without one is
// wechatpay.ErrMalformedResponse.
type Order struct {
	// SubMchID is the sub-merchant id (institutional mode).
	SubMchID string `json:"sub_mchid,omitempty"`
	// TransactionID is the WeChat Pay transaction id.
	TransactionID string `json:"transaction_id" wire:"required"`
	// OutOrderNo is the merchant's distribution order number.
	OutOrderNo string `json:"out_order_no" wire:"required"`
	// OrderID is WeChat Pay's distribution order id.
	OrderID string `json:"order_id" wire:"required"`
	// State is the order state.
	State State `json:"state" wire:"required"`
	// Receivers has one entry per receiver, including the "unfreeze to
	// sponsor" entry; an answer has at least one.
	Receivers []Receiver `json:"receivers" wire:"required"`
	// Meta describes the HTTP exchange (Request-ID, attempts).
	Meta wechatpay.Response `json:"-"`
}

// Receiver is one distribution detail of an Order.
type Receiver struct {
	// Currency is the distribution currency, e.g. CNY.
	Currency string `json:"currency" wire:"required"`
	// Amount is the distributed amount in the currency's smallest unit.
	Amount int64 `json:"amount"`
	// Description is the distribution description.
	Description string `json:"description" wire:"required"`
	// Type is the receiver type.
	Type ReceiverType `json:"type" wire:"required"`
	// Account is the receiver account: a merchant id or an openid (for
	// DetailTypeUnfreezeToSponsor, the sponsor's merchant id).
	Account string `json:"account" wire:"required"`
	// Result is the outcome of this detail.
	Result Result `json:"result" wire:"required"`
	// FailReason says why the detail was closed (ResultClosed only).
	FailReason FailReason `json:"fail_reason,omitempty"`
	// CreateTime is when the detail was created.
	CreateTime Time `json:"create_time,omitzero" wire:"required"`
	// FinishTime is when the detail finished (ResultSuccess or
	// ResultClosed); zero when absent.
	FinishTime Time `json:"finish_time,omitzero"`
	// DetailID is WeChat Pay's detail id.
	DetailID string `json:"detail_id" wire:"required"`
	// DetailType says whether funds went to another receiver or back to
	// the sponsor.
	DetailType DetailType `json:"detail_type" wire:"required"`
	// SettlementCurrency is the currency settled to the sponsor, e.g. HKD
	// (DetailTypeUnfreezeToSponsor only).
	SettlementCurrency string `json:"settlement_currency,omitempty"`
	// SettlementAmount is the amount settled to the sponsor after
	// conversion, smallest unit (DetailTypeUnfreezeToSponsor only).
	SettlementAmount int64 `json:"settlement_amount,omitempty"`
	// RateValue is the price of one unit of the settlement currency in the
	// distribution currency × 10^8 (CNY→CNY = 100000000)
	// (DetailTypeUnfreezeToSponsor only). It is the field rate_value; in
	// the answers of QueryOrder, CreateOrder and UnfreezeOrder, the field
	// rate when rate_value is absent (WeChat Pay's documents give both
	// names).
	RateValue int64 `json:"rate_value,omitempty"`
}

// rateSpelling is what an order answer says under the exchange rate's
// second name, rate, read only when the answer holds that name.
type rateSpelling struct {
	Receivers []struct {
		RateValue *int64 `json:"rate_value"`
		Rate      *int64 `json:"rate"`
	} `json:"receivers"`
}

// readRate is the After of the order operations: it sets RateValue from
// rate for each receiver without rate_value. An answer without the name
// "rate" (the documented example) costs one bytes.Contains (of rate",
// whose first byte is rarer than a quote: 3 times faster).
func readRate(_ *wechatpay.Client, raw []byte, o *Order) error {
	if !bytes.Contains(raw, []byte(`rate"`)) {
		return nil
	}
	var alt rateSpelling
	if err := wire.Unmarshal(raw, &alt); err != nil {
		return fmt.Errorf("profitsharing: %w: %w", wechatpay.ErrMalformedResponse, err)
	}
	for i, r := range alt.Receivers {
		if i < len(o.Receivers) && r.RateValue == nil && r.Rate != nil {
			o.Receivers[i].RateValue = *r.Rate
		}
	}
	return nil
}

var opQueryOrder = wechatpay.Operation[QueryOrderRequest, Order]{
	Name: "profitsharing.QueryOrder", Method: http.MethodGet, Path: "/v3/global/profit-sharing/orders/{out_order_no}",
	Domain: wechatpay.DomainGlobal, Repeat: wechatpay.RepeatRead, After: readRate,
}

// QueryOrder returns the result of a cross-border funds-distribution or
// unfreeze request (跨境分账 查询分账结果).
//
// GET /v3/global/profit-sharing/orders/{out_order_no} (apihk domain)
//
// Rate limit: not documented (see WithLimiter). The call is read-only and
// is retried by the client on transport errors, 429 and 5xx.
func (s *Service) QueryOrder(ctx context.Context, req *QueryOrderRequest) (*Order, error) {
	return opQueryOrder.Do(ctx, s.core().Client(), req, s.core().Limiter())
}
