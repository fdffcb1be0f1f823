package profitsharing

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/svc"
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
	SubMchID string
	// AppID is the app id bound to the (institution) merchant; required
	// when a receiver is ReceiverTypePersonalOpenID.
	AppID string
	// SubAppID is the app id bound to the sub-merchant; required when a
	// receiver is ReceiverTypePersonalSubOpenID.
	SubAppID string
	// TransactionID is the WeChat Pay transaction id; required, at most 32
	// characters.
	TransactionID string
	// OutOrderNo is the merchant's distribution number, unique per request
	// (CreateOrder and UnfreezeOrder share the namespace); required, 1–64
	// digits, letters, '_' and '-'. It is the idempotency key: repeat a
	// call with the same number and the same fields, and distribute the
	// same transaction again under a new number.
	OutOrderNo string
	// Receivers are the receivers of this request: 1 to 50.
	Receivers []OrderReceiver
	// UnfreezeUnsplit, when true, returns everything left after this
	// distribution to the sponsor, which finishes the transaction's
	// distribution for good; when false the rest stays frozen for later
	// requests. It is always sent.
	UnfreezeUnsplit bool
}

// OrderReceiver is one receiver of a distribution request.
type OrderReceiver struct {
	// Currency is the distribution currency; required, 3 letters (CNY is
	// the only documented value; the SDK does not restrict it).
	Currency string
	// Type is the receiver type; required.
	Type ReceiverType
	// Account is the merchant id, or the openid under AppID or SubAppID;
	// required, at most 64 characters.
	Account string
	// Name is the real name of a personal receiver, in plaintext,
	// optional; when set WeChat Pay checks it. The SDK encrypts it
	// (RSA-OAEP, with the Wechatpay-Serial header naming the key) and
	// never logs it.
	Name string
	// Authorized says that the merchant has the user's consent to pass
	// real-name data; sent only when true.
	Authorized bool
	// Amount is the amount in the currency's smallest unit (fen); > 0.
	Amount int64
	// Description is the distribution description shown in the bill;
	// required, at most 80 characters.
	Description string
}

type createOrderBody struct {
	SubMchID        string              `json:"sub_mchid,omitempty"`
	AppID           string              `json:"appid,omitempty"`
	SubAppID        string              `json:"sub_appid,omitempty"`
	TransactionID   string              `json:"transaction_id"`
	OutOrderNo      string              `json:"out_order_no"`
	Receivers       []createOrderTarget `json:"receivers"`
	UnfreezeUnsplit bool                `json:"unfreeze_unsplit"`
}

type createOrderTarget struct {
	Currency    string       `json:"currency"`
	Type        ReceiverType `json:"type"`
	Account     string       `json:"account"`
	Name        string       `json:"name,omitempty"`
	Authorized  bool         `json:"authorized,omitempty"`
	Amount      int64        `json:"amount"`
	Description string       `json:"description"`
}

