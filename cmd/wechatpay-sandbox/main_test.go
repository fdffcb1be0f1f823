package main

import (
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/sdktest"
)

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
	bal, _, err := client.EncryptSensitive("8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f")
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
	}, &out)
	require.NoError(t, err)
	plain, err := client.DecryptSensitive(out.BalAccountNo)
	require.NoError(t, err)
	require.Equal(t, "8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f", plain)
	return out.State
}

// sandbox is a run of the sandbox in-process.
type sandbox struct {
	dir            string
	stdout, stderr sdktest.Buffer
	sigs           chan os.Signal
	done           chan error
}

// startSandbox runs the sandbox in-process on a free port with dir and the
// extra args, and waits until it has written its credentials.
func startSandbox(t *testing.T, dir string, extra ...string) *sandbox {
	t.Helper()
	sb := &sandbox{dir: dir, sigs: make(chan os.Signal, 2), done: make(chan error, 1)}
	args := append([]string{"-addr", "127.0.0.1:0", "-dir", dir}, extra...)
	go func() { sb.done <- run(args, &sb.stdout, &sb.stderr, sb.sigs) }()
	// The credentials file may be an earlier run's: wait for this one.
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(sb.stdout.String(), "serving") {
		if time.Now().After(deadline) {
			t.Fatalf("sandbox not serving within 30s; stderr:\n%s", sb.stderr.String())
		}
		select {
		case err := <-sb.done:
			t.Fatalf("sandbox exited before serving: %v", err)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Cleanup(func() {
		select {
		case sb.sigs <- syscall.SIGTERM:
			<-sb.done
		default:
		}
	})
	return sb
}

func (sb *sandbox) credPath() string { return filepath.Join(sb.dir, wechatpay.CredentialsFileName) }

// stop sends SIGTERM and waits for run to return nil.
func (sb *sandbox) stop(t *testing.T) {
	t.Helper()
	sb.sigs <- syscall.SIGTERM
	select {
	case err := <-sb.done:
		sb.done <- err // for the cleanup
		require.NoError(t, err)
	case <-time.After(30 * time.Second):
		t.Fatal("run did not return after SIGTERM")
	}
}

func TestRunInProcess(t *testing.T) {
	dir := t.TempDir()
	credPath := filepath.Join(dir, "credentials.json")

	sb := startSandbox(t, dir)
	require.Equal(t, "SUCCESS", querySeedReduction(t, credPath))
	sb.stop(t)

	log := sb.stderr.String()
	require.Contains(t, log, "method=GET")
	require.Contains(t, log, "path=/v3/aggracct-bc/wb-channel/special-reduction/htozr8denqegbt6tk6u10iymo7yww5pn")
	require.Contains(t, log, "status=200")
	require.Contains(t, log, "verdict=ok")
	require.NotContains(t, log, "WECHATPAY2-SHA256-RSA2048", "the Authorization value must not be logged")
	require.Contains(t, sb.stdout.String(), "https://127.0.0.1:")

	// A second run reuses the keys: same merchant key file, new port file.
	keyBefore, err := os.ReadFile(filepath.Join(dir, "apiclient_key.pem"))
	require.NoError(t, err)
	require.NoError(t, os.Remove(credPath))
	sb = startSandbox(t, dir)
	keyAfter, err := os.ReadFile(filepath.Join(dir, "apiclient_key.pem"))
	require.NoError(t, err)
	require.Equal(t, keyBefore, keyAfter)
	require.Equal(t, "SUCCESS", querySeedReduction(t, credPath))
	sb.stop(t)
}

func TestRunRejectsBadFlags(t *testing.T) {
	var stdout, stderr sdktest.Buffer
	err := run([]string{"-nope"}, &stdout, &stderr, nil)
	require.ErrorIs(t, err, errUsage)
	err = run([]string{"-dir", t.TempDir(), "extra"}, &stdout, &stderr, nil)
	require.ErrorContains(t, err, "unexpected arguments")
	require.ErrorIs(t, err, errUsage)

	// A mistake prints one line and where the help is, not the help.
	for _, args := range [][]string{{"-nope"}, {"-grace", "soon"}, {"notify", "-nope"}, {"notify", "-resource", "r.json"}} {
		stderr = sdktest.Buffer{}
		err = run(args, &stdout, &stderr, nil)
		require.ErrorIs(t, err, errUsage, args)
		lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
		require.Len(t, lines, 2, stderr.String())
		require.True(t, strings.HasPrefix(lines[0], "wechatpay-sandbox"), lines[0])
		require.Regexp(t, `^Run 'wechatpay-sandbox( notify)? -h' for its flags\.$`, lines[1])
	}
	stderr = sdktest.Buffer{}
	require.ErrorIs(t, run([]string{"-nope"}, &stdout, &stderr, nil), errUsage)
	require.Equal(t, "wechatpay-sandbox: flag provided but not defined: -nope\nRun 'wechatpay-sandbox -h' for its flags.\n", stderr.String())

	// -h prints both forms and is no error (exit 0).
	stderr = sdktest.Buffer{}
	err = run([]string{"-h"}, &stdout, &stderr, nil)
	require.ErrorIs(t, err, flag.ErrHelp)
	require.Contains(t, stderr.String(), "wechatpay-sandbox notify")
	require.Contains(t, stderr.String(), "-grace")
	require.Contains(t, stderr.String(), "-notify-ca")

	// A -notify-ca that is no CA file fails before anything is written.
	dir := t.TempDir()
	err = run([]string{"-addr", "127.0.0.1:0", "-dir", dir, "-notify-ca", filepath.Join(dir, "none.pem")}, &stdout, &stderr, nil)
	require.ErrorContains(t, err, "reading -notify-ca")
	require.Empty(t, entries(t, dir))
	stderr = sdktest.Buffer{}
	err = run([]string{"notify", "-h"}, &stdout, &stderr, nil)
	require.ErrorIs(t, err, flag.ErrHelp)
	for _, want := range []string{"-url", "-event", "-resource", "-schedule-scale", "15s, 15s, 30s, 3m, 10m, 20m, 30m, 30m, 30m, 1h, 3h, 3h, 3h, 6h, 6h"} {
		require.Contains(t, stderr.String(), want)
	}
	// Each flag's default is said at most once, in either help.
	for _, args := range [][]string{{"-h"}, {"notify", "-h"}} {
		stderr = sdktest.Buffer{}
		require.ErrorIs(t, run(args, &stdout, &stderr, nil), flag.ErrHelp)
		for _, block := range strings.Split(stderr.String(), "\n  -")[1:] {
			require.LessOrEqual(t, strings.Count(block, "(default"), 1, "%v: -%s", args, block)
		}
	}
}

// entries lists dir's file names.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	return names
}

func TestRunBusyAddress(t *testing.T) {
	sb := startSandbox(t, t.TempDir())
	cr, err := wechatpay.LoadCredentials(sb.credPath())
	require.NoError(t, err)
	u, err := url.Parse(cr.BaseURL)
	require.NoError(t, err)

	// A busy port is found before any file is written.
	other := t.TempDir()
	var stdout, stderr sdktest.Buffer
	err = run([]string{"-addr", u.Host, "-dir", other}, &stdout, &stderr, nil)
	require.ErrorContains(t, err, "cannot listen on -addr "+u.Host)
	require.ErrorContains(t, err, "pass another -addr")
	require.Empty(t, entries(t, other), "nothing is written when the port is busy")
	missing := filepath.Join(other, "new")
	err = run([]string{"-addr", u.Host, "-dir", missing}, &stdout, &stderr, nil)
	require.Error(t, err)
	require.NoDirExists(t, missing)
	sb.stop(t)
}

// readAll returns the contents of every file in dir.
func readAll(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	for _, name := range entries(t, dir) {
		b, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		files[name] = string(b)
	}
	return files
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds the command once per test process.
func binary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "wechatpay-sandbox-test")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "wechatpay-sandbox")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("%w: %s", err, out)
		}
	})
	require.NoError(t, buildErr)
	return binPath
}

