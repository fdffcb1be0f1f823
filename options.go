package wechatpay

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
)

// Option configures a Client. Options only record values: they do no I/O
// and touch no global state; NewClient checks them all together.
type Option func(*config) error

// always is the Option that records what set writes into the config: an
// option that cannot fail.
func always(set func(*config)) Option {
	return func(c *config) error {
		set(c)
		return nil
	}
}

type config struct {
	mchID, serial, appID string
	key                  *rsa.PrivateKey
	extSigner            crypto.Signer // WithMerchantSigner; exclusive with key
	merchantCert         *x509.Certificate
	pubKeyID             string
	pubKey               *rsa.PublicKey
	certs                []*x509.Certificate
	mode                 KeyMode
	apiV3Key, apiV2Key   string
	apiV3Set, apiV2Set   bool
	baseURL              string
	httpClient           *http.Client
	transport            http.RoundTripper
	rootCAs              *x509.CertPool
	timeout              time.Duration
	logger               *slog.Logger
	now                  func() time.Time
	retry                RetryPolicy
	maxBody              int64
	userAgent            string
	certRefresh          time.Duration
}

// WithMerchant sets the merchant number, the serial of its API certificate
// (upper-case hex, as the merchant platform shows it) and its private key.
func WithMerchant(mchID, serial string, key *rsa.PrivateKey) Option {
	return always(func(c *config) { c.mchID, c.serial, c.key, c.extSigner = mchID, serial, key, nil })
}

// WithMerchantSigner is WithMerchant for a merchant API key that the
// process cannot read, such as one held in a KMS or an HSM: s signs each v3
// request (s.Sign with crypto.SHA256 must return an RSASSA-PKCS1-v1_5
// signature, the meaning crypto.Signer gives it for RSA keys) and its public
// half, s.Public(), must be an RSA key of at least 2048 bits. Each call
// makes one s.Sign call, which has no context: a remote signer should bound
// its own time. With WithMerchantCertificate, s is also the private key of
// the APIv2 TLS client certificate.
//
// Responses with fields WeChat Pay encrypts with the merchant key (the
// bal_account_no of aggracct's QuerySpecialReduction, DecryptSensitive) need
// s to be a crypto.Decrypter as well (RSA-OAEP with SHA-1, asked for with
// *rsa.OAEPOptions). Without one, NewClient still succeeds, since most APIs
// need no decryption, but those calls fail with an error that matches
// ErrDecrypt and ErrInvalidConfig and names this option.
func WithMerchantSigner(mchID, serial string, s crypto.Signer) Option {
	return func(c *config) error {
		if s == nil {
			return &FieldError{Field: "merchant_signer", Reason: "nil", Missing: true}
		}
		c.mchID, c.serial, c.key, c.extSigner = mchID, serial, nil, s
		return nil
	}
}

// WithMerchantPEM is WithMerchant with the private key as PEM (PKCS#8
// "PRIVATE KEY", as in apiclient_key.pem, or PKCS#1 "RSA PRIVATE KEY").
func WithMerchantPEM(mchID, serial string, keyPEM []byte) Option {
	return func(c *config) error {
		key, err := wxcrypto.LoadPrivateKey(keyPEM)
		if err != nil {
			return &FieldError{Field: "merchant_private_key", Reason: err.Error()}
		}
		c.mchID, c.serial, c.key, c.extSigner = mchID, serial, key, nil
		return nil
	}
}

// WithMerchantCertificate sets the merchant API certificate
// (apiclient_cert.pem). NewClient checks that it matches the private key,
// takes the serial from it when none was given, and uses it with the key as
// the TLS client certificate of APIv2 secure endpoints.
func WithMerchantCertificate(cert *x509.Certificate) Option {
	return always(func(c *config) { c.merchantCert = cert })
}

// WithAppID sets the default appid, used by services whose requests carry
// one when the request leaves it empty.
func WithAppID(appID string) Option {
	return always(func(c *config) { c.appID = appID })
}

