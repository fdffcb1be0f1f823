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

	"github.com/gowechatpay/wechatpay/bench/internal/loopback"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "coldstart:", err)
		os.Exit(1)
	}
}

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
	progs := []string{"sdkcall", "plaincall"}
	for _, p := range progs {
		out, err := exec.Command("go", "build", "-o", filepath.Join(tmp, p), "./bench/coldstart/"+p).CombinedOutput()
		if err != nil {
			return fmt.Errorf("building %s: %w\n%s", p, err, out)
		}
	}
	callArgs := []string{
		"-url", srv.URL, "-ca", ca,
		"-key", filepath.Join(*dir, "merchant_test_key.pem"), "-pub", filepath.Join(*dir, "wechatpay_pubkey_test.pem"),
		"-mchid", td.MchID, "-serial", td.MerchantSerial, "-pubid", td.PubKeyID,
		"-order", loopback.OutOrderNo, "-sub", loopback.SubMchID, "-tx", loopback.TransactionID,
	}
	times := map[string][]time.Duration{}
	for i := -1; i < *n; i++ { // i == -1: one unmeasured run each (page cache)
		for _, p := range progs {
			cmd := exec.Command(filepath.Join(tmp, p), callArgs...)
			start := time.Now()
			out, err := cmd.CombinedOutput()
			d := time.Since(start)
			if err != nil {
				return fmt.Errorf("%s: %w\n%s", p, err, out)
			}
			if i >= 0 {
				times[p] = append(times[p], d)
			}
		}
	}
	med := func(ds []time.Duration) time.Duration {
		s := slices.Clone(ds)
		slices.Sort(s)
		return s[len(s)/2]
	}
	sdk, plain := med(times["sdkcall"]), med(times["plaincall"])
	fmt.Printf("cold start, process start to first completed call (median of %d runs each)\n", *n)
	fmt.Printf("  sdkcall   (SDK, typed QueryOrder)   %v\n", sdk.Round(10*time.Microsecond))
	fmt.Printf("  plaincall (net/http + crypto/rsa)   %v\n", plain.Round(10*time.Microsecond))
	fmt.Printf("  ratio SDK / standard library        %.3f\n", float64(sdk)/float64(plain))
	return nil
}
