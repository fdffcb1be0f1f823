package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
)

// TestRunKeyMode: -key-mode certificates writes a credentials file of a
// merchant of platform certificates (no public key), whose client
// downloads the certificate; an unknown mode is refused before anything is
// written.
func TestRunKeyMode(t *testing.T) {
	dir := t.TempDir()
	credPath := filepath.Join(dir, "credentials.json")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-dir", dir, "-key-mode", "certificates"}, &stdout, &stderr)
	}()
	waitForFile(t, credPath, done)
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
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after cancel")
	}

	empty := t.TempDir()
	err = run(t.Context(), []string{"-addr", "127.0.0.1:0", "-dir", empty, "-key-mode", "platform"}, &stdout, &stderr)
	require.ErrorContains(t, err, "unknown key mode")
	require.NoFileExists(t, filepath.Join(empty, "credentials.json"))
}
