package bench

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/bench/internal/loopback"
)

// parallelism is the RunParallel multiplier: 4 × GOMAXPROCS gives 8
// concurrent callers on a 2-core machine.
const parallelism = 4

// env is the shared benchmark environment: one v3 server, one v2 (mTLS)
// server, the test data and a client of each kind.
type env struct {
	td    *loopback.Testdata
	proc  *loopback.Process
	v3    *loopback.Remote // HTTP/1.1
	v3h2  *loopback.Remote // HTTP/2 enabled
	v2    *loopback.Remote // mutual TLS
	plain *loopback.Remote // cleartext HTTP/1.1
	sdk   *wechatpay.Client
	sdkH2 *wechatpay.Client
	sdkV2 *wechatpay.Client
	sdkPl *wechatpay.Client
}

var (
	envOnce sync.Once
	envVal  *env
	envErr  error
)

// serverEnv makes the test binary run the loopback servers instead of the
// tests: the benchmarks start it as a child process so that the servers'
// allocations, goroutines and GC stay out of the measured process.
const serverEnv = "WECHATPAY_BENCH_LOOPBACK_SERVER"

func TestMain(m *testing.M) {
	if os.Getenv(serverEnv) == "1" {
		td, err := loopback.LoadTestdata("../testdata")
		if err == nil {
			err = loopback.RunChild(td, os.Stdin, os.Stdout)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	code := m.Run()
	if envVal != nil {
		envVal.close()
	}
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// getEnv starts the servers on first use.
func getEnv(tb testing.TB) *env {
	tb.Helper()
	envOnce.Do(func() { envVal, envErr = newEnv() })
	if envErr != nil {
		tb.Fatal(envErr)
	}
	return envVal
}

func newEnv() (*env, error) {
	td, err := loopback.LoadTestdata("../testdata")
	if err != nil {
		return nil, err
	}
	e := &env{td: td}
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	if e.proc, err = loopback.StartProcess(exe, []string{"-test.run=^$"}, []string{serverEnv + "=1"}); err != nil {
		return nil, err
	}
	e.v3, e.v3h2, e.v2 = e.proc.Server(loopback.NameV3), e.proc.Server(loopback.NameV3H2), e.proc.Server(loopback.NameV2)
	e.plain = e.proc.Server(loopback.NameV3Plain)
	if e.v3 == nil || e.v3h2 == nil || e.v2 == nil || e.plain == nil {
		e.close()
		return nil, fmt.Errorf("bench: the server process lacks a server")
	}
	if e.sdk, err = newSDKClient(td, e.v3); err != nil {
		return nil, err
	}
	if e.sdkH2, err = newSDKClient(td, e.v3h2); err != nil {
		return nil, err
	}
	if e.sdkV2, err = newSDKClient(td, e.v2); err != nil {
		return nil, err
	}
	if e.sdkPl, err = newSDKClient(td, e.plain); err != nil {
		return nil, err
	}
	return e, nil
}

func (e *env) close() {
	for _, c := range []*wechatpay.Client{e.sdk, e.sdkH2, e.sdkV2, e.sdkPl} {
		if c != nil {
			c.Close()
		}
	}
	if e.proc != nil {
		e.proc.Close()
	}
}

// newSDKClient builds an SDK client with its own default transport, as a
// merchant would, pointed at srv.
func newSDKClient(td *loopback.Testdata, srv *loopback.Remote, extra ...wechatpay.Option) (*wechatpay.Client, error) {
	opts := []wechatpay.Option{
		wechatpay.WithMerchantPEM(td.MchID, td.MerchantSerial, td.MerchantKeyPEM),
		wechatpay.WithMerchantCertificate(td.MerchantCert),
		wechatpay.WithPublicKey(td.PubKeyID, td.WechatpayPub),
		wechatpay.WithAPIv3Key(td.APIv3Key),
		wechatpay.WithAPIv2Key(td.APIv2Key),
		wechatpay.WithAppID(td.AppID),
		wechatpay.WithBaseURL(srv.URL),
		wechatpay.WithRootCAs(srv.RootCAs()),
	}
	c, err := wechatpay.NewClient(append(opts, extra...)...)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	return c, nil
}

// merchantTLSCert is the merchant's client certificate for the v2 floors.
func merchantTLSCert(e *env) *tls.Certificate {
	return &tls.Certificate{Certificate: [][]byte{e.td.MerchantCert.Raw}, PrivateKey: e.td.MerchantKey, Leaf: e.td.MerchantCert}
}

// floorTransport is the standard-library transport of the floor
// benchmarks, tuned like the SDK's own: keep-alive with enough idle
// connections for concurrent callers.
func floorTransport(srv *loopback.Remote, cert *tls.Certificate) *http.Transport {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: srv.RootCAs()}
	if cert != nil {
		cfg.Certificates = []tls.Certificate{*cert}
	}
	return &http.Transport{
		TLSClientConfig:     cfg,
		MaxIdleConns:        256,
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     90 * time.Second,
		ForceAttemptHTTP2:   true,
	}
}

// bench runs call b.N times, from parallelism×GOMAXPROCS goroutines (8 on
// 2 cores) when par, after a warm-up (one call; with par, two rounds at
// the same concurrency), and reports cpu-ns/op and the new connections per
// call made after the warm-up.
func bench(b *testing.B, srv *loopback.Remote, par bool, call func(ctx context.Context) error) {
	b.Helper()
	if par {
		warmUpPar(b, call)
	} else if err := call(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	dials := srv.NewConnections()
	measure(b, par, call)
	b.ReportMetric(float64(srv.NewConnections()-dials)/float64(b.N), "dials/op")
}

// measure is the timed part of a benchmark: call b.N times, in turn or
// from parallelism×GOMAXPROCS goroutines when par; it reports cpu-ns/op.
func measure(b *testing.B, par bool, call func(ctx context.Context) error) {
	ctx := context.Background()
	if par {
		b.SetParallelism(parallelism)
	}
	cpu := processCPU()
	b.ResetTimer()
	if par {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := call(ctx); err != nil {
					b.Error(err)
					return
				}
			}
		})
	} else {
		for range b.N {
			if err := call(ctx); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.StopTimer()
	reportCPU(b, cpu)
}

// processCPU returns the CPU time (user + system) the process has used:
// the client side only, since the servers run in a child process.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the client-side CPU time per call since start, a
// figure that a busy or drifting machine disturbs far less than ns/op.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op")
}

// warmUpPar makes parallelism×GOMAXPROCS concurrent calls, twice, so that
// the connections a parallel run needs are open before it is timed.
func warmUpPar(b *testing.B, call func(ctx context.Context) error) {
	b.Helper()
	ctx := context.Background()
	callers := parallelism * runtimeProcs()
	for range 2 {
		var wg sync.WaitGroup
		errs := make(chan error, callers)
		for range callers {
			wg.Go(func() { errs <- call(ctx) })
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

func runtimeProcs() int { return runtime.GOMAXPROCS(0) }
