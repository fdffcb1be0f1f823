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
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"time"
)

func main() {
	if err := run(context.Background(), os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "plaincall:", err)
		os.Exit(1)
	}
}

func readPEM(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	b, _ := pem.Decode(raw)
	if b == nil {
		return nil, errors.New("no PEM block in " + path)
	}
	return b.Bytes, nil
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("plaincall", flag.ContinueOnError)
	base := fs.String("url", "", "server base URL")
	caFile := fs.String("ca", "", "PEM file of the server's CA")
	keyFile := fs.String("key", "", "merchant private key PEM (PKCS#8)")
	pubFile := fs.String("pub", "", "WeChat Pay public key PEM")
	mchID := fs.String("mchid", "", "merchant number")
	serial := fs.String("serial", "", "merchant certificate serial")
	pubID := fs.String("pubid", "", "WeChat Pay public key id")
	order := fs.String("order", "", "out_order_no")
	sub := fs.String("sub", "", "sub_mchid")
	tx := fs.String("tx", "", "transaction_id")
	if err := fs.Parse(args); err != nil {
		return err
	}
	der, err := readPEM(*keyFile)
	if err != nil {
		return err
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return err
	}
	key, ok := k.(*rsa.PrivateKey)
	if !ok {
		return errors.New("not an RSA key")
	}
	if der, err = readPEM(*pubFile); err != nil {
		return err
	}
	p, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return err
	}
	pub, ok := p.(*rsa.PublicKey)
	if !ok {
		return errors.New("not an RSA public key")
	}
	caPEM, err := os.ReadFile(*caFile)
	if err != nil {
		return err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return errors.New("no CA certificate in " + *caFile)
	}
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}

	uri := "/v3/global/profit-sharing/orders/" + url.PathEscape(*order) + "?" +
		url.Values{"sub_mchid": {*sub}, "transaction_id": {*tx}}.Encode()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	var raw [16]byte
	_, _ = rand.Read(raw[:])
	nonce := hex.EncodeToString(raw[:])
	digest := sha256.Sum256([]byte("GET\n" + uri + "\n" + ts + "\n" + nonce + "\n\n"))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *base+uri, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Wechatpay-Serial", *pubID)
	req.Header.Set("Authorization", `WECHATPAY2-SHA256-RSA2048 mchid="`+*mchID+`",nonce_str="`+nonce+`",timestamp="`+ts+
		`",serial_no="`+*serial+`",signature="`+base64.StdEncoding.EncodeToString(sig)+`"`)
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	rsig, err := base64.StdEncoding.DecodeString(resp.Header.Get("Wechatpay-Signature"))
	if err != nil {
		return err
	}
	rd := sha256.Sum256([]byte(resp.Header.Get("Wechatpay-Timestamp") + "\n" + resp.Header.Get("Wechatpay-Nonce") + "\n" + string(body) + "\n"))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, rd[:], rsig); err != nil {
		return err
	}
	var out struct {
		OutOrderNo string `json:"out_order_no"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return err
	}
	if out.OutOrderNo != *order {
		return errors.New("wrong order in the answer")
	}
	return nil
}
