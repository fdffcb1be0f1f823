package main

import (
	"context"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// stepLine finds the line of a step ("1 sign", "2 verify [public-key]").
func stepLine(t *testing.T, out, step string) string {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "step "+step+":") {
			return l
		}
	}
	t.Fatalf("no line of step %q in:\n%s", step, out)
	return ""
}

// requireStep checks a step's status and that its line says each of says.
func requireStep(t *testing.T, out, step, status string, says ...string) {
	t.Helper()
	l := stepLine(t, out, step)
	require.Regexp(t, `^step `+regexp.QuoteMeta(step)+`: +`+status+` `, l)
	for _, s := range says {
		require.Contains(t, l, s)
	}
}

// tlsProxyClient is the emulator's notification client: it stands for the
// merchant's TLS-terminating proxy, sending every https callback in plain
// HTTP to the listener the doctor serves.
func tlsProxyClient(ln net.Listener) *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialTLSContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, ln.Addr().String())
		},
	}}
}

// handOver makes the doctor's -listen use ln.
func handOver(t *testing.T, ln net.Listener) {
	t.Helper()
	old := listen
	listen = func(string, string) (net.Listener, error) { return ln, nil }
	t.Cleanup(func() { listen = old })
}

// doctorWithCallback runs the doctor against an emulator whose callbacks
// reach the doctor's -listen.
func doctorWithCallback(t *testing.T, edit func(cr *wechatpay.Credentials), opts ...wechatpaytest.Option) result {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	handOver(t, ln)
	_, cfg := emulatorCredentials(t, append(opts, wechatpaytest.WithNotificationClient(tlsProxyClient(ln)))...)
	if edit != nil {
		rewriteCredentials(t, cfg, edit)
	}
	return runCLI("", "doctor", "-config", cfg, "-notify-url", "https://merchant.example/wxpay/doctor", "-listen", ln.Addr().String())
}

func TestDoctorPasses(t *testing.T) {
	for _, mode := range []wechatpay.KeyMode{wechatpay.KeyModePublicKey, wechatpay.KeyModeCertificates} {
		t.Run(mode.String(), func(t *testing.T) {
			r := doctorWithCallback(t, nil, wechatpaytest.WithKeyMode(mode))
			require.Zero(t, r.code, r.stdout+r.stderr)
			for _, s := range []string{"0 offline", "1 sign", "2 verify", "3 echo", "4 encrypt out", "5 decrypt in", "7 callback"} {
				requireStep(t, r.stdout, s, "pass")
			}
			requireStep(t, r.stdout, "6 both families", "skipped", mode.String())
			requireStep(t, r.stdout, "1 sign", "pass", "Request-ID ")
		})
	}
}

func TestDoctorBothFamilies(t *testing.T) {
	r := doctorWithCallback(t, nil, wechatpaytest.WithKeyMode(wechatpay.KeyModeBoth))
	require.Zero(t, r.code, r.stdout+r.stderr)
	for _, fam := range []string{" [public-key]", " [certificates]"} {
		for _, s := range []string{"1 sign", "2 verify", "3 echo", "4 encrypt out", "5 decrypt in"} {
			requireStep(t, r.stdout, s+fam, "pass")
		}
	}
	requireStep(t, r.stdout, "2 verify [public-key]", "pass", "public-key PUB_KEY_ID_")
	requireStep(t, r.stdout, "2 verify [certificates]", "pass", "certificate ")
	requireStep(t, r.stdout, "6 both families", "pass")
	requireStep(t, r.stdout, "7 callback", "pass")
}
