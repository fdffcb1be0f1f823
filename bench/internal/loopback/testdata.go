// Package loopback is the benchmarks' WeChat Pay stand-in: a loopback TLS
// server that answers every route with a response signed ahead of time, so
// that the server costs next to nothing and the figures measure the client.
// It also loads the committed test keys and vectors the benchmarks share.
package loopback

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
)

// Testdata holds the committed test identities (TEST KEYS ONLY) and the
// vectors the benchmarks replay.
type Testdata struct {
	// Dir is the testdata directory the files were read from.
	Dir string
	// MchID is the test merchant number.
	MchID string
	// AppID is an appid for v2 calls.
	AppID string
	// MerchantSerial is the merchant certificate's serial.
	MerchantSerial string
	// MerchantKeyPEM is the merchant private key as stored (PKCS#8 PEM).
	MerchantKeyPEM []byte
	// MerchantKey is the parsed merchant private key.
	MerchantKey *rsa.PrivateKey
	// MerchantCert is the merchant API certificate (also the v2 mTLS
	// client certificate).
	MerchantCert *x509.Certificate
	// MerchantCertPEM is MerchantCert as stored.
	MerchantCertPEM []byte
	// PubKeyID is the id of the WeChat Pay public key.
	PubKeyID string
	// WechatpayPubPEM is the WeChat Pay public key as stored.
	WechatpayPubPEM []byte
	// WechatpayPub is the parsed WeChat Pay public key.
	WechatpayPub *rsa.PublicKey
	// WechatpayKey is the private half of WechatpayPub: it signs responses.
	WechatpayKey *rsa.PrivateKey
	// APIv3Key and APIv2Key are the test API keys.
	APIv3Key, APIv2Key string
	// BalAccountNo is the plaintext ledger number of the OAEP vectors.
	BalAccountNo string
	// BalAccountForMerchant is the committed OAEP ciphertext of
	// BalAccountNo for the merchant key: what WeChat Pay puts in responses.
	BalAccountForMerchant string
	// BalAccountForWechatpay is the committed OAEP ciphertext of
	// BalAccountNo for the WeChat Pay public key: what requests carry.
	BalAccountForWechatpay string
	// V2ReplyXML is the signed (MD5) red-packet query reply.
	V2ReplyXML []byte
	// V2ReplyBillNo and V2ReplyMchID are the bill number and merchant
	// number that V2ReplyXML carries.
	V2ReplyBillNo, V2ReplyMchID string
	// Notification is the signed callback vector.
	Notification NotificationVector
}

// NotificationVector is a signed, encrypted callback and the time at which
// its signature is fresh.
type NotificationVector struct {
	// Now is a Unix time within the signature's window.
	Now int64
	// Header holds the Wechatpay-* headers.
	Header map[string]string
	// Body is the exact callback body.
	Body []byte
}

type vectorsFile struct {
	Identities struct {
		Merchant struct {
			MchID  string `json:"mchid"`
			Serial string `json:"certificate_serial_no"`
		} `json:"merchant"`
		PublicKey struct {
			ID string `json:"public_key_id"`
		} `json:"wechatpay_public_key"`
		APIv3Key string `json:"apiv3_key"`
		APIv2Key string `json:"apiv2_key"`
	} `json:"identities"`
	RSAOAEP []struct {
		Name      string `json:"name"`
		Plaintext string `json:"plaintext"`
	} `json:"rsa_oaep"`
	V2 struct {
		Responses []struct {
			Name   string            `json:"name"`
			XML    string            `json:"xml"`
			Fields map[string]string `json:"fields"`
		} `json:"responses"`
		RequestXML struct {
			Params map[string]string `json:"params"`
		} `json:"request_xml"`
	} `json:"v2_queryworkwxredpack"`
	Notification struct {
		Now     int64             `json:"now"`
		Headers map[string]string `json:"headers"`
		Body    string            `json:"body"`
	} `json:"v3_notification"`
}

