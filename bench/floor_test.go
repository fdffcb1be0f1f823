package bench

// The floor: what any client of the v3 protocol must do, with the standard
// library only and nothing else. Figures of the SDK are read as ratios of
// these.

import (
	"bytes"
	"context"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gowechatpay/wechatpay/bench/internal/loopback"
)

// floor is a minimal standard-library v3 client.
type floor struct {
	td     *loopback.Testdata
	hc     *http.Client
	base   string
	serial string // Wechatpay-Serial request header value
}

func newFloor(e *env, srv *loopback.Remote) *floor {
	return &floor{td: e.td, hc: &http.Client{Transport: floorTransport(srv, nil)}, base: srv.URL, serial: e.td.PubKeyID}
}

func floorNonce() string {
	var raw [16]byte
	_, _ = rand.Read(raw[:])
	return hex.EncodeToString(raw[:])
}

// authorization signs a request: one RSA-2048 PKCS#1 v1.5 SHA-256
// signature of the five-line message.
func (f *floor) authorization(method, uri string, body []byte) (string, error) {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	nonce := floorNonce()
	msg := method + "\n" + uri + "\n" + ts + "\n" + nonce + "\n" + string(body) + "\n"
	digest := sha256.Sum256([]byte(msg))
	sig, err := rsa.SignPKCS1v15(rand.Reader, f.td.MerchantKey, crypto.SHA256, digest[:])
	if err != nil {
		return "", err
	}
	return `WECHATPAY2-SHA256-RSA2048 mchid="` + f.td.MchID + `",nonce_str="` + nonce + `",timestamp="` + ts +
		`",serial_no="` + f.td.MerchantSerial + `",signature="` + base64.StdEncoding.EncodeToString(sig) + `"`, nil
}

// verify checks a response signature: one RSA public-key operation.
func verifyResponse(td *loopback.Testdata, h http.Header, body []byte) error {
	ts, nonce := h.Get("Wechatpay-Timestamp"), h.Get("Wechatpay-Nonce")
	sig, err := base64.StdEncoding.DecodeString(h.Get("Wechatpay-Signature"))
	if err != nil {
		return err
	}
	msg := make([]byte, 0, len(ts)+len(nonce)+len(body)+3)
	msg = append(append(append(append(append(append(msg, ts...), '\n'), nonce...), '\n'), body...), '\n')
	digest := sha256.Sum256(msg)
	return rsa.VerifyPKCS1v15(td.WechatpayPub, crypto.SHA256, digest[:], sig)
}

// do sends one signed v3 request and verifies the answer.
func (f *floor) do(ctx context.Context, method, uri string, body []byte) ([]byte, error) {
	auth, err := f.authorization(method, uri, body)
	if err != nil {
		return nil, err
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, f.base+uri, rd)
	if err != nil {
		return nil, err
	}
	req.Header["Authorization"] = []string{auth}
	req.Header["Accept"] = []string{"application/json"}
	req.Header["Wechatpay-Serial"] = []string{f.serial}
	if body != nil {
		req.Header["Content-Type"] = []string{"application/json"}
	}
	resp, err := f.hc.Do(req)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	return data, verifyResponse(f.td, resp.Header, data)
}

// profitSharingURI is the request-target of the generic GET: the
// profit-sharing order query.
var profitSharingURI = loopback.PathProfitSharing + "?" + url.Values{
	"sub_mchid": {loopback.SubMchID}, "transaction_id": {loopback.TransactionID},
}.Encode()

func (f *floor) get(ctx context.Context) error {
	_, err := f.do(ctx, http.MethodGet, profitSharingURI, nil)
	return err
}

