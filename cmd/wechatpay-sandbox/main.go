// Command wechatpay-sandbox runs the WeChat Pay emulator of package
// wechatpaytest as a standalone HTTPS server, for trying the SDK's examples
// and command-line tools by hand.
//
// Usage:
//
//	wechatpay-sandbox [-addr 127.0.0.1:8360] [-dir ./sandbox] [-key-mode public-key|certificates|both]
//
// On first run it generates test keys in -dir; later runs reuse them. Once
// listening it writes -dir/credentials.json (atomically) with the real
// address and a freshly generated CA certificate, logs one line per request
// on stderr (method, path, status, verdict) and serves until SIGINT or
// SIGTERM, then exits 0. Point any example at it with -config
// DIR/credentials.json. The keys are test keys: never use them for real.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "wechatpay-sandbox:", err)
		stop()
		os.Exit(1)
	}
}

// run starts the sandbox with the command-line args and serves until ctx is
// done.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("wechatpay-sandbox", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8360", "address to listen on (host:port; port 0 picks a free port)")
	dir := fs.String("dir", "sandbox", "directory for the keys and credentials.json")
	keyMode := fs.String("key-mode", "public-key", "the merchant's WeChat Pay keys: public-key (answers signed with the public key, no /v3/certificates), certificates (platform certificate only) or both (migration: Wechatpay-Serial chooses)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	mode, err := wechatpaytest.ParseKeyMode(*keyMode)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	srv, err := wechatpaytest.Listen(
		wechatpaytest.WithKeyMode(mode),
		wechatpaytest.WithKeyDir(*dir),
		wechatpaytest.WithAddress(*addr),
		wechatpaytest.WithLogger(logger),
	)
	if err != nil {
		return err
	}
	defer srv.Close()
	path, err := srv.WriteCredentials(*dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wechatpay-sandbox: serving %s; credentials in %s (test keys only)\n", srv.URL, path)
	<-ctx.Done()
	fmt.Fprintln(stdout, "wechatpay-sandbox: shutting down")
	return nil
}
