package wechatpaytest

import (
	"context"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gowechatpay/wechatpay"
)

// Server is a WeChat Pay emulator listening on a loopback HTTPS address.
// Build it with NewServer (or NewUnstartedServer and Start) and stop it with
// Close. All its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL, https://127.0.0.1:PORT, with no trailing slash.
	// It is set by Start.
	URL string

	keys    *keySet
	keyMode wechatpay.KeyMode
	mux     *http.ServeMux
	tls     *serverTLS
	ts      *httptest.Server
	now     func() time.Time // the emulator's clock: WithClock's, moved by Advance
	wall    func() time.Time // WithClock's, not advanced: signature timestamps
	logger  *slog.Logger

	requests  atomic.Int64
	idCounter atomic.Uint64

	mu           sync.Mutex
	started      bool
	closed       bool
	credDir      string
	agg          *aggracctState      // the WeBank channel (state_aggracct.go)
	ps           *profitSharingState // global profit sharing (state_profitsharing.go)
	redpack      *redpackState       // red packets (state_redpack.go)
	sec          *securityState      // the echo's callbacks (state_security.go)
	transfer     *transferState      // the merchant transfer (state_transfer.go)
	faults       []*Fault
	clients      []*wechatpay.Client // those Client gave out, closed by Close
	notifyClient *http.Client
	advanced     atomic.Int64      // what Advance added to the clock (clock.go)
	due          []func(time.Time) // the due transitions Advance runs (clock.go)
}

type config struct {
	fresh        bool
	keyDir       string
	addr         string
	now          func() time.Time
	logger       *slog.Logger
	noSeed       bool
	notifyClient *http.Client
	keyMode      wechatpay.KeyMode
	listener     net.Listener
}

// Option configures a Server.
type Option func(*config)

// WithFixedKeys uses the committed test key set embedded in the package
// (the default): the same merchant key and certificate, WeChat Pay public
// key and platform certificate as the repository's testdata. Starting a
// server costs no key generation.
func WithFixedKeys() Option {
	return func(c *config) { c.fresh, c.keyDir = false, "" }
}

// WithFreshKeys generates new RSA-2048 keys for the merchant, the WeChat Pay
// public key and the platform certificate, with new self-signed merchant and
// platform certificates (random 20-byte serials). It makes NewServer slower
// (a few hundred milliseconds); use it to prove that nothing depends on the
// fixed keys.
func WithFreshKeys() Option {
	return func(c *config) { c.fresh, c.keyDir = true, "" }
}

// WithKeyDir keeps the key set in dir: when dir holds the key files of an
// earlier run (apiclient_key.pem, apiclient_cert.pem,
// wechatpay_platform_cert.pem and the emulator's private keys
// emulator_wechatpay_pub_key_private.pem and
// emulator_wechatpay_platform_key.pem) they are loaded; when it holds none,
// fresh keys are generated and written there. A partial set is an error. The
// sandbox command uses it so that its credentials survive restarts.
func WithKeyDir(dir string) Option {
	return func(c *config) { c.fresh, c.keyDir = false, dir }
}

// WithAddress listens on addr (host:port, port 0 for any free port) instead
// of 127.0.0.1 on a free port. The server certificate is valid for
// 127.0.0.1, ::1 and localhost only; a wildcard address (0.0.0.0, [::] or
// an empty host) is advertised in URL as 127.0.0.1.
func WithAddress(addr string) Option {
	return func(c *config) { c.addr = addr }
}

// WithListener serves on ln, a listener the caller opened (so that it can
// find a busy address before anything else happens), instead of listening
// itself; it overrides WithAddress. The server closes ln.
func WithListener(ln net.Listener) Option {
	return func(c *config) { c.listener = ln }
}

// WithClock sets the clock used for the ±5 minute window of request
// timestamps, response timestamps, the Date header of v3 answers, the
// times the emulator records and its time-driven transitions; Advance
// moves it forward.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.now = now }
}

// WithLogger logs one record per request at level Info: method, path
// (without the query), status, verdict (such as "ok" or
// "sign_error: stale timestamp") and Request-ID, and for a signature that
// does not verify the SIGN_ERROR's sign_information (sign_method, sign_url,
// sign_message_length, truncated_sign_message). Authorization values, keys
// and decrypted fields are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) { c.logger = l }
}

// WithoutSeedFixtures starts with no built-in fixtures (the seed special
// reduction, profit-sharing order and red packet).
func WithoutSeedFixtures() Option {
	return func(c *config) { c.noSeed = true }
}

