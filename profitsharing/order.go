package profitsharing

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/jsonwire"
	"github.com/gowechatpay/wechatpay/internal/svc"
)

// QueryOrderRequest asks for the result of one distribution request.
type QueryOrderRequest struct {
	// OutOrderNo is the merchant's distribution order number; required,
	// 1–64 characters of digits, letters, '_' and '-'.
	OutOrderNo string
	// SubMchID is the sub-merchant id, institutional mode only; at most 32
	// characters. Empty means not sent.
	SubMchID string
	// TransactionID is the WeChat Pay transaction id; required, at most 32
	// characters.
	TransactionID string
}

// Order is a profit-sharing order with one entry per receiver.
type Order struct {
	// SubMchID is the sub-merchant id (institutional mode).
	SubMchID string `json:"sub_mchid,omitempty"`
	// TransactionID is the WeChat Pay transaction id.
	TransactionID string `json:"transaction_id"`
	// OutOrderNo is the merchant's distribution order number.
	OutOrderNo string `json:"out_order_no"`
	// OrderID is WeChat Pay's distribution order id.
	OrderID string `json:"order_id"`
	// State is the order state.
	State State `json:"state"`
	// Receivers has one entry per receiver, including the "unfreeze to
	// sponsor" entry.
	Receivers []Receiver `json:"receivers"`
	// Meta describes the HTTP exchange (Request-ID, attempts).
	Meta wechatpay.Response `json:"-"`
}

