package wechatpaytest_test

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay/internal/sdktest"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// protocolClient is a v3 client written from the wire protocol alone, with
// no code of the SDK: net/http, crypto/rsa and the credentials file, as a
// merchant using another language's SDK would configure it. It sends a
// Wechatpay-Serial only with an encrypted field, as the official PHP and
// Node SDKs do.
type protocolClient struct {
	base        string
	mchID       string
	serial      string
	key         *rsa.PrivateKey
	pubKeyID    string
	pubKey      *rsa.PublicKey
	hc          *http.Client
	hasCertFile bool
}

func newProtocolClient(t *testing.T, credPath string) *protocolClient {
	t.Helper()
	data, err := os.ReadFile(credPath)
	require.NoError(t, err)
	var cr struct {
		BaseURL                  string   `json:"base_url"`
		CAFile                   string   `json:"ca_file"`
		MchID                    string   `json:"mchid"`
		MerchantSerialNo         string   `json:"merchant_serial_no"`
		MerchantPrivateKeyFile   string   `json:"merchant_private_key_file"`
		WechatpayPublicKeyID     string   `json:"wechatpay_public_key_id"`
		WechatpayPublicKeyFile   string   `json:"wechatpay_public_key_file"`
		PlatformCertificateFiles []string `json:"platform_certificate_files"`
	}
	require.NoError(t, json.Unmarshal(data, &cr))
	dir := filepath.Dir(credPath)
	block := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		p, _ := pem.Decode(b)
		require.NotNil(t, p, name)
		return p.Bytes
	}
	k, err := x509.ParsePKCS8PrivateKey(block(cr.MerchantPrivateKeyFile))
	require.NoError(t, err)
	pub, err := x509.ParsePKIXPublicKey(block(cr.WechatpayPublicKeyFile))
	require.NoError(t, err)
	ca, err := x509.ParseCertificate(block(cr.CAFile))
	require.NoError(t, err)
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	return &protocolClient{
		base: cr.BaseURL, mchID: cr.MchID, serial: cr.MerchantSerialNo, key: k.(*rsa.PrivateKey),
		pubKeyID: cr.WechatpayPublicKeyID, pubKey: pub.(*rsa.PublicKey),
		hc:          &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}},
		hasCertFile: len(cr.PlatformCertificateFiles) > 0,
	}
}

// encrypt is RSA-OAEP (SHA-1) with the WeChat Pay public key, base64.
func (c *protocolClient) encrypt(t *testing.T, plain string) string {
	t.Helper()
	ct, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, c.pubKey, []byte(plain), nil)
	require.NoError(t, err)
	return base64.StdEncoding.EncodeToString(ct)
}

// do signs and sends one request (with Wechatpay-Serial set to serial
// unless empty) and returns the status, headers and body of the answer.
func (c *protocolClient) do(t *testing.T, method, uri string, body []byte, serial string) (int, http.Header, []byte) {
	t.Helper()
	var nonce [16]byte
	_, _ = rand.Read(nonce[:])
	ns := hex.EncodeToString(nonce[:])
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	digest := sha256.Sum256([]byte(method + "\n" + uri + "\n" + ts + "\n" + ns + "\n" + string(body) + "\n"))
	sig, err := rsa.SignPKCS1v15(nil, c.key, crypto.SHA256, digest[:])
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(t.Context(), method, c.base+uri, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", `WECHATPAY2-SHA256-RSA2048 mchid="`+c.mchID+`",nonce_str="`+ns+
		`",signature="`+base64.StdEncoding.EncodeToString(sig)+`",timestamp="`+ts+`",serial_no="`+c.serial+`"`)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if serial != "" {
		req.Header.Set("Wechatpay-Serial", serial)
	}
	resp, err := c.hc.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, got
}

