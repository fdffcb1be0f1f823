package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay/examples/internal/exampletest"
	"github.com/gowechatpay/wechatpay/redpack"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func TestRun(t *testing.T) {
	want := []string{"resend: same packet:  true", "status:               SENDING", "hb_type:              NORMAL", "sender_name:         XX活动", "signed reply:        true"}
	// The WeCom send's reply is signed: tampering with it fails the flow.
	exampletest.Check(t, run, wechatpaytest.APISendWorkWxRedPacket, want...)
	// The cash send's reply is unsigned; a sign present that does not
	// verify leaves the outcome unknown, and the flow fails before printing.
	exampletest.Check(t, run, wechatpaytest.APISendCashRedPacket, want...)
}

func TestRunUnknownOutcome(t *testing.T) {
	srv, path := exampletest.Sandbox(t)
	srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APISendCashRedPacket, Kind: wechatpaytest.FaultDropAfterHandling})
	var out bytes.Buffer
	err := run(t.Context(), []string{"-config", path}, &out)
	require.ErrorIs(t, err, redpack.ErrUnknownOutcome)
	require.ErrorContains(t, err, "run again with the same bill number")
	require.Empty(t, out.String())
	srv.ClearFaults()
	require.NoError(t, run(t.Context(), []string{"-config", path}, &out), "running again with the same numbers")
	require.Len(t, srv.SentRedPackets(), 2, "one cash and one WeCom packet")
}

func TestFlags(t *testing.T) { exampletest.CheckFlags(t, run) }
