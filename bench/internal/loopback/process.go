package loopback

import (
	"bufio"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
)

// The servers a child process runs, by name.
const (
	// NameV3 is the v3 server speaking HTTP/1.1.
	NameV3 = "v3"
	// NameV3H2 is the v3 server offering HTTP/2.
	NameV3H2 = "v3h2"
	// NameV2 is the server requiring a client certificate.
	NameV2 = "v2"
	// NameV3Plain is the v3 server speaking cleartext HTTP/1.1.
	NameV3Plain = "v3plain"
)

var childOptions = map[string]Options{
	NameV3:      {},
	NameV3H2:    {HTTP2: true},
	NameV2:      {MutualTLS: true},
	NameV3Plain: {Plain: true},
}

// hello is the first line a child writes: where its servers listen.
type hello struct {
	URLs  map[string]string `json:"urls"`
	Certs map[string]string `json:"certs"` // PEM
}

// RunChild runs the servers of a child process: it writes their URLs and
// certificates as one JSON line to out, answers "conns NAME" lines from in
// with the server's connection count, and returns when in ends.
func RunChild(td *Testdata, in io.Reader, out io.Writer) error {
	h := hello{URLs: map[string]string{}, Certs: map[string]string{}}
	servers := map[string]*Server{}
	defer func() {
		for _, s := range servers {
			s.Close()
		}
	}()
	for name, opts := range childOptions {
		s, err := New(td, opts)
		if err != nil {
			return err
		}
		servers[name] = s
		h.URLs[name], h.Certs[name] = s.URL, string(s.CertificatePEM())
	}
	line, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("loopback: %w", err)
	}
	w := bufio.NewWriter(out)
	if _, err := fmt.Fprintf(w, "%s\n", line); err != nil {
		return fmt.Errorf("loopback: %w", err)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("loopback: %w", err)
	}
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		var n int64 = -1
		if name, ok := strings.CutPrefix(sc.Text(), "conns "); ok && servers[name] != nil {
			n = servers[name].NewConnections()
		}
		if _, err := fmt.Fprintf(w, "%d\n", n); err != nil {
			return fmt.Errorf("loopback: %w", err)
		}
		if err := w.Flush(); err != nil {
			return fmt.Errorf("loopback: %w", err)
		}
	}
	return nil
}

// Process is a child process running the loopback servers, so that their
// allocations and goroutines stay out of the measured process.
type Process struct {
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	mu      sync.Mutex
	stdout  *bufio.Reader
	remotes map[string]*Remote
}

// Remote is one server of a Process.
type Remote struct {
	// URL is the base URL, https://127.0.0.1:PORT.
	URL string

	name    string
	certPEM []byte
	p       *Process
}

// StartProcess runs exe with args and the extra environment entries env;
// the child is expected to call RunChild on its stdin and stdout.
func StartProcess(exe string, args, env []string) (*Process, error) {
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("loopback: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("loopback: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("loopback: starting the server process: %w", err)
	}
	p := &Process{cmd: cmd, stdin: stdin, stdout: bufio.NewReader(stdout), remotes: map[string]*Remote{}}
	line, err := p.stdout.ReadBytes('\n')
	if err != nil {
		p.Close()
		return nil, fmt.Errorf("loopback: reading the server process's addresses: %w", err)
	}
	var h hello
	if err := json.Unmarshal(line, &h); err != nil {
		p.Close()
		return nil, fmt.Errorf("loopback: server process said %q: %w", line, err)
	}
	for name, u := range h.URLs {
		p.remotes[name] = &Remote{URL: u, name: name, certPEM: []byte(h.Certs[name]), p: p}
	}
	return p, nil
}

// Server returns the named server (NameV3, NameV3H2 or NameV2), or nil.
func (p *Process) Server(name string) *Remote { return p.remotes[name] }

// Close ends the child process and waits for it.
func (p *Process) Close() {
	_ = p.stdin.Close()
	_ = p.cmd.Wait()
}

// NewConnections returns the number of connections the server accepted so
// far, or -1 when the child does not answer.
func (r *Remote) NewConnections() int64 {
	p := r.p
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, err := fmt.Fprintf(p.stdin, "conns %s\n", r.name); err != nil {
		return -1
	}
	line, err := p.stdout.ReadString('\n')
	if err != nil {
		return -1
	}
	n, err := strconv.ParseInt(strings.TrimSpace(line), 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// RootCAs returns a pool trusting the server's certificate.
func (r *Remote) RootCAs() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(r.certPEM)
	return pool
}