// WithPublicKey trusts the WeChat Pay public key with the given id
// (PUB_KEY_ID_...), the key merchants onboarded since late 2024 have. Load
// it from pub_key.pem, never from a platform certificate (whose key goes
// with its own serial: WithPlatformCertificates); the credentials file
// refuses a certificate as wechatpay_public_key_file.
func WithPublicKey(id string, key *rsa.PublicKey) Option {
	return always(func(c *config) { c.pubKeyID, c.pubKey = id, key })
}

// WithPlatformCertificates trusts WeChat Pay platform certificates, each
// under its serial.
func WithPlatformCertificates(certs ...*x509.Certificate) Option {
	return always(func(c *config) { c.certs = append(c.certs, certs...) })
}

// WithKeyMode sets which kind of WeChat Pay key verifies responses, encrypts
// sensitive fields and is named in Wechatpay-Serial (default KeyModeAuto).
func WithKeyMode(m KeyMode) Option {
	return func(c *config) error {
		if m < KeyModeAuto || m > KeyModeBoth {
			return &FieldError{Field: "key_mode", Reason: "unknown mode " + m.String()}
		}
		c.mode = m
		return nil
	}
}

// WithAPIv3Key sets the APIv3 key (32 ASCII characters), which decrypts
// callbacks and downloaded platform certificates.
func WithAPIv3Key(key string) Option {
	return always(func(c *config) { c.apiV3Key, c.apiV3Set = key, true })
}

// WithAPIv2Key sets the APIv2 key (32 characters), which signs v2 requests.
func WithAPIv2Key(key string) Option {
	return always(func(c *config) { c.apiV2Key, c.apiV2Set = key, true })
}

// WithBaseURL sends every call to baseURL (scheme, host and an optional path
// prefix) instead of the api, api2 and apihk domains: for the sandbox and
// tests. It must be https://, or plain http:// on a loopback host
// (localhost, 127.0.0.0/8, ::1); a v2 call that needs the merchant client
// certificate is never sent over plain http://.
func WithBaseURL(baseURL string) Option {
	return always(func(c *config) { c.baseURL = baseURL })
}

// WithHTTPClient sends requests through hc. Its transport is used as it is
// for v3 calls; for v2 secure endpoints an *http.Transport is cloned with the
// merchant certificate added, and any other RoundTripper must present the
// client certificate itself. The SDK uses a copy of hc whose CheckRedirect
// refuses every redirect (a 3xx is an *APIError): a signed request is never
// re-sent elsewhere. hc itself is not modified.
func WithHTTPClient(hc *http.Client) Option {
	return always(func(c *config) { c.httpClient = hc })
}

// WithTransport sends requests through rt (for instrumentation or tests).
// An *http.Transport is cloned with the merchant certificate for v2 secure
// endpoints; any other RoundTripper must present that client certificate
// itself, or v2 secure calls fail with CA_ERROR.
func WithTransport(rt http.RoundTripper) Option {
	return always(func(c *config) { c.transport = rt })
}

// WithRootCAs makes the client's own transport trust these CAs instead of
// the system's (the sandbox's ca_file). It has no effect on a transport
// given with WithHTTPClient or WithTransport.
func WithRootCAs(pool *x509.CertPool) Option {
	return always(func(c *config) { c.rootCAs = pool })
}

// WithTimeout bounds every call, retries included (default 30 s; 0 means no
// bound beyond the context's).
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return &FieldError{Field: "timeout", Reason: "negative"}
		}
		c.timeout = d
		return nil
	}
}

// WithLogger sets a logger for debug records of each attempt (method, path,
// status, Request-ID, duration). Keys, Authorization values and plaintext
// sensitive fields are never logged.
func WithLogger(l *slog.Logger) Option {
	return always(func(c *config) { c.logger = l })
}

