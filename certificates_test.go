package wechatpay_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/gowechatpay/wechatpay"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
)

// certItem is one entry of a fake GET /v3/certificates answer.
type certItem struct {
	cert      *x509.Certificate
	serial    string // listed serial_no; the certificate's when empty
	apiV3Key  string // sealing key; the test key when empty
	algorithm string // AEAD_AES_256_GCM when empty
}

// certServer is a fake WeChat Pay serving GET /v3/certificates, signing its
// answers with signKey under signSerial.
type certServer struct {
	*httptest.Server
	requests   atomic.Int32
	status     int
	items      []certItem
	signKey    *rsa.PrivateKey
	signSerial string
	skew       time.Duration
}

func newCertServer(t *testing.T, signKey *rsa.PrivateKey, signSerial string, items ...certItem) *certServer {
	t.Helper()
	s := &certServer{items: items, signKey: signKey, signSerial: signSerial}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		if r.Method != http.MethodGet || r.URL.Path != "/v3/certificates" || !strings.HasPrefix(r.Header.Get("Authorization"), wechatpay.AuthScheme) {
			http.Error(w, `{"code":"PARAM_ERROR","message":"unexpected request"}`, http.StatusBadRequest)
			return
		}
		if s.status != 0 {
			w.Header().Set("Request-Id", "req-404")
			w.WriteHeader(s.status)
			_, _ = w.Write([]byte(`{"code":"RESOURCE_NOT_EXISTS","message":"无可用的平台证书"}`))
			return
		}
		body := certListBody(t, s.items)
		for k, v := range signCallback(t, s.signKey, s.signSerial, time.Now().Add(s.skew).Unix(), body) {
			w.Header()[k] = v
		}
		_, _ = w.Write(body)
	}))
	t.Cleanup(s.Close)
	return s
}

func certListBody(t testing.TB, items []certItem) []byte {
	t.Helper()
	type enc struct {
		Algorithm      string `json:"algorithm"`
		Nonce          string `json:"nonce"`
		AssociatedData string `json:"associated_data"`
		Ciphertext     string `json:"ciphertext"`
	}
	type entry struct {
		SerialNo      string `json:"serial_no"`
		EffectiveTime string `json:"effective_time"`
		ExpireTime    string `json:"expire_time"`
		Enc           enc    `json:"encrypt_certificate"`
	}
	var list struct {
		Data []entry `json:"data"`
	}
	for _, it := range items {
		key, algo, serial := it.apiV3Key, it.algorithm, it.serial
		if key == "" {
			key = ntAPIv3Key
		}
		if algo == "" {
			algo = wechatpay.AlgorithmAEADAES256GCM
		}
		if serial == "" {
			serial = wxcrypto.CertificateSerial(it.cert)
		}
		pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: it.cert.Raw})
		ct, err := wxcrypto.SealAESGCM([]byte(key), []byte("cert-nonce12"), []byte("certificate"), pemBytes)
		require.NoError(t, err)
		list.Data = append(list.Data, entry{
			SerialNo:      serial,
			EffectiveTime: it.cert.NotBefore.In(time.FixedZone("CST", 8*3600)).Format(time.RFC3339),
			ExpireTime:    it.cert.NotAfter.In(time.FixedZone("CST", 8*3600)).Format(time.RFC3339),
			Enc:           enc{Algorithm: algo, Nonce: "cert-nonce12", AssociatedData: "certificate", Ciphertext: ct},
		})
	}
	body, err := json.Marshal(list)
	require.NoError(t, err)
	return body
}

// makeCert issues a self-signed certificate for key with the given serial
// and validity.
func makeCert(t testing.TB, key *rsa.PrivateKey, serial int64, notBefore, notAfter time.Time) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{CommonName: "test platform certificate"},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	return cert
}

type certFixture struct {
	platCert *x509.Certificate
	platKey  *rsa.PrivateKey
	pubKey   *rsa.PrivateKey // the PUB_KEY_ID key pair
	merchant []byte
}

