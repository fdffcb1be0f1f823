package main

import (
	"testing"

	"github.com/gowechatpay/wechatpay/examples/internal/exampletest"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func TestRun(t *testing.T) {
	exampletest.Check(t, run, wechatpaytest.APIProfitSharingQueryOrder, "state:           PROCESSING", "settlement:   952 HKD")
}

func TestFlags(t *testing.T) { exampletest.CheckFlags(t, run) }
