package bench

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/aggracct"
	"github.com/gowechatpay/wechatpay/bench/internal/loopback"
	"github.com/gowechatpay/wechatpay/profitsharing"
	"github.com/gowechatpay/wechatpay/redpack"
)

// The SDK's calls, each against the floor named in its comment.

// profitSharingRequest is the generic DoV3 GET: the profit-sharing query
// without its typed service.
func profitSharingRequest() *wechatpay.Request {
	return &wechatpay.Request{
		Method:     http.MethodGet,
		Path:       "/v3/global/profit-sharing/orders/{out_order_no}",
		PathParams: map[string]string{"out_order_no": loopback.OutOrderNo},
		Query:      url.Values{"sub_mchid": {loopback.SubMchID}, "transaction_id": {loopback.TransactionID}},
		Global:     true,
	}
}

func doV3Get(c *wechatpay.Client) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		var out json.RawMessage
		_, err := c.DoV3(ctx, profitSharingRequest(), &out)
		return err
	}
}

// BenchmarkDoV3Get is a generic DoV3 GET (raw JSON out); floor:
// FloorCombined.
func BenchmarkDoV3Get(b *testing.B) { e := getEnv(b); bench(b, e.v3, false, doV3Get(e.sdk)) }

// BenchmarkDoV3GetParallel is BenchmarkDoV3Get from 8 callers.
func BenchmarkDoV3GetParallel(b *testing.B) { e := getEnv(b); bench(b, e.v3, true, doV3Get(e.sdk)) }

// BenchmarkDoV3GetH2 is BenchmarkDoV3Get against a server offering HTTP/2:
// the SDK's own transport negotiates it; floor: FloorCombinedH2.
func BenchmarkDoV3GetH2(b *testing.B) { e := getEnv(b); bench(b, e.v3h2, false, doV3Get(e.sdkH2)) }

// BenchmarkDoV3GetH2Parallel is BenchmarkDoV3GetH2 from 8 callers.
func BenchmarkDoV3GetH2Parallel(b *testing.B) {
	e := getEnv(b)
	bench(b, e.v3h2, true, doV3Get(e.sdkH2))
}

func queryOrder(c *wechatpay.Client) func(ctx context.Context) error {
	s := profitsharing.New(c)
	return func(ctx context.Context) error {
		o, err := s.QueryOrder(ctx, &profitsharing.QueryOrderRequest{
			OutOrderNo: loopback.OutOrderNo, SubMchID: loopback.SubMchID, TransactionID: loopback.TransactionID,
		})
		if err == nil && len(o.Receivers) != 3 {
			err = errors.New("bench: wrong order decoded")
		}
		return err
	}
}

// BenchmarkQueryOrder is the typed profit-sharing query (a GET with typed
// JSON decoding); floor: FloorCombined.
func BenchmarkQueryOrder(b *testing.B) { e := getEnv(b); bench(b, e.v3, false, queryOrder(e.sdk)) }

// BenchmarkQueryOrderPlain is BenchmarkQueryOrder over cleartext HTTP/1.1;
// floor: FloorCombinedPlain.
func BenchmarkQueryOrderPlain(b *testing.B) {
	e := getEnv(b)
	bench(b, e.plain, false, queryOrder(e.sdkPl))
}

// BenchmarkDoV3GetPlain is BenchmarkDoV3Get over cleartext HTTP/1.1;
// floor: FloorCombinedPlain.
func BenchmarkDoV3GetPlain(b *testing.B) { e := getEnv(b); bench(b, e.plain, false, doV3Get(e.sdkPl)) }

// BenchmarkQueryOrderParallel is BenchmarkQueryOrder from 8 callers.
func BenchmarkQueryOrderParallel(b *testing.B) {
	e := getEnv(b)
	bench(b, e.v3, true, queryOrder(e.sdk))
}

func querySpecialReduction(td *loopback.Testdata, c *wechatpay.Client) func(ctx context.Context) error {
	s := aggracct.New(c)
	return func(ctx context.Context) error {
		r, err := s.QuerySpecialReduction(ctx, &aggracct.QuerySpecialReductionRequest{
			OutRequestNo: loopback.OutRequestNo, MchID: td.MchID, BalAccountNo: td.BalAccountNo,
		})
		if err == nil && r.BalAccountNo != td.BalAccountNo {
			err = errors.New("bench: wrong bal_account_no decrypted")
		}
		return err
	}
}