// Receiver is one distribution detail of an Order.
type Receiver struct {
	// Currency is the distribution currency, e.g. CNY.
	Currency string `json:"currency"`
	// Amount is the distributed amount in the currency's smallest unit.
	Amount int64 `json:"amount"`
	// Description is the distribution description.
	Description string `json:"description"`
	// Type is the receiver type.
	Type ReceiverType `json:"type"`
	// Account is the receiver account: a merchant id or an openid (for
	// DetailTypeUnfreezeToSponsor, the sponsor's merchant id).
	Account string `json:"account"`
	// Result is the outcome of this detail.
	Result Result `json:"result"`
	// FailReason says why the detail was closed (ResultClosed only).
	FailReason FailReason `json:"fail_reason,omitempty"`
	// CreateTime is when the detail was created.
	CreateTime time.Time `json:"create_time,omitzero"`
	// FinishTime is when the detail finished (ResultSuccess or
	// ResultClosed); zero when absent.
	FinishTime time.Time `json:"finish_time,omitzero"`
	// DetailID is WeChat Pay's detail id.
	DetailID string `json:"detail_id"`
	// DetailType says whether funds went to another receiver or back to
	// the sponsor.
	DetailType DetailType `json:"detail_type"`
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

// UnmarshalJSON decodes an order as WeChat Pay sends it, by the rules
// encoding/json applies to Order's fields (fields absent from data keep
// their values), with receivers decoded by Receiver.UnmarshalJSON. The
// strings share one copy of data. On error *o is unchanged.
func (o *Order) UnmarshalJSON(data []byte) error {
	var r jsonwire.Reader
	r.Reset(data)
	v := *o
	if err := v.decode(&r); err != nil {
		return err
	}
	if err := r.End(); err != nil {
		return err
	}
	*o = v
	return nil
}

// orderAnswer is what QueryOrder hands to DoV3: the client decodes the
// verified body with UnmarshalWire.
type orderAnswer Order

func (a *orderAnswer) UnmarshalWire(data []byte) error { return (*Order)(a).UnmarshalJSON(data) }

var orderFields = []string{"sub_mchid", "transaction_id", "out_order_no", "order_id", "state", "receivers"}

func (o *Order) decode(r *jsonwire.Reader) error {
	return r.Object(orderFields, func(name string) error {
		switch name {
		case "sub_mchid":
			return r.String(&o.SubMchID)
		case "transaction_id":
			return r.String(&o.TransactionID)
		case "out_order_no":
			return r.String(&o.OutOrderNo)
		case "order_id":
			return r.String(&o.OrderID)
		case "state":
			return r.String((*string)(&o.State))
		default: // receivers
			return o.decodeReceivers(r)
		}
	})
}

// decodeReceivers reads the receivers into a slice of exactly their number
// (null is a nil slice, [] an empty one).
func (o *Order) decodeReceivers(r *jsonwire.Reader) error {
	var buf [8]Receiver // an order rarely has more; beyond, append grows
	rs := buf[:0]
	present, err := r.Array(func() error {
		rs = append(rs, Receiver{})
		return rs[len(rs)-1].decode(r)
	})
	if err != nil {
		return err
	}
	o.Receivers = nil
	if present {
		o.Receivers = append(make([]Receiver, 0, len(rs)), rs...)
	}
	return nil
}

// UnmarshalJSON decodes a receiver as WeChat Pay sends it: RFC 3339 times
// (with or without a fraction of a second; absent or "" is the zero time)
// and the exchange rate under rate_value or rate (rate_value wins when both
// are present).
func (r *Receiver) UnmarshalJSON(data []byte) error {
	var rd jsonwire.Reader
	rd.Reset(data)
	var v Receiver
	if err := v.decode(&rd); err != nil {
		return err
	}
	if err := rd.End(); err != nil {
		return err
	}
	*r = v
	return nil
}

var receiverFields = []string{
	"currency", "amount", "description", "type", "account", "result", "fail_reason", "create_time",
	"finish_time", "detail_id", "detail_type", "settlement_currency", "settlement_amount", "rate_value", "rate",
}

// decode reads one receiver into the zero value r. Times are parsed after
// the object is read, so that only the last of repeated keys counts.
func (r *Receiver) decode(rd *jsonwire.Reader) error {
	var (
		create, finish        string
		rateValue, rate       int64
		hasRateValue, hasRate bool
	)
	err := rd.Object(receiverFields, func(name string) (err error) {
		switch name {
		case "currency":
			return rd.String(&r.Currency)
		case "amount":
			return rd.Int64(&r.Amount)
		case "description":
			return rd.String(&r.Description)
		case "type":
			return rd.String((*string)(&r.Type))
		case "account":
			return rd.String(&r.Account)
		case "result":
			return rd.String((*string)(&r.Result))
		case "fail_reason":
			return rd.String((*string)(&r.FailReason))
		case "create_time":
			return rd.String(&create)
		case "finish_time":
			return rd.String(&finish)
		case "detail_id":
			return rd.String(&r.DetailID)
		case "detail_type":
			return rd.String((*string)(&r.DetailType))
		case "settlement_currency":
			return rd.String(&r.SettlementCurrency)
		case "settlement_amount":
			return rd.Int64(&r.SettlementAmount)
		case "rate_value": // null clears it, as for a pointer
			hasRateValue, err = rd.OptInt64(&rateValue)
			return err
		default: // rate
			hasRate, err = rd.OptInt64(&rate)
			return err
		}
	})
	if err != nil {
		return err
	}
	if r.CreateTime, err = parseTime("create_time", create); err != nil {
		return err
	}
	if r.FinishTime, err = parseTime("finish_time", finish); err != nil {
		return err
	}
	switch {
	case hasRateValue:
		r.RateValue = rateValue
	case hasRate:
		r.RateValue = rate
	}
	return nil
}

// parseTime parses an RFC 3339 time with an optional fraction of a second;
// "" is the zero time.
func parseTime(field, v string) (time.Time, error) {
	t, err := jsonwire.ParseTime(v)
	if err != nil {
		return time.Time{}, fmt.Errorf("profitsharing: %s is not an RFC 3339 time", field)
	}
	return t, nil
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
	var out Order
	meta, err := s.c.DoV3(ctx, &wechatpay.Request{
		Method:   http.MethodGet,
		Path:     "/v3/global/profit-sharing/orders/" + url.PathEscape(req.OutOrderNo),
		RawQuery: svc.Query("sub_mchid", req.SubMchID, "transaction_id", req.TransactionID),
		Global:   true,
	}, (*orderAnswer)(&out))
	if err != nil {
		return nil, err
	}
	if meta != nil {
		out.Meta = *meta
	}
	return &out, nil
}

func validateQueryOrder(req *QueryOrderRequest) error {
	if req == nil {
		return &wechatpay.FieldError{Field: "request", Reason: "is nil", Missing: true}
	}
	if err := svc.CheckID("out_order_no", req.OutOrderNo, 64, true); err != nil {
		return err
	}
	for i := 0; i < len(req.OutOrderNo); i++ {
		switch c := req.OutOrderNo[i]; {
		case '0' <= c && c <= '9', 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', c == '_', c == '-':
		default:
			return &wechatpay.FieldError{Field: "out_order_no", Reason: "may hold only digits, letters, '_' and '-'"}
		}
	}
	if err := svc.CheckID("sub_mchid", req.SubMchID, 32, false); err != nil {
		return err
	}
	return svc.CheckID("transaction_id", req.TransactionID, 32, true)
}