// verify checks an answer's signature with the WeChat Pay public key of
// the credentials file, the only key this client holds.
func (c *protocolClient) verify(t *testing.T, h http.Header, body []byte) {
	t.Helper()
	require.Equal(t, c.pubKeyID, h.Get("Wechatpay-Serial"), "the answer names a key this client does not hold")
	ts := h.Get("Wechatpay-Timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	require.NoError(t, err)
	require.InDelta(t, time.Now().Unix(), sec, 300)
	sig, err := base64.StdEncoding.DecodeString(h.Get("Wechatpay-Signature"))
	require.NoError(t, err)
	digest := sha256.Sum256([]byte(ts + "\n" + h.Get("Wechatpay-Nonce") + "\n" + string(body) + "\n"))
	require.NoError(t, rsa.VerifyPKCS1v15(c.pubKey, crypto.SHA256, digest[:], sig), "answer signature")
}

// TestProtocolClientVerifiesEveryAnswer: in the default key mode, a client
// configured from the sandbox's credentials.json with nothing but the
// public key verifies every answer of every built-in v3 endpoint, success
// and error alike, whether or not it sends a Wechatpay-Serial. Only 401
// SIGN_ERROR is unsigned, as at WeChat Pay.
func TestProtocolClientVerifiesEveryAnswer(t *testing.T) {
	srv := sdktest.NewServer(t)
	path, err := srv.WriteCredentials(t.TempDir())
	require.NoError(t, err)
	c := newProtocolClient(t, path)
	require.False(t, c.hasCertFile, "a merchant of the public key has no platform certificate")

	reduction := func(bal string) string {
		return "/v3/aggracct-bc/wb-channel/special-reduction/" + wechatpaytest.SeedReductionNo + "?" +
			url.Values{"mchid": {c.mchID}, "bal_account_no": {bal}}.Encode()
	}
	profitSharing := func(no string) string {
		return "/v3/global/profit-sharing/orders/" + no + "?" +
			url.Values{"sub_mchid": {wechatpaytest.SeedSubMchID}, "transaction_id": {wechatpaytest.SeedTransactionID}}.Encode()
	}
	punish, err := json.Marshal(map[string]any{"out_request_no": "PROTO-1", "mchid": c.mchID,
		"bal_account_no": c.encrypt(t, wechatpaytest.SeedBalAccountNo), "punish_scene": 1, "punish_reason": "protocol test"})
	require.NoError(t, err)

	for _, tt := range []struct {
		name   string
		method string
		uri    string
		body   []byte
		serial string // sent only with an encrypted field
		status int
	}{
		{"profit sharing", http.MethodGet, profitSharing(wechatpaytest.SeedOutOrderNo), nil, "", 200},
		{"profit sharing unknown", http.MethodGet, profitSharing("NO-SUCH-ORDER"), nil, "", 404},
		{"profit sharing bad id", http.MethodGet, profitSharing("bad*id"), nil, "", 400},
		{"special reduction", http.MethodGet, reduction(c.encrypt(t, wechatpaytest.SeedBalAccountNo)), nil, c.pubKeyID, 200},
		{"special reduction other ledger", http.MethodGet, reduction(c.encrypt(t, "other")), nil, c.pubKeyID, 404},
		{"special reduction without serial", http.MethodGet, reduction(c.encrypt(t, wechatpaytest.SeedBalAccountNo)), nil, "", 400},
		{"punish", http.MethodPost, "/v3/aggracct-bc/wb-channel/control-orders/punish", punish, c.pubKeyID, 200},
		{"punish reentry", http.MethodPost, "/v3/aggracct-bc/wb-channel/control-orders/punish", punish, c.pubKeyID, 200},
		{"punish bad JSON", http.MethodPost, "/v3/aggracct-bc/wb-channel/control-orders/punish", []byte(`{`), "", 400},
		{"certificates", http.MethodGet, "/v3/certificates", nil, "", 404},
		{"certificates naming the public key", http.MethodGet, "/v3/certificates", nil, c.pubKeyID, 404},
		{"unknown path", http.MethodGet, "/v3/no/such/api", nil, "", 404},
		{"wrong method", http.MethodPost, "/v3/certificates", []byte(`{}`), "", 405},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, h, body := c.do(t, tt.method, tt.uri, tt.body, tt.serial)
			require.Equal(t, tt.status, status, string(body))
			c.verify(t, h, body)
		})
	}

	t.Run("a platform serial does not change the key", func(t *testing.T) {
		status, h, body := c.do(t, http.MethodGet, profitSharing(wechatpaytest.SeedOutOrderNo), nil, srv.PlatformSerial())
		require.Equal(t, 200, status)
		c.verify(t, h, body)
	})

	t.Run("401 is unsigned", func(t *testing.T) {
		stale := *c
		stale.serial = "0000"
		status, h, _ := stale.do(t, http.MethodGet, profitSharing(wechatpaytest.SeedOutOrderNo), nil, "")
		require.Equal(t, 401, status)
		require.Empty(t, h.Get("Wechatpay-Signature"))
	})
}
