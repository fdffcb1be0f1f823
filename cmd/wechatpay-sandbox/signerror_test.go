package main

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
)

// TestRunLogsSignInformation: a request whose signature does not verify is
// answered 401 SIGN_ERROR and logged with WeChat Pay's sign_information.
func TestRunLogsSignInformation(t *testing.T) {
	sb := startSandbox(t, t.TempDir())
	cr, err := wechatpay.LoadCredentials(sb.credPath())
	require.NoError(t, err)
	ca, err := os.ReadFile(filepath.Join(sb.dir, cr.CAFile))
	require.NoError(t, err)
	roots := x509.NewCertPool()
	require.True(t, roots.AppendCertsFromPEM(ca))
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}
	defer tr.CloseIdleConnections()

	uri := "/v3/aggracct-bc/wb-channel/account/balance?sub_mchid=1900000109"
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, cr.BaseURL+uri, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", wechatpay.AuthScheme+` mchid="`+cr.MchID+`",nonce_str="N",timestamp="`+
		strconv.FormatInt(time.Now().Unix(), 10)+`",serial_no="`+cr.MerchantSerialNo+`",signature="c2ln"`)
	resp, err := tr.RoundTrip(req)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, resp.Body.Close())
	require.NoError(t, err)
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	require.Contains(t, string(body), `"sign_information":{"method":"GET","url":"`+uri+`"`)
	sb.stop(t)

	log := sb.stderr.String()
	require.Contains(t, log, `verdict="sign_error: signature does not verify"`)
	require.Contains(t, log, "sign_method=GET sign_url="+`"`+uri+`"`+" sign_message_length=")
	require.NotContains(t, log, "c2ln", "the signature is not logged")
}