// process is the sandbox binary running.
type process struct {
	cmd            *exec.Cmd
	stdout, stderr sdktest.Buffer
	done           chan error
	exited         bool
}

func startBinary(t *testing.T, args ...string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(binary(t), args...), done: make(chan error, 1)}
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	require.NoError(t, p.cmd.Start())
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		if !p.exited {
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// wait waits for the process to exit and returns its exit status.
func (p *process) wait(t *testing.T, within time.Duration) int {
	t.Helper()
	select {
	case err := <-p.done:
		p.exited = true
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			return exitErr.ExitCode()
		}
		require.NoError(t, err)
		return 0
	case <-time.After(within):
		t.Fatalf("sandbox still running after %s; stderr:\n%s", within, p.stderr.String())
		return -1
	}
}

// waitOutput waits until the process's stdout contains want.
func (p *process) waitOutput(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(p.stdout.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in stdout within 30s: %s", want, p.stdout.String())
		}
		select {
		case err := <-p.done:
			p.done <- err
			t.Fatalf("sandbox exited (%v) before printing %q; stderr:\n%s", err, want, p.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func TestTwoSandboxesOneDir(t *testing.T) {
	dir := t.TempDir()
	first := startBinary(t, "-addr", "127.0.0.1:0", "-dir", dir)
	waitForFile(t, filepath.Join(dir, wechatpay.CredentialsFileName), first.done)
	first.waitOutput(t, "serving")
	before := readAll(t, dir)
	require.Equal(t, strconv.Itoa(first.cmd.Process.Pid)+"\n", before[lockFileName])

	var stdout, stderr sdktest.Buffer
	err := run([]string{"-addr", "127.0.0.1:0", "-dir", dir}, &stdout, &stderr, nil)
	require.ErrorContains(t, err, "-dir "+dir+" is in use by another wechatpay-sandbox (pid "+strconv.Itoa(first.cmd.Process.Pid)+",")
	require.ErrorContains(t, err, "stop that process or pass another -dir")
	require.Equal(t, before, readAll(t, dir), "the second sandbox wrote nothing")
	require.Equal(t, "SUCCESS", querySeedReduction(t, filepath.Join(dir, wechatpay.CredentialsFileName)))

	// A second binary fails likewise, with status 1.
	second := startBinary(t, "-addr", "127.0.0.1:0", "-dir", dir)
	require.Equal(t, 1, second.wait(t, 30*time.Second))
	require.Contains(t, second.stderr.String(), "pid "+strconv.Itoa(first.cmd.Process.Pid))
	require.NoError(t, first.cmd.Process.Signal(syscall.SIGTERM))
	require.Equal(t, 0, first.wait(t, 30*time.Second))

	// Started together on a directory that holds keys: one serves, the
	// other names it, and the credentials file is the server's.
	a := startBinary(t, "-addr", "127.0.0.1:0", "-dir", dir)
	b := startBinary(t, "-addr", "127.0.0.1:0", "-dir", dir)
	var winner, loser *process
	select {
	case err := <-a.done:
		a.done <- err
		winner, loser = b, a
	case err := <-b.done:
		b.done <- err
		winner, loser = a, b
	case <-time.After(30 * time.Second):
		t.Fatal("neither sandbox refused the locked directory")
	}
	require.Equal(t, 1, loser.wait(t, time.Second))
	require.Contains(t, loser.stderr.String(), "is in use by another wechatpay-sandbox (pid "+strconv.Itoa(winner.cmd.Process.Pid)+",")
	winner.waitOutput(t, "serving")
	require.Equal(t, "SUCCESS", querySeedReduction(t, filepath.Join(dir, wechatpay.CredentialsFileName)))
	require.NoError(t, winner.cmd.Process.Signal(syscall.SIGTERM))
	require.Equal(t, 0, winner.wait(t, 30*time.Second))

	// Once the sandboxes have exited, the directory is free again.
	sb := startSandbox(t, dir)
	require.Equal(t, "SUCCESS", querySeedReduction(t, sb.credPath()))
	sb.stop(t)
}

// trickle opens a TLS connection to the sandbox in dir and sends a request
// whose 1000-byte body it writes one byte a second, until the connection
// fails, once the handler is reading the body. It returns a channel closed
// when the server has closed the connection.
func trickle(t *testing.T, dir string) <-chan struct{} {
	t.Helper()
	cr, err := wechatpay.LoadCredentials(filepath.Join(dir, wechatpay.CredentialsFileName))
	require.NoError(t, err)
	caPEM, err := os.ReadFile(filepath.Join(dir, cr.CAFile))
	require.NoError(t, err)
	roots := x509.NewCertPool()
	require.True(t, roots.AppendCertsFromPEM(caPEM))
	conn, br := sdktest.InFlight(t, cr.BaseURL, roots, 1000)
	_, err = conn.Write([]byte("{"))
	require.NoError(t, err)
	closed := make(chan struct{})
	go func() {
		defer close(closed)
		// The server never answers a request whose body is incomplete:
		// this read ends when the server closes the connection.
		_, _ = io.Copy(io.Discard, br)
	}()
	go func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-closed:
				return
			case <-tick.C:
				if _, err := conn.Write([]byte(" ")); err != nil {
					return
				}
			}
		}
	}()
	return closed
}

