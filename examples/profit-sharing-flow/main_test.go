package main

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay/examples/internal/exampletest"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func TestRun(t *testing.T) {
	exampletest.Check(t, run, wechatpaytest.APIProfitSharingCreateOrder,
		"audited: EFFECTIVE", "UNFREEZE_TO_SPONSOR 1900016681 900 CNY SUCCESS", "unsplit amount: 0 CNY",
		"DISTRIBUTE_TO_OTHERS", "bill rows: 2", "deleted")
}

// TestTamperedAnswers: a tampered answer of any step fails the run, and
// nothing is printed.
func TestTamperedAnswers(t *testing.T) {
	for _, api := range []wechatpaytest.API{
		wechatpaytest.APIProfitSharingAddReceiver, wechatpaytest.APIProfitSharingQueryReceiver,
		wechatpaytest.APIProfitSharingCreateOrder, wechatpaytest.APIProfitSharingQueryOrder,
		wechatpaytest.APIProfitSharingUnfreezeOrder, wechatpaytest.APIProfitSharingQueryUnsplitAmount,
		wechatpaytest.APIProfitSharingQueryBillDownloadURL,
	} {
		out, err := exampletest.RunTampered(t, run, api)
		require.Error(t, err, api)
		require.Empty(t, out)
	}
}

func TestFlags(t *testing.T) { exampletest.CheckFlags(t, run) }
