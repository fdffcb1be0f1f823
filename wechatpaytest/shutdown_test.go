package wechatpaytest_test

import (
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay/internal/sdktest"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// ExampleServer_Shutdown stops a server gracefully: no new connections,
// requests in flight get until the context's deadline, then what remains is
// closed. WithListener serves on a listener the program opened itself, so
// that a busy address is found before anything else is done.
func ExampleServer_Shutdown() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	srv, err := wechatpaytest.Listen(wechatpaytest.WithListener(ln))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(srv.URL == "https://"+ln.Addr().String())

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	fmt.Println(srv.Shutdown(ctx))
	_, err = net.Dial("tcp", ln.Addr().String())
	fmt.Println(err != nil)
	// Output:
	// true
	// <nil>
	// true
}

func TestListenBusyAddressWritesNoKeys(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = ln.Close() })
	dir := filepath.Join(t.TempDir(), "keys")
	_, err = wechatpaytest.Listen(wechatpaytest.WithKeyDir(dir), wechatpaytest.WithAddress(ln.Addr().String()))
	require.ErrorContains(t, err, "listening on "+ln.Addr().String())
	require.NoDirExists(t, dir, "a busy address is found before any key file is written")
}

func TestShutdownClosesWhatRemains(t *testing.T) {
	srv := wechatpaytest.NewServer()
	roots := x509.NewCertPool()
	roots.AddCert(srv.CACertificate())
	// A request whose body never comes, in flight once the server asks
	// for the body (100 Continue).
	_, br := sdktest.InFlight(t, srv.URL, roots, 100)

	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	require.ErrorIs(t, srv.Shutdown(ctx), context.DeadlineExceeded, "the request in flight had to be cut")
	_, _ = io.Copy(io.Discard, br) // returns: the server closed the connection
	require.NoError(t, srv.Shutdown(t.Context()), "a second Shutdown is a no-op")
}
