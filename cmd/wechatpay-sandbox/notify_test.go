package main

import (
	"context"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/sdktest"
)

// merchant is a notify_url: a NotificationHandler with the credentials of
// a sandbox directory behind a gate that answers 503 to the first failures
// deliveries.
type merchant struct {
	mu         sync.Mutex
	failures   int
	deliveries int
	plaintexts []string
	refusals   []string // why the handler refused a callback
	url, ca    string   // the notify_url and the PEM file of its CA
}

// startMerchant serves a merchant configured from credPath over TLS.
func startMerchant(t *testing.T, credPath string, failures int) *merchant {
	t.Helper()
	client, err := wechatpay.NewClientFromFile(credPath)
	require.NoError(t, err)
	t.Cleanup(client.Close)
	m := &merchant{failures: failures}
	handler, err := client.NotificationHandler(func(_ context.Context, n *wechatpay.Notification) error {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.plaintexts = append(m.plaintexts, n.EventType+" "+string(n.Plaintext))
		return nil
	})
	require.NoError(t, err)
	hs := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.mu.Lock()
		m.deliveries++
		fail := m.deliveries <= m.failures
		m.mu.Unlock()
		if fail {
			http.Error(w, `{"code":"FAIL","message":"try later"}`, http.StatusServiceUnavailable)
			return
		}
		if _, err := client.ParseNotificationRequest(r); err != nil {
			m.mu.Lock()
			m.refusals = append(m.refusals, err.Error())
			m.mu.Unlock()
		}
		handler.ServeHTTP(w, r)
	}))
	hs.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes
	hs.StartTLS()
	t.Cleanup(hs.Close)
	m.url = hs.URL + "/notify"
	m.ca = filepath.Join(t.TempDir(), "merchant_ca.pem")
	require.NoError(t, os.WriteFile(m.ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: hs.Certificate().Raw}), 0o600))
	return m
}

// writeResource writes a resource file and returns its path.
func writeResource(t *testing.T, data string) string {
	t.Helper()
	resource := filepath.Join(t.TempDir(), "resource.json")
	require.NoError(t, os.WriteFile(resource, []byte(data), 0o600))
	return resource
}

func TestNotifyRedelivers(t *testing.T) {
	dir := t.TempDir()
	sb := startSandbox(t, dir)
	sb.stop(t) // notify needs only the keys

	m := startMerchant(t, sb.credPath(), 2)
	resource := writeResource(t, `{"out_refund_no":"R1","refund_status":"SUCCESS"}`)
	var stdout, stderr sdktest.Buffer
	err := run([]string{"notify", "-dir", dir, "-url", m.url, "-event", "REFUND.SUCCESS",
		"-resource", resource, "-ca", m.ca, "-schedule-scale", "0.001"}, &stdout, &stderr, nil)
	require.NoError(t, err, stderr.String())
	out := stdout.String()
	require.Contains(t, out, "delivery 1: HTTP 503 Service Unavailable\n{\"code\":\"FAIL\",\"message\":\"try later\"}\nredelivering in 15ms\n")
	require.Contains(t, out, "delivery 2: HTTP 503 Service Unavailable\n")
	require.Contains(t, out, "delivery 3: HTTP 204 No Content\nacknowledged\n")
	require.NotContains(t, out, "delivery 4")
	m.mu.Lock()
	require.Equal(t, 3, m.deliveries)
	require.Equal(t, []string{`REFUND.SUCCESS {"out_refund_no":"R1","refund_status":"SUCCESS"}`}, m.plaintexts)
	m.mu.Unlock()

	// A handler that refuses: -once gives up after one delivery, exit 1.
	m.mu.Lock()
	m.deliveries, m.failures = 0, 100
	m.mu.Unlock()
	stdout = sdktest.Buffer{}
	err = run([]string{"notify", "-dir", dir, "-url", m.url, "-resource", resource, "-ca", m.ca, "-once"}, &stdout, &stderr, nil)
	require.ErrorContains(t, err, "callback not acknowledged: the last delivery was answered 503 Service Unavailable")
	require.NotErrorIs(t, err, errUsage)
	require.Contains(t, stdout.String(), "delivery 1: HTTP 503")

	// Without -ca, the merchant's self-signed certificate is refused: a
	// transport error, redelivered until the signal stops it.
	sigs := make(chan os.Signal, 1)
	stdout = sdktest.Buffer{}
	done := make(chan error, 1)
	go func() {
		done <- run([]string{"notify", "-dir", dir, "-url", m.url, "-resource", resource}, &stdout, &stderr, sigs)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(stdout.String(), "redelivering in 15s") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	require.Contains(t, stdout.String(), "delivery 1: no answer:")
	require.Contains(t, stdout.String(), "certificate")
	sigs <- syscall.SIGINT
	require.ErrorIs(t, <-done, context.Canceled)
}

// TestNotifyKeyModes: in a directory made in each key mode, notify signs
// with the key that the merchant of the directory's credentials.json
// verifies: the platform certificate key for a merchant of certificates,
// the public key otherwise.
func TestNotifyKeyModes(t *testing.T) {
	for _, mode := range []string{"public-key", "certificates", "both"} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			sb := startSandbox(t, dir, "-key-mode", mode)
			sb.stop(t)
			m := startMerchant(t, sb.credPath(), 0)
			resource := writeResource(t, `{"out_trade_no":"T1","trade_state":"SUCCESS"}`)
			var stdout, stderr sdktest.Buffer
			err := run([]string{"notify", "-dir", dir, "-url", m.url, "-resource", resource, "-ca", m.ca, "-once"}, &stdout, &stderr, nil)
			require.NoError(t, err, stdout.String())
			require.Contains(t, stdout.String(), "delivery 1: HTTP 204 No Content\nacknowledged\n")
			m.mu.Lock()
			defer m.mu.Unlock()
			require.Empty(t, m.refusals)
			require.Equal(t, []string{`TRANSACTION.SUCCESS {"out_trade_no":"T1","trade_state":"SUCCESS"}`}, m.plaintexts)
		})
	}
}

