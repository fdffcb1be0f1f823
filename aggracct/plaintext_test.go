package aggracct_test

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/aggracct"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
)

// TestPlaintextLedgerNumberInAnswer: the official examples show the
// answer's bal_account_no in plaintext although the field is marked
// encrypted. A verified answer echoing the ledger number asked about is
// accepted; any other value that does not decrypt is an error.
func TestPlaintextLedgerNumberInAnswer(t *testing.T) {
	merchant, err := wxcrypto.LoadPrivateKeyFile("../testdata/merchant_test_key.pem")
	require.NoError(t, err)
	signKey, err := wxcrypto.LoadPrivateKeyFile("../testdata/wechatpay_pubkey_test_key.pem")
	require.NoError(t, err)
	const keyID = "PUB_KEY_ID_0114232134912410000000000000"
	var answer string
	rt := roundTripper(func(r *http.Request) (*http.Response, error) {
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		sig, err := wxcrypto.SignSHA256WithRSA(signKey, []byte(ts+"\nN\n"+answer+"\n"))
		if err != nil {
			return nil, err
		}
		h := http.Header{}
		h.Set(wechatpay.HeaderTimestamp, ts)
		h.Set(wechatpay.HeaderNonce, "N")
		h.Set(wechatpay.HeaderSignature, sig)
		h.Set(wechatpay.HeaderSerial, keyID)
		return &http.Response{StatusCode: http.StatusOK, Header: h, Body: io.NopCloser(bytes.NewReader([]byte(answer))), Request: r}, nil
	})
	c, err := wechatpay.NewClient(
		wechatpay.WithMerchant("1900016681", "1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D", merchant),
		wechatpay.WithPublicKey(keyID, &signKey.PublicKey),
		wechatpay.WithTransport(rt),
		wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 1}),
	)
	require.NoError(t, err)
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