// WithNotificationClient sets the HTTP client SendNotification posts with
// (default: a client trusting the system roots). Pass the Client of an
// httptest TLS server to deliver notifications to it.
func WithNotificationClient(hc *http.Client) Option {
	return func(c *config) { c.notifyClient = hc }
}

// NewServer starts an emulator and returns it; it panics on failure, like
// httptest.NewServer. Call Close when done.
func NewServer(opts ...Option) *Server {
	s := NewUnstartedServer(opts...)
	s.Start()
	return s
}

// NewUnstartedServer returns an emulator that is not yet listening, so a
// test can add fixtures or faults before Start. It panics on failure.
func NewUnstartedServer(opts ...Option) *Server {
	s, err := newServer(opts)
	if err != nil {
		panic(err.Error())
	}
	return s
}

// Listen starts an emulator like NewServer but returns failures (a busy
// address, unreadable or inconsistent key files) as errors, for long-running
// programs such as the sandbox command.
func Listen(opts ...Option) (*Server, error) {
	s, err := newServer(opts)
	if err != nil {
		return nil, err
	}
	s.Start()
	return s, nil
}

func newServer(opts []Option) (*Server, error) {
	var cfg config
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.listener == nil && cfg.addr != "" {
		// A busy address is found before any key file is written.
		var err error
		if cfg.listener, err = net.Listen("tcp", cfg.addr); err != nil {
			return nil, fmt.Errorf("wechatpaytest: listening on %s: %w", cfg.addr, err)
		}
	}
	s, err := newServerState(&cfg)
	if err != nil {
		if cfg.listener != nil {
			_ = cfg.listener.Close()
		}
		return nil, err
	}
	if !cfg.noSeed {
		s.addSeedFixtures()
	}
	s.handleBuiltins()
	s.ts = s.newHTTPServer(cfg.listener)
	return s, nil
}

// newServerState builds a Server of cfg, its keys loaded or made, not yet
// serving.
func newServerState(cfg *config) (*Server, error) {
	var ks *keySet
	var err error
	switch {
	case cfg.keyDir != "":
		ks, err = loadOrCreateKeyDir(cfg.keyDir)
	case cfg.fresh:
		ks, err = generateKeySet()
	default:
		ks, err = loadFixedKeys()
	}
	if err != nil {
		return nil, err
	}
	switch cfg.keyMode {
	case wechatpay.KeyModeAuto:
		cfg.keyMode = wechatpay.KeyModePublicKey
	case wechatpay.KeyModePublicKey, wechatpay.KeyModeCertificates, wechatpay.KeyModeBoth:
	default:
		return nil, fmt.Errorf("wechatpaytest: unknown key mode %s", cfg.keyMode)
	}
	st, err := newServerTLS(time.Now())
	if err != nil {
		return nil, err
	}
	s := &Server{
		keys: ks, keyMode: cfg.keyMode, mux: http.NewServeMux(), tls: st, now: cfg.now, logger: cfg.logger,
		agg: newAggracctState(), ps: newProfitSharingState(), redpack: newRedpackState(), notifyClient: cfg.notifyClient,
		sec: newSecurityState(), transfer: newTransferState(),
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.wall = s.now
	s.now = s.advancedClock(s.wall)
	s.registerClock()
	if s.notifyClient == nil {
		s.notifyClient = &http.Client{Timeout: 30 * time.Second}
	}
	return s, nil
}

// newHTTPServer returns the unstarted HTTPS server of s, on ln when it is
// not nil: TLS 1.2 or later with the server certificate, the merchant API
// certificate as optional client certificate, HTTP/1.1 only
// (FaultDropConnection hijacks), errors logged with the server's logger.
func (s *Server) newHTTPServer(ln net.Listener) *httptest.Server {
	ts := httptest.NewUnstartedServer(s)
	if ln != nil {
		_ = ts.Listener.Close()
		ts.Listener = ln
	}
	clientCAs := x509.NewCertPool()
	clientCAs.AddCert(s.keys.merchantCert)
	ts.TLS = &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{s.tls.server},
		ClientAuth:   tls.VerifyClientCertIfGiven,
		ClientCAs:    clientCAs,
		NextProtos:   []string{"http/1.1"},
	}
	ts.EnableHTTP2 = false
	ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	if s.logger != nil {
		ts.Config.ErrorLog = slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn)
	}
	ts.Config.ReadHeaderTimeout = 30 * time.Second
	// A client trickling a request cannot hold a connection for ever.
	ts.Config.ReadTimeout = 2 * time.Minute
	ts.Config.IdleTimeout = 2 * time.Minute
	return ts
}

