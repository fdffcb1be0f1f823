package aggracct_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/aggracct"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// TestPlaintextLedgerNumberInAnswer: the official examples show the
// answer's bal_account_no in plaintext although the field is marked
// encrypted. A verified answer echoing the ledger number asked about is
// accepted; any other value that does not decrypt is an error.
func TestPlaintextLedgerNumberInAnswer(t *testing.T) {
	var answer string
	c := wechatpaytest.Start(t).ClientWithAnswers(func(*http.Request) []byte { return []byte(answer) },
		wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 1}))
	svc := aggracct.New(c)
	const ledger = "8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f"
	req := &aggracct.QuerySpecialReductionRequest{OutRequestNo: "N1", BalAccountNo: ledger}

	answer = `{"mchid":"1900016681","bal_account_no":"` + ledger + `","out_request_no":"N1","state":"PROCESSING"}`
	got, err := svc.QuerySpecialReduction(t.Context(), req)
	require.NoError(t, err)
	require.Equal(t, ledger, got.BalAccountNo)
	require.Equal(t, aggracct.StateProcessing, got.State)

	answer = `{"mchid":"1900016681","bal_account_no":"someone-elses-ledger","out_request_no":"N1","state":"PROCESSING"}`
	got, err = svc.QuerySpecialReduction(t.Context(), req)
	require.ErrorIs(t, err, wechatpay.ErrDecrypt)
	require.Nil(t, got)
}
