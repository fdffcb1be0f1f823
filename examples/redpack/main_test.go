package main

import (
	"testing"

	"github.com/gowechatpay/wechatpay/examples/internal/exampletest"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func TestRun(t *testing.T) {
	exampletest.Check(t, run, wechatpaytest.APIQueryWorkWxRedPacket, "status:              RECEIVED", "total_amount (fen):  5000")
}

func TestFlags(t *testing.T) { exampletest.CheckFlags(t, run) }
