// Command wechatpay-sandbox runs the WeChat Pay emulator of package
// wechatpaytest as a standalone HTTPS server, for trying the SDK's examples
// and command-line tools by hand, and sends the callbacks WeChat Pay would
// send to a merchant's notify_url.
//
// Usage:
//
//	wechatpay-sandbox [-addr 127.0.0.1:8360] [-dir ./sandbox] [-key-mode public-key|certificates|both] [-notify-ca FILE] [-grace 5s]
//	wechatpay-sandbox notify -dir DIR -url URL -event EVENT_TYPE -resource FILE.json [-ca FILE] [-schedule-scale 1]
//
// Serving, it first listens on -addr (a busy port fails before any file is
// written), then locks -dir (a second sandbox on the same directory fails,
// naming the process that holds it), generates test keys there on first run
// (later runs reuse them) and writes -dir/credentials.json with the real
// address and a freshly generated CA certificate; every file is written
// atomically. It logs one line per request on stderr (method, path, status,
// verdict; for a request whose signature does not verify, the
// sign_information of its 401 SIGN_ERROR: the method, URL, length and cut
// message it verified). On SIGINT or SIGTERM it stops accepting connections, gives the
// requests in flight -grace to complete, closes what remains and exits 0; a
// second signal exits at once (status 1). Point any example at it with
// -config DIR/credentials.json. The keys are test keys: never use them for
// real. A command-line mistake prints one line and where the help is (-h),
// and exits 2.
//
// notify signs and encrypts a callback with the keys in DIR, as WeChat Pay
// would for the merchant of DIR/credentials.json: with the platform
// certificate key when that merchant holds only platform certificates
// (-key-mode certificates), with the public-key-id key otherwise. A DIR
// without the sandbox's keys is refused, naming the files it lacks, and
// nothing is written there. notify POSTs the callback to URL, prints each
// answer, and after a failure answer (a status other than 2xx, or none)
// redelivers it on WeChat Pay's schedule (15s, 15s, 30s, 3m, 10m, 20m, 30m,
// 30m, 30m, 60m, 3h, 3h, 3h, 6h, 6h), each wait multiplied by
// -schedule-scale. It exits 0 once the callback is acknowledged with a 2xx,
// 1 when the schedule ends without.
//
// The test helpers do on the running sandbox what only the user or WeChat
// Pay can do, for a merchant testing from another process or language:
//
//	wechatpay-sandbox transfer confirm [-dir DIR] OUT_BILL_NO
//	wechatpay-sandbox transfer fail [-dir DIR] -reason REASON OUT_BILL_NO
//	wechatpay-sandbox transfer authorize|revoke [-dir DIR] OUT_AUTHORIZATION_NO
//	wechatpay-sandbox advance [-dir DIR] 24h
//
// Each POSTs to the sandbox's test-helper endpoint
// (/v3/sandbox/test-helpers/..., see wechatpaytest.APITestHelperAdvance
// and its neighbours) a request signed with the merchant key of
// DIR/credentials.json, like any v3 request: the sandbox refuses a request
// that is not signed by the merchant (401 SIGN_ERROR). It prints the
// answer and exits 0, or prints the refusal and exits 1.
//
// The running sandbox sends the callbacks of its state machines (a transfer
// bill finished, ...) to the notify_url of the request itself, trusting the
// system roots, or the CA of -notify-ca FILE (a local HTTPS server's
// self-signed certificate).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
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
	switch {
	case len(args) > 0 && args[0] == "notify":
		return runNotify(args[1:], stdout, stderr, sigs)
	case len(args) > 0 && args[0] == "advance":
		return runHelper(context.Background(), "advance", args[1:], stdout, stderr)
	case len(args) > 0 && args[0] == "transfer":
		if len(args) == 1 {
			args = append(args, "")
		}
		return runHelper(context.Background(), "transfer "+args[1], args[2:], stdout, stderr)
	}
	sf, fs := newServeFlags(stderr)
	if err := parseFlags(fs, args, 0, stderr); err != nil {
		return err
	}
	mode, err := wechatpaytest.ParseKeyMode(sf.keyMode)
	if err != nil {
		return fmt.Errorf("%w; pass -key-mode public-key, certificates or both", err)
	}
	srv, unlock, err := sf.listen(mode, stderr)
	if err != nil {
		return err
	}
	defer unlock()
	path, err := srv.WriteCredentials(sf.dir)
	if err != nil {
		srv.Close()
		return err
	}
	fmt.Fprintf(stdout, "wechatpay-sandbox: serving %s; credentials in %s (test keys only)\n", srv.URL, path)
	<-sigs
	return shutdown(srv, sf.grace, stdout, sigs)
}

// serveUsage is the help of the sandbox that serves.
const serveUsage = `Usage:
  wechatpay-sandbox [flags]          serve the WeChat Pay emulator
  wechatpay-sandbox notify [flags]   send a signed callback to a notify_url
                                     (wechatpay-sandbox notify -h for its flags)
  wechatpay-sandbox transfer confirm|fail|authorize|revoke [-dir DIR] NO
  wechatpay-sandbox advance [-dir DIR] DURATION
                                     test helpers: act as the user or WeChat
                                     Pay on the sandbox serving DIR, or move
                                     its clock (wechatpay-sandbox advance -h)

Flags:
`