// Start starts a server from NewUnstartedServer. It panics if the server
// was already started.
func (s *Server) Start() {
	s.mu.Lock()
	if s.started {
		s.mu.Unlock()
		panic("wechatpaytest: Server already started")
	}
	s.started = true
	s.mu.Unlock()
	s.ts.StartTLS()
	s.URL = baseURL(s.ts.Listener.Addr())
}

// baseURL names a listening address, with 127.0.0.1 in place of a wildcard
// address (0.0.0.0 or ::): a server listening on every interface is reached
// on the IPv4 loopback, which its certificate covers, whichever family the
// wildcard was written in.
func baseURL(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return "https://" + a.String()
	}
	ip := tcp.IP
	if ip == nil || ip.IsUnspecified() {
		ip = net.IPv4(127, 0, 0, 1)
	}
	return "https://" + net.JoinHostPort(ip.String(), strconv.Itoa(tcp.Port))
}

// Close shuts the server down and waits for the requests in flight to
// complete, like httptest.Server.Close; then it closes the clients that
// Client gave out, as httptest.Server.Close closes its client's idle
// connections. It may be called more than once.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	clients := s.clients
	s.clients = nil
	s.mu.Unlock()
	s.sec.stopCallbacks()
	s.ts.Close()
	for _, c := range clients {
		c.Close()
	}
}

// Shutdown stops accepting connections and waits for the requests in
// flight to complete until ctx is done; then it closes the connections that
// remain (a client still sending its request gets an error) and the server.
// It returns ctx's error when connections had to be closed.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	started, closed := s.started, s.closed
	s.mu.Unlock()
	if !started || closed {
		s.Close()
		return nil
	}
	err := s.ts.Config.Shutdown(ctx)
	if err != nil {
		_ = s.ts.Config.Close()
	}
	s.Close()
	return err
}

// CACertificate returns the CA certificate that issued the server's TLS
// certificate.
func (s *Server) CACertificate() *x509.Certificate { return s.tls.ca }

// MchID returns the merchant number, "1900016681".
func (s *Server) MchID() string { return TestMchID }

// AppID returns the merchant's appid, "wxe062425f740d30d8".
func (s *Server) AppID() string { return TestAppID }

// MerchantPublicKey returns the public key of the merchant API certificate,
// with which the emulator encrypts sensitive response fields.
func (s *Server) MerchantPublicKey() *rsa.PublicKey { return &s.keys.merchantKey.PublicKey }

// PublicKeyID returns the id of the WeChat Pay public key,
// "PUB_KEY_ID_0114232134912410000000000000". Which key signs v3 answers
// depends on the key mode (see WithKeyMode): this one by default.
func (s *Server) PublicKeyID() string { return s.keys.pubKeyID }

// PlatformSerial returns the serial of the platform certificate (upper-case
// hex), whose key signs the v3 answers in KeyModeCertificates and, in
// KeyModeBoth, those to requests whose Wechatpay-Serial names this serial
// (in any case) or is absent (see WithKeyMode).
func (s *Server) PlatformSerial() string { return s.keys.platformSerial }

// MerchantSerial returns the serial of the merchant API certificate
// (upper-case hex).
func (s *Server) MerchantSerial() string { return s.keys.merchantSerial }

// Requests returns the number of requests the server has received, on every
// path.
func (s *Server) Requests() int { return int(s.requests.Load()) }

// ClientOptions returns the options of a wechatpay.Client that talks to the
// server: the merchant key, certificate and serial, the WeChat Pay keys of
// the server's key mode (the public key by default, the platform
// certificate in KeyModeCertificates, both in KeyModeBoth, with
// wechatpay.WithKeyMode set to the same mode), the APIv3 and APIv2 keys,
// the appid, the base URL and the server's CA as the only root. It panics
// before Start, when there is no URL yet (a client without one would call
// the real WeChat Pay).
func (s *Server) ClientOptions() []wechatpay.Option {
	if s.URL == "" {
		panic("wechatpaytest: ClientOptions or Client called before Start")
	}
	roots := x509.NewCertPool()
	roots.AddCert(s.tls.ca)
	opts := []wechatpay.Option{
		wechatpay.WithMerchant(TestMchID, s.keys.merchantSerial, s.keys.merchantKey),
		wechatpay.WithMerchantCertificate(s.keys.merchantCert),
	}
	if s.hasPublicKey() {
		opts = append(opts, wechatpay.WithPublicKey(s.keys.pubKeyID, &s.keys.pubKey.PublicKey))
	}
	if s.hasCertificates() {
		opts = append(opts, wechatpay.WithPlatformCertificates(s.keys.platformCert))
	}
	return append(opts,
		wechatpay.WithKeyMode(s.keyMode),
		wechatpay.WithAPIv3Key(TestAPIv3Key),
		wechatpay.WithAPIv2Key(TestAPIv2Key),
		wechatpay.WithAppID(TestAppID),
		wechatpay.WithBaseURL(s.URL),
		wechatpay.WithRootCAs(roots),
	)
}

