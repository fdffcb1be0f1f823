package main

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
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay/internal/sdktest"
)

// wireClient is a v3 client written from the wire protocol alone, with no
// code of the SDK: net/http, crypto/rsa, crypto/aes and the sandbox's
// credentials.json, as a merchant testing from another language would
// write it.
type wireClient struct {
	base, mchID, appID, serial, pubKeyID string
	apiV3Key                             []byte
	key                                  *rsa.PrivateKey
	pubKey                               *rsa.PublicKey
	hc                                   *http.Client
}

// newWireClient reads credPath and the PEM files it names.
func newWireClient(t *testing.T, credPath string) *wireClient {
	t.Helper()
	data, err := os.ReadFile(credPath)
	require.NoError(t, err)
	var cr struct {
		BaseURL                string `json:"base_url"`
		CAFile                 string `json:"ca_file"`
		MchID                  string `json:"mchid"`
		AppID                  string `json:"appid"`
		MerchantSerialNo       string `json:"merchant_serial_no"`
		MerchantPrivateKeyFile string `json:"merchant_private_key_file"`
		WechatpayPublicKeyID   string `json:"wechatpay_public_key_id"`
		WechatpayPublicKeyFile string `json:"wechatpay_public_key_file"`
		APIv3Key               string `json:"apiv3_key"`
	}
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
	require.Len(t, cr.APIv3Key, 32)
	return &wireClient{base: cr.BaseURL, mchID: cr.MchID, appID: cr.AppID, serial: cr.MerchantSerialNo,
		pubKeyID: cr.WechatpayPublicKeyID, apiV3Key: []byte(cr.APIv3Key), key: k.(*rsa.PrivateKey), pubKey: pub.(*rsa.PublicKey),
		hc: &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}}}}
}

// encrypt is RSA-OAEP (SHA-1) with the WeChat Pay public key, base64.
func (c *wireClient) encrypt(t *testing.T, plain string) string {
	t.Helper()
	ct, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, c.pubKey, []byte(plain), nil)
	require.NoError(t, err)
	return base64.StdEncoding.EncodeToString(ct)
}

// do signs and sends one request (WECHATPAY2-SHA256-RSA2048 over
// method\nuri\ntimestamp\nnonce\nbody\n; Wechatpay-Serial names the public
// key, for user_name), verifies the answer's signature and returns its
// status and body.
func (c *wireClient) do(t *testing.T, method, uri string, body []byte) (int, []byte) {
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
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Wechatpay-Serial", c.pubKeyID)
	resp, err := c.hc.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	c.verify(t, resp.Header, got)
	return resp.StatusCode, got
}

// verify checks the signature of an answer or a callback with the WeChat
// Pay public key of the credentials file, the only key this client holds.
func (c *wireClient) verify(t *testing.T, h http.Header, body []byte) {
	t.Helper()
	require.Equal(t, c.pubKeyID, h.Get("Wechatpay-Serial"), "signed with a key this client does not hold")
	ts := h.Get("Wechatpay-Timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	require.NoError(t, err)
	require.InDelta(t, time.Now().Unix(), sec, 300)
	sig, err := base64.StdEncoding.DecodeString(h.Get("Wechatpay-Signature"))
	require.NoError(t, err)
	digest := sha256.Sum256([]byte(ts + "\n" + h.Get("Wechatpay-Nonce") + "\n" + string(body) + "\n"))
	require.NoError(t, rsa.VerifyPKCS1v15(c.pubKey, crypto.SHA256, digest[:], sig), "signature")
}

// decrypt opens a callback's resource: AES-256-GCM with the APIv3 key.
func (c *wireClient) decrypt(t *testing.T, body []byte) (eventType string, plain []byte) {
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

// callback is one delivery to the merchant's notify_url.
type callback struct {
	header http.Header
	body   []byte
}

// startNotifyURL serves a merchant's notify_url over TLS with a
// self-signed certificate: each delivery goes to the channel, and is
// acknowledged 204. It returns the URL and the PEM file of its CA.
func startNotifyURL(t *testing.T) (url, caFile string, got <-chan callback) {
	t.Helper()
	ch := make(chan callback, 8)
	hs := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, `{"code":"FAIL","message":"read"}`, http.StatusBadRequest)
			return
		}
		ch <- callback{r.Header.Clone(), body}
		w.WriteHeader(http.StatusNoContent)
	}))
	hs.Config.ErrorLog = log.New(io.Discard, "", 0)
	hs.StartTLS()
	t.Cleanup(hs.Close)
	caFile = filepath.Join(t.TempDir(), "notify_ca.pem")
	require.NoError(t, os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: hs.Certificate().Raw}), 0o600))
	return hs.URL + "/transfer/notify", caFile, ch
}