func validateCreateOrder(req *CreateOrderRequest) error {
	if req == nil {
		return &wechatpay.FieldError{Field: "request", Reason: "is nil", Missing: true}
	}
	if err := checkApps(req.SubMchID, req.AppID, req.SubAppID); err != nil {
		return err
	}
	if err := svc.CheckID("transaction_id", req.TransactionID, 32, true); err != nil {
		return err
	}
	if err := checkOrderNo(req.OutOrderNo); err != nil {
		return err
	}
	switch n := len(req.Receivers); {
	case n == 0:
		return &wechatpay.FieldError{Field: "receivers", Reason: "needs at least one receiver", Missing: true}
	case n > MaxOrderReceivers:
		return &wechatpay.FieldError{Field: "receivers", Reason: "has " + strconv.Itoa(n) + " receivers, at most 50 allowed"}
	}
	for i, r := range req.Receivers {
		p := "receivers[" + strconv.Itoa(i) + "]."
		if err := svc.CheckID(p+"currency", r.Currency, 3, true); err != nil {
			return err
		}
		if err := checkParty(p, r.Type, r.Account, req.AppID, req.SubAppID); err != nil {
			return err
		}
		if err := checkText(p+"name", r.Name, 0, false); err != nil {
			return err
		}
		if r.Amount <= 0 {
			return &wechatpay.FieldError{Field: p + "amount", Reason: "must be a positive amount in the smallest unit", Missing: r.Amount == 0}
		}
		if err := checkText(p+"description", r.Description, 80, true); err != nil {
			return err
		}
	}
	return nil
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
	if err := s.ready(); err != nil {
		return nil, err
	}
	if err := validateCreateOrder(req); err != nil {
		return nil, err
	}
	b := createOrderBody{
		SubMchID: req.SubMchID, AppID: req.AppID, SubAppID: req.SubAppID, TransactionID: req.TransactionID,
		OutOrderNo: req.OutOrderNo, Receivers: make([]createOrderTarget, len(req.Receivers)), UnfreezeUnsplit: req.UnfreezeUnsplit,
	}
	var header http.Header
	for i, r := range req.Receivers {
		b.Receivers[i] = createOrderTarget{Currency: r.Currency, Type: r.Type, Account: r.Account,
			Authorized: r.Authorized, Amount: r.Amount, Description: r.Description}
		if r.Name == "" {
			continue
		}
		cipher, serial, err := svc.Encrypt(s.c, "receivers["+strconv.Itoa(i)+"].name", r.Name)
		if err != nil {
			return nil, err
		}
		b.Receivers[i].Name = cipher
		header = http.Header{wechatpay.HeaderSerial: {serial}}
	}
	body, err := svc.EncodeJSON(&b)
	if err != nil {
		return nil, err
	}
	return s.postOrder(ctx, "/v3/global/profit-sharing/orders", body, header)
}

// postOrder sends a re-entrant request whose answer is an Order.
func (s *Service) postOrder(ctx context.Context, path string, body []byte, header http.Header) (*Order, error) {
	if err := s.wait(ctx); err != nil {
		return nil, err
	}
	var (
		w   orderWire
		out Order
	)
	meta, err := svc.DoV3Via(ctx, "profitsharing", s.c, &wechatpay.Request{
		Method:     http.MethodPost,
		Path:       path,
		Body:       body,
		Header:     header,
		Global:     true,
		Idempotent: true,
	}, &w, func() error { return w.to(&out) }, &out)
	if err != nil {
		return nil, err
	}
	out.Meta = *meta
	return &out, nil
}

// UnfreezeOrderRequest asks WeChat Pay to return all the undistributed
// funds of a transaction to the sponsor (解冻剩余资金).
type UnfreezeOrderRequest struct {
	// SubMchID is the sub-merchant: required in institutional mode, empty
	// in direct mode; at most 32 characters.
	SubMchID string
	// TransactionID is the WeChat Pay transaction id; required, at most 32
	// characters.
	TransactionID string
	// OutOrderNo is a new merchant distribution number (the namespace of
	// CreateOrder); required, 1–64 digits, letters, '_' and '-'. A repeat
	// with the same number is the same request.
	OutOrderNo string
	// Description is the reason shown in the bill, e.g. 解冻全部剩余资金;
	// required, at most 80 characters.
	Description string
}

type unfreezeOrderBody struct {
	SubMchID      string `json:"sub_mchid,omitempty"`
	TransactionID string `json:"transaction_id"`
	OutOrderNo    string `json:"out_order_no"`
	Description   string `json:"description"`
}

func validateUnfreezeOrder(req *UnfreezeOrderRequest) error {
	if req == nil {
		return &wechatpay.FieldError{Field: "request", Reason: "is nil", Missing: true}
	}
	if err := svc.CheckID("sub_mchid", req.SubMchID, 32, false); err != nil {
		return err
	}
	if err := svc.CheckID("transaction_id", req.TransactionID, 32, true); err != nil {
		return err
	}
	if err := checkOrderNo(req.OutOrderNo); err != nil {
		return err
	}
	return checkText("description", req.Description, 80, true)
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
	if err := s.ready(); err != nil {
		return nil, err
	}
	if err := validateUnfreezeOrder(req); err != nil {
		return nil, err
	}
	body, err := svc.EncodeJSON(&unfreezeOrderBody{SubMchID: req.SubMchID, TransactionID: req.TransactionID,
		OutOrderNo: req.OutOrderNo, Description: req.Description})
	if err != nil {
		return nil, err
	}
	return s.postOrder(ctx, "/v3/global/profit-sharing/orders/unfreeze", body, nil)
}
