package wechatpaytest

import (
	"cmp"
	"slices"
	"time"
)

// Seed fixture values of global profit sharing (protocol/apis-domains.md
// B3 and B6).
const (
	seedPSReceiverAccount = "86693852"
	seedPSUnsplitAmount   = 1000
)

// ProfitSharingTransaction is a paid transaction marked for global profit
// sharing: the emulator answers its undistributed amount
// (GET /v3/global/profit-sharing/transactions/{transaction_id}/amounts)
// and lets distribution (POST /v3/global/profit-sharing/orders) and
// unfreeze requests take from it.
type ProfitSharingTransaction struct {
	// TransactionID and SubMchID (empty in direct mode) identify the
	// transaction; a request with another sub_mchid is answered 400
	// INVALID_REQUEST.
	TransactionID, SubMchID string
	// Currency is the currency of the amount ("" for CNY).
	Currency string
	// UnsplitAmount is the amount still to be distributed, in fen.
	UnsplitAmount int64
	// Total is the amount paid (0: UnsplitAmount when added) and Fee
	// WeChat Pay's fee on it (default 0), in fen: GET
	// /v3/global/profit-sharing/transactions/{transaction_id}/refundable-amounts
	// answers ⌊unsplit × Total / (Total − Fee)⌋ as refundable_amount, and
	// the rest of Total as funds_refundable_amount.
	Total, Fee int64
}

// AddProfitSharingTransaction adds or replaces the transaction with
// t.TransactionID, with no distribution request made yet.
func (s *Server) AddProfitSharingTransaction(t ProfitSharingTransaction) {
	if t.Currency == "" {
		t.Currency = "CNY"
	}
	t.Total = cmp.Or(t.Total, t.UnsplitAmount)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ps.txs[t.TransactionID] = &psTransaction{ProfitSharingTransaction: t}
}

// ProfitSharingRelation is a receiver relationship of global profit
// sharing (POST and DELETE /v3/global/profit-sharing/receivers, GET
// /v3/global/profit-sharing/receivers/{account}). A relationship is keyed
// by SubMchID (empty in direct mode) and Account.
type ProfitSharingRelation struct {
	// SubMchID, Type and Account identify the receiver; Name is its
	// plaintext name (encrypted for the merchant in answers), "" for none.
	SubMchID string `json:"sub_mchid,omitempty"`
	Type     string `json:"type"`
	Account  string `json:"account"`
	Name     string `json:"name,omitempty"`
	// RelationType, CustomRelation, Scene, MajorService and the file ids
	// are answered as they are; empty ones are left out.
	RelationType      string `json:"relation_type,omitempty"`
	CustomRelation    string `json:"custom_relation,omitempty"`
	Scene             string `json:"scene,omitempty"`
	MajorService      string `json:"major_service,omitempty"`
	ApplicationFileID string `json:"application_file_id,omitempty"`
	PartnershipFileID string `json:"partnership_file_id,omitempty"`
	FileID            string `json:"file_id,omitempty"`
	// ExpectedRatio is answered unless zero.
	ExpectedRatio int64 `json:"expected_ratio,omitempty"`
	// State is INIT or EFFECTIVE; FailReason is answered unless empty. An
	// INIT relationship becomes EFFECTIVE on its next query.
	State      string `json:"state"`
	FailReason string `json:"fail_reason,omitempty"`
}

// AddProfitSharingRelation adds or replaces the receiver relationship with
// r.SubMchID and r.Account; an empty State is EFFECTIVE.
func (s *Server) AddProfitSharingRelation(r ProfitSharingRelation) {
	if r.State == "" {
		r.State = "EFFECTIVE"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ps.relations[psRelationKey{r.SubMchID, r.Account}] = r
}

// ProfitSharingRelations returns the receiver relationships, in no
// particular order.
func (s *Server) ProfitSharingRelations() []ProfitSharingRelation {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ProfitSharingRelation, 0, len(s.ps.relations))
	for _, r := range s.ps.relations {
		out = append(out, r)
	}
	return out
}