// typedOrder is the order answer as the cheapest typed client on the
// standard library would declare it: plain fields, times as time.Time.
type typedOrder struct {
	SubMchID      string `json:"sub_mchid"`
	TransactionID string `json:"transaction_id"`
	OutOrderNo    string `json:"out_order_no"`
	OrderID       string `json:"order_id"`
	State         string `json:"state"`
	Receivers     []struct {
		Currency           string    `json:"currency"`
		Amount             int64     `json:"amount"`
		Description        string    `json:"description"`
		Type               string    `json:"type"`
		Account            string    `json:"account"`
		Result             string    `json:"result"`
		FailReason         string    `json:"fail_reason"`
		CreateTime         time.Time `json:"create_time"`
		FinishTime         time.Time `json:"finish_time"`
		DetailID           string    `json:"detail_id"`
		DetailType         string    `json:"detail_type"`
		SettlementCurrency string    `json:"settlement_currency"`
		SettlementAmount   int64     `json:"settlement_amount"`
		RateValue          int64     `json:"rate_value"`
	} `json:"receivers"`
}

// getTyped is get plus json.Unmarshal of the answer into typedOrder: not
// a floor of bench/run.sh's pairs (those decode nothing), the reference
// that tells the SDK's own cost from encoding/json's.
func (f *floor) getTyped(ctx context.Context) error {
	data, err := f.do(ctx, http.MethodGet, profitSharingURI, nil)
	if err != nil {
		return err
	}
	var o typedOrder
	if err := json.Unmarshal(data, &o); err != nil {
		return err
	}
	if len(o.Receivers) != 3 {
		return errors.New("bench: wrong order decoded")
	}
	return nil
}

// encrypt is one RSA-OAEP (SHA-1) encryption for the WeChat Pay key.
func (f *floor) encrypt(plain string) (string, error) {
	ct, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, f.td.WechatpayPub, []byte(plain), nil)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(ct), nil
}

// decrypt is one RSA-OAEP (SHA-1) decryption with the merchant key.
func (f *floor) decrypt(ct string) (string, error) {
	raw, err := base64.StdEncoding.DecodeString(ct)
	if err != nil {
		return "", err
	}
	plain, err := rsa.DecryptOAEP(sha1.New(), nil, f.td.MerchantKey, raw, nil)
	return string(plain), err
}

// decryptBalAccount decrypts the answer's bal_account_no (the committed
// ciphertext the server returns) and checks it.
func (f *floor) decryptBalAccount() error {
	plain, err := f.decrypt(f.td.BalAccountForMerchant)
	if err != nil {
		return err
	}
	if plain != f.td.BalAccountNo {
		return errors.New("decrypted the wrong value")
	}
	return nil
}

// getOAEP is the special-reduction query at the floor: encrypt the query
// field, sign, GET, verify, decrypt the answer's field (the committed
// ciphertext the server returns).
func (f *floor) getOAEP(ctx context.Context) error {
	ct, err := f.encrypt(f.td.BalAccountNo)
	if err != nil {
		return err
	}
	uri := loopback.PathSpecialReduction + "?bal_account_no=" + url.QueryEscape(ct) + "&mchid=" + f.td.MchID
	if _, err := f.do(ctx, http.MethodGet, uri, nil); err != nil {
		return err
	}
	return f.decryptBalAccount()
}

// postOAEP is the punish call at the floor: encrypt, build the JSON body,
// sign, POST, verify.
func (f *floor) postOAEP(ctx context.Context) error {
	ct, err := f.encrypt(f.td.BalAccountNo)
	if err != nil {
		return err
	}
	body := []byte(`{"out_request_no":"` + loopback.PunishNo + `","mchid":"` + f.td.MchID + `","bal_account_no":"` + ct +
		`","punish_scene":1,"punish_reason":"测试用管控原因","punish_end_time":"2025-12-31T23:59:59+08:00"}`)
	_, err = f.do(ctx, http.MethodPost, loopback.PathPunish, body)
	return err
}

