package main

import (
	"testing"

	"github.com/gowechatpay/wechatpay/examples/internal/exampletest"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func TestRun(t *testing.T) {
	exampletest.Check(t, run, wechatpaytest.APIQuerySpecialReduction,
		"state:            SUCCESS", "bal_account_no:   8609…8d9f (decrypted, masked)")
}

func TestFlags(t *testing.T) { exampletest.CheckFlags(t, run) }
