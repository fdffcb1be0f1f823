// Command wechatpay-sandbox runs the WeChat Pay emulator of package
// wechatpaytest as a standalone HTTPS server, for trying the SDK's examples
// and command-line tools by hand, and sends the callbacks WeChat Pay would
// send to a merchant's notify_url.
//
// Usage:
//
//	wechatpay-sandbox [-addr 127.0.0.1:8360] [-dir ./sandbox] [-key-mode public-key|certificates|both] [-grace 5s]
//	wechatpay-sandbox notify -dir DIR -url URL -event EVENT_TYPE -resource FILE.json [-ca FILE] [-schedule-scale 1]
//
// Serving, it first listens on -addr (a busy port fails before any file is
// written), then locks -dir (a second sandbox on the same directory fails,
// naming the process that holds it), generates test keys there on first run
// (later runs reuse them) and writes -dir/credentials.json with the real
// address and a freshly generated CA certificate; every file is written
// atomically. It logs one line per request on stderr (method, path, status,
// verdict). On SIGINT or SIGTERM it stops accepting connections, gives the
// requests in flight -grace to complete, closes what remains and exits 0; a
// second signal exits at once (status 1). Point any example at it with
// -config DIR/credentials.json. The keys are test keys: never use them for
// real.
//
// notify signs and encrypts a callback with the keys in DIR, POSTs it to
// URL, prints each answer, and after a failure answer (a status other than
// 2xx, or none) redelivers it on WeChat Pay's schedule (15s, 15s, 30s, 3m,
// 10m, 20m, 30m, 30m, 30m, 60m, 3h, 3h, 3h, 6h, 6h), each wait multiplied
// by -schedule-scale. It exits 0 once the callback is acknowledged with a
// 2xx, 1 when the schedule ends without.
package main

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func main() {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	err := run(os.Args[1:], os.Stdout, os.Stderr, sigs)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case errors.Is(err, errUsage):
		os.Exit(2)
	}
	fmt.Fprintln(os.Stderr, "wechatpay-sandbox:", err)
	os.Exit(1)
}

// errUsage marks a command-line mistake (exit status 2); the message and the
// usage have been printed.
var errUsage = errors.New("usage")

// errSecondSignal ends the process at once, without waiting for the requests
// in flight.
var errSecondSignal = errors.New("second signal: exiting without waiting for the requests in flight")