// createBill creates a bill of 3,000 yuan (user_name required) whose
// callbacks go to notifyURL, and returns its transfer_bill_no.
func (c *wireClient) createBill(t *testing.T, no, notifyURL string) string {
	t.Helper()
	body, err := json.Marshal(map[string]any{"appid": c.appID, "out_bill_no": no, "transfer_scene_id": "1000",
		"openid": "o-plain", "transfer_amount": 300000, "transfer_remark": "新会员开户有礼", "user_name": c.encrypt(t, "张三"),
		"notify_url": notifyURL, "user_recv_perception": "现金奖励",
		"transfer_scene_report_infos": []map[string]string{{"info_type": "活动名称", "info_content": "新会员有礼"}, {"info_type": "奖励说明", "info_content": "注册会员抽奖一等奖"}}})
	require.NoError(t, err)
	status, answer := c.do(t, http.MethodPost, "/v3/fund-app/mch-transfer/transfer-bills", body)
	require.Equal(t, http.StatusOK, status, string(answer))
	var created struct {
		OutBillNo      string `json:"out_bill_no"`
		TransferBillNo string `json:"transfer_bill_no"`
		State          string `json:"state"`
		PackageInfo    string `json:"package_info"`
	}
	require.NoError(t, json.Unmarshal(answer, &created))
	require.Equal(t, no, created.OutBillNo)
	require.Equal(t, "WAIT_USER_CONFIRM", created.State)
	require.NotEmpty(t, created.TransferBillNo)
	require.NotEmpty(t, created.PackageInfo)
	return created.TransferBillNo
}

// A client written from the protocol alone, configured from the sandbox's
// credentials.json, creates a transfer bill (user_name encrypted by
// itself), has it confirmed with `wechatpay-sandbox transfer confirm`,
// receives MCHTRANSFER.BILL.FINISHED on its own HTTPS notify_url, verifies
// and decrypts it itself, and queries the bill by out_bill_no.
func TestProtocolClientTransferBill(t *testing.T) {
	notifyURL, notifyCA, callbacks := startNotifyURL(t)
	dir := t.TempDir()
	sb := startSandbox(t, dir, "-notify-ca", notifyCA)
	c := newWireClient(t, sb.credPath())

	transferBillNo := c.createBill(t, "PLAIN1", notifyURL)

	var stdout, stderr sdktest.Buffer
	require.NoError(t, run([]string{"transfer", "confirm", "-dir", dir, "PLAIN1"}, &stdout, &stderr, nil), stderr.String())

	var cb callback
	select {
	case cb = <-callbacks:
	case <-time.After(30 * time.Second):
		t.Fatalf("no callback within 30s; sandbox log:\n%s", sb.stderr.String())
	}
	c.verify(t, cb.header, cb.body)
	event, plain := c.decrypt(t, cb.body)
	require.Equal(t, "MCHTRANSFER.BILL.FINISHED", event)
	var finished struct {
		OutBillNo      string `json:"out_bill_no"`
		TransferBillNo string `json:"transfer_bill_no"`
		State          string `json:"state"`
		MchID          string `json:"mch_id"`
		Amount         int64  `json:"transfer_amount"`
		OpenID         string `json:"openid"`
	}
	require.NoError(t, json.Unmarshal(plain, &finished))
	require.Equal(t, "PLAIN1", finished.OutBillNo)
	require.Equal(t, transferBillNo, finished.TransferBillNo)
	require.Equal(t, "SUCCESS", finished.State)
	require.Equal(t, c.mchID, finished.MchID)
	require.Equal(t, int64(300000), finished.Amount)
	require.Equal(t, "o-plain", finished.OpenID)

	status, answer := c.do(t, http.MethodGet, "/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/PLAIN1", nil)
	require.Equal(t, http.StatusOK, status, string(answer))
	var queried struct {
		OutBillNo      string `json:"out_bill_no"`
		TransferBillNo string `json:"transfer_bill_no"`
		State          string `json:"state"`
		Amount         int64  `json:"transfer_amount"`
	}
	require.NoError(t, json.Unmarshal(answer, &queried))
	require.Equal(t, "PLAIN1", queried.OutBillNo)
	require.Equal(t, transferBillNo, queried.TransferBillNo)
	require.Equal(t, "SUCCESS", queried.State)
	require.Equal(t, int64(300000), queried.Amount)
}
