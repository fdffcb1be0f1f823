// Package exampletest runs an example's run function in the three ways its
// tests need: in-process, against a sandbox's credentials file, and against
// a sandbox that tampers with its answers.
package exampletest

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay/examples/internal/exampleutil"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// Run is the signature of every example's run function.
type Run func(ctx context.Context, args []string, stdout io.Writer) error

// Check runs an example with no flags, then with -config against a running
// emulator, and requires want in the output of both; then it requires the
// example to fail when the emulator tampers with every answer.
func Check(t *testing.T, run Run, api wechatpaytest.API, want ...string) {
	t.Helper()
	var out bytes.Buffer
	require.NoError(t, run(t.Context(), nil, &out))
	for _, w := range want {
		require.Contains(t, out.String(), w)
	}

	srv, path := Sandbox(t)
	out.Reset()
	require.NoError(t, run(t.Context(), []string{"-config", path}, &out))
	for _, w := range want {
		require.Contains(t, out.String(), w)
	}

	srv.InjectFault(wechatpaytest.Fault{API: api, Kind: wechatpaytest.FaultTamperedBody})
	out.Reset()
	err := run(t.Context(), []string{"-config", path}, &out)
	require.Error(t, err, "a tampered answer must fail the example")
	require.Empty(t, out.String(), "nothing of a tampered answer is printed")
}

// Sandbox starts an emulator with opts that the test's end closes, and
// returns it with the path of its credentials file, for -config.
func Sandbox(t *testing.T, opts ...wechatpaytest.Option) (*wechatpaytest.Server, string) {
	t.Helper()
	srv := wechatpaytest.Start(t, opts...)
	path, err := srv.WriteCredentials(t.TempDir())
	require.NoError(t, err)
	return srv, path
}

// RunTampered runs an example with -config against a new sandbox that
// tampers with every answer of api, and returns what it printed and its
// error.
func RunTampered(t *testing.T, run Run, api wechatpaytest.API) (string, error) {
	t.Helper()
	srv, path := Sandbox(t)
	srv.InjectFault(wechatpaytest.Fault{API: api, Kind: wechatpaytest.FaultTamperedBody})
	var out bytes.Buffer
	err := run(t.Context(), []string{"-config", path}, &out)
	return out.String(), err
}

// CheckFlags requires -h to be no error (exit 0, the flags printed) and a
// positional argument or an unknown flag to be a usage error (exit 2).
func CheckFlags(t *testing.T, run Run) {
	t.Helper()
	var out, stderr bytes.Buffer
	for _, h := range []string{"-h", "-help", "--help"} {
		err := run(t.Context(), []string{h}, &out)
		require.ErrorIs(t, err, flag.ErrHelp)
		require.Equal(t, 0, exampleutil.ExitCode(err, &stderr))
	}
	for _, args := range [][]string{{"extra"}, {"-config", "x.json", "extra", "more"}, {"-no-such-flag"}} {
		err := run(t.Context(), args, &out)
		require.ErrorIs(t, err, exampleutil.ErrUsage, args)
		require.Equal(t, 2, exampleutil.ExitCode(err, &stderr), args)
	}
	require.Empty(t, out.String(), "nothing on stdout")
	require.Empty(t, stderr.String(), "the flag package explained; no second error line")
	require.Equal(t, 1, exampleutil.ExitCode(errors.New("boom"), &stderr))
	require.Equal(t, "error: boom\n", stderr.String())
}
