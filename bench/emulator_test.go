package bench

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/gowechatpay/wechatpay/bench/internal/loopback"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// The emulator's per-request cost: requests signed once (and again every
// loopback.ResignInterval) are replayed by a plain client that does not
// verify, so the figure is the emulator's work (verify the request, build
// and sign the answer) plus a raw round trip. Its floor is the same raw
// round trip to the pre-signed loopback server, in this process too, plus
// one verification and one signature in the loop.

// presigned holds the Authorization of the profit-sharing GET, re-signed
// before the five-minute window closes.
type presigned struct {
	f    *floor
	mu   sync.Mutex
	auth string
	at   time.Time
}

func (p *presigned) get() (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if time.Since(p.at) < loopback.ResignInterval {
		return p.auth, nil
	}
	auth, err := p.f.authorization(http.MethodGet, profitSharingURI, nil)
	if err != nil {
		return "", err
	}
	p.auth, p.at = auth, time.Now()
	return auth, nil
}

// replayer sends the pre-signed GET with a plain keep-alive client and
// reads the answer without verifying it.
func replayer(f *floor, hc *http.Client, base string) func(ctx context.Context) error {
	p := &presigned{f: f}
	target := base + profitSharingURI
	return func(ctx context.Context) error {
		auth, err := p.get()
		if err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
		if err != nil {
			return err
		}
		req.Header["Authorization"] = []string{auth}
		req.Header["Accept"] = []string{"application/json"}
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		return err
	}
}

func benchEmulator(b *testing.B, par bool) {
	e := getEnv(b)
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	srv.AddProfitSharingOrder(wechatpaytest.ProfitSharingOrder{
		SubMchID: loopback.SubMchID, TransactionID: loopback.TransactionID, OutOrderNo: loopback.OutOrderNo,
		OrderID: "7100000751202203238026613597498", State: "PROCESSING",
		Receivers: []wechatpaytest.ProfitSharingReceiver{
			{Currency: "CNY", Amount: 797, Description: "Unfreeze the remaining funds to sponsor", Type: "MERCHANT_ID", Account: "999952224",
				Result: "PENDING", CreateTime: time.Now(), DetailID: "7200000751202203238026613597602", DetailType: "UNFREEZE_TO_SPONSOR",
				SettlementCurrency: "HKD", SettlementAmount: 952, RateValue: 83640300},
			{Currency: "CNY", Amount: 99, Description: "Distribute to xxx user-10%", Type: "PERSONAL_OPENID", Account: "of8YZ6LPmjDmYAqdobIvwTdQQjR8",
				Result: "PENDING", CreateTime: time.Now(), DetailID: "7200000751202203238026613597699", DetailType: "DISTRIBUTE_TO_OTHERS"},
			{Currency: "CNY", Amount: 99, Description: "Distribute to xxx merchant-10%", Type: "MERCHANT_ID", Account: "2480248971",
				Result: "PENDING", CreateTime: time.Now(), DetailID: "7200000751202203238026613597767", DetailType: "DISTRIBUTE_TO_OTHERS"},
		},
	})
	pool := x509.NewCertPool()
	pool.AddCert(srv.CACertificate())
	t := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, MaxIdleConnsPerHost: 64, ForceAttemptHTTP2: true}
	defer t.CloseIdleConnections()
	f := &floor{td: e.td}
	call := replayer(f, &http.Client{Transport: t}, srv.URL)
	runLocal(b, par, call)
}

// runLocal is bench for an in-process server, without dials/op; its
// cpu-ns/op counts the server's work too.
func runLocal(b *testing.B, par bool, call func(ctx context.Context) error) {
	if err := call(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	measure(b, par, call)
}

// BenchmarkEmulatorRequest is one request to wechatpaytest (verify, look
// up, encode, sign) replayed by a plain client; floor: FloorEmulator.
func BenchmarkEmulatorRequest(b *testing.B) { benchEmulator(b, false) }

// BenchmarkEmulatorRequestParallel is BenchmarkEmulatorRequest from 8
// callers.
func BenchmarkEmulatorRequestParallel(b *testing.B) { benchEmulator(b, true) }

func benchFloorEmulator(b *testing.B, par bool) {
	e := getEnv(b)
	srv, err := loopback.New(e.td, loopback.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	t := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: srv.RootCAs()}, MaxIdleConnsPerHost: 64, ForceAttemptHTTP2: true}
	defer t.CloseIdleConnections()
	f := &floor{td: e.td}
	replay := replayer(f, &http.Client{Transport: t}, srv.URL)
	// The emulator's crypto, done here: verify a request signature with
	// the merchant's public key, sign an answer with the WeChat Pay key.
	reqMsg := []byte("GET\n" + profitSharingURI + "\n1760000000\nGh7xKp2LmQ9rT4vW8yZ1aB3cD5eF6gH0\n\n")
	d := sha256.Sum256(reqMsg)
	reqSig, err := rsa.SignPKCS1v15(nil, e.td.MerchantKey, crypto.SHA256, d[:])
	if err != nil {
		b.Fatal(err)
	}
	reqSigB64 := base64.StdEncoding.EncodeToString(reqSig)
	respMsg := []byte("1760000000\n6a1f4e9b2c7d8e3f0a5b6c1d2e7f8a9b\n" + string(loopback.SpecialReductionBody(e.td)) + "\n")
	call := func(ctx context.Context) error {
		if err := replay(ctx); err != nil {
			return err
		}
		raw, err := base64.StdEncoding.DecodeString(reqSigB64)
		if err != nil {
			return err
		}
		rd := sha256.Sum256(reqMsg)
		if err := rsa.VerifyPKCS1v15(&e.td.MerchantKey.PublicKey, crypto.SHA256, rd[:], raw); err != nil {
			return err
		}
		sd := sha256.Sum256(respMsg)
		sig, err := rsa.SignPKCS1v15(rand.Reader, e.td.WechatpayKey, crypto.SHA256, sd[:])
		_ = base64.StdEncoding.EncodeToString(sig)
		return err
	}
	runLocal(b, par, call)
}

// BenchmarkFloorEmulator is the emulator's floor: a raw round trip to the
// in-process pre-signed server plus one RSA verification and one RSA
// signature.
func BenchmarkFloorEmulator(b *testing.B) { benchFloorEmulator(b, false) }

// BenchmarkFloorEmulatorParallel is BenchmarkFloorEmulator from 8 callers.
func BenchmarkFloorEmulatorParallel(b *testing.B) { benchFloorEmulator(b, true) }
