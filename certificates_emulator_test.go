package wechatpay_test

import (
	"crypto/x509"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func TestDownloadCertificatesFromEmulator(t *testing.T) {
	srv := wechatpaytest.NewServer(wechatpaytest.WithFreshKeys(), wechatpaytest.WithKeyMode(wechatpay.KeyModeBoth))
	t.Cleanup(srv.Close)

	for _, mode := range []wechatpay.KeyMode{wechatpay.KeyModeCertificates, wechatpay.KeyModeBoth} {
		t.Run(mode.String(), func(t *testing.T) {
			c := srv.Client(wechatpay.WithKeyMode(mode))
			t.Cleanup(c.Close)
			certs, err := c.DownloadCertificates(t.Context())
			require.NoError(t, err)
			require.Len(t, certs, 1)
			require.Equal(t, srv.PlatformSerial(), wxcrypto.CertificateSerial(certs[0]))
			require.Equal(t, []string{srv.PlatformSerial()}, serials(c.Verifier().Certificates()))
		})
	}

	faults := []struct {
		kind    wechatpaytest.FaultKind
		wantErr error
	}{
		{wechatpaytest.FaultTamperedBody, wechatpay.ErrInvalidSignature},
		{wechatpaytest.FaultProbeSignature, wechatpay.ErrSignatureProbe},
		{wechatpaytest.FaultStaleTimestamp, wechatpay.ErrStaleTimestamp},
	}
	c := srv.Client(wechatpay.WithKeyMode(wechatpay.KeyModeCertificates), wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 1}))
	t.Cleanup(c.Close)
	for _, f := range faults {
		srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APICertificates, Kind: f.kind, Count: 1})
		_, err := c.DownloadCertificates(t.Context())
		require.ErrorIs(t, err, f.wantErr)
	}
	srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APICertificates, Kind: wechatpaytest.FaultSystemError, Count: 1})
	_, err := c.DownloadCertificates(t.Context())
	var apiErr *wechatpay.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, 500, apiErr.StatusCode)
}

func TestCertificateRefreshWithEmulator(t *testing.T) {
	noLeaks(t)
	pkSrv := wechatpaytest.NewServer() // a merchant of the public key
	t.Cleanup(pkSrv.Close)

	// Public-key mode never calls the endpoint, refresh or not.
	pk := pkSrv.Client(wechatpay.WithKeyMode(wechatpay.KeyModePublicKey), wechatpay.WithCertificateRefresh(time.Millisecond))
	_, err := pk.DownloadCertificates(t.Context())
	require.ErrorIs(t, err, wechatpay.ErrInvalidConfig)
	time.Sleep(30 * time.Millisecond)
	pk.Close()
	require.Zero(t, pkSrv.Requests())

	srv := wechatpaytest.NewServer(wechatpaytest.WithKeyMode(wechatpay.KeyModeCertificates))
	t.Cleanup(srv.Close)
	c := srv.Client(wechatpay.WithKeyMode(wechatpay.KeyModeCertificates), wechatpay.WithCertificateRefresh(20*time.Millisecond))
	require.Eventually(t, func() bool { return srv.Requests() >= 2 }, 5*time.Second, 5*time.Millisecond)
	c.Close()
	n := srv.Requests()
	time.Sleep(60 * time.Millisecond)
	require.Equal(t, n, srv.Requests(), "refresh continued after Close")
}

// TestCertificateBootstrapFromEmulator starts a client that holds no WeChat
// Pay key at all: its first download is trusted only because the answer
// verifies with a certificate it carries, and later calls verify with it.
func TestCertificateBootstrapFromEmulator(t *testing.T) {
	srv := wechatpaytest.NewServer(wechatpaytest.WithKeyMode(wechatpay.KeyModeCertificates))
	t.Cleanup(srv.Close)
	cr := srv.Credentials()
	dir := t.TempDir()
	path, err := srv.WriteCredentials(dir)
	require.NoError(t, err)
	full, err := wechatpay.LoadCredentials(path)
	require.NoError(t, err)
	key, err := wxcrypto.LoadPrivateKeyFile(filepath.Join(dir, full.MerchantPrivateKeyFile))
	require.NoError(t, err)
	ca, err := wxcrypto.LoadCertificateFile(filepath.Join(dir, full.CAFile))
	require.NoError(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(ca)

	c, err := wechatpay.NewClient(
		wechatpay.WithMerchant(cr.MchID, full.MerchantSerialNo, key),
		wechatpay.WithAPIv3Key(full.APIv3Key),
		wechatpay.WithBaseURL(srv.URL),
		wechatpay.WithRootCAs(pool),
		wechatpay.WithCertificateRefresh(time.Hour),
	)
	require.NoError(t, err)
	t.Cleanup(c.Close)
	require.Eventually(t, func() bool { return len(c.Verifier().Certificates()) == 1 }, 5*time.Second, 5*time.Millisecond)
	require.Equal(t, srv.PlatformSerial(), wxcrypto.CertificateSerial(c.Verifier().Certificates()[0]))

	var out map[string]any
	_, err = c.DoV3(t.Context(), &wechatpay.Request{
		Path:       "/v3/global/profit-sharing/orders/{out_order_no}",
		PathParams: map[string]string{"out_order_no": "P20150806125346"},
		Query:      url.Values{"sub_mchid": {"1900000109"}, "transaction_id": {"4208450740201411110007820472"}},
		Global:     true,
	}, &out)
	require.NoError(t, err)
	require.Equal(t, "PROCESSING", out["state"])
}

// TestNoCertificatesForAPublicKeyMerchant: the emulator's default merchant
// holds only the WeChat Pay public key, and WeChat Pay has no platform
// certificate for such a merchant: 404 RESOURCE_NOT_EXISTS.
func TestNoCertificatesForAPublicKeyMerchant(t *testing.T) {
	srv := wechatpaytest.NewServer()
	t.Cleanup(srv.Close)
	c := srv.Client()
	t.Cleanup(c.Close)
	_, err := c.DoV3(t.Context(), &wechatpay.Request{Path: "/v3/certificates"}, nil)
	var apiErr *wechatpay.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, 404, apiErr.StatusCode)
	require.Equal(t, "RESOURCE_NOT_EXISTS", apiErr.Code)
	require.Equal(t, "无可用的平台证书", apiErr.Message)
}
