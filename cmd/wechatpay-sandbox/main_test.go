package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
)

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a server
// and the reads of a test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitForFile waits until path exists or the deadline passes.
func waitForFile(t *testing.T, path string, done <-chan error) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(path); err == nil {
			return
		}
		select {
		case err := <-done:
			t.Fatalf("sandbox exited before writing %s: %v", path, err)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("%s not written within 30s", path)
}

// querySeedReduction calls the seed special reduction with the credentials
// file and returns its state.
func querySeedReduction(t *testing.T, credPath string) string {
	t.Helper()
	client, err := wechatpay.NewClientFromFile(credPath)
	require.NoError(t, err)
	defer client.Close()
	bal, serial, err := client.EncryptSensitive("8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f")
	require.NoError(t, err)
	var out struct {
		State        string `json:"state"`
		BalAccountNo string `json:"bal_account_no"`
	}
	_, err = client.DoV3(t.Context(), &wechatpay.Request{
		Method:     http.MethodGet,
		Path:       "/v3/aggracct-bc/wb-channel/special-reduction/{out_request_no}",
		PathParams: map[string]string{"out_request_no": "htozr8denqegbt6tk6u10iymo7yww5pn"},
		Query:      url.Values{"mchid": {client.MchID()}, "bal_account_no": {bal}},
		Header:     http.Header{wechatpay.HeaderSerial: {serial}},
	}, &out)
	require.NoError(t, err)
	plain, err := client.DecryptSensitive(out.BalAccountNo)
	require.NoError(t, err)
	require.Equal(t, "8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f", plain)
	return out.State
}

func TestRunInProcess(t *testing.T) {
	dir := t.TempDir()
	credPath := filepath.Join(dir, "credentials.json")
	var stdout, stderr syncBuffer

	start := func() (context.CancelFunc, chan error) {
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-dir", dir}, &stdout, &stderr) }()
		waitForFile(t, credPath, done)
		return cancel, done
	}
	stopAndWait := func(cancel context.CancelFunc, done chan error) {
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(10 * time.Second):
			t.Fatal("run did not return after cancel")
		}
	}

	cancel, done := start()
	require.Equal(t, "SUCCESS", querySeedReduction(t, credPath))
	stopAndWait(cancel, done)

	log := stderr.String()
	require.Contains(t, log, "method=GET")
	require.Contains(t, log, "path=/v3/aggracct-bc/wb-channel/special-reduction/htozr8denqegbt6tk6u10iymo7yww5pn")
	require.Contains(t, log, "status=200")
	require.Contains(t, log, "verdict=ok")
	require.NotContains(t, log, "WECHATPAY2-SHA256-RSA2048", "the Authorization value must not be logged")
	require.Contains(t, stdout.String(), "https://127.0.0.1:")

	// A second run reuses the keys: same merchant key file, new port file.
	keyBefore, err := os.ReadFile(filepath.Join(dir, "apiclient_key.pem"))
	require.NoError(t, err)
	require.NoError(t, os.Remove(credPath))
	cancel, done = start()
	keyAfter, err := os.ReadFile(filepath.Join(dir, "apiclient_key.pem"))
	require.NoError(t, err)
	require.Equal(t, keyBefore, keyAfter)
	require.Equal(t, "SUCCESS", querySeedReduction(t, credPath))
	stopAndWait(cancel, done)
}

func TestRunRejectsBadFlags(t *testing.T) {
	var stdout, stderr syncBuffer
	err := run(t.Context(), []string{"-nope"}, &stdout, &stderr)
	require.Error(t, err)
	err = run(t.Context(), []string{"-dir", t.TempDir(), "extra"}, &stdout, &stderr)
	require.ErrorContains(t, err, "unexpected arguments")
}

func TestRunBusyAddress(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-dir", dir}, &stdout, &stderr) }()
	credPath := filepath.Join(dir, "credentials.json")
	waitForFile(t, credPath, done)
	cr, err := wechatpay.LoadCredentials(credPath)
	require.NoError(t, err)
	u, err := url.Parse(cr.BaseURL)
	require.NoError(t, err)

	err = run(t.Context(), []string{"-addr", u.Host, "-dir", t.TempDir()}, &stdout, &stderr)
	require.ErrorContains(t, err, "listening on")
	cancel()
	require.NoError(t, <-done)
}

func TestBinarySIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "wechatpay-sandbox")
	build := exec.Command("go", "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))

	dir := t.TempDir()
	var stdout, stderr syncBuffer
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-dir", dir)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	exited := false
	t.Cleanup(func() {
		if !exited {
			_ = cmd.Process.Kill()
			<-done
		}
	})
	credPath := filepath.Join(dir, "credentials.json")
	waitForFile(t, credPath, done)
	require.Equal(t, "SUCCESS", querySeedReduction(t, credPath))

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-done:
		exited = true
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			t.Fatalf("exit status %d; stderr:\n%s", exitErr.ExitCode(), stderr.String())
		}
		require.NoError(t, err)
	case <-time.After(15 * time.Second):
		t.Fatal("sandbox did not exit after SIGTERM")
	}
	require.True(t, strings.Contains(stderr.String(), "status=200"), stderr.String())
}