// addProfitSharingSeed installs the seed order, the seed transaction (1000
// fen unsplit) and the EFFECTIVE receiver 86693852 of sub-merchant
// 1900000109.
func (s *Server) addProfitSharingSeed() {
	created := time.Date(2022, 3, 23, 17, 10, 13, 0, beijing)
	s.ps.orders[SeedOutOrderNo] = ProfitSharingOrder{
		SubMchID:      SeedSubMchID,
		TransactionID: SeedTransactionID,
		OutOrderNo:    SeedOutOrderNo,
		OrderID:       "7100000751202203238026613597498",
		State:         "PROCESSING",
		Receivers: []ProfitSharingReceiver{
			{
				Account: "999952224", Amount: 797, CreateTime: created, Currency: "CNY",
				Description: "Unfreeze the remaining funds to sponsor", DetailID: "7200000751202203238026613597602",
				DetailType: "UNFREEZE_TO_SPONSOR", RateValue: 83640300, Result: "PENDING",
				SettlementAmount: 952, SettlementCurrency: "HKD", Type: "MERCHANT_ID",
			},
			{
				Account: "of8YZ6LPmjDmYAqdobIvwTdQQjR8", Amount: 99, CreateTime: created, Currency: "CNY",
				Description: "Distribute to xxx user-10%", DetailID: "7200000751202203238026613597699",
				DetailType: "DISTRIBUTE_TO_OTHERS", Result: "PENDING", Type: "PERSONAL_OPENID",
			},
			{
				Account: "2480248971", Amount: 99, CreateTime: created, Currency: "CNY",
				Description: "Distribute to xxx merchant-10%", DetailID: "7200000751202203238026613597767",
				DetailType: "DISTRIBUTE_TO_OTHERS", Result: "PENDING", Type: "MERCHANT_ID",
			},
		},
	}
	s.ps.txs[SeedTransactionID] = &psTransaction{ProfitSharingTransaction: ProfitSharingTransaction{
		TransactionID: SeedTransactionID, SubMchID: SeedSubMchID, Currency: "CNY", UnsplitAmount: seedPSUnsplitAmount,
		Total: seedPSUnsplitAmount,
	}}
	s.ps.relations[psRelationKey{SeedSubMchID, seedPSReceiverAccount}] = ProfitSharingRelation{
		SubMchID: SeedSubMchID, Type: "MERCHANT_ID", Account: seedPSReceiverAccount,
		RelationType: "TAX_SERVICE_PROVIDER", State: "EFFECTIVE",
	}
}

// psBillTTL is how long a bill download URL is valid.
const psBillTTL = 30 * time.Second

// ProfitSharingReceiver is one receiver of a ProfitSharingOrder.
type ProfitSharingReceiver struct {
	// Currency, Amount (smallest unit), Description, Type, Account,
	// Result and FailReason are answered as they are (receivers[] fields
	// of the same names); an empty FailReason is left out.
	Currency    string
	Amount      int64
	Description string
	Type        string
	Account     string
	Result      string
	FailReason  string
	// CreateTime and FinishTime are answered in RFC 3339; a zero
	// FinishTime is left out.
	CreateTime time.Time
	FinishTime time.Time
	// DetailID and DetailType are answered as they are.
	DetailID   string
	DetailType string
	// SettlementCurrency, SettlementAmount and RateValue (× 10^8) are
	// answered for UNFREEZE_TO_SPONSOR entries; empty or zero ones are
	// left out.
	SettlementCurrency string
	SettlementAmount   int64
	RateValue          int64
}

// ProfitSharingOrder is a global profit-sharing order that the emulator
// answers for GET /v3/global/profit-sharing/orders/{out_order_no} when the
// query's transaction_id and sub_mchid (empty for none) match.
type ProfitSharingOrder struct {
	// SubMchID, TransactionID and OutOrderNo identify the order (SubMchID
	// empty for an order without sub-merchant); OrderID and State are
	// answered as they are.
	SubMchID, TransactionID, OutOrderNo, OrderID, State string
	// Receivers are answered in order.
	Receivers []ProfitSharingReceiver
}

// AddProfitSharingOrder adds or replaces the order with o.OutOrderNo.
func (s *Server) AddProfitSharingOrder(o ProfitSharingOrder) {
	o.Receivers = slices.Clone(o.Receivers)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ps.orders[o.OutOrderNo] = o
}

// PayProfitSharingTransaction pays the order out_trade_no of sub-merchant
// subMchID (empty in direct mode) for amount fen, and returns its new
// transaction id; paying it again returns the same id. The transaction is
// frozen and shareable only when the order was marked first (POST
// /v3/global/profit-sharing/transactions/mark); an unmarked one is unknown
// to profit sharing (its queries answer 400 INVALID_REQUEST), and a mark
// after payment is refused. The seed transaction counts as marked.
func (s *Server) PayProfitSharingTransaction(subMchID, outTradeNo string, amount int64) string {
	k := psMarkKey{subMchID, outTradeNo}
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.ps.paid[k]; ok {
		return id
	}
	id := s.psNextID("42")
	s.ps.paid[k] = id
	if s.ps.marks[k] {
		s.ps.txs[id] = &psTransaction{ProfitSharingTransaction: ProfitSharingTransaction{
			TransactionID: id, SubMchID: subMchID, Currency: "CNY", UnsplitAmount: amount, Total: amount,
		}}
	}
	return id
}

// SetProfitSharingRefundableBalance sets the base of the advance-refund
// quota, in fen (GET /v3/global/profit-sharing/refunds/refundable-balance
// answers it plus every UNFREEZE_TO_SPONSOR amount that succeeded today,
// Beijing time).
func (s *Server) SetProfitSharingRefundableBalance(fen int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ps.refundBalance = fen
}

// AddProfitSharingRefundBillRow adds a row to the profit-sharing refund
// bill of day (its Beijing date) of sub-merchant subMchID (empty in direct
// mode): fields in the columns of the bill's header, written each
// prefixed with '`'. Without rows the bill has its header only.
func (s *Server) AddProfitSharingRefundBillRow(subMchID string, day time.Time, fields ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ps.refundRows = append(s.ps.refundRows, psRefundRow{subMchID, day.In(beijing).Format(time.DateOnly), slices.Clone(fields)})
}