// BenchmarkQuerySpecialReduction is the typed special-reduction query: an
// OAEP-encrypted query field, a GET, and a decrypted answer field; floor:
// FloorCombinedOAEP.
func BenchmarkQuerySpecialReduction(b *testing.B) {
	e := getEnv(b)
	bench(b, e.v3, false, querySpecialReduction(e.td, e.sdk))
}

// BenchmarkQuerySpecialReductionParallel is BenchmarkQuerySpecialReduction
// from 8 callers.
func BenchmarkQuerySpecialReductionParallel(b *testing.B) {
	e := getEnv(b)
	bench(b, e.v3, true, querySpecialReduction(e.td, e.sdk))
}

func punish(td *loopback.Testdata, c *wechatpay.Client) func(ctx context.Context) error {
	s := aggracct.New(c)
	end := time.Date(2025, 12, 31, 23, 59, 59, 0, time.FixedZone("CST", 8*3600))
	return func(ctx context.Context) error {
		_, err := s.Punish(ctx, &aggracct.PunishRequest{
			OutRequestNo: loopback.PunishNo, MchID: td.MchID, BalAccountNo: td.BalAccountNo,
			PunishScene: 1, PunishReason: "测试用管控原因", PunishEndTime: end,
		})
		return err
	}
}

// BenchmarkPunish is the typed punish POST (OAEP-encrypted body field);
// floor: FloorCombinedPostOAEP.
func BenchmarkPunish(b *testing.B) { e := getEnv(b); bench(b, e.v3, false, punish(e.td, e.sdk)) }

// BenchmarkPunishParallel is BenchmarkPunish from 8 callers.
func BenchmarkPunishParallel(b *testing.B) { e := getEnv(b); bench(b, e.v3, true, punish(e.td, e.sdk)) }

func redpackQuery(td *loopback.Testdata, c *wechatpay.Client) func(ctx context.Context) error {
	s := redpack.New(c)
	return func(ctx context.Context) error {
		_, err := s.QueryWorkWx(ctx, &redpack.QueryWorkWxRequest{MchBillNo: td.V2ReplyBillNo, MchID: td.V2ReplyMchID, AppID: td.AppID})
		return err
	}
}

// BenchmarkRedpackQuery is the typed v2 red-packet query (XML, MD5, mutual
// TLS); floor: FloorV2.
func BenchmarkRedpackQuery(b *testing.B) {
	e := getEnv(b)
	bench(b, e.v2, false, redpackQuery(e.td, e.sdkV2))
}

// BenchmarkRedpackQueryParallel is BenchmarkRedpackQuery from 8 callers.
func BenchmarkRedpackQueryParallel(b *testing.B) {
	e := getEnv(b)
	bench(b, e.v2, true, redpackQuery(e.td, e.sdkV2))
}

func doV2(td *loopback.Testdata, c *wechatpay.Client) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		_, _, err := c.DoV2(ctx, &wechatpay.V2Request{
			Path:   loopback.PathRedpack,
			Params: map[string]string{"mch_billno": td.V2ReplyBillNo, "mch_id": td.V2ReplyMchID, "appid": td.AppID},
			Secure: true,
		})
		return err
	}
}

// BenchmarkRedpackQueryVsBare is BenchmarkRedpackQuery again, paired in
// bench/run.sh with FloorV2Bare (the floor without an XML parse).
func BenchmarkRedpackQueryVsBare(b *testing.B) { BenchmarkRedpackQuery(b) }

// BenchmarkRedpackQueryVsBareParallel is BenchmarkRedpackQueryParallel,
// paired with FloorV2BareParallel.
func BenchmarkRedpackQueryVsBareParallel(b *testing.B) { BenchmarkRedpackQueryParallel(b) }

// BenchmarkDoV2 is the generic DoV2 call of the same endpoint; floor:
// FloorV2.
func BenchmarkDoV2(b *testing.B) { e := getEnv(b); bench(b, e.v2, false, doV2(e.td, e.sdkV2)) }

// BenchmarkParseNotification verifies and decrypts the callback vector;
// floor: FloorNotification.
func BenchmarkParseNotification(b *testing.B) {
	e := getEnv(b)
	n := e.td.Notification
	now := time.Unix(n.Now, 0)
	c, err := newSDKClient(e.td, e.v3, wechatpay.WithClock(func() time.Time { return now }))
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	h := http.Header{}
	for k, v := range n.Header {
		h.Set(k, v)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := c.ParseNotification(h, n.Body); err != nil {
			b.Fatal(err)
		}
	}
}