// run is the whole program. sigs delivers SIGINT and SIGTERM (a test sends
// its own): the first stops serving gracefully, a second ends run at once.
func run(args []string, stdout, stderr io.Writer, sigs <-chan os.Signal) error {
	if len(args) > 0 && args[0] == "notify" {
		return runNotify(args[1:], stdout, stderr, sigs)
	}
	fs := flag.NewFlagSet("wechatpay-sandbox", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8360", "address `HOST:PORT` to listen on (port 0 picks a free port)")
	dir := fs.String("dir", "sandbox", "directory `DIR` for the keys and credentials.json (locked while serving)")
	grace := fs.Duration("grace", 5*time.Second, "on SIGINT or SIGTERM, how long requests in flight get to complete")
	keyMode := fs.String("key-mode", "public-key", "the merchant's WeChat Pay keys: public-key (answers signed with the public key, no /v3/certificates), certificates (platform certificate only) or both (migration: Wechatpay-Serial chooses)")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage:
  wechatpay-sandbox [flags]          serve the WeChat Pay emulator
  wechatpay-sandbox notify [flags]   send a signed callback to a notify_url
                                     (wechatpay-sandbox notify -h for its flags)

Flags:
`)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}

	mode, err := wechatpaytest.ParseKeyMode(*keyMode)
	if err != nil {
		return fmt.Errorf("%w; pass -key-mode public-key, certificates or both", err)
	}
	// The port first: a busy one fails before anything is written.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("cannot listen on -addr %s: %w; pass another -addr (port 0 picks a free one)", *addr, err)
	}
	unlock, err := lockDir(*dir)
	if err != nil {
		_ = ln.Close()
		return err
	}
	defer unlock()
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	srv, err := wechatpaytest.Listen(
		wechatpaytest.WithKeyMode(mode),
		wechatpaytest.WithKeyDir(*dir),
		wechatpaytest.WithListener(ln),
		wechatpaytest.WithLogger(logger),
	)
	if err != nil {
		return err
	}
	path, err := srv.WriteCredentials(*dir)
	if err != nil {
		srv.Close()
		return err
	}
	fmt.Fprintf(stdout, "wechatpay-sandbox: serving %s; credentials in %s (test keys only)\n", srv.URL, path)

	<-sigs
	fmt.Fprintf(stdout, "wechatpay-sandbox: shutting down: requests in flight get %s; a second signal exits at once\n", *grace)
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), *grace)
		defer cancel()
		done <- srv.Shutdown(ctx)
	}()
	select {
	case err := <-done:
		if err != nil {
			fmt.Fprintf(stdout, "wechatpay-sandbox: closed the connections still open after %s\n", *grace)
		}
		return nil
	case <-sigs:
		return errSecondSignal
	}
}

// parseFlags parses args into fs; -h is no error, anything else wrong is a
// usage error, and positional arguments are refused.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return flag.ErrHelp
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected arguments %q\n", fs.Name(), fs.Args())
		fs.Usage()
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	}
	return nil
}

// runNotify is the notify subcommand.
func runNotify(args []string, stdout, stderr io.Writer, sigs <-chan os.Signal) error {
	fs := flag.NewFlagSet("wechatpay-sandbox notify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "sandbox", "the sandbox's directory `DIR`, whose keys sign and encrypt the callback")
	target := fs.String("url", "", "the merchant's notify_url (`URL`, http or https)")
	event := fs.String("event", "TRANSACTION.SUCCESS", "`EVENT_TYPE` of the callback, e.g. TRANSACTION.SUCCESS or REFUND.SUCCESS")
	resourceFile := fs.String("resource", "", "`FILE` with the resource's plaintext JSON (encrypted into the callback); - for stdin")
	caFile := fs.String("ca", "", "PEM `FILE` of the CA to trust for an https URL (default: the system roots)")
	scale := fs.Float64("schedule-scale", 1, "multiply WeChat Pay's redelivery waits by `FACTOR` (0.001: 15ms, 15ms, 30ms, ...)")
	once := fs.Bool("once", false, "deliver once, without redelivery")
	timeout := fs.Duration("timeout", 5*time.Second, "how long each delivery waits for the answer")
	fs.Usage = func() {
		fmt.Fprintf(stderr, `Usage: wechatpay-sandbox notify -dir DIR -url URL -event EVENT_TYPE -resource FILE.json [flags]

Signs and encrypts a callback with the keys of the sandbox in DIR, as WeChat
Pay would, POSTs it to URL and prints each answer. After a failure answer
(a status other than 2xx, or none) it redelivers the same notification on
WeChat Pay's schedule: %s.
Exit status 0 once a delivery is answered 2xx, 1 otherwise.

Example:
  echo '{"out_trade_no":"T1","trade_state":"SUCCESS"}' > tx.json
  wechatpay-sandbox notify -dir sandbox -url https://127.0.0.1:8443/notify -ca my_ca.pem -resource tx.json -schedule-scale 0.01

Flags:
`, scheduleText())
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	usageError := func(msg string) error {
		fmt.Fprintf(stderr, "%s: %s\n", fs.Name(), msg)
		fs.Usage()
		return fmt.Errorf("%w: %s", errUsage, msg)
	}
	u, err := url.Parse(*target)
	switch {
	case *target == "":
		return usageError("-url is required: the merchant's notify_url")
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return usageError(fmt.Sprintf("-url %q is not an http or https URL with a host", *target))
	case *resourceFile == "":
		return usageError("-resource is required: a file with the resource's plaintext JSON")
	case *event == "":
		return usageError("-event is required, e.g. TRANSACTION.SUCCESS")
	case !*once && !(*scale > 0):
		return usageError(fmt.Sprintf("-schedule-scale must be positive, got %v", *scale))
	}
	var resource []byte
	if *resourceFile == "-" {
		resource, err = io.ReadAll(os.Stdin)
	} else {
		resource, err = os.ReadFile(*resourceFile)
	}
	if err != nil {
		return fmt.Errorf("reading -resource: %w", err)
	}
	if !json.Valid(resource) {
		return fmt.Errorf("-resource %s is not valid JSON: the resource is encrypted as it is and the merchant decodes it as JSON", *resourceFile)
	}
	if _, err := os.Stat(filepath.Join(*dir, wechatpay.CredentialsFileName)); err != nil {
		return fmt.Errorf("-dir %s holds no sandbox (%w); run wechatpay-sandbox -dir %s once to create its keys", *dir, err, *dir)
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	if *caFile != "" {
		pemData, err := os.ReadFile(*caFile)
		if err != nil {
			return fmt.Errorf("reading -ca: %w", err)
		}
		roots := x509.NewCertPool()
		if !roots.AppendCertsFromPEM(pemData) {
			return fmt.Errorf("-ca %s holds no PEM certificate", *caFile)
		}
		transport.TLSClientConfig.RootCAs = roots
	}
	hc := &http.Client{Transport: transport, Timeout: *timeout}
	defer hc.CloseIdleConnections()

	// A Server holds the keys and signs; its own listener serves nothing here.
	srv, err := wechatpaytest.Listen(wechatpaytest.WithKeyDir(*dir), wechatpaytest.WithNotificationClient(hc), wechatpaytest.WithoutSeedFixtures())
	if err != nil {
		return err
	}
	defer srv.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-sigs:
			cancel()
		case <-ctx.Done():
		}
	}()
	opts := []wechatpaytest.NotifyOption{wechatpaytest.WithDeliveryObserver(func(d wechatpaytest.Delivery) {
		printDelivery(stdout, d)
	})}
	if !*once {
		opts = append(opts, wechatpaytest.WithRedelivery(*scale))
	}
	resp, err := srv.SendNotification(ctx, *target, *event, json.RawMessage(resource), opts...)
	if err != nil {
		return fmt.Errorf("callback not acknowledged: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("callback not acknowledged: the last delivery was answered %s", resp.Status)
	}
	return nil
}

// printDelivery prints one delivery: the answer's status and body, or the
// transport error, and when the next delivery follows.
func printDelivery(w io.Writer, d wechatpaytest.Delivery) {
	if d.Err != nil {
		fmt.Fprintf(w, "delivery %d: no answer: %v\n", d.Attempt, d.Err)
	} else {
		fmt.Fprintf(w, "delivery %d: HTTP %d %s\n", d.Attempt, d.StatusCode, http.StatusText(d.StatusCode))
		if body := strings.TrimSpace(string(d.Body)); body != "" {
			fmt.Fprintf(w, "%s\n", body)
		}
	}
	switch {
	case d.OK():
		fmt.Fprintln(w, "acknowledged")
	case d.Next > 0:
		fmt.Fprintf(w, "redelivering in %s\n", d.Next)
	}
}

// scheduleText is WeChat Pay's redelivery schedule as text.
func scheduleText() string {
	var parts []string
	for _, d := range wechatpaytest.RedeliverySchedule() {
		switch {
		case d%time.Hour == 0:
			parts = append(parts, fmt.Sprintf("%dh", d/time.Hour))
		case d%time.Minute == 0:
			parts = append(parts, fmt.Sprintf("%dm", d/time.Minute))
		default:
			parts = append(parts, d.String())
		}
	}
	return strings.Join(parts, ", ")
}