// BenchmarkFloorCrypto is the cryptography of one v3 call: sign a typical
// signing message (the special-reduction GET) and verify a typical
// response signature.
func BenchmarkFloorCrypto(b *testing.B) {
	e := getEnv(b)
	msg := []byte("GET\n" + loopback.PathSpecialReduction + "?bal_account_no=" + url.QueryEscape(e.td.BalAccountForWechatpay) +
		"&mchid=" + e.td.MchID + "\n1760000000\nGh7xKp2LmQ9rT4vW8yZ1aB3cD5eF6gH0\n\n")
	body := loopback.SpecialReductionBody(e.td)
	respMsg := []byte("1760000000\n" + "6a1f4e9b2c7d8e3f0a5b6c1d2e7f8a9b\n" + string(body) + "\n")
	d := sha256.Sum256(respMsg)
	rawSig, err := rsa.SignPKCS1v15(nil, e.td.WechatpayKey, crypto.SHA256, d[:])
	if err != nil {
		b.Fatal(err)
	}
	respSig := base64.StdEncoding.EncodeToString(rawSig)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		digest := sha256.Sum256(msg)
		sig, err := rsa.SignPKCS1v15(rand.Reader, e.td.MerchantKey, crypto.SHA256, digest[:])
		if err != nil {
			b.Fatal(err)
		}
		_ = base64.StdEncoding.EncodeToString(sig)
		raw, err := base64.StdEncoding.DecodeString(respSig)
		if err != nil {
			b.Fatal(err)
		}
		rd := sha256.Sum256(respMsg)
		if err := rsa.VerifyPKCS1v15(e.td.WechatpayPub, crypto.SHA256, rd[:], raw); err != nil {
			b.Fatal(err)
		}
	}
}

func benchFloorHTTP(b *testing.B, srv *loopback.Remote, t *http.Transport, par bool) {
	defer t.CloseIdleConnections()
	call := floorHTTPGet(srv, t)
	bench(b, srv, par, call)
}

// floorHTTPGet is the GET of FloorHTTP: the profit-sharing route, body read.
func floorHTTPGet(srv *loopback.Remote, t *http.Transport) func(ctx context.Context) error {
	hc := &http.Client{Transport: t}
	target := srv.URL + profitSharingURI
	return func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
		if err != nil {
			return err
		}
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		_, err = io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		return err
	}
}

// BenchmarkFloorHTTP is a raw keep-alive GET of the profit-sharing route,
// body read.
func BenchmarkFloorHTTP(b *testing.B) {
	e := getEnv(b)
	benchFloorHTTP(b, e.v3, floorTransport(e.v3, nil), false)
}

// BenchmarkFloorHTTPParallel is BenchmarkFloorHTTP from 8 callers.
func BenchmarkFloorHTTPParallel(b *testing.B) {
	e := getEnv(b)
	benchFloorHTTP(b, e.v3, floorTransport(e.v3, nil), true)
}

// BenchmarkFloorHTTPStdDefaultParallel is BenchmarkFloorHTTPParallel with
// net/http's default idle limits (2 per host): what an untuned transport
// does with 8 callers. Its dials/op is the point.
func BenchmarkFloorHTTPStdDefaultParallel(b *testing.B) {
	e := getEnv(b)
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{RootCAs: e.v3.RootCAs()}
	benchFloorHTTP(b, e.v3, t, true)
}

func benchFloor(b *testing.B, srv *loopback.Remote, par bool, call func(f *floor, ctx context.Context) error) {
	f := newFloor(getEnv(b), srv)
	defer f.hc.CloseIdleConnections()
	bench(b, srv, par, func(ctx context.Context) error { return call(f, ctx) })
}

// BenchmarkFloorCombined is sign + GET + verify in one loop: the floor of a
// v3 GET without sensitive fields, the figure DoV3Get and QueryOrder are
// compared with.
func BenchmarkFloorCombined(b *testing.B) {
	benchFloor(b, getEnv(b).v3, false, (*floor).get)
}

// BenchmarkFloorCombinedParallel is BenchmarkFloorCombined from 8 callers.
func BenchmarkFloorCombinedParallel(b *testing.B) {
	benchFloor(b, getEnv(b).v3, true, (*floor).get)
}

