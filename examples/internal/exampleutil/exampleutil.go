// Package exampleutil holds what the runnable examples share: a client for
// either an in-process sandbox or the endpoint of a credentials file, and a
// main wrapper that turns an error into a one-line reason and exit code 1.
package exampleutil

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// Client returns a client for configPath's base_url (the production domains
// when the file has none) or, when configPath is empty, for an in-process
// sandbox started here. Call the returned function when done.
func Client(configPath string) (*wechatpay.Client, func(), error) {
	if configPath != "" {
		c, err := wechatpay.NewClientFromFile(configPath)
		if err != nil {
			return nil, nil, err
		}
		return c, c.Close, nil
	}
	srv, err := wechatpaytest.Listen()
	if err != nil {
		return nil, nil, fmt.Errorf("starting the in-process sandbox: %w", err)
	}
	c := srv.Client()
	return c, func() { c.Close(); srv.Close() }, nil
}

// Main runs fn with a context that SIGINT and SIGTERM cancel, and exits 1
// with a one-line reason on stderr when it fails.
func Main(fn func(ctx context.Context, args []string, stdout io.Writer) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := fn(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

// Table prints label/value pairs aligned, skipping empty values.
func Table(w io.Writer, pairs ...any) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for i := 0; i+1 < len(pairs); i += 2 {
		v := fmt.Sprint(pairs[i+1])
		if v == "" || v == "0" {
			continue
		}
		fmt.Fprintf(tw, "%v:\t%s\n", pairs[i], v)
	}
	return tw.Flush()
}

// Time formats t with layout, or returns "" for the zero time (absent).
func Time(t time.Time, layout string) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(layout)
}

// Mask shows only the first and last four characters of a sensitive value,
// so that a decrypted field does not end up whole in a terminal or log.
func Mask(s string) string {
	if len(s) <= 8 {
		return "****"
	}
	return s[:4] + "…" + s[len(s)-4:]
}
