package profitsharing

import (
	"context"
	"errors"
	"net/http"

	"github.com/gowechatpay/wechatpay"
)

// MaxOrderReceivers is the largest number of receivers of one distribution
// request (CreateOrder).
const MaxOrderReceivers = 50

// CreateOrderRequest asks WeChat Pay to distribute part of a transaction's
// frozen funds to receivers (请求分账).
type CreateOrderRequest struct {
	// SubMchID is the sub-merchant of the transaction: required in
	// institutional mode, empty (not sent) in direct mode; at most 32
	// characters.
	SubMchID string `json:"sub_mchid,omitempty" wx:"id,max=32"`
	// AppID is the app id bound to the (institution) merchant; required
	// when a receiver is ReceiverTypePersonalOpenID.
	AppID string `json:"appid,omitempty" wx:"id,max=32"`
	// SubAppID is the app id bound to the sub-merchant; required when a
	// receiver is ReceiverTypePersonalSubOpenID.
	SubAppID string `json:"sub_appid,omitempty" wx:"id,max=32"`
	// TransactionID is the WeChat Pay transaction id; required, at most 32
	// characters.
	TransactionID string `json:"transaction_id" wx:"required,id,max=32"`
	// OutOrderNo is the merchant's distribution number, unique per request
	// (CreateOrder and UnfreezeOrder share the namespace); required, 1–64
	// digits, letters, '_' and '-'. It is the idempotency key: repeat a
	// call with the same number and the same fields, and distribute the
	// same transaction again under a new number.
	OutOrderNo string `json:"out_order_no" wx:"required,orderno,max=64"`
	// Receivers are the receivers of this request: at most 50
	// (MaxOrderReceivers), optional (WeChat Pay decides; the emulator
	// treats none with UnfreezeUnsplit true as UnfreezeOrder, and none
	// with false as 400 INVALID_REQUEST). The sponsor (出资商户) may be a
	// receiver only when UnfreezeUnsplit is false; personal users cannot
	// be receivers at present.
	Receivers []OrderReceiver `json:"receivers,omitempty" wx:"max=50"`
	// UnfreezeUnsplit, when true, returns everything left after this
	// distribution to the sponsor, which finishes the transaction's
	// distribution for good; when false the rest stays frozen for later
	// requests. It is always sent.
	UnfreezeUnsplit bool `json:"unfreeze_unsplit"`
}

// OrderReceiver is one receiver of a distribution request.
type OrderReceiver struct {
	// Currency is the distribution currency; required, 3 letters (CNY is
	// the only documented value; the SDK does not restrict it).
	Currency string `json:"currency" wx:"required,id,max=3"`
	// Type is the receiver type; required.
	Type ReceiverType `json:"type" wx:"required,id,max=32"`
	// Account is the merchant id, or the openid under AppID or SubAppID;
	// required, at most 64 characters.
	Account string `json:"account" wx:"required,id,max=64"`
	// Name is the real name of a personal receiver, in plaintext,
	// optional; when set WeChat Pay checks it. The SDK encrypts it
	// (RSA-OAEP, with the Wechatpay-Serial header naming the key) and
	// never logs it.
	Name string `json:"name,omitempty" wx:"encrypt"`
	// Authorized says that the merchant has the user's consent to pass
	// real-name data; sent only when true.
	Authorized bool `json:"authorized,omitempty"`
	// Amount is the amount in the currency's smallest unit (fen); > 0.
	Amount int64 `json:"amount" wx:"required,min=1"`
	// Description is the distribution description shown in the bill;
	// required, at most 80 characters.
	Description string `json:"description" wx:"required,max=80"`
}

// Validate checks the request before any I/O and reports every problem:
// the rules of its tags (see wechatpay.ValidateRequest), and the appid or
// sub_appid that a personal receiver needs. CreateOrder calls it.
func (r *CreateOrderRequest) Validate() error {
	if r == nil {
		return wechatpay.ValidateRequest(r)
	}
	types := make([]ReceiverType, len(r.Receivers))
	for i, rc := range r.Receivers {
		types[i] = rc.Type
	}
	return errors.Join(wechatpay.ValidateRequest(r), needApps(r.AppID, r.SubAppID, types...))
}