// serveFlags are the flags of the sandbox that serves.
type serveFlags struct {
	addr, dir, keyMode, notifyCA string
	grace                        time.Duration
}

// newServeFlags declares the flags of the sandbox on a new flag set.
func newServeFlags(stderr io.Writer) (*serveFlags, *flag.FlagSet) {
	sf := &serveFlags{}
	fs := newFlagSet("wechatpay-sandbox", serveUsage, stderr)
	fs.StringVar(&sf.addr, "addr", "127.0.0.1:8360", "address `HOST:PORT` to listen on (port 0 picks a free port)")
	fs.StringVar(&sf.dir, "dir", "sandbox", "directory `DIR` for the keys and credentials.json (locked while serving)")
	fs.StringVar(&sf.notifyCA, "notify-ca", "", "PEM `FILE` of the CA to trust for the callbacks' https notify_url, e.g. a local server's self-signed certificate (default: the system roots)")
	fs.DurationVar(&sf.grace, "grace", 5*time.Second, "on SIGINT or SIGTERM, how long requests in flight get to complete")
	fs.StringVar(&sf.keyMode, "key-mode", "public-key", "the merchant's WeChat Pay keys: public-key (answers signed with the public key, no /v3/certificates), certificates (platform certificate only) or both (migration: Wechatpay-Serial chooses)")
	return sf, fs
}

// listen starts the emulator on -addr with the keys of -dir, which it locks
// first; the port comes first, so that a busy one fails before anything is
// written. unlock releases -dir.
func (sf *serveFlags) listen(mode wechatpay.KeyMode, stderr io.Writer) (srv *wechatpaytest.Server, unlock func(), err error) {
	hc, err := notifyClient("-notify-ca", sf.notifyCA, 30*time.Second)
	if err != nil {
		return nil, nil, err
	}
	ln, err := net.Listen("tcp", sf.addr)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot listen on -addr %s: %w; pass another -addr (port 0 picks a free one)", sf.addr, err)
	}
	unlock, err = lockDir(sf.dir)
	if err != nil {
		_ = ln.Close()
		return nil, nil, err
	}
	srv, err = wechatpaytest.Listen(
		wechatpaytest.WithKeyMode(mode),
		wechatpaytest.WithKeyDir(sf.dir),
		wechatpaytest.WithListener(ln),
		wechatpaytest.WithNotificationClient(hc),
		wechatpaytest.WithLogger(slog.New(slog.NewTextHandler(stderr, nil))),
	)
	if err != nil {
		unlock()
		return nil, nil, err
	}
	return srv, unlock, nil
}

// shutdown stops srv after the first signal: the requests in flight get
// grace to complete, and a second signal ends the wait at once.
func shutdown(srv *wechatpaytest.Server, grace time.Duration, stdout io.Writer, sigs <-chan os.Signal) error {
	fmt.Fprintf(stdout, "wechatpay-sandbox: shutting down: requests in flight get %s; a second signal exits at once\n", grace)
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), grace)
		defer cancel()
		done <- srv.Shutdown(ctx)
	}()
	select {
	case err := <-done:
		if err != nil {
			fmt.Fprintf(stdout, "wechatpay-sandbox: closed the connections still open after %s\n", grace)
		}
		return nil
	case <-sigs:
		return errSecondSignal
	}
}

// parseFlags parses args into fs, whose Usage prints the whole help: -h
// prints it and is no error (flag.ErrHelp); a mistake, positional arguments
// other than nargs of them included, prints one line and where the help is
// (errUsage).
func parseFlags(fs *flag.FlagSet, args []string, nargs int, stderr io.Writer) error {
	help := fs.Usage
	fs.Usage = func() {}
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.Usage = help
	fs.SetOutput(stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		help()
		return flag.ErrHelp
	case err != nil:
		return usageError(fs, stderr, err.Error())
	case nargs == 0 && fs.NArg() > 0:
		return usageError(fs, stderr, fmt.Sprintf("unexpected arguments %q", fs.Args()))
	case fs.NArg() != nargs:
		return usageError(fs, stderr, fmt.Sprintf("one argument expected after the flags, got %q", fs.Args()))
	}
	return nil
}

// newFlagSet is a flag set named name whose Usage prints usage, then the
// flags, on stderr.
func newFlagSet(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	return fs
}

// usageError prints a command-line mistake on one line, followed by where
// the help is, and returns it as errUsage.
func usageError(fs *flag.FlagSet, stderr io.Writer, msg string) error {
	fmt.Fprintf(stderr, "%s: %s\nRun '%s -h' for its flags.\n", fs.Name(), msg, fs.Name())
	return fmt.Errorf("%w: %s", errUsage, msg)
}
