package main

import (
	"testing"

	"github.com/gowechatpay/wechatpay/examples/internal/exampletest"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func TestRun(t *testing.T) {
	exampletest.Check(t, run, wechatpaytest.APISpecialReduction,
		"state:            SUCCESS", "bal_account_no:   8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f")
}
