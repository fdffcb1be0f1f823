package main

import (
	"testing"

	"github.com/gowechatpay/wechatpay/examples/internal/exampletest"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func TestRun(t *testing.T) {
	exampletest.Check(t, run, wechatpaytest.APIPunish, "out_request_no:   WBPUNISH20251009000001", "wxpay_punish_no:")
}

func TestFlags(t *testing.T) { exampletest.CheckFlags(t, run) }
