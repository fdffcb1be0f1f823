package redisfleet_test

import (
	"bytes"
	"net"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"
)

// redisProxy stands on loopback between go-redis clients and the tests'
// redis-server, and plays a faulty network or a frozen Redis on demand:
//
//   - freeze holds every command that arrives from then on (Redis never
//     sees it, as if Redis were stopped) and reports it on held; thaw lets
//     the held commands through.
//   - dropEvalReply makes the proxy swallow the next successful reply to a
//     script (EVAL or EVALSHA) after Redis ran it, and close that
//     connection, as a network that fails at the wrong moment; it reports
//     each script reply it dropped or passed on evalReplies.
//
// Tests synchronise on these reports, never on time.
type redisProxy struct {
	addr        string
	upstream    string
	ln          net.Listener
	held        chan struct{} // a command arrived while frozen
	evalReplies chan bool     // a script's reply: true if dropped
	closed      chan struct{}

	mu    sync.Mutex
	gate  chan struct{} // non-nil while frozen; closed by thaw
	drop  bool
	conns []net.Conn
}

// newRedisProxy starts a proxy of the tests' redis-server, closed at the
// end of the test.
func newRedisProxy(t testing.TB) *redisProxy {
	t.Helper()
	upstream := redisAddr(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &redisProxy{addr: ln.Addr().String(), upstream: upstream, ln: ln,
		held: make(chan struct{}, 64), evalReplies: make(chan bool, 64), closed: make(chan struct{})}
	go p.accept()
	t.Cleanup(p.close)
	return p
}

func (p *redisProxy) freeze() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.gate == nil {
		p.gate = make(chan struct{})
	}
}

func (p *redisProxy) thaw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.gate != nil {
		close(p.gate)
		p.gate = nil
	}
}

func (p *redisProxy) frozen() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.gate != nil
}

func (p *redisProxy) dropEvalReply() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.drop = true
}

func (p *redisProxy) close() {
	close(p.closed)
	_ = p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		_ = c.Close()
	}
}

func (p *redisProxy) accept() {
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", p.upstream)
		if err != nil {
			_ = client.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, client, server)
		p.mu.Unlock()
		select {
		case <-p.closed: // close may have run before the append
			_ = client.Close()
			_ = server.Close()
			return
		default:
		}
		lastCmd := make(chan []byte, 1) // the command whose reply is awaited
		go p.pump(client, server, func(cmd []byte) bool { return p.command(cmd, lastCmd) })
		go p.pump(server, client, func(reply []byte) bool { return p.reply(reply, lastCmd, client, server) })
	}
}

// pump copies what from sends to to, one read at a time, as long as pass
// lets each through; it closes to when from fails.
func (p *redisProxy) pump(from, to net.Conn, pass func([]byte) bool) {
	buf := make([]byte, 64<<10)
	for {
		n, err := from.Read(buf)
		if err != nil {
			_ = to.Close()
			return
		}
		if !pass(buf[:n]) {
			return
		}
		if _, err := to.Write(buf[:n]); err != nil {
			return
		}
	}
}

// command holds cmd while the proxy is frozen, and records it as the
// command whose reply is awaited. go-redis sends one command and waits for
// its reply, so one read is one command.
func (p *redisProxy) command(cmd []byte, lastCmd chan []byte) bool {
	p.mu.Lock()
	gate := p.gate
	p.mu.Unlock()
	if gate != nil {
		if !report(p, p.held, struct{}{}) {
			return false
		}
		select {
		case <-gate:
		case <-p.closed:
			return false
		}
	}
	select {
	case <-lastCmd:
	default:
	}
	lastCmd <- bytes.Clone(cmd)
	return true
}

// reply lets a reply through, or, when asked to, drops a script's
// successful reply and closes the connection, both ways.
func (p *redisProxy) reply(reply []byte, lastCmd chan []byte, conns ...net.Conn) bool {
	var cmd []byte
	select {
	case cmd = <-lastCmd:
	default:
	}
	if !bytes.Contains(bytes.ToUpper(cmd), []byte("\r\nEVAL")) || reply[0] == '-' {
		return true
	}
	p.mu.Lock()
	drop := p.drop
	p.drop = false
	p.mu.Unlock()
	if !report(p, p.evalReplies, drop) {
		return false
	}
	if drop {
		for _, c := range conns {
			_ = c.Close()
		}
	}
	return !drop
}

// newProxiedRedis returns a go-redis client of p, closed at the end of the
// test. Without a read or write timeout, as here, only a context can end a
// call that the frozen proxy holds.
func newProxiedRedis(t testing.TB, p *redisProxy, opt redis.Options) *redis.Client {
	t.Helper()
	opt.Addr = p.addr
	rdb := redis.NewClient(&opt)
	t.Cleanup(func() { _ = rdb.Close() })
	if err := rdb.Ping(t.Context()).Err(); err != nil {
		t.Fatalf("redis ping through the proxy: %v", err)
	}
	return rdb
}

// report sends v on ch for the test, and reports false if the proxy closed
// first.
func report[T any](p *redisProxy, ch chan<- T, v T) bool {
	select {
	case ch <- v:
		return true
	case <-p.closed:
		return false
	}
}
