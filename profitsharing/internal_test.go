package profitsharing

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/sdktest"
	"github.com/gowechatpay/wechatpay/internal/wire"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// seedOrder is the response example of the official page.
const seedOrder = `{
  "order_id": "7100000751202203238026613597498",
  "out_order_no": "MCH13SFDG234155321146",
  "receivers": [
    {"account": "999952224", "amount": 797, "create_time": "2022-03-23T17:10:13+08:00", "currency": "CNY",
     "description": "Unfreeze the remaining funds to sponsor", "detail_id": "7200000751202203238026613597602",
     "detail_type": "UNFREEZE_TO_SPONSOR", "rate_value": 83640300, "result": "PENDING",
     "settlement_amount": 952, "settlement_currency": "HKD", "type": "MERCHANT_ID"},
    {"account": "of8YZ6LPmjDmYAqdobIvwTdQQjR8", "amount": 99, "create_time": "2022-03-23T17:10:13+08:00",
     "currency": "CNY", "description": "Distribute to xxx user-10%", "detail_id": "7200000751202203238026613597699",
     "detail_type": "DISTRIBUTE_TO_OTHERS", "result": "PENDING", "type": "PERSONAL_OPENID"}
  ],
  "state": "PROCESSING",
  "sub_mchid": "999968479",
  "transaction_id": "4200000012202203235765130087"
}`

func TestOrderDecodesSeedExample(t *testing.T) {
	var o Order
	require.NoError(t, json.Unmarshal([]byte(seedOrder), &o))
	require.Equal(t, "7100000751202203238026613597498", o.OrderID)
	require.Equal(t, "MCH13SFDG234155321146", o.OutOrderNo)
	require.Equal(t, "999968479", o.SubMchID)
	require.Equal(t, "4200000012202203235765130087", o.TransactionID)
	require.Equal(t, StateProcessing, o.State)
	require.Len(t, o.Receivers, 2)
	require.True(t, o.Receivers[0].CreateTime.Equal(time.Date(2022, 3, 23, 9, 10, 13, 0, time.UTC)))
	require.Equal(t, Receiver{
		Currency: "CNY", Amount: 797, Description: "Unfreeze the remaining funds to sponsor",
		Type: ReceiverTypeMerchantID, Account: "999952224", Result: ResultPending,
		CreateTime: o.Receivers[0].CreateTime, DetailID: "7200000751202203238026613597602",
		DetailType: DetailTypeUnfreezeToSponsor, SettlementCurrency: "HKD", SettlementAmount: 952, RateValue: 83640300,
	}, o.Receivers[0])
	r := o.Receivers[1]
	require.Equal(t, ReceiverTypePersonalOpenID, r.Type)
	require.Equal(t, DetailTypeDistributeToOthers, r.DetailType)
	require.Zero(t, r.RateValue)
	require.True(t, r.FinishTime.IsZero())
}

// decodeOrder decodes an order answer as the order operations do: with
// encoding/json, then readRate.
func decodeOrder(data []byte) (Order, error) {
	var o Order
	err := wire.Unmarshal(data, &o)
	if err == nil {
		err = readRate(nil, data, &o)
	}
	return o, err
}

func TestReceiverRateSpellings(t *testing.T) {
	tests := []struct {
		name string
		json string
		want int64
	}{
		{"rate_value", `{"rate_value":83640300}`, 83640300},
		{"rate", `{"rate":650000000}`, 650000000},
		{"both prefer rate_value", `{"rate":1,"rate_value":100000000}`, 100000000},
		{"both, rate first in object", `{"rate_value":2,"rate":3}`, 2},
		{"zero rate_value wins over rate", `{"rate_value":0,"rate":3}`, 0},
		{"neither", `{}`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := decodeOrder([]byte(`{"receivers":[{"rate_value":7},` + tt.json + `]}`))
			require.NoError(t, err)
			require.Equal(t, tt.want, o.Receivers[1].RateValue)
			require.Equal(t, int64(7), o.Receivers[0].RateValue)
		})
	}
	_, err := decodeOrder([]byte(`{"receivers":[{"rate":"1"}]}`))
	require.ErrorIs(t, err, wechatpay.ErrMalformedResponse)
	require.ErrorContains(t, err, `field "receivers.rate"`)
}

func TestReceiverTimes(t *testing.T) {
	var r Receiver
	require.NoError(t, json.Unmarshal([]byte(`{"create_time":"2022-03-23T17:10:13.456+08:00","finish_time":""}`), &r))
	require.True(t, r.CreateTime.Equal(time.Date(2022, 3, 23, 9, 10, 13, 456e6, time.UTC)))
	require.True(t, r.FinishTime.IsZero())

	// The SDK's decoding (wire.Unmarshal) names the field on Go 1.26 and
	// 1.27 alike; encoding/json alone names it on Go 1.26.
	err := wire.Unmarshal([]byte(`{"create_time":"2022-03-23 17:10:13"}`), &r)
	require.ErrorContains(t, err, "create_time")
	err = wire.Unmarshal([]byte(`{"finish_time":"yesterday"}`), &r)
	require.ErrorContains(t, err, "finish_time")
	require.Error(t, json.Unmarshal([]byte(`{"finish_time":"yesterday"}`), &r))
	require.Error(t, json.Unmarshal([]byte(`{"amount":"1"}`), &r))
}

