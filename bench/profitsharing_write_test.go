package bench

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/bench/internal/loopback"
	"github.com/gowechatpay/wechatpay/profitsharing"
)

// createOrderRequest is the documented example distribution request.
var createOrderRequest = profitsharing.CreateOrderRequest{
	SubMchID: loopback.SubMchID, TransactionID: loopback.TransactionID, OutOrderNo: loopback.CreateOrderNo,
	Receivers: []profitsharing.OrderReceiver{{Currency: "CNY", Type: profitsharing.ReceiverTypeMerchantID,
		Account: "86693852", Amount: 888, Description: "分给商户A"}},
	UnfreezeUnsplit: true,
}

// createOrderJSON is that request's body as the floor writes it.
const createOrderJSON = `{"sub_mchid":"` + loopback.SubMchID + `","transaction_id":"` + loopback.TransactionID +
	`","out_order_no":"` + loopback.CreateOrderNo + `","receivers":[{"currency":"CNY","type":"MERCHANT_ID","account":"86693852",` +
	`"amount":888,"description":"分给商户A"}],"unfreeze_unsplit":true}`

func createOrder(c *wechatpay.Client) func(ctx context.Context) error {
	s := profitsharing.New(c)
	return func(ctx context.Context) error {
		req := createOrderRequest
		o, err := s.CreateOrder(ctx, &req)
		if err == nil && len(o.Receivers) != 2 {
			err = errors.New("bench: wrong order decoded")
		}
		return err
	}
}

// BenchmarkCreateOrder is the typed distribution request (请求分账): a JSON
// body built from the typed request, a re-entrant POST, and typed JSON
// decoding of the order; floor: FloorCreateOrder.
func BenchmarkCreateOrder(b *testing.B) { e := getEnv(b); bench(b, e.v3, false, createOrder(e.sdk)) }

// BenchmarkFloorCreateOrder is sign + POST of the same JSON body + verify:
// the floor of CreateOrder.
func BenchmarkFloorCreateOrder(b *testing.B) {
	benchFloor(b, getEnv(b).v3, false, (*floor).postCreateOrder)
}

func (f *floor) postCreateOrder(ctx context.Context) error {
	_, err := f.do(ctx, http.MethodPost, loopback.PathProfitSharingOrders, []byte(createOrderJSON))
	return err
}
