package main

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// notifyUsage is the help of notify; %s is the redelivery schedule.
const notifyUsage = `Usage: wechatpay-sandbox notify -dir DIR -url URL -event EVENT_TYPE -resource FILE.json [flags]

Signs and encrypts a callback with the keys of the sandbox in DIR, as WeChat
Pay would for the merchant of DIR/credentials.json (the WeChat Pay keys it
holds choose the signing key), POSTs it to URL and prints each answer.
After a failure answer (a status other than 2xx, or none) it redelivers the
same notification on WeChat Pay's schedule: %s.
Exit status 0 once a delivery is answered 2xx, 1 otherwise.

Example:
  echo '{"out_trade_no":"T1","trade_state":"SUCCESS"}' > tx.json
  wechatpay-sandbox notify -dir sandbox -url https://127.0.0.1:8443/notify -ca my_ca.pem -resource tx.json -schedule-scale 0.01

Flags:
`

// notifyFlags are the flags of the notify subcommand.
type notifyFlags struct {
	dir, target, event, resourceFile, caFile string
	scale                                    float64
	once                                     bool
	timeout                                  time.Duration
}

// newNotifyFlags declares the flags of notify on a new flag set.
func newNotifyFlags(stderr io.Writer) (*notifyFlags, *flag.FlagSet) {
	nf := &notifyFlags{}
	fs := newFlagSet("wechatpay-sandbox notify", fmt.Sprintf(notifyUsage, scheduleText()), stderr)
	fs.StringVar(&nf.dir, "dir", "sandbox", "the sandbox's directory `DIR`, whose keys sign and encrypt the callback")
	fs.StringVar(&nf.target, "url", "", "the merchant's notify_url (`URL`, http or https)")
	fs.StringVar(&nf.event, "event", "TRANSACTION.SUCCESS", "`EVENT_TYPE` of the callback, e.g. TRANSACTION.SUCCESS or REFUND.SUCCESS")
	fs.StringVar(&nf.resourceFile, "resource", "", "`FILE` with the resource's plaintext JSON (encrypted into the callback); - for stdin")
	fs.StringVar(&nf.caFile, "ca", "", "PEM `FILE` of the CA to trust for an https URL (default: the system roots)")
	fs.Float64Var(&nf.scale, "schedule-scale", 1, "multiply WeChat Pay's redelivery waits by `FACTOR` (0.001: 15ms, 15ms, 30ms, ...)")
	fs.BoolVar(&nf.once, "once", false, "deliver once, without redelivery")
	fs.DurationVar(&nf.timeout, "timeout", 5*time.Second, "how long each delivery waits for the answer")
	return nf, fs
}

// check returns what is wrong with the flags, "" when nothing is.
func (nf *notifyFlags) check() string {
	u, err := url.Parse(nf.target)
	switch {
	case nf.target == "":
		return "-url is required: the merchant's notify_url"
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return fmt.Sprintf("-url %q is not an http or https URL with a host", nf.target)
	case nf.resourceFile == "":
		return "-resource is required: a file with the resource's plaintext JSON"
	case nf.event == "":
		return "-event is required, e.g. TRANSACTION.SUCCESS"
	case !nf.once && !(nf.scale > 0):
		return fmt.Sprintf("-schedule-scale must be positive, got %v", nf.scale)
	}
	return ""
}

// runNotify is the notify subcommand.
func runNotify(args []string, stdout, stderr io.Writer, sigs <-chan os.Signal) error {
	nf, fs := newNotifyFlags(stderr)
	if err := parseFlags(fs, args, 0, stderr); err != nil {
		return err
	}
	if msg := nf.check(); msg != "" {
		return usageError(fs, stderr, msg)
	}
	resource, err := readResource(nf.resourceFile)
	if err != nil {
		return err
	}
	mode, err := sandboxKeyMode(nf.dir)
	if err != nil {
		return err
	}
	hc, err := notifyClient("-ca", nf.caFile, nf.timeout)
	if err != nil {
		return err
	}
	defer hc.CloseIdleConnections()
	// A Server holds the keys and signs; its own listener serves nothing here.
	srv, err := wechatpaytest.Listen(wechatpaytest.WithKeyDir(nf.dir), wechatpaytest.WithKeyMode(mode),
		wechatpaytest.WithNotificationClient(hc), wechatpaytest.WithoutSeedFixtures())
	if err != nil {
		return err
	}
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-sigs:
			cancel()
		case <-ctx.Done():
		}
	}()
	return nf.deliver(ctx, srv, resource, stdout)
}

