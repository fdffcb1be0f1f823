package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/examples/internal/exampletest"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func TestRun(t *testing.T) {
	exampletest.Check(t, run, wechatpaytest.APIQueryBalance,
		"balance (fen):         99999", "balance (fen):         99899",
		"state:            SUCCESS", "effect_state:    ACTIVE", "recover_state:  SUCCESS", "effect_state:  RECOVERED")
}

// TestRunTamperedLater: a tampered answer in the middle of the flow fails
// it, and nothing of that answer is printed.
func TestRunTamperedLater(t *testing.T) {
	out, err := exampletest.RunTampered(t, run, wechatpaytest.APIQueryControlOrder)
	require.ErrorIs(t, err, wechatpay.ErrInvalidSignature)
	require.Contains(t, out, "5. punish")
	require.NotContains(t, out, "6. punish order")
}

// TestRunTwice: the flow is re-entrant against the same sandbox; the
// reduction is made once.
func TestRunTwice(t *testing.T) {
	srv, path := exampletest.Sandbox(t)
	for range 2 {
		require.NoError(t, run(t.Context(), []string{"-config", path}, &bytes.Buffer{}))
	}
	balance, _ := srv.LedgerBalance(srv.MchID(), wechatpaytest.SeedBalAccountNo)
	require.Equal(t, int64(99899), balance)
	require.Len(t, srv.Punishments(), 1)
}

func TestFlags(t *testing.T) { exampletest.CheckFlags(t, run) }

func TestRunMoreThanTheBalance(t *testing.T) {
	var out bytes.Buffer
	err := run(t.Context(), []string{"-amount", "100000000"}, &out)
	require.Error(t, err)
	require.True(t, strings.Contains(err.Error(), "NOT_ENOUGH"), err.Error())
	require.NotContains(t, out.String(), "2. special reduction")
}