var opCreateOrder = wechatpay.Operation[CreateOrderRequest, Order]{
	Name: "profitsharing.CreateOrder", Method: http.MethodPost, Path: "/v3/global/profit-sharing/orders",
	Domain: wechatpay.DomainGlobal, Repeat: wechatpay.RepeatReentrant, After: readRate,
}

// CreateOrder requests a cross-border funds distribution (跨境分账 请求分账).
// The request is accepted and processed asynchronously: the answer is
// normally StateProcessing with ResultPending details; read the outcome
// with QueryOrder.
//
// POST /v3/global/profit-sharing/orders (apihk domain)
//
// Limits: at most 50 distribution requests per transaction and 50
// receivers per request. Receiver names are encrypted by the SDK. Rate
// limit: not documented (see WithLimiter). The API is re-entrant per
// out_order_no, so the client retries it with the same body bytes on
// transport errors, 429 and 5xx. The emulator answers a repeat with other
// fields 400 PARAM_ERROR: never reuse a number for other fields.
func (s *Service) CreateOrder(ctx context.Context, req *CreateOrderRequest) (*Order, error) {
	return opCreateOrder.Do(ctx, s.core().Client(), req, s.core().Limiter())
}

// UnfreezeOrderRequest asks WeChat Pay to return all the undistributed
// funds of a transaction to the sponsor (解冻剩余资金).
type UnfreezeOrderRequest struct {
	// SubMchID is the sub-merchant: required in institutional mode, empty
	// in direct mode; at most 32 characters.
	SubMchID string `json:"sub_mchid,omitempty" wx:"id,max=32"`
	// TransactionID is the WeChat Pay transaction id; required, at most 32
	// characters.
	TransactionID string `json:"transaction_id" wx:"required,id,max=32"`
	// OutOrderNo is a new merchant distribution number (the namespace of
	// CreateOrder); required, 1–64 digits, letters, '_' and '-'. A repeat
	// with the same number is the same request.
	OutOrderNo string `json:"out_order_no" wx:"required,orderno,max=64"`
	// Description is the reason shown in the bill, e.g. 解冻全部剩余资金;
	// required, at most 80 characters.
	Description string `json:"description" wx:"required,max=80"`
}

// Validate checks the request before any I/O and reports every problem
// (see wechatpay.ValidateRequest); UnfreezeOrder calls it.
func (r *UnfreezeOrderRequest) Validate() error { return wechatpay.ValidateRequest(r) }

var opUnfreezeOrder = wechatpay.Operation[UnfreezeOrderRequest, Order]{
	Name: "profitsharing.UnfreezeOrder", Method: http.MethodPost, Path: "/v3/global/profit-sharing/orders/unfreeze",
	Domain: wechatpay.DomainGlobal, Repeat: wechatpay.RepeatReentrant, After: readRate,
}

// UnfreezeOrder returns everything not yet distributed of a transaction to
// the sponsor (跨境分账 解冻剩余资金): for a transaction that needs no
// distribution, or to end one after CreateOrder calls. The answer has one
// DetailTypeUnfreezeToSponsor detail; the request is processed
// asynchronously, read the outcome with QueryOrder under the same
// out_order_no.
//
// POST /v3/global/profit-sharing/orders/unfreeze (apihk domain)
//
// Rate limit: not documented (see WithLimiter). The API is re-entrant per
// out_order_no ("多次请求等同一次"), so the client retries it with the same
// body bytes on transport errors, 429 and 5xx.
func (s *Service) UnfreezeOrder(ctx context.Context, req *UnfreezeOrderRequest) (*Order, error) {
	return opUnfreezeOrder.Do(ctx, s.core().Client(), req, s.core().Limiter())
}