// LoadTestdata reads the committed test keys and vectors from dir (the
// module's testdata directory).
func LoadTestdata(dir string) (*Testdata, error) {
	var v vectorsFile
	if err := readJSON(dir, "vectors.json", &v); err != nil {
		return nil, err
	}
	td, err := v.testdata(dir)
	if err != nil {
		return nil, err
	}
	var ciphers map[string]string
	if err := readJSON(dir, "oaep_ciphertexts.json", &ciphers); err != nil {
		return nil, err
	}
	td.BalAccountForMerchant = ciphers["bal_account_no_for_merchant"]
	td.BalAccountForWechatpay = ciphers["bal_account_no_for_wechatpay_pubkey"]
	if err := td.loadKeys(); err != nil {
		return nil, err
	}
	return td, nil
}

// testdata returns the identities and vectors of v, read from dir.
func (v *vectorsFile) testdata(dir string) (*Testdata, error) {
	td := &Testdata{
		Dir:            dir,
		MchID:          v.Identities.Merchant.MchID,
		AppID:          v.V2.RequestXML.Params["appid"],
		MerchantSerial: v.Identities.Merchant.Serial,
		PubKeyID:       v.Identities.PublicKey.ID,
		APIv3Key:       v.Identities.APIv3Key,
		APIv2Key:       v.Identities.APIv2Key,
		Notification: NotificationVector{
			Now:    v.Notification.Now,
			Header: v.Notification.Headers,
			Body:   []byte(v.Notification.Body),
		},
	}
	for _, r := range v.RSAOAEP {
		if r.Name == "bal_account_no_for_merchant" {
			td.BalAccountNo = r.Plaintext
		}
	}
	for _, r := range v.V2.Responses {
		if r.Name == "success_signed_md5" {
			td.V2ReplyXML = []byte(r.XML)
			td.V2ReplyBillNo, td.V2ReplyMchID = r.Fields["mch_billno"], r.Fields["mch_id"]
		}
	}
	if td.BalAccountNo == "" || td.V2ReplyXML == nil {
		return nil, fmt.Errorf("loopback: vectors.json lacks the OAEP or v2 reply vector")
	}
	return td, nil
}

// loadKeys reads and parses the merchant's and WeChat Pay's test keys and
// the merchant certificate from td.Dir.
func (td *Testdata) loadKeys() (err error) {
	if td.MerchantKeyPEM, td.MerchantKey, err = loadPEM(td.Dir, "merchant_test_key.pem", "merchant key", wxcrypto.LoadPrivateKey); err != nil {
		return err
	}
	if td.MerchantCertPEM, td.MerchantCert, err = loadPEM(td.Dir, "merchant_test_cert.pem", "merchant certificate", wxcrypto.LoadCertificate); err != nil {
		return err
	}
	if td.WechatpayPubPEM, td.WechatpayPub, err = loadPEM(td.Dir, "wechatpay_pubkey_test.pem", "WeChat Pay public key", wxcrypto.LoadPublicKey); err != nil {
		return err
	}
	_, td.WechatpayKey, err = loadPEM(td.Dir, "wechatpay_pubkey_test_key.pem", "WeChat Pay private key", wxcrypto.LoadPrivateKey)
	return err
}

// readFile returns the content of the file name of dir.
func readFile(dir, name string) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return nil, fmt.Errorf("loopback: %w", err)
	}
	return b, nil
}

// readJSON decodes the JSON file name of dir into v.
func readJSON(dir, name string, v any) error {
	raw, err := readFile(dir, name)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("loopback: %s: %w", name, err)
	}
	return nil
}

// loadPEM returns the PEM file name of dir as stored and as parse reads
// it; what names its content in a parse error.
func loadPEM[T any](dir, name, what string, parse func([]byte) (T, error)) (pemBytes []byte, v T, err error) {
	if pemBytes, err = readFile(dir, name); err != nil {
		return nil, v, err
	}
	if v, err = parse(pemBytes); err != nil {
		return nil, v, fmt.Errorf("loopback: %s: %w", what, err)
	}
	return pemBytes, v, nil
}