// deliver sends the callback, printing each delivery, and redelivers it
// after a failure unless -once.
func (nf *notifyFlags) deliver(ctx context.Context, srv *wechatpaytest.Server, resource []byte, stdout io.Writer) error {
	opts := []wechatpaytest.NotifyOption{wechatpaytest.WithDeliveryObserver(func(d wechatpaytest.Delivery) {
		printDelivery(stdout, d)
	})}
	if !nf.once {
		opts = append(opts, wechatpaytest.WithRedelivery(nf.scale))
	}
	resp, err := srv.SendNotification(ctx, nf.target, nf.event, json.RawMessage(resource), opts...)
	if err != nil {
		return fmt.Errorf("callback not acknowledged: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("callback not acknowledged: the last delivery was answered %s", resp.Status)
	}
	return nil
}

// readResource reads -resource (- for stdin), which must be JSON.
func readResource(name string) ([]byte, error) {
	var resource []byte
	var err error
	if name == "-" {
		resource, err = io.ReadAll(os.Stdin)
	} else {
		resource, err = os.ReadFile(name)
	}
	if err != nil {
		return nil, fmt.Errorf("reading -resource: %w", err)
	}
	if !json.Valid(resource) {
		return nil, fmt.Errorf("-resource %s is not valid JSON: the resource is encrypted as it is and the merchant decodes it as JSON", name)
	}
	return resource, nil
}

// keyFiles are the files of the keys a sandbox keeps in its directory (those
// wechatpaytest.WithKeyDir names): the merchant's key and certificate, and
// WeChat Pay's two private keys and platform certificate, which sign the
// callback.
var keyFiles = []string{
	"apiclient_key.pem",
	"apiclient_cert.pem",
	"emulator_wechatpay_pub_key_private.pem",
	"emulator_wechatpay_platform_key.pem",
	"wechatpay_platform_cert.pem",
}

// sandboxKeyMode returns the key mode of the merchant that dir's
// credentials.json configures, once it has checked that dir holds the
// sandbox's keys: a directory without them is refused, naming the files it
// lacks, so that no key is generated there (a callback signed with a new key
// would be refused by that merchant).
func sandboxKeyMode(dir string) (wechatpay.KeyMode, error) {
	cr, err := wechatpay.LoadCredentials(filepath.Join(dir, wechatpay.CredentialsFileName))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("-dir %s holds no sandbox (%w); run wechatpay-sandbox -dir %s once to create its keys", dir, err, dir)
	}
	if err != nil {
		return 0, fmt.Errorf("-dir %s: %w", dir, err)
	}
	var missing []string
	for _, name := range keyFiles {
		_, err := os.Stat(filepath.Join(dir, name))
		if errors.Is(err, fs.ErrNotExist) {
			missing = append(missing, name)
		} else if err != nil {
			return 0, fmt.Errorf("-dir %s: %w", dir, err)
		}
	}
	switch {
	case len(missing) == len(keyFiles):
		return 0, fmt.Errorf("-dir %s holds a credentials.json but none of the sandbox's keys that sign callbacks (missing %s); run wechatpay-sandbox -dir %s once to create them, then configure the merchant from its new credentials.json",
			dir, strings.Join(missing, ", "), dir)
	case len(missing) > 0:
		return 0, fmt.Errorf("-dir %s lacks some of the sandbox's keys (missing %s); restore them, or remove the directory and run wechatpay-sandbox -dir %s to create new ones",
			dir, strings.Join(missing, ", "), dir)
	}
	return credentialsKeyMode(cr), nil
}

// credentialsKeyMode is the key mode of a merchant with credentials cr: the
// WeChat Pay keys it holds say which key WeChat Pay signs its callbacks with.
func credentialsKeyMode(cr *wechatpay.Credentials) wechatpay.KeyMode {
	switch {
	case cr.WechatpayPublicKeyFile == "":
		return wechatpay.KeyModeCertificates
	case len(cr.PlatformCertificateFiles) == 0:
		return wechatpay.KeyModePublicKey
	}
	return wechatpay.KeyModeBoth
}

// notifyClient is the HTTP client of the deliveries: each waits timeout for
// its answer and trusts caFile's CA (given by the flag named flagName) when
// given, else the system roots.
func notifyClient(flagName, caFile string, timeout time.Duration) (*http.Client, error) {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	if caFile != "" {
		pemData, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", flagName, err)
		}
		roots := x509.NewCertPool()
		if !roots.AppendCertsFromPEM(pemData) {
			return nil, fmt.Errorf("%s %s holds no PEM certificate", flagName, caFile)
		}
		transport.TLSClientConfig.RootCAs = roots
	}
	return &http.Client{Transport: transport, Timeout: timeout}, nil
}

// printDelivery prints one delivery: the answer's status and body, or the
// transport error, and when the next delivery follows.
func printDelivery(w io.Writer, d wechatpaytest.Delivery) {
	if d.Err != nil {
		fmt.Fprintf(w, "delivery %d: no answer: %v\n", d.Attempt, d.Err)
	} else {
		fmt.Fprintf(w, "delivery %d: HTTP %d %s\n", d.Attempt, d.StatusCode, http.StatusText(d.StatusCode))
		if body := strings.TrimSpace(string(d.Body)); body != "" {
			fmt.Fprintf(w, "%s\n", body)
		}
	}
	switch {
	case d.OK():
		fmt.Fprintln(w, "acknowledged")
	case d.Next > 0:
		fmt.Fprintf(w, "redelivering in %s\n", d.Next)
	}
}

// scheduleText is WeChat Pay's redelivery schedule as text.
func scheduleText() string {
	var parts []string
	for _, d := range wechatpaytest.RedeliverySchedule() {
		switch {
		case d%time.Hour == 0:
			parts = append(parts, fmt.Sprintf("%dh", d/time.Hour))
		case d%time.Minute == 0:
			parts = append(parts, fmt.Sprintf("%dm", d/time.Minute))
		default:
			parts = append(parts, d.String())
		}
	}
	return strings.Join(parts, ", ")
}