// BenchmarkFloorCombinedPlain is BenchmarkFloorCombined over cleartext
// HTTP/1.1: the set-up of the memory target, without TLS records.
func BenchmarkFloorCombinedPlain(b *testing.B) {
	benchFloor(b, getEnv(b).plain, false, (*floor).get)
}

// BenchmarkFloorCombinedH2 is BenchmarkFloorCombined over HTTP/2.
func BenchmarkFloorCombinedH2(b *testing.B) {
	benchFloor(b, getEnv(b).v3h2, false, (*floor).get)
}

// BenchmarkFloorCombinedH2Parallel is BenchmarkFloorCombinedH2 from 8
// callers.
func BenchmarkFloorCombinedH2Parallel(b *testing.B) {
	benchFloor(b, getEnv(b).v3h2, true, (*floor).get)
}

// BenchmarkFloorCombinedOAEP is BenchmarkFloorCombined plus one OAEP
// encryption (the query field) and one OAEP decryption (the answer's
// field): the floor of QuerySpecialReduction.
func BenchmarkFloorCombinedOAEP(b *testing.B) {
	benchFloor(b, getEnv(b).v3, false, (*floor).getOAEP)
}

// BenchmarkFloorCombinedOAEPParallel is BenchmarkFloorCombinedOAEP from 8
// callers.
func BenchmarkFloorCombinedOAEPParallel(b *testing.B) {
	benchFloor(b, getEnv(b).v3, true, (*floor).getOAEP)
}

// BenchmarkFloorCombinedPostOAEP is one OAEP encryption, a JSON body,
// sign + POST + verify: the floor of Punish.
func BenchmarkFloorCombinedPostOAEP(b *testing.B) {
	benchFloor(b, getEnv(b).v3, false, (*floor).postOAEP)
}

// BenchmarkFloorCombinedPostOAEPParallel is BenchmarkFloorCombinedPostOAEP
// from 8 callers.
func BenchmarkFloorCombinedPostOAEPParallel(b *testing.B) {
	benchFloor(b, getEnv(b).v3, true, (*floor).postOAEP)
}

// v2Floor is a minimal standard-library APIv2 client: MD5 sign, XML by
// concatenation, POST over mutual TLS, XML parse, MD5 check.
type v2Floor struct {
	td   *loopback.Testdata
	hc   *http.Client
	url  string
	bare bool // no XML parse: MD5 over the raw reply instead of a check
}

// md5Sink keeps the bare floor's digest of the reply alive.
var md5Sink [md5.Size]byte

