package profitsharing

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// orderRef and receiverRef decode with encoding/json's reflection, the way
// Order and Receiver were decoded before their decoders were written by
// hand: the oracle of FuzzOrderUnmarshal.
type orderRef struct {
	SubMchID      string        `json:"sub_mchid,omitempty"`
	TransactionID string        `json:"transaction_id"`
	OutOrderNo    string        `json:"out_order_no"`
	OrderID       string        `json:"order_id"`
	State         State         `json:"state"`
	Receivers     []receiverRef `json:"receivers"`
}

type receiverRef Receiver

func (r *receiverRef) UnmarshalJSON(data []byte) error {
	var w struct {
		Currency           string       `json:"currency"`
		Amount             int64        `json:"amount"`
		Description        string       `json:"description"`
		Type               ReceiverType `json:"type"`
		Account            string       `json:"account"`
		Result             Result       `json:"result"`
		FailReason         FailReason   `json:"fail_reason"`
		CreateTime         string       `json:"create_time"`
		FinishTime         string       `json:"finish_time"`
		DetailID           string       `json:"detail_id"`
		DetailType         DetailType   `json:"detail_type"`
		SettlementCurrency string       `json:"settlement_currency"`
		SettlementAmount   int64        `json:"settlement_amount"`
		RateValue          *int64       `json:"rate_value"`
		Rate               *int64       `json:"rate"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	parse := func(v string) (time.Time, error) {
		if v == "" {
			return time.Time{}, nil
		}
		return time.Parse(time.RFC3339Nano, v)
	}
	create, err := parse(w.CreateTime)
	if err != nil {
		return err
	}
	finish, err := parse(w.FinishTime)
	if err != nil {
		return err
	}
	*r = receiverRef{
		Currency: w.Currency, Amount: w.Amount, Description: w.Description, Type: w.Type, Account: w.Account,
		Result: w.Result, FailReason: w.FailReason, CreateTime: create, FinishTime: finish, DetailID: w.DetailID,
		DetailType: w.DetailType, SettlementCurrency: w.SettlementCurrency, SettlementAmount: w.SettlementAmount,
	}
	switch {
	case w.RateValue != nil:
		r.RateValue = *w.RateValue
	case w.Rate != nil:
		r.RateValue = *w.Rate
	}
	return nil
}

// comparable renders an order with its times as text with their offsets,
// so that equal instants in equal offsets compare equal whatever their
// *time.Location.
func comparableOrder(o orderRef) string {
	s := fmt.Sprintf("%q %q %q %q %q nil=%v\n", o.SubMchID, o.TransactionID, o.OutOrderNo, o.OrderID, o.State, o.Receivers == nil)
	tm := func(t time.Time) string {
		if t.IsZero() {
			return "zero"
		}
		return t.Format(time.RFC3339Nano)
	}
	for _, r := range o.Receivers {
		s += fmt.Sprintf("%q %d %q %q %q %q %q %s %s %q %q %q %d %d\n", r.Currency, r.Amount, r.Description, r.Type,
			r.Account, r.Result, r.FailReason, tm(r.CreateTime), tm(r.FinishTime), r.DetailID, r.DetailType,
			r.SettlementCurrency, r.SettlementAmount, r.RateValue)
	}
	return s
}

func refOf(o *Order) orderRef {
	ref := orderRef{SubMchID: o.SubMchID, TransactionID: o.TransactionID, OutOrderNo: o.OutOrderNo, OrderID: o.OrderID, State: o.State}
	if o.Receivers != nil {
		ref.Receivers = make([]receiverRef, len(o.Receivers))
		for i, r := range o.Receivers {
			ref.Receivers[i] = receiverRef(r)
		}
	}
	return ref
}

// FuzzOrderUnmarshal checks that the hand-written decoder accepts exactly
// what encoding/json's reflection accepts and decodes it to the same order,
// both through json.Unmarshal and through the client's direct path
// (UnmarshalWire, which gets no validated input).
func FuzzOrderUnmarshal(f *testing.F) {
	f.Add([]byte(seedOrder))
	for _, s := range []string{
		`{"receivers":[{"rate":1,"rate_value":2,"create_time":"2022-03-23T17:10:13.1+08:00"}]}`,
		`{"receivers":[{"create_time":""},null,{}]}`,
		`{"receivers":[{"rate_value":1,"rate_value":null,"rate":3}]}`,
		`{"receivers":[{"create_time":"bad","create_time":"2022-03-23T17:10:13Z"}]}`,
		`{"ORDER_ID":"x","order_id":"y","Order_Id":"z","receivers":[],"receivers":null}`,
		`{"state":"\u0050ROCESSING","order_id":"a\ud800b\xff","sub_mchid":null,"x":[1,{"y":[true,false,null,-0.5e+3]}]}`,
		`{"receivers":[{"amount":1.0}]}`,
		`{"receivers":[{"amount":9223372036854775808}]}`,
		`{"receivers":{}}`,
		`null`,
		`{} x`,
		`{"a":1,}`,
		`[`,
		`{"receivers":[{"create_time":"2022-03-23T17:10:13+00:00","finish_time":"2022-03-23T17:10:13-07:00"}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var ref orderRef
		refErr := json.Unmarshal(data, &ref)

		var viaJSON Order
		err := json.Unmarshal(data, &viaJSON)
		require.Equal(t, refErr == nil, err == nil, "json.Unmarshal: reference error %v, got %v", refErr, err)

		var direct Order
		err = (*orderAnswer)(&direct).UnmarshalWire(data)
		require.Equal(t, refErr == nil, err == nil, "UnmarshalWire: reference error %v, got %v", refErr, err)
		if refErr != nil {
			return
		}
		want := comparableOrder(ref)
		require.Equal(t, want, comparableOrder(refOf(&viaJSON)))
		require.Equal(t, want, comparableOrder(refOf(&direct)))
	})
}
