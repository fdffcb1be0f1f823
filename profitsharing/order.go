package profitsharing

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/svc"
	"github.com/gowechatpay/wechatpay/internal/wire"
)

// QueryOrderRequest asks for the result of one distribution request.
type QueryOrderRequest struct {
	// OutOrderNo is the merchant's distribution order number; required,
	// 1–64 characters of digits, letters, '_' and '-'.
	OutOrderNo string
	// SubMchID is the sub-merchant id, institutional mode only; at most 32
	// characters. Empty means not sent. It is part of the lookup: an
	// institution's order is found only with the sub-merchant of its
	// transaction, and without it (or with another) WeChat Pay answers
	// that the merchant does not match, or that no such order exists.
	SubMchID string
	// TransactionID is the WeChat Pay transaction id; required, at most 32
	// characters.
	TransactionID string
}

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
	CreateTime time.Time `json:"create_time,omitzero" wire:"required"`
	// FinishTime is when the detail finished (ResultSuccess or
	// ResultClosed); zero when absent.
	FinishTime time.Time `json:"finish_time,omitzero"`
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
	// distribution currency × 10^8 (CNY→CNY = 100000000), from the field
	// rate_value or, when that is absent, rate (DetailTypeUnfreezeToSponsor
	// only).
	RateValue int64 `json:"rate_value,omitempty"`
}

// UnmarshalJSON decodes a receiver as WeChat Pay sends it, with
// encoding/json into the zero Receiver: RFC 3339 times (with or without a
// fraction of a second; absent, "" or null is the zero time) and the
// exchange rate under rate_value or rate (rate_value wins when both are
// present).
func (r *Receiver) UnmarshalJSON(data []byte) error {
	var w receiverWire
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	return w.to(r, "")
}

// orderWire is an Order as the answer writes it, for encoding/json to fill
// in one pass (see svc.DoV3Via); to builds the Order.
type orderWire struct {
	SubMchID      string         `json:"sub_mchid"`
	TransactionID string         `json:"transaction_id"`
	OutOrderNo    string         `json:"out_order_no"`
	OrderID       string         `json:"order_id"`
	State         State          `json:"state"`
	Receivers     []receiverWire `json:"receivers"`
}

func (w *orderWire) to(o *Order) error {
	*o = Order{SubMchID: w.SubMchID, TransactionID: w.TransactionID, OutOrderNo: w.OutOrderNo, OrderID: w.OrderID, State: w.State}
	if w.Receivers == nil {
		return nil
	}
	o.Receivers = make([]Receiver, len(w.Receivers))
	for i := range w.Receivers {
		if err := w.Receivers[i].to(&o.Receivers[i], "receivers."); err != nil {
			*o = Order{}
			return err
		}
	}
	return nil
}

// receiverWire is a Receiver as the answer writes it: the times raw, the
// exchange rate under either of its two names.
type receiverWire struct {
	Currency           string          `json:"currency"`
	Amount             int64           `json:"amount"`
	Description        string          `json:"description"`
	Type               ReceiverType    `json:"type"`
	Account            string          `json:"account"`
	Result             Result          `json:"result"`
	FailReason         FailReason      `json:"fail_reason"`
	CreateTime         json.RawMessage `json:"create_time"`
	FinishTime         json.RawMessage `json:"finish_time"`
	DetailID           string          `json:"detail_id"`
	DetailType         DetailType      `json:"detail_type"`
	SettlementCurrency string          `json:"settlement_currency"`
	SettlementAmount   int64           `json:"settlement_amount"`
	RateValue          *int64          `json:"rate_value"`
	Rate               *int64          `json:"rate"`
}

// to builds r from w; path prefixes the names of the fields in errors.
func (w *receiverWire) to(r *Receiver, path string) error {
	v := Receiver{
		Currency: w.Currency, Amount: w.Amount, Description: w.Description, Type: w.Type,
		Account: w.Account, Result: w.Result, FailReason: w.FailReason, DetailID: w.DetailID,
		DetailType: w.DetailType, SettlementCurrency: w.SettlementCurrency, SettlementAmount: w.SettlementAmount,
	}
	if err := errors.Join(
		wire.TimeField(path+"create_time", w.CreateTime, &v.CreateTime),
		wire.TimeField(path+"finish_time", w.FinishTime, &v.FinishTime)); err != nil {
		return err
	}
	switch {
	case w.RateValue != nil:
		v.RateValue = *w.RateValue
	case w.Rate != nil:
		v.RateValue = *w.Rate
	}
	*r = v
	return nil
}

// QueryOrder returns the result of a cross-border funds-distribution or
// unfreeze request (跨境分账 查询分账结果).
//
// GET /v3/global/profit-sharing/orders/{out_order_no} (apihk domain)
//
// Rate limit: not documented (see WithLimiter). The call is read-only and
// is retried by the client on transport errors, 429 and 5xx.
func (s *Service) QueryOrder(ctx context.Context, req *QueryOrderRequest) (*Order, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	if err := validateQueryOrder(req); err != nil {
		return nil, err
	}
	if err := s.wait(ctx); err != nil {
		return nil, err
	}
	var (
		w   orderWire
		out Order
	)
	query := url.Values{"transaction_id": {req.TransactionID}}
	if req.SubMchID != "" {
		query.Set("sub_mchid", req.SubMchID)
	}
	meta, err := svc.DoV3Via(ctx, "profitsharing", s.c, &wechatpay.Request{
		Method: http.MethodGet,
		Path:   "/v3/global/profit-sharing/orders/" + url.PathEscape(req.OutOrderNo),
		Query:  query,
		Global: true,
	}, &w, func() error { return w.to(&out) }, &out)
	if err != nil {
		return nil, err
	}
	out.Meta = *meta
	return &out, nil
}

func validateQueryOrder(req *QueryOrderRequest) error {
	if req == nil {
		return &wechatpay.FieldError{Field: "request", Reason: "is nil", Missing: true}
	}
	if err := checkOrderNo(req.OutOrderNo); err != nil {
		return err
	}
	if err := svc.CheckID("sub_mchid", req.SubMchID, 32, false); err != nil {
		return err
	}
	return svc.CheckID("transaction_id", req.TransactionID, 32, true)
}
