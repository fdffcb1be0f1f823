package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/sdktest"
)

// TestRunKeyMode: -key-mode certificates writes a credentials file of a
// merchant of platform certificates (no public key), whose client
// downloads the certificate; an unknown mode is refused before anything is
// written.
func TestRunKeyMode(t *testing.T) {
	dir := t.TempDir()
	sb := startSandbox(t, dir, "-key-mode", "certificates")
	credPath := sb.credPath()
	cr, err := wechatpay.LoadCredentials(credPath)
	require.NoError(t, err)
	require.Empty(t, cr.WechatpayPublicKeyFile)
	require.Len(t, cr.PlatformCertificateFiles, 1)
	client, err := wechatpay.NewClientFromFile(credPath)
	require.NoError(t, err)
	defer client.Close()
	certs, err := client.DownloadCertificates(t.Context())
	require.NoError(t, err)
	require.Len(t, certs, 1)
	sb.stop(t)

	empty := t.TempDir()
	var stdout, stderr sdktest.Buffer
	err = run([]string{"-addr", "127.0.0.1:0", "-dir", empty, "-key-mode", "platform"}, &stdout, &stderr, nil)
	require.ErrorContains(t, err, "unknown key mode")
	require.NoFileExists(t, filepath.Join(empty, "credentials.json"))
}