func TestReceiverRoundTrip(t *testing.T) {
	var o Order
	require.NoError(t, json.Unmarshal([]byte(seedOrder), &o))
	data, err := json.Marshal(o)
	require.NoError(t, err)
	var back Order
	require.NoError(t, json.Unmarshal(data, &back))
	require.Equal(t, o.Receivers[0].RateValue, back.Receivers[0].RateValue)
	require.True(t, o.Receivers[0].CreateTime.Equal(back.Receivers[0].CreateTime.Time))
	require.NotContains(t, string(data), "finish_time", "zero times are omitted")
}

func TestEnums(t *testing.T) {
	sdktest.RequireKnown(t, []State{StateProcessing, StateFinished}, "", "CLOSED")
	sdktest.RequireKnown(t, []ReceiverType{ReceiverTypeMerchantID, ReceiverTypePersonalOpenID, ReceiverTypePersonalSubOpenID}, "PERSONAL_WECHATID")
	sdktest.RequireKnown(t, []Result{ResultPending, ResultSuccess, ResultClosed}, "FAILED")
	sdktest.RequireKnown(t, []FailReason{FailReasonNoRelation, FailReasonSubMerchantFronen, FailReasonMchContractSettleOff,
		FailReasonMchContractFrozen, FailReasonAccountAbnormal, FailReasonReceiverHighRisk,
		FailReasonReceiverRealNameNotVerified, FailReasonNoAuth, FailReasonDefaultError}, "SUB_MERCHANT_FROZEN")
	sdktest.RequireKnown(t, []DetailType{DetailTypeDistributeToOthers, DetailTypeUnfreezeToSponsor}, "REFUND")

	var r Receiver
	require.NoError(t, json.Unmarshal([]byte(`{"type":"NEW","result":"NEW","fail_reason":"SUB_MERCHANT_FROZEN","detail_type":"NEW"}`), &r))
	require.Equal(t, FailReason("SUB_MERCHANT_FROZEN"), r.FailReason)
	require.False(t, r.Type.Known() || r.Result.Known() || r.FailReason.Known() || r.DetailType.Known())
}

func TestValidateQueryOrder(t *testing.T) {
	ok := QueryOrderRequest{OutOrderNo: "P20150806125346", SubMchID: "1900000109", TransactionID: "4208450740201411110007820472"}
	require.NoError(t, ok.Validate())
	edge := QueryOrderRequest{OutOrderNo: strings.Repeat("a", 63) + "-", TransactionID: strings.Repeat("4", 32)}
	require.NoError(t, edge.Validate())
	edge.OutOrderNo = "A_b-9"
	require.NoError(t, edge.Validate())
	tests := []wechatpaytest.Invalid[QueryOrderRequest]{
		{Name: "out_order_no empty", Mutate: func(r *QueryOrderRequest) { r.OutOrderNo = "" }, Field: "out_order_no", Missing: true},
		{Name: "out_order_no 65", Mutate: func(r *QueryOrderRequest) { r.OutOrderNo = strings.Repeat("a", 65) }, Field: "out_order_no"},
		{Name: "out_order_no dot", Mutate: func(r *QueryOrderRequest) { r.OutOrderNo = "P.1" }, Field: "out_order_no"},
		{Name: "out_order_no slash", Mutate: func(r *QueryOrderRequest) { r.OutOrderNo = "P/1" }, Field: "out_order_no"},
		{Name: "out_order_no non-ASCII", Mutate: func(r *QueryOrderRequest) { r.OutOrderNo = "分账1" }, Field: "out_order_no"},
		{Name: "sub_mchid 33", Mutate: func(r *QueryOrderRequest) { r.SubMchID = strings.Repeat("1", 33) }, Field: "sub_mchid"},
		{Name: "sub_mchid space", Mutate: func(r *QueryOrderRequest) { r.SubMchID = "19 00" }, Field: "sub_mchid"},
		{Name: "transaction_id empty", Mutate: func(r *QueryOrderRequest) { r.TransactionID = "" }, Field: "transaction_id", Missing: true},
		{Name: "transaction_id 33", Mutate: func(r *QueryOrderRequest) { r.TransactionID = strings.Repeat("4", 33) }, Field: "transaction_id"},
	}
	wechatpaytest.RequireInvalid(t, ok, tests)
}

func TestNilClient(t *testing.T) {
	_, err := New(nil).QueryOrder(t.Context(), &QueryOrderRequest{})
	require.ErrorIs(t, err, wechatpay.ErrMissingField)
}
