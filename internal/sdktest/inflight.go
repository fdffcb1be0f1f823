package sdktest

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
)

// InFlight opens a TLS connection to base (a server that roots trusts) and
// sends a punish request that announces a JSON body of length bytes and
// Expect: 100-continue, but no body. It returns once the server answered
// 100 Continue, which it does when the handler starts reading the body:
// the request is then in flight. The connection closes when the test ends.
func InFlight(t testing.TB, base string, roots *x509.CertPool, length int) (net.Conn, *bufio.Reader) {
	t.Helper()
	u, err := url.Parse(base)
	require.NoError(t, err)
	conn, err := tls.Dial("tcp", u.Host, &tls.Config{RootCAs: roots, ServerName: u.Hostname()})
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	_, err = fmt.Fprintf(conn, "POST /v3/aggracct-bc/wb-channel/control-orders/punish HTTP/1.1\r\nHost: %s\r\n"+
		"Content-Type: application/json\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n", u.Host, length)
	require.NoError(t, err)
	br := bufio.NewReader(conn)
	line, err := br.ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, "HTTP/1.1 100 Continue\r\n", line)
	line, err = br.ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, "\r\n", line)
	return conn, br
}