// Client returns a wechatpay.Client configured with ClientOptions; opts are
// applied after them. Close closes it (a client made after Close is the
// caller's to close). It panics if the options do not build a client.
func (s *Server) Client(opts ...wechatpay.Option) *wechatpay.Client {
	c, err := wechatpay.NewClient(append(s.ClientOptions(), opts...)...)
	if err != nil {
		panic("wechatpaytest: building the client: " + err.Error())
	}
	s.mu.Lock()
	if !s.closed {
		s.clients = append(s.clients, c)
	}
	s.mu.Unlock()
	return c
}

// Credentials returns the server's credentials in the credentials-file
// format. The file names are those WriteCredentials writes; they resolve
// against Dir, which is the directory of the last WriteCredentials ("" before
// any). The WeChat Pay keys are those of the key mode: the public key
// (wechatpay_public_key_id and wechatpay_public_key_file) by default, the
// platform certificate (platform_certificate_files) alone in
// KeyModeCertificates, as a merchant of certificates has no public key, and
// both in KeyModeBoth.
func (s *Server) Credentials() *wechatpay.Credentials {
	s.mu.Lock()
	dir := s.credDir
	s.mu.Unlock()
	cr := &wechatpay.Credentials{
		BaseURL:                  s.URL,
		CAFile:                   fileCA,
		MchID:                    TestMchID,
		AppID:                    TestAppID,
		MerchantSerialNo:         s.keys.merchantSerial,
		MerchantPrivateKeyFile:   fileMerchantKey,
		MerchantCertificateFile:  fileMerchantCert,
		WechatpayPublicKeyID:     s.keys.pubKeyID,
		WechatpayPublicKeyFile:   filePubKey,
		PlatformCertificateFiles: []string{filePlatformCert},
		APIv3Key:                 TestAPIv3Key,
		APIv2Key:                 TestAPIv2Key,
		WeComPaymentSecret:       TestWeComPaymentSecret,
		Dir:                      dir,
	}
	if !s.hasPublicKey() {
		cr.WechatpayPublicKeyID, cr.WechatpayPublicKeyFile = "", ""
	}
	if !s.hasCertificates() {
		cr.PlatformCertificateFiles = nil
	}
	return cr
}

// WriteCredentials writes the merchant's files into dir (created if needed):
// the CA certificate, the merchant key and certificate, the WeChat Pay keys
// of the key mode (public key, platform certificate or both; see
// Credentials), then credentials.json, each atomically
// (temporary file and rename). It returns the path of credentials.json, which
// wechatpay.NewClientFromFile accepts.
func (s *Server) WriteCredentials(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("wechatpaytest: credentials directory: %w", err)
	}
	keyPEM, err := privatePEM(s.keys.merchantKey)
	if err != nil {
		return "", err
	}
	pubPEM, err := publicPEM(&s.keys.pubKey.PublicKey)
	if err != nil {
		return "", err
	}
	type file struct {
		name string
		data []byte
		perm os.FileMode
	}
	files := []file{
		{fileCA, certPEM(s.tls.ca), 0o644},
		{fileMerchantKey, keyPEM, 0o600},
		{fileMerchantCert, certPEM(s.keys.merchantCert), 0o644},
	}
	if s.hasPublicKey() {
		files = append(files, file{filePubKey, pubPEM, 0o644})
	}
	if s.hasCertificates() {
		files = append(files, file{filePlatformCert, certPEM(s.keys.platformCert), 0o644})
	}
	for _, f := range files {
		if err := writeFileAtomic(filepath.Join(dir, f.name), f.data, f.perm); err != nil {
			return "", err
		}
	}
	cr := s.Credentials()
	data, err := json.MarshalIndent(cr, "", "  ")
	if err != nil {
		return "", fmt.Errorf("wechatpaytest: encoding credentials: %w", err)
	}
	path := filepath.Join(dir, wechatpay.CredentialsFileName)
	if err := writeFileAtomic(path, append(data, '\n'), 0o600); err != nil {
		return "", err
	}
	s.mu.Lock()
	s.credDir = dir
	s.mu.Unlock()
	return path, nil
}
