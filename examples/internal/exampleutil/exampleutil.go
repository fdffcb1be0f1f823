// Package exampleutil holds what the runnable examples share: a flag set
// with -config (and the flags of a WeBank ledger), a call made with a client
// for either an in-process sandbox or the endpoint of a credentials file,
// and a main wrapper that turns an error into a one-line reason and exit
// code 1.
package exampleutil

import (
	"context"
	"errors"
	"flag"
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

// ErrUsage marks a command-line mistake, already explained on stderr with
// the flags: Main exits 2.
var ErrUsage = errors.New("usage")

// parse parses an example's flags. -h (or -help) returns flag.ErrHelp,
// after the flag package printed the flags; a bad flag or any positional
// argument returns an error matching ErrUsage, after the reason and the
// flags were printed.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return flag.ErrHelp
		}
		return fmt.Errorf("%w: %w", ErrUsage, err)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "%s: unexpected arguments %q: this example takes only flags\n", fs.Name(), fs.Args())
		fs.Usage()
		return fmt.Errorf("%w: unexpected arguments %q", ErrUsage, fs.Args())
	}
	return nil
}

// Flags is an example's flag set, with the -config flag every example has.
type Flags struct {
	*flag.FlagSet
	config *string
}

// NewFlags returns the flag set of the example name, with -config.
func NewFlags(name string) *Flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	return &Flags{FlagSet: fs, config: fs.String("config", "", "credentials file (default: an in-process sandbox)")}
}

// Ledger declares the flags that name a WeBank ledger: -mchid, its
// merchant (the credentials' when empty), and -bal-account-no, its number
// (the sandbox's seed ledger by default), sent encrypted.
func (f *Flags) Ledger() (mchID, balAccountNo *string) {
	return f.String("mchid", "", "target merchant (default: the credentials' mchid)"),
		f.String("bal-account-no", wechatpaytest.SeedBalAccountNo, "quota ledger number (plaintext; sent encrypted)")
}

// Config is the -config flag: the credentials file, "" for the in-process
// sandbox.
func (f *Flags) Config() string { return *f.config }

// Run parses args (-h returns flag.ErrHelp; a bad flag or a positional
// argument, an error matching ErrUsage, after the reason and the flags were
// printed), then calls call with a client for -config's base_url (the
// production domains when the file has none) or, without -config, for an
// in-process sandbox started with opts; it closes the client and the
// sandbox when call returns.
func (f *Flags) Run(args []string, call func(c *wechatpay.Client) error, opts ...wechatpaytest.Option) error {
	if err := parse(f.FlagSet, args); err != nil {
		return err
	}
	if *f.config != "" {
		c, err := wechatpay.NewClientFromFile(*f.config)
		if err != nil {
			return err
		}
		defer c.Close()
		return call(c)
	}
	srv, err := wechatpaytest.Listen(opts...)
	if err != nil {
		return fmt.Errorf("starting the in-process sandbox: %w", err)
	}
	defer srv.Close() // closes its client too
	return call(srv.Client())
}

// Main runs fn with a context that SIGINT and SIGTERM cancel, and exits
// with ExitCode's status.
func Main(fn func(ctx context.Context, args []string, stdout io.Writer) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := fn(ctx, os.Args[1:], os.Stdout)
	stop()
	os.Exit(ExitCode(err, os.Stderr))
}

// ExitCode is the exit status for run's error: 0 for none or -h, 2 for a
// usage error (already explained), else 1 after a one-line reason on
// stderr.
func ExitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, ErrUsage):
		return 2
	}
	fmt.Fprintln(stderr, "error:", err)
	return 1
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