func v2StringToSign(params map[string]string, key string) string {
	keys := make([]string, 0, len(params))
	for k, v := range params {
		if k != "sign" && v != "" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var sb strings.Builder
	for _, k := range keys {
		sb.WriteString(k)
		sb.WriteByte('=')
		sb.WriteString(params[k])
		sb.WriteByte('&')
	}
	sb.WriteString("key=")
	sb.WriteString(key)
	return sb.String()
}

func md5Sign(params map[string]string, key string) string {
	sum := md5.Sum([]byte(v2StringToSign(params, key)))
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// parseV2 reads a <xml> document into a map with encoding/xml: a child's
// text, or for a child that holds elements (gethbinfo's <hblist>) its
// inner XML as received, trimmed.
func parseV2(data []byte) (map[string]string, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	out := map[string]string{}
	var key string
	var val []byte
	depth := 0
	var inner, before int64 // where the child's content starts; where the token read last started
	nested := false         // the child holds elements
	for {
		before = d.InputOffset()
		tok, err := d.RawToken()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch depth {
			case 2:
				key, val, inner, nested = t.Name.Local, val[:0], d.InputOffset(), false
			case 3:
				nested = true
			}
		case xml.CharData:
			if depth == 2 {
				val = append(val, t...)
			}
		case xml.EndElement:
			switch {
			case depth == 2 && nested:
				out[key] = strings.TrimSpace(string(data[inner:before]))
			case depth == 2:
				out[key] = string(val)
			}
			depth--
		}
	}
}

// postV2 posts a v2 body to url and reads the reply.
func postV2(ctx context.Context, hc *http.Client, url, body string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header["Content-Type"] = []string{"text/xml; charset=utf-8"}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	return data, err
}

func (f *v2Floor) call(ctx context.Context) error {
	params := map[string]string{
		"mch_billno": f.td.V2ReplyBillNo, "mch_id": f.td.V2ReplyMchID, "appid": f.td.AppID, "nonce_str": floorNonce(),
	}
	sign := md5Sign(params, f.td.APIv2Key)
	body := "<xml><appid><![CDATA[" + params["appid"] + "]]></appid><mch_billno><![CDATA[" + params["mch_billno"] +
		"]]></mch_billno><mch_id><![CDATA[" + params["mch_id"] + "]]></mch_id><nonce_str><![CDATA[" + params["nonce_str"] +
		"]]></nonce_str><sign><![CDATA[" + sign + "]]></sign></xml>"
	data, err := postV2(ctx, f.hc, f.url, body)
	if err != nil {
		return err
	}
	if f.bare {
		md5Sink = md5.Sum(data)
		return nil
	}
	fields, err := parseV2(data)
	if err != nil {
		return err
	}
	if md5Sign(fields, f.td.APIv2Key) != fields["sign"] || fields["result_code"] != "SUCCESS" {
		return errors.New("v2 reply does not verify")
	}
	return nil
}

func benchFloorV2(b *testing.B, par, bare bool) {
	e := getEnv(b)
	cert := merchantTLSCert(e)
	f := &v2Floor{td: e.td, hc: &http.Client{Transport: floorTransport(e.v2, cert)}, url: e.v2.URL + loopback.PathRedpack, bare: bare}
	defer f.hc.CloseIdleConnections()
	bench(b, e.v2, par, f.call)
}

// BenchmarkFloorV2 is the floor of a v2 call: MD5 sign, XML body, POST
// over mutual TLS (keep-alive), XML parse with encoding/xml, MD5 check.
func BenchmarkFloorV2(b *testing.B) { benchFloorV2(b, false, false) }

// BenchmarkFloorV2Parallel is BenchmarkFloorV2 from 8 callers.
func BenchmarkFloorV2Parallel(b *testing.B) { benchFloorV2(b, true, false) }

// BenchmarkFloorV2Bare is the issue's own v2 floor, "TLS request + MD5":
// BenchmarkFloorV2 without the XML parse, an MD5 over the raw reply in
// place of the check. It is not a client (it cannot verify the reply
// without parsing it), only the lower bound.
func BenchmarkFloorV2Bare(b *testing.B) { benchFloorV2(b, false, true) }

// BenchmarkFloorV2BareParallel is BenchmarkFloorV2Bare from 8 callers.
func BenchmarkFloorV2BareParallel(b *testing.B) { benchFloorV2(b, true, true) }

// BenchmarkFloorNotification is the floor of a callback: verify the
// signature, decode and open the AES-256-GCM resource.
func BenchmarkFloorNotification(b *testing.B) {
	e := getEnv(b)
	n := e.td.Notification
	var env struct {
		Resource struct {
			Ciphertext     string `json:"ciphertext"`
			Nonce          string `json:"nonce"`
			AssociatedData string `json:"associated_data"`
		} `json:"resource"`
	}
	if err := json.Unmarshal(n.Body, &env); err != nil {
		b.Fatal(err)
	}
	h := http.Header{}
	for k, v := range n.Header {
		h.Set(k, v)
	}
	block, err := aes.NewCipher([]byte(e.td.APIv3Key))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := verifyResponse(e.td, h, n.Body); err != nil {
			b.Fatal(err)
		}
		ct, err := base64.StdEncoding.DecodeString(env.Resource.Ciphertext)
		if err != nil {
			b.Fatal(err)
		}
		gcm, err := cipher.NewGCM(block)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := gcm.Open(nil, []byte(env.Resource.Nonce), ct, []byte(env.Resource.AssociatedData)); err != nil {
			b.Fatal(err)
		}
	}
}