// WithClock sets the clock used for request timestamps and the ±5 minute
// window of verification (default time.Now).
func WithClock(now func() time.Time) Option {
	return always(func(c *config) { c.now = now })
}

// WithRetry sets the retry policy (default DefaultRetryPolicy).
func WithRetry(p RetryPolicy) Option {
	return func(c *config) error {
		if p.MaxAttempts < 1 || p.BaseDelay < 0 || p.MaxDelay < p.BaseDelay {
			return &FieldError{Field: "retry", Reason: "MaxAttempts must be ≥ 1 and 0 ≤ BaseDelay ≤ MaxDelay"}
		}
		c.retry = p
		return nil
	}
}

// WithMaxResponseBytes limits the size of a response body (default 4 MiB).
// A larger body fails the call with ErrResponseTooLarge.
func WithMaxResponseBytes(n int64) Option {
	return func(c *config) error {
		if n <= 0 || n == math.MaxInt64 {
			return &FieldError{Field: "max_response_bytes", Reason: "must be positive and below math.MaxInt64"}
		}
		c.maxBody = n
		return nil
	}
}

// WithUserAgent replaces the User-Agent header's value.
func WithUserAgent(ua string) Option {
	return always(func(c *config) { c.userAgent = ua })
}

// WithCertificateRefresh makes the client download the WeChat Pay platform
// certificates (GET /v3/certificates) every interval (DefaultCertificateRefresh,
// 12 h, when interval is 0) in a goroutine that Close stops; the first
// download is immediate when no platform certificate is configured. It needs
// the APIv3 key, and lets NewClient start without any WeChat Pay key. In
// public-key mode it does nothing: that mode has no platform certificates.
func WithCertificateRefresh(interval time.Duration) Option {
	return func(c *config) error {
		if interval < 0 {
			return &FieldError{Field: "certificate_refresh", Reason: "negative interval"}
		}
		if interval == 0 {
			interval = DefaultCertificateRefresh
		}
		c.certRefresh = interval
		return nil
	}
}

func configError(err error) error {
	if errors.Is(err, ErrInvalidConfig) {
		return err // already says so (the credentials file's errors)
	}
	return &configErr{err}
}

// configErr is a construction error: it matches ErrInvalidConfig and its
// cause, and says "wechatpay: " once.
type configErr struct{ err error }

func (e *configErr) Error() string {
	return ErrInvalidConfig.Error() + ": " + strings.TrimPrefix(e.err.Error(), "wechatpay: ")
}

func (e *configErr) Unwrap() []error { return []error{ErrInvalidConfig, e.err} }

// merchantSigner checks the merchant serial and key of WithMerchant or
// WithMerchantSigner against the merchant certificate, if any, and returns
// its Signer.
func (cfg *config) merchantSigner() (*Signer, error) {
	if cfg.merchantCert != nil {
		serial := wxcrypto.CertificateSerial(cfg.merchantCert)
		if cfg.serial == "" {
			cfg.serial = serial
		} else if !strings.EqualFold(cfg.serial, serial) {
			return nil, &FieldError{Field: "merchant_serial_no", Reason: "does not match the merchant certificate's serial " + serial}
		}
	}
	cfg.serial = strings.ToUpper(cfg.serial)
	if cfg.extSigner != nil {
		s, err := newCryptoSigner(cfg.mchID, cfg.serial, cfg.extSigner, "merchant_signer")
		if err != nil {
			return nil, err
		}
		if cfg.merchantCert != nil {
			if certKey, ok := cfg.merchantCert.PublicKey.(*rsa.PublicKey); !ok || !certKey.Equal(s.pub) {
				return nil, &FieldError{Field: "merchant_signer", Reason: "does not match the merchant certificate"}
			}
		}
		return s, nil
	}
	if cfg.key != nil {
		if err := checkKeySize(&cfg.key.PublicKey); err != nil {
			return nil, err
		}
		if cfg.merchantCert != nil {
			certKey, ok := cfg.merchantCert.PublicKey.(*rsa.PublicKey)
			if !ok || !certKey.Equal(&cfg.key.PublicKey) {
				return nil, &FieldError{Field: "merchant_private_key", Reason: "does not match the merchant certificate"}
			}
		}
	}
	return NewSigner(cfg.mchID, cfg.serial, cfg.key)
}

