package bench

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/bench/internal/loopback"
)

// An interleaved pair is an SDK call and its floor against the same
// server, taken turn about within one benchmark: call i of the pair runs
// the floor then the SDK call when i is even and the other way round when
// it is odd, each timed on its own. A change of the machine's speed that
// lasts longer than a few calls (another tenant's burst on a shared
// 2-core VM, frequency steps) weighs on both sides alike, which the
// adjacent one-second invocations of bench/run.sh cannot promise; the
// sequential ratio is read from here first. The GC cost of the SDK's
// allocations may fall in a floor call that follows: the only way the
// design favours the SDK, small next to a call's RSA signature (B/op
// tells how much there is to collect).
type interleavedPair struct {
	// sdk names the pair after its SDK benchmark; the ratio tool knows
	// its floor (floorOf, interleavedFloorOf).
	sdk string
	// calls builds both sides; the cleanup closes what they opened.
	calls func(e *env) (sdk, floor func(context.Context) error, cleanup func())
}

// interleavedPairs are the sequential pairs of floorOf that call the
// loopback servers. Their names are the benchmarks' own, so the ratio tool
// matches each with its adjacent-invocation figure.
var interleavedPairs = []interleavedPair{
	{"DoV3Get", v3Pair(func(e *env) func(context.Context) error { return doV3Get(e.sdk) }, (*floor).get)},
	{"QueryOrder", v3Pair(func(e *env) func(context.Context) error { return queryOrder(e.sdk) }, (*floor).get)},
	// The same call against a floor that decodes the order with
	// encoding/json into a plain struct: what the SDK adds to the
	// decoding the issue chose.
	{"QueryOrderVsTyped", v3Pair(func(e *env) func(context.Context) error { return queryOrder(e.sdk) }, (*floor).getTyped)},
	{"QuerySpecialReduction", v3Pair(func(e *env) func(context.Context) error { return querySpecialReduction(e.td, e.sdk) }, (*floor).getOAEP)},
	{"Punish", v3Pair(func(e *env) func(context.Context) error { return punish(e.td, e.sdk) }, (*floor).postOAEP)},
	{"CreateSpecialReduction", v3Pair(func(e *env) func(context.Context) error { return createSpecialReduction(e.td, e.sdk) }, (*floor).postReduction)},
	{"CreateOrder", v3Pair(func(e *env) func(context.Context) error { return createOrder(e.sdk) }, (*floor).postCreateOrder)},
	{"CreateBill", v3Pair(func(e *env) func(context.Context) error { return createBill(e.sdk) }, (*floor).postCreateBill)},
	{"QueryBillByOutBillNo", v3Pair(func(e *env) func(context.Context) error { return queryBill(e.sdk) }, (*floor).getBill)},
	{"RedpackQuery", v2QueryPair(redpackQuery)},
	{"DoV2", v2QueryPair(doV2)},
	{"RedpackSendWorkWx", v2SendPair(loopback.PathSendWorkWx, redpackSendWorkWx)},
	{"RedpackSend", v2SendPair(loopback.PathSend, redpackSend)},
	{"RedpackQueryHB", v2SendPair(loopback.PathQueryHB, redpackQueryHB)},
	// Not a call of the SDK: resty alone against the raw GET, what the
	// transport library costs by itself.
	{"RestyHTTP", func(e *env) (func(context.Context) error, func(context.Context) error, func()) {
		ts, tf := floorTransport(e.v3, nil), floorTransport(e.v3, nil)
		return restyGet(e.v3, ts), floorHTTPGet(e.v3, tf), func() { ts.CloseIdleConnections(); tf.CloseIdleConnections() }
	}},
}

// v3Pair pairs an SDK call on the shared v3 client with a floor method on
// its own connection to the same server.
func v3Pair(sdk func(e *env) func(context.Context) error, method func(*floor, context.Context) error) func(e *env) (func(context.Context) error, func(context.Context) error, func()) {
	return func(e *env) (func(context.Context) error, func(context.Context) error, func()) {
		f := newFloor(e, e.v3)
		return sdk(e), func(ctx context.Context) error { return method(f, ctx) }, f.hc.CloseIdleConnections
	}
}

// v2QueryPair pairs an SDK call of the red-packet query on the shared v2
// client with FloorV2 on its own connection.
func v2QueryPair(sdk func(*loopback.Testdata, *wechatpay.Client) func(context.Context) error) func(e *env) (func(context.Context) error, func(context.Context) error, func()) {
	return func(e *env) (func(context.Context) error, func(context.Context) error, func()) {
		f := &v2Floor{td: e.td, hc: &http.Client{Transport: floorTransport(e.v2, merchantTLSCert(e))}, url: e.v2.URL + loopback.PathRedpack}
		return sdk(e.td, e.sdkV2), f.call, f.hc.CloseIdleConnections
	}
}

// v2SendPair pairs an SDK call of the v2 API at path on the shared v2
// client with its v2SendFloor on its own connection.
func v2SendPair(path string, sdk func(*loopback.Testdata, *wechatpay.Client) func(context.Context) error) func(e *env) (func(context.Context) error, func(context.Context) error, func()) {
	return func(e *env) (func(context.Context) error, func(context.Context) error, func()) {
		f := newV2SendFloor(e, path)
		return sdk(e.td, e.sdkV2), f.call, f.hc.CloseIdleConnections
	}
}

// BenchmarkInterleaved runs every interleaved pair as a sub-benchmark
// named after its SDK benchmark. One op is one SDK call and one floor
// call; it reports sdk-ns/op and floor-ns/op (the mean time of each side)
// and x-floor, their ratio.
func BenchmarkInterleaved(b *testing.B) {
	e := getEnv(b)
	for _, p := range interleavedPairs {
		b.Run(p.sdk, func(b *testing.B) {
			sdk, fl, cleanup := p.calls(e)
			defer cleanup()
			ctx := context.Background()
			// One untimed turn each opens the connections.
			if err := fl(ctx); err != nil {
				b.Fatal(err)
			}
			if err := sdk(ctx); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			var tSDK, tFloor time.Duration
			timed := func(call func(context.Context) error, sum *time.Duration) {
				start := time.Now()
				if err := call(ctx); err != nil {
					b.Fatal(err)
				}
				*sum += time.Since(start)
			}
			b.ResetTimer()
			for i := range b.N {
				if i%2 == 0 {
					timed(fl, &tFloor)
					timed(sdk, &tSDK)
				} else {
					timed(sdk, &tSDK)
					timed(fl, &tFloor)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(tSDK.Nanoseconds())/float64(b.N), "sdk-ns/op")
			b.ReportMetric(float64(tFloor.Nanoseconds())/float64(b.N), "floor-ns/op")
			b.ReportMetric(float64(tSDK)/float64(tFloor), "x-floor")
		})
	}
}
