package redisfleet_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"
)

// The tests run against a real redis-server that they start themselves, on
// a free loopback port, once for the package. Without redis-server the
// tests skip, except under CI=true, where they fail: no test of this module
// may skip in CI.

var server struct {
	once sync.Once
	cmd  *exec.Cmd
	addr string
	err  error
}

// keySeq keeps the keys of different tests apart on the shared server.
var keySeq atomic.Int64

func uniqueKey(prefix string) string {
	return fmt.Sprintf("%s-%d-%d", prefix, os.Getpid(), keySeq.Add(1))
}

func TestMain(m *testing.M) {
	code := m.Run()
	if server.cmd != nil {
		_ = server.cmd.Process.Kill()
		_ = server.cmd.Wait()
	}
	os.Exit(code)
}

func redisServerPath() (string, error) {
	if p, err := exec.LookPath("redis-server"); err == nil {
		return p, nil
	}
	if _, err := os.Stat("/usr/bin/redis-server"); err == nil {
		return "/usr/bin/redis-server", nil
	}
	return "", fmt.Errorf("redis-server not found on PATH or in /usr/bin (apt-get install redis-server)")
}

// startRedis starts redis-server on a free loopback port and returns once
// the server has logged that it accepts connections.
func startRedis() (*exec.Cmd, string, error) {
	path, err := redisServerPath()
	if err != nil {
		return nil, "", err
	}
	// A port another process takes between Close and redis-server's bind
	// makes the start fail; a few tries with fresh ports cover that race.
	var lastErr error
	for range 3 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, "", err
		}
		port := l.Addr().(*net.TCPAddr).Port
		_ = l.Close()
		cmd := exec.Command(path, "--bind", "127.0.0.1", "--port", strconv.Itoa(port),
			"--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", "", "--dir", os.TempDir())
		out, err := cmd.StdoutPipe()
		if err != nil {
			return nil, "", err
		}
		cmd.Stderr = cmd.Stdout
		if err := cmd.Start(); err != nil {
			return nil, "", err
		}
		var log strings.Builder
		sc := bufio.NewScanner(out)
		ready := false
		for sc.Scan() {
			log.WriteString(sc.Text() + "\n")
			if strings.Contains(sc.Text(), "Ready to accept connections") {
				ready = true
				break
			}
		}
		if ready {
			go func() { _, _ = io.Copy(io.Discard, out) }()
			return cmd, "127.0.0.1:" + strconv.Itoa(port), nil
		}
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		lastErr = fmt.Errorf("redis-server on port %d did not start:\n%s", port, log.String())
	}
	return nil, "", lastErr
}

// redisAddr returns the address of the package's redis-server, starting it
// on first use.
func redisAddr(t testing.TB) string {
	t.Helper()
	server.once.Do(func() { server.cmd, server.addr, server.err = startRedis() })
	if server.err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and no redis-server: %v", server.err)
		}
		t.Skipf("no redis-server (set CI=true to make this a failure): %v", server.err)
	}
	return server.addr
}

// newRedis returns a new go-redis client of the package's server, closed
// at the end of the test.
func newRedis(t testing.TB) *redis.Client {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: redisAddr(t)})
	t.Cleanup(func() { _ = rdb.Close() })
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("redis ping: %v", err)
	}
	return rdb
}

// deadRedis returns a go-redis client of a loopback port where nothing
// listens.
func deadRedis(t testing.TB) *redis.Client {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialerRetries: 1})
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}
