package wechatpay_test

import (
	"crypto/tls"
	"crypto/x509"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// secretMarkers are the texts no log line or error may contain: private-key
// material of every test key, the API keys, Authorization syntax and the
// plaintext of the sensitive field the scenarios send and receive.
func secretMarkers(t *testing.T) []string {
	t.Helper()
	v := loadVectors(t)
	markers := []string{
		"PRIVATE KEY",
		wechatpaytest.TestAPIv3Key, wechatpaytest.TestAPIv2Key,
		v.Identities.APIv3Key, v.Identities.APIv2Key,
		wechatpay.AuthScheme + " ", `signature="`, `nonce_str="`,
		wechatpaytest.SeedBalAccountNo, wechatpaytest.SeedBalAccountNo[:16],
	}
	keyFiles, err := filepath.Glob(filepath.Join("testdata", "*key*.pem"))
	require.NoError(t, err)
	more, err := filepath.Glob(filepath.Join("wechatpaytest", "testkeys", "*key*.pem"))
	require.NoError(t, err)
	keyFiles = append(keyFiles, more...)
	for _, name := range keyFiles {
		data, err := os.ReadFile(name)
		require.NoError(t, err)
		if !strings.Contains(string(data), "PRIVATE KEY") {
			continue
		}
		for _, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSpace(line)
			if len(line) >= 16 && !strings.HasPrefix(line, "-----") {
				markers = append(markers, line)
			}
		}
	}
	require.Greater(t, len(markers), 50, "private-key lines found")
	return markers
}

// TestNoSecretsInLogsOrErrors replays every failure scenario with the
// clients and emulators logging at debug level, then checks that no log
// record and no returned error shows a secret.
func TestNoSecretsInLogsOrErrors(t *testing.T) {
	x := newExposure()
	for _, sc := range failureScenarios {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, x) })
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	logs := x.logs.String()
	// The capture is real: both sides logged, and the failures were seen.
	require.Contains(t, logs, `msg="wechatpay call"`)
	require.Contains(t, logs, `msg="wechatpaytest request"`)
	require.Contains(t, logs, "fault=tampered-body")
	require.Greater(t, len(x.errs), 100)
	require.NotEmpty(t, x.auths)

	markers := secretMarkers(t)
	for _, a := range x.auths {
		markers = append(markers, a)
		if _, sig, ok := strings.Cut(a, `signature="`); ok {
			markers = append(markers, strings.TrimSuffix(sig, `"`))
		}
	}
	for _, m := range markers {
		require.NotContains(t, logs, m)
		for _, e := range x.errs {
			require.NotContains(t, e, m)
		}
	}
}

// TestTLSAtLeast12: the SDK's transports refuse a server that speaks at
// most TLS 1.1, for v3 calls and for the mTLS v2 calls.
func TestTLSAtLeast12(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	srv.TLS = &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes
	srv.StartTLS()
	defer srv.Close()
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())

	// The server does speak TLS 1.1 to a client that allows it, so the
	// refusals below are the SDK's doing.
	old := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS10}}
	defer old.CloseIdleConnections()
	resp, err := (&http.Client{Transport: old}).Get(srv.URL)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, tls.VersionTLS11, int(resp.TLS.Version))
	require.EqualValues(t, 1, hits.Load())

	c := vectorClient(t, time.Now().Unix(), nil, wechatpay.WithBaseURL(srv.URL), wechatpay.WithRootCAs(roots),
		wechatpay.WithMerchantCertificate(merchantCert(t)))
	defer c.Close()
	_, err = c.DoV3(t.Context(), &wechatpay.Request{Path: "/v3/x"}, nil)
	require.ErrorContains(t, err, "protocol version")
	_, _, err = c.DoV2(t.Context(), &wechatpay.V2Request{Path: "/mmpaymkttransfers/queryworkwxredpack", Params: map[string]string{"a": "b"}, Secure: true})
	require.ErrorContains(t, err, "protocol version")
	require.EqualValues(t, 1, hits.Load(), "no SDK request reached the server")
}

// TestV2SignComparedInConstantTime is a code-level check: a timing test
// would be flaky. crypto.VerifyV2 must compare with
// subtle.ConstantTimeCompare and compare the sign with == or != only
// against a constant; the client checks reply signs only through it.
func TestV2SignComparedInConstantTime(t *testing.T) {
	fn := parseFunc(t, filepath.Join("crypto", "v2sign.go"), "VerifyV2")
	var constantTime bool
	ast.Inspect(fn, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == "subtle" && sel.Sel.Name == "ConstantTimeCompare" {
					constantTime = true
				}
			}
		case *ast.BinaryExpr:
			if n.Op == token.EQL || n.Op == token.NEQ {
				require.True(t, isConstant(n.X) || isConstant(n.Y), "VerifyV2 compares two variables with %s", n.Op)
			}
		}
		return true
	})
	require.True(t, constantTime, "VerifyV2 uses subtle.ConstantTimeCompare")

	check := parseFunc(t, "v2.go", "checkV2Sign")
	var delegates bool
	ast.Inspect(check, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == "VerifyV2" {
			delegates = true
		}
		if b, ok := n.(*ast.BinaryExpr); ok && (b.Op == token.EQL || b.Op == token.NEQ) {
			require.True(t, isConstant(b.X) || isConstant(b.Y), "checkV2Sign compares two variables with %s", b.Op)
		}
		return true
	})
	require.True(t, delegates, "the client checks reply signs with crypto.VerifyV2")
}

func parseFunc(t *testing.T, file, name string) *ast.FuncDecl {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	require.NoError(t, err)
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Name.Name == name {
			return fn
		}
	}
	t.Fatalf("%s not found in %s", name, file)
	return nil
}

// isConstant reports a literal or a named constant-like identifier (nil,
// or an ALL-CAPS/exported sign-type constant selector).
func isConstant(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return true
	case *ast.Ident:
		return e.Name == "nil"
	case *ast.SelectorExpr:
		return strings.HasPrefix(e.Sel.Name, "SignType")
	}
	return false
}