func loadCertFixture(t testing.TB) *certFixture {
	t.Helper()
	cert, err := wxcrypto.LoadCertificate(ntReadFile(t, "wechatpay_platform_test_cert.pem"))
	require.NoError(t, err)
	return &certFixture{
		platCert: cert,
		platKey:  ntPrivateKey(t, "wechatpay_platform_test_key.pem"),
		pubKey:   ntPrivateKey(t, "wechatpay_pubkey_test_key.pem"),
		merchant: ntReadFile(t, "merchant_test_key.pem"),
	}
}

// client builds a client for srv; certs are its configured platform
// certificates (none: a bootstrap client, which needs the refresh option).
func (f *certFixture) client(t testing.TB, srv *certServer, certs []*x509.Certificate, extra ...wechatpay.Option) *wechatpay.Client {
	t.Helper()
	opts := []wechatpay.Option{
		wechatpay.WithMerchantPEM(ntMchID, ntMchSerial, f.merchant),
		wechatpay.WithAPIv3Key(ntAPIv3Key),
		wechatpay.WithBaseURL(srv.URL),
		wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 1}),
	}
	if len(certs) > 0 {
		opts = append(opts, wechatpay.WithPlatformCertificates(certs...))
	}
	c, err := wechatpay.NewClient(append(opts, extra...)...)
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return c
}

func serials(certs []*x509.Certificate) []string {
	out := make([]string, 0, len(certs))
	for _, c := range certs {
		out = append(out, wxcrypto.CertificateSerial(c))
	}
	return out
}

func TestDownloadCertificates(t *testing.T) {
	f := loadCertFixture(t)
	now := time.Now()
	upcoming := makeCert(t, f.platKey, 0x1234, now.Add(time.Hour), now.Add(48*time.Hour))
	expired := makeCert(t, f.platKey, 0x5678, now.Add(-48*time.Hour), now.Add(-time.Hour))

	t.Run("known signer", func(t *testing.T) {
		srv := newCertServer(t, f.platKey, ntPlatSerial, certItem{cert: f.platCert}, certItem{cert: upcoming}, certItem{cert: expired})
		c := f.client(t, srv, []*x509.Certificate{f.platCert})
		got, err := c.DownloadCertificates(t.Context())
		require.NoError(t, err)
		require.ElementsMatch(t, []string{ntPlatSerial, "1234"}, serials(got))
		require.ElementsMatch(t, []string{ntPlatSerial, "1234"}, serials(c.Verifier().Certificates()))
	})

	t.Run("bootstrap", func(t *testing.T) {
		srv := newCertServer(t, f.platKey, ntPlatSerial, certItem{cert: f.platCert})
		c := f.client(t, srv, nil, wechatpay.WithCertificateRefresh(time.Hour))
		require.NoError(t, c.RefreshCertificates(t.Context()))
		require.Equal(t, []string{ntPlatSerial}, serials(c.Verifier().Certificates()))
	})

	refusals := []struct {
		name    string
		signKey *rsa.PrivateKey
		serial  string
		skew    time.Duration
		items   []certItem
		wantErr error
	}{
		{"bootstrap signed by another key", f.pubKey, ntPlatSerial, 0, []certItem{{cert: f.platCert}}, wechatpay.ErrBadSignature},
		{"bootstrap signer not in the list", f.platKey, ntPlatSerial, 0, []certItem{{cert: upcoming}}, wechatpay.ErrUnknownSerial},
		{"bootstrap stale", f.platKey, ntPlatSerial, -10 * time.Minute, []certItem{{cert: f.platCert}}, wechatpay.ErrStaleTimestamp},
		{"wrong APIv3 key", f.platKey, ntPlatSerial, 0, []certItem{{cert: f.platCert, apiV3Key: strings.Repeat("k", 32)}}, wechatpay.ErrDecrypt},
		{"serial mismatch", f.platKey, ntPlatSerial, 0, []certItem{{cert: f.platCert}, {cert: upcoming, serial: "ABCD"}}, wechatpay.ErrMalformedResponse},
		{"wrong algorithm", f.platKey, ntPlatSerial, 0, []certItem{{cert: f.platCert, algorithm: "SM4"}}, wechatpay.ErrUnsupportedAlgorithm},
		{"empty list", f.platKey, ntPlatSerial, 0, nil, wechatpay.ErrMalformedResponse},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			srv := newCertServer(t, tt.signKey, tt.serial, tt.items...)
			srv.skew = tt.skew
			c := f.client(t, srv, nil, wechatpay.WithCertificateRefresh(time.Hour))
			err := c.RefreshCertificates(t.Context())
			require.ErrorIs(t, err, tt.wantErr)
			require.Empty(t, c.Verifier().Certificates())
		})
	}

	t.Run("not found", func(t *testing.T) {
		srv := newCertServer(t, f.platKey, ntPlatSerial)
		srv.status = http.StatusNotFound
		c := f.client(t, srv, []*x509.Certificate{f.platCert})
		_, err := c.DownloadCertificates(t.Context())
		var apiErr *wechatpay.APIError
		require.ErrorAs(t, err, &apiErr)
		require.Equal(t, "RESOURCE_NOT_EXISTS", apiErr.Code)
		require.Equal(t, "req-404", apiErr.RequestID)
	})
}

