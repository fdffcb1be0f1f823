// Command coldstart measures process start to first completed call: it
// builds sdkcall (the SDK) and plaincall (the standard library), starts the
// loopback server, runs the two programs alternately -n times each, and
// prints the median wall time of each and their ratio. Run it from the
// module root:
//
//	go run ./bench/coldstart -n 30
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"

	"github.com/gowechatpay/wechatpay/bench/coldstart/internal/call"
	"github.com/gowechatpay/wechatpay/bench/internal/loopback"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "coldstart:", err)
		os.Exit(1)
	}
}

// programs are the two programs timed, by the name of their directory.
var programs = []string{"sdkcall", "plaincall"}

func run(args []string) error {
	fs := flag.NewFlagSet("coldstart", flag.ContinueOnError)
	n := fs.Int("n", 20, "runs of each program")
	dir := fs.String("testdata", "testdata", "the module's testdata directory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 1 {
		return errors.New("-n must be at least 1")
	}
	td, err := loopback.LoadTestdata(*dir)
	if err != nil {
		return err
	}
	srv, err := loopback.New(td, loopback.Options{})
	if err != nil {
		return err
	}
	defer srv.Close()

	tmp, err := os.MkdirTemp("", "coldstart")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	ca := filepath.Join(tmp, "ca.pem")
	if err := os.WriteFile(ca, srv.CertificatePEM(), 0o600); err != nil {
		return err
	}
	if err := build(tmp); err != nil {
		return err
	}
	cfg := call.Config{
		URL: srv.URL, CAFile: ca,
		KeyFile: filepath.Join(*dir, "merchant_test_key.pem"), PubFile: filepath.Join(*dir, "wechatpay_pubkey_test.pem"),
		MchID: td.MchID, Serial: td.MerchantSerial, PubID: td.PubKeyID,
		OutOrderNo: loopback.OutOrderNo, SubMchID: loopback.SubMchID, TransactionID: loopback.TransactionID,
	}
	times, err := timeRuns(tmp, cfg.Args(), *n)
	if err != nil {
		return err
	}
	printMedians(times, *n)
	return nil
}

// build builds programs into dir.
func build(dir string) error {
	for _, p := range programs {
		out, err := exec.Command("go", "build", "-o", filepath.Join(dir, p), "./bench/coldstart/"+p).CombinedOutput()
		if err != nil {
			return fmt.Errorf("building %s: %w\n%s", p, err, out)
		}
	}
	return nil
}

// timeRuns runs the programs built in dir alternately with args, n times
// each after one unmeasured run each (to fill the page cache), and returns
// their wall times by program.
func timeRuns(dir string, args []string, n int) (map[string][]time.Duration, error) {
	times := map[string][]time.Duration{}
	for i := -1; i < n; i++ {
		for _, p := range programs {
			cmd := exec.Command(filepath.Join(dir, p), args...)
			start := time.Now()
			out, err := cmd.CombinedOutput()
			d := time.Since(start)
			if err != nil {
				return nil, fmt.Errorf("%s: %w\n%s", p, err, out)
			}
			if i >= 0 {
				times[p] = append(times[p], d)
			}
		}
	}
	return times, nil
}

// printMedians prints the median time of each program of n runs, and their
// ratio.
func printMedians(times map[string][]time.Duration, n int) {
	sdk, plain := median(times["sdkcall"]), median(times["plaincall"])
	fmt.Printf("cold start, process start to first completed call (median of %d runs each)\n", n)
	fmt.Printf("  sdkcall   (SDK, typed QueryOrder)   %v\n", sdk.Round(10*time.Microsecond))
	fmt.Printf("  plaincall (net/http + crypto/rsa)   %v\n", plain.Round(10*time.Microsecond))
	fmt.Printf("  ratio SDK / standard library        %.3f\n", float64(sdk)/float64(plain))
}

// median returns the middle of ds (the upper one of an even count).
func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