// TestNotifyRefusesMissingKeys: a directory whose keys are missing, all of
// them (only a credentials.json) or some, is refused, naming the files it
// lacks, and nothing is written there.
func TestNotifyRefusesMissingKeys(t *testing.T) {
	made := t.TempDir()
	sb := startSandbox(t, made)
	sb.stop(t)
	cred, err := os.ReadFile(sb.credPath())
	require.NoError(t, err)
	resource := writeResource(t, `{"a":1}`)
	notify := func(dir string) error {
		var stdout, stderr sdktest.Buffer
		return run([]string{"notify", "-dir", dir, "-url", "https://127.0.0.1:1/n", "-resource", resource, "-once"}, &stdout, &stderr, nil)
	}

	// Only a credentials.json: no key is generated.
	only := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(only, wechatpay.CredentialsFileName), cred, 0o600))
	before := readAll(t, only)
	err = notify(only)
	require.ErrorContains(t, err, "none of the sandbox's keys")
	for _, name := range keyFiles {
		require.ErrorContains(t, err, name)
	}
	require.ErrorContains(t, err, "run wechatpay-sandbox -dir "+only+" once to create them")
	require.Equal(t, before, readAll(t, only), "nothing is written")

	// Each key missing alone is named.
	for _, name := range keyFiles {
		require.FileExists(t, filepath.Join(made, name), "keyFiles names the files a sandbox keeps")
		require.NoError(t, os.Rename(filepath.Join(made, name), filepath.Join(made, name+".away")))
		before := readAll(t, made)
		err := notify(made)
		require.ErrorContains(t, err, "lacks some of the sandbox's keys (missing "+name+")")
		require.False(t, errors.Is(err, errUsage))
		require.Equal(t, before, readAll(t, made), "nothing is written")
		require.NoError(t, os.Rename(filepath.Join(made, name+".away"), filepath.Join(made, name)))
	}
}
func TestNotifyBadInput(t *testing.T) {
	dir := t.TempDir()
	resource := filepath.Join(dir, "r.json")
	require.NoError(t, os.WriteFile(resource, []byte(`{"a":1}`), 0o600))
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"a":`), 0o600))
	for _, tc := range []struct {
		args  []string
		want  string
		usage bool
	}{
		{[]string{"-resource", resource}, "-url is required", true},
		{[]string{"-url", "localhost:8080/notify", "-resource", resource}, "is not an http or https URL", true},
		{[]string{"-url", "https://127.0.0.1:1/n"}, "-resource is required", true},
		{[]string{"-url", "https://127.0.0.1:1/n", "-resource", resource, "-schedule-scale", "0"}, "-schedule-scale must be positive", true},
		{[]string{"-url", "https://127.0.0.1:1/n", "-resource", resource, "extra"}, "unexpected arguments", true},
		{[]string{"-url", "https://127.0.0.1:1/n", "-resource", bad}, "is not valid JSON", false},
		{[]string{"-url", "https://127.0.0.1:1/n", "-resource", resource, "-dir", filepath.Join(dir, "none")}, "holds no sandbox", false},
	} {
		var stdout, stderr sdktest.Buffer
		err := run(append([]string{"notify"}, tc.args...), &stdout, &stderr, nil)
		require.ErrorContains(t, err, tc.want, tc.args)
		require.Equal(t, tc.usage, errors.Is(err, errUsage), tc.args)
	}
}
