package bench

import (
	"context"
	"flag"
	"io"
	"net/http"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
)

// memCalls is the number of calls of the heap test. 2,000 keeps it near
// 5 s on two shared cores (each call costs an RSA signature); run it with
// -memcalls 10000 for the figure.
var memCalls = flag.Int("memcalls", 2000, "calls made by TestLiveHeapStable")

// closeCounter counts the responses its transport returns and the Close
// calls on their bodies.
type closeCounter struct {
	base            http.RoundTripper
	responses, shut atomic.Int64
}

func (c *closeCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(r)
	if resp != nil {
		c.responses.Add(1)
		resp.Body = &countedBody{ReadCloser: resp.Body, c: c}
	}
	return resp, err
}

type countedBody struct {
	io.ReadCloser
	c      *closeCounter
	closed atomic.Bool
}

func (b *countedBody) Close() error {
	if b.closed.CompareAndSwap(false, true) {
		b.c.shut.Add(1)
	}
	return b.ReadCloser.Close()
}

func liveHeap() uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestLiveHeapStable makes memCalls GET calls and checks that the live heap
// and the goroutine count do not grow, and that every response body the
// transport handed out was closed.
func TestLiveHeapStable(t *testing.T) {
	if testing.Short() {
		t.Skip("makes thousands of signed calls")
	}
	e := getEnv(t)
	cc := &closeCounter{base: floorTransport(e.v3, nil)}
	c, err := newSDKClient(e.td, e.v3, wechatpay.WithTransport(cc))
	require.NoError(t, err)
	defer c.Close()
	call := doV3Get(c)
	ctx := context.Background()
	for range 50 { // warm-up: connection, pools, lazily built state
		require.NoError(t, call(ctx))
	}
	heap0, gor0 := liveHeap(), runtime.NumGoroutine()
	start := time.Now()
	for range *memCalls {
		require.NoError(t, call(ctx))
	}
	elapsed := time.Since(start)
	heap1, gor1 := liveHeap(), runtime.NumGoroutine()
	t.Logf("%d calls in %v; live heap %d → %d bytes; goroutines %d → %d; responses %d, bodies closed %d",
		*memCalls, elapsed.Round(time.Millisecond), heap0, heap1, gor0, gor1, cc.responses.Load(), cc.shut.Load())

	require.Equal(t, cc.responses.Load(), cc.shut.Load(), "every response body is closed")
	// Anything retained per call would show as ≥ 100 B × calls; allow
	// 64 KiB of noise (GC metadata, pools).
	require.Less(t, int64(heap1)-int64(heap0), int64(64<<10), "live heap grew")
	require.LessOrEqual(t, gor1, gor0+1, "goroutines leaked")
}