func TestCertificatesPublicKeyModeNeverCalls(t *testing.T) {
	noLeaks(t)
	f := loadCertFixture(t)
	srv := newCertServer(t, f.platKey, ntPlatSerial, certItem{cert: f.platCert})
	pub, err := wxcrypto.LoadPublicKey(ntReadFile(t, "wechatpay_pubkey_test.pem"))
	require.NoError(t, err)
	c := f.client(t, srv, nil, wechatpay.WithPublicKey(ntPubKeyID, pub), wechatpay.WithCertificateRefresh(time.Millisecond))
	_, err = c.DownloadCertificates(t.Context())
	require.ErrorIs(t, err, wechatpay.ErrInvalidConfig)
	time.Sleep(50 * time.Millisecond)
	c.Close()
	require.Zero(t, srv.requests.Load())
}

func TestCertificateRefreshSchedule(t *testing.T) {
	noLeaks(t)
	f := loadCertFixture(t)
	srv := newCertServer(t, f.platKey, ntPlatSerial, certItem{cert: f.platCert})
	c := f.client(t, srv, nil, wechatpay.WithCertificateRefresh(20*time.Millisecond))
	// No certificate configured: the first download is immediate, then the
	// schedule repeats it.
	require.Eventually(t, func() bool { return srv.requests.Load() >= 3 }, 5*time.Second, 5*time.Millisecond)
	require.Equal(t, []string{ntPlatSerial}, serials(c.Verifier().Certificates()))
	c.Close()
	c.Close() // idempotent
	n := srv.requests.Load()
	time.Sleep(60 * time.Millisecond)
	require.Equal(t, n, srv.requests.Load(), "refresh continued after Close")
}

func TestCertificateRefreshOptions(t *testing.T) {
	f := loadCertFixture(t)
	base := []wechatpay.Option{wechatpay.WithMerchantPEM(ntMchID, ntMchSerial, f.merchant)}

	_, err := wechatpay.NewClient(append(base, wechatpay.WithCertificateRefresh(-time.Second))...)
	require.ErrorIs(t, err, wechatpay.ErrInvalidConfig)
	// Without a WeChat Pay key, the refresh is what provides one; it needs
	// the APIv3 key.
	_, err = wechatpay.NewClient(append(base, wechatpay.WithCertificateRefresh(0))...)
	require.ErrorIs(t, err, wechatpay.ErrInvalidConfig)
	_, err = wechatpay.NewClient(base...)
	require.ErrorIs(t, err, wechatpay.ErrInvalidConfig)
	// A client without the option has no APIv3 key requirement but cannot
	// download either.
	c, err := wechatpay.NewClient(append(base, wechatpay.WithPlatformCertificates(f.platCert))...)
	require.NoError(t, err)
	_, err = c.DownloadCertificates(t.Context())
	require.ErrorIs(t, err, wechatpay.ErrInvalidConfig)
}

// noLeaks checks, after every other cleanup of t, that no goroutine started
// during the test is left.
func noLeaks(t *testing.T) {
	current := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, current) })
}
