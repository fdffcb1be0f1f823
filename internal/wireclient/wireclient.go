// Package wireclient is a WeChat Pay v3 client written from the wire
// protocol alone, with no code of the SDK: net/http, crypto/rsa,
// crypto/aes and a credentials.json, as a merchant using another
// language's SDK would configure it. The tests use it to show that the
// emulator and the sandbox serve such a merchant; it imports nothing of
// this module.
package wireclient

import (
	"bytes"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
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
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Client holds what a credentials.json gives a merchant's own client.
type Client struct {
	BaseURL, MchID, AppID string
	// Serial is the merchant certificate serial sent in Authorization.
	Serial string
	// PubKeyID names the WeChat Pay public key, the only key this client
	// verifies with.
	PubKeyID string
	// HasCertFile says the credentials name platform certificates.
	HasCertFile bool
	apiV3Key    []byte
	key         *rsa.PrivateKey
	pubKey      *rsa.PublicKey
	hc          *http.Client
}

// credentials are the fields of credentials.json this client reads.
type credentials struct {
	BaseURL                  string   `json:"base_url"`
	CAFile                   string   `json:"ca_file"`
	MchID                    string   `json:"mchid"`
	AppID                    string   `json:"appid"`
	MerchantSerialNo         string   `json:"merchant_serial_no"`
	MerchantPrivateKeyFile   string   `json:"merchant_private_key_file"`
	WechatpayPublicKeyID     string   `json:"wechatpay_public_key_id"`
	WechatpayPublicKeyFile   string   `json:"wechatpay_public_key_file"`
	PlatformCertificateFiles []string `json:"platform_certificate_files"`
	APIv3Key                 string   `json:"apiv3_key"`
}

// New reads credPath and the PEM files it names.
func New(t testing.TB, credPath string) *Client {
	t.Helper()
	data, err := os.ReadFile(credPath)
	require.NoError(t, err)
	var cr credentials
	require.NoError(t, json.Unmarshal(data, &cr))
	block := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(filepath.Dir(credPath), name))
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
	return &Client{BaseURL: cr.BaseURL, MchID: cr.MchID, AppID: cr.AppID, Serial: cr.MerchantSerialNo,
		PubKeyID: cr.WechatpayPublicKeyID, HasCertFile: len(cr.PlatformCertificateFiles) > 0,
		apiV3Key: []byte(cr.APIv3Key), key: k.(*rsa.PrivateKey), pubKey: pub.(*rsa.PublicKey),
		hc: &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}}}}
}

// Encrypt is RSA-OAEP (SHA-1) with the WeChat Pay public key, base64.
func (c *Client) Encrypt(t testing.TB, plain string) string {
	t.Helper()
	ct, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, c.pubKey, []byte(plain), nil)
	require.NoError(t, err)
	return base64.StdEncoding.EncodeToString(ct)
}

// Do signs one request (WECHATPAY2-SHA256-RSA2048 over
// method\nuri\ntimestamp\nnonce\nbody\n), sends it with Wechatpay-Serial set
// to serial unless empty, and returns the status, headers and body of the
// answer, unverified (see Verify).
func (c *Client) Do(t testing.TB, method, uri string, body []byte, serial string) (int, http.Header, []byte) {
	t.Helper()
	var nonce [16]byte
	_, _ = rand.Read(nonce[:])
	ns := hex.EncodeToString(nonce[:])
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	digest := sha256.Sum256([]byte(method + "\n" + uri + "\n" + ts + "\n" + ns + "\n" + string(body) + "\n"))
	sig, err := rsa.SignPKCS1v15(nil, c.key, crypto.SHA256, digest[:])
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(t.Context(), method, c.BaseURL+uri, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", `WECHATPAY2-SHA256-RSA2048 mchid="`+c.MchID+`",nonce_str="`+ns+
		`",signature="`+base64.StdEncoding.EncodeToString(sig)+`",timestamp="`+ts+`",serial_no="`+c.Serial+`"`)
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

// Verify checks the signature of an answer or a callback
// (timestamp\nnonce\nbody\n) with the WeChat Pay public key of the
// credentials file, and that its timestamp is within 5 minutes.
func (c *Client) Verify(t testing.TB, h http.Header, body []byte) {
	t.Helper()
	require.Equal(t, c.PubKeyID, h.Get("Wechatpay-Serial"), "signed with a key this client does not hold")
	ts := h.Get("Wechatpay-Timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	require.NoError(t, err)
	require.InDelta(t, time.Now().Unix(), sec, 300)
	sig, err := base64.StdEncoding.DecodeString(h.Get("Wechatpay-Signature"))
	require.NoError(t, err)
	digest := sha256.Sum256([]byte(ts + "\n" + h.Get("Wechatpay-Nonce") + "\n" + string(body) + "\n"))
	require.NoError(t, rsa.VerifyPKCS1v15(c.pubKey, crypto.SHA256, digest[:], sig), "signature")
}

// Decrypt opens a callback's resource (AEAD_AES_256_GCM with the APIv3
// key) and returns its event_type and plaintext.
func (c *Client) Decrypt(t testing.TB, body []byte) (eventType string, plain []byte) {
	t.Helper()
	var n struct {
		EventType string `json:"event_type"`
		Resource  struct {
			Algorithm      string `json:"algorithm"`
			Ciphertext     string `json:"ciphertext"`
			AssociatedData string `json:"associated_data"`
			Nonce          string `json:"nonce"`
		} `json:"resource"`
	}
	require.NoError(t, json.Unmarshal(body, &n))
	require.Equal(t, "AEAD_AES_256_GCM", n.Resource.Algorithm)
	block, err := aes.NewCipher(c.apiV3Key)
	require.NoError(t, err)
	gcm, err := cipher.NewGCM(block)
	require.NoError(t, err)
	ct, err := base64.StdEncoding.DecodeString(n.Resource.Ciphertext)
	require.NoError(t, err)
	plain, err = gcm.Open(nil, []byte(n.Resource.Nonce), ct, []byte(n.Resource.AssociatedData))
	require.NoError(t, err)
	return n.EventType, plain
}