func TestShutdownClosesTricklingClient(t *testing.T) {
	sb := startSandbox(t, t.TempDir(), "-grace", "100ms")
	closed := trickle(t, sb.dir)
	sb.stop(t) // returns nil: exit 0
	<-closed
	require.Contains(t, sb.stdout.String(), "requests in flight get 100ms")
	require.Contains(t, sb.stdout.String(), "closed the connections still open after 100ms")
}

func TestBinarySIGTERM(t *testing.T) {
	dir := t.TempDir()
	p := startBinary(t, "-addr", "127.0.0.1:0", "-dir", dir, "-grace", "200ms")
	credPath := filepath.Join(dir, "credentials.json")
	waitForFile(t, credPath, p.done)
	p.waitOutput(t, "serving")
	require.Equal(t, "SUCCESS", querySeedReduction(t, credPath))

	// A client trickling its body does not keep the process alive past the
	// grace period (the body would take 1000 s).
	closed := trickle(t, dir)
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	if code := p.wait(t, 30*time.Second); code != 0 {
		t.Fatalf("exit status %d; stderr:\n%s", code, p.stderr.String())
	}
	<-closed
	require.True(t, strings.Contains(p.stderr.String(), "status=200"), p.stderr.String())
}

func TestBinarySecondSignal(t *testing.T) {
	dir := t.TempDir()
	p := startBinary(t, "-addr", "127.0.0.1:0", "-dir", dir, "-grace", "1h")
	waitForFile(t, filepath.Join(dir, "credentials.json"), p.done)
	p.waitOutput(t, "serving")
	closed := trickle(t, dir)

	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	p.waitOutput(t, "a second signal exits at once")
	// The first signal stops accepting while the trickling request holds on.
	cr, err := wechatpay.LoadCredentials(filepath.Join(dir, wechatpay.CredentialsFileName))
	require.NoError(t, err)
	u, err := url.Parse(cr.BaseURL)
	require.NoError(t, err)
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := net.Dial("tcp", u.Host)
		if err != nil {
			break
		}
		_ = conn.Close()
		require.True(t, time.Now().Before(deadline), "still accepting 30s after SIGTERM")
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case <-closed:
		t.Fatal("the request in flight was cut before its grace")
	default:
	}
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGINT))
	require.Equal(t, 1, p.wait(t, 30*time.Second), "a second signal exits at once, without the hour of grace")
	<-closed
	require.Contains(t, p.stderr.String(), "second signal")
}
