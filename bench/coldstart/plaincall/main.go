// Command plaincall is the standard-library side of the cold-start
// measurement: the same keys from the same PEM files and the same signed,
// verified profit-sharing query, written with net/http and crypto/rsa only
// (the JSON answer is decoded into a small struct).
package main

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/gowechatpay/wechatpay/bench/coldstart/internal/call"
)

func main() {
	call.Main("plaincall", run)
}

// run makes the query of cfg with the standard library and checks the
// order in its verified answer.
func run(ctx context.Context, cfg *call.Config) error {
	key, err := loadPEM[*rsa.PrivateKey](cfg.KeyFile, x509.ParsePKCS8PrivateKey, "an RSA key")
	if err != nil {
		return err
	}
	pub, err := loadPEM[*rsa.PublicKey](cfg.PubFile, x509.ParsePKIXPublicKey, "an RSA public key")
	if err != nil {
		return err
	}
	pool, err := cfg.RootCAs()
	if err != nil {
		return err
	}
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	body, err := queryOrder(ctx, hc, cfg, key, pub)
	if err != nil {
		return err
	}
	var out struct {
		OutOrderNo string `json:"out_order_no"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return err
	}
	if out.OutOrderNo != cfg.OutOrderNo {
		return errors.New("wrong order in the answer")
	}
	return nil
}

// loadPEM parses, with parse, the first PEM block of the file at path into
// a T; what describes a T for the error if the block holds something else.
func loadPEM[T any](path string, parse func([]byte) (any, error), what string) (T, error) {
	var zero T
	raw, err := os.ReadFile(path)
	if err != nil {
		return zero, err
	}
	b, _ := pem.Decode(raw)
	if b == nil {
		return zero, errors.New("no PEM block in " + path)
	}
	k, err := parse(b.Bytes)
	if err != nil {
		return zero, err
	}
	v, ok := k.(T)
	if !ok {
		return zero, errors.New("not " + what)
	}
	return v, nil
}

// queryOrder makes the signed GET of cfg's order and returns the answer's
// body once its signature is verified with pub.
func queryOrder(ctx context.Context, hc *http.Client, cfg *call.Config, key *rsa.PrivateKey, pub *rsa.PublicKey) ([]byte, error) {
	uri := "/v3/global/profit-sharing/orders/" + url.PathEscape(cfg.OutOrderNo) + "?" +
		url.Values{"sub_mchid": {cfg.SubMchID}, "transaction_id": {cfg.TransactionID}}.Encode()
	auth, err := authorization(cfg, key, http.MethodGet, uri)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, cfg.URL+uri, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Wechatpay-Serial", cfg.PubID)
	req.Header.Set("Authorization", auth)
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	if err := verify(pub, resp.Header, body); err != nil {
		return nil, err
	}
	return body, nil
}

// authorization returns the Authorization header of a body-less request
// for uri: the merchant's SHA256-RSA signature over a fresh timestamp and
// nonce.
func authorization(cfg *call.Config, key *rsa.PrivateKey, method, uri string) (string, error) {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	var raw [16]byte
	_, _ = rand.Read(raw[:])
	nonce := hex.EncodeToString(raw[:])
	digest := sha256.Sum256([]byte(method + "\n" + uri + "\n" + ts + "\n" + nonce + "\n\n"))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil {
		return "", err
	}
	return `WECHATPAY2-SHA256-RSA2048 mchid="` + cfg.MchID + `",nonce_str="` + nonce + `",timestamp="` + ts +
		`",serial_no="` + cfg.Serial + `",signature="` + base64.StdEncoding.EncodeToString(sig) + `"`, nil
}

// verify checks the WeChat Pay signature of an answer's body.
func verify(pub *rsa.PublicKey, h http.Header, body []byte) error {
	sig, err := base64.StdEncoding.DecodeString(h.Get("Wechatpay-Signature"))
	if err != nil {
		return err
	}
	digest := sha256.Sum256([]byte(h.Get("Wechatpay-Timestamp") + "\n" + h.Get("Wechatpay-Nonce") + "\n" + string(body) + "\n"))
	return rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig)
}