// checkAPIKeys checks the length of the APIv3 and APIv2 keys that were set.
func (cfg *config) checkAPIKeys() error {
	if cfg.apiV3Set && len(cfg.apiV3Key) != 32 {
		return &FieldError{Field: "apiv3_key", Reason: "must be 32 bytes, got " + strconv.Itoa(len(cfg.apiV3Key))}
	}
	if cfg.apiV2Set && len(cfg.apiV2Key) != 32 {
		return &FieldError{Field: "apiv2_key", Reason: "must be 32 bytes, got " + strconv.Itoa(len(cfg.apiV2Key))}
	}
	return nil
}

// verifier builds the Verifier of the WeChat Pay keys the key mode needs,
// none of them the merchant's own key (signer's).
func (cfg *config) verifier(signer *Signer, now func() time.Time) (*Verifier, error) {
	v := NewVerifier(cfg.mode, now)
	v.excluded = cfg.serial
	if cfg.pubKey != nil || cfg.pubKeyID != "" {
		if err := v.SetPublicKey(cfg.pubKeyID, cfg.pubKey); err != nil {
			return nil, err
		}
		if cfg.pubKey.Equal(signer.pub) {
			return nil, &FieldError{Field: "wechatpay_public_key", Reason: "is the merchant's own public key"}
		}
	}
	for _, cert := range cfg.certs {
		if _, err := v.AddCertificate(cert); err != nil {
			return nil, err
		}
		if k, ok := cert.PublicKey.(*rsa.PublicKey); ok && k.Equal(signer.pub) {
			return nil, &FieldError{Field: "platform_certificate", Reason: "holds the merchant's own public key"}
		}
	}
	switch {
	case (cfg.mode == KeyModePublicKey || cfg.mode == KeyModeBoth) && cfg.pubKey == nil:
		return nil, &FieldError{Field: "wechatpay_public_key", Reason: "required by key mode " + cfg.mode.String(), Missing: true}
	case (cfg.mode == KeyModeBoth || cfg.mode == KeyModeCertificates) && len(cfg.certs) == 0 && cfg.certRefresh == 0:
		return nil, &FieldError{Field: "platform_certificate", Reason: "required by key mode " + cfg.mode.String() + " (or WithCertificateRefresh)", Missing: true}
	case cfg.pubKey == nil && len(cfg.certs) == 0 && cfg.certRefresh == 0:
		return nil, &FieldError{Field: "wechatpay_public_key", Reason: "no WeChat Pay public key or platform certificate configured", Missing: true}
	}
	return v, nil
}

// domains returns the primary, backup and global domains: WeChat Pay's, or
// the base URL of WithBaseURL for all three, with no backup. A plain
// http:// base URL is refused unless its host is loopback (the emulator,
// local tests): signed requests and encrypted fields travel in it.
func (cfg *config) domains() (primary, backup, global string, err error) {
	if cfg.baseURL == "" {
		return PrimaryURL, BackupURL, GlobalURL, nil
	}
	u, err := url.Parse(cfg.baseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", "", "", &FieldError{Field: "base_url", Reason: "must be an absolute http(s) URL without query"}
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return "", "", "", &FieldError{Field: "base_url", Reason: "is plain http:// on a host that is not loopback (localhost, 127.0.0.0/8, ::1): signed requests and encrypted fields would travel in clear text; use https://"}
	}
	base := strings.TrimRight(u.String(), "/")
	return base, "", base, nil
}

// isLoopback reports whether host names the local machine: localhost, an
// address in 127.0.0.0/8, or ::1.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}
