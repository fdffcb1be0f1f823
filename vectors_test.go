package wechatpay_test

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
	"github.com/gowechatpay/wechatpay/internal/testvectors"
)

// loadVectors reads the shared test vectors.
func loadVectors(t testing.TB) *testvectors.Vectors { return testvectors.Load(t) }

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return data
}

func merchantKey(t testing.TB) *rsa.PrivateKey {
	return loadPEM(t, "merchant_test_key.pem", wxcrypto.LoadPrivateKey)
}

func wechatpayPubKey(t testing.TB) *rsa.PublicKey {
	return loadPEM(t, "wechatpay_pubkey_test.pem", wxcrypto.LoadPublicKey)
}

func platformCert(t testing.TB) *x509.Certificate {
	return loadPEM(t, "wechatpay_platform_test_cert.pem", wxcrypto.LoadCertificate)
}

func merchantCert(t testing.TB) *x509.Certificate {
	return loadPEM(t, "merchant_test_cert.pem", wxcrypto.LoadCertificate)
}

// loadPEM parses the test file name with load.
func loadPEM[T any](t testing.TB, name string, load func([]byte) (T, error)) T {
	t.Helper()
	v, err := load(readFile(t, name))
	require.NoError(t, err)
	return v
}

const pubKeyID = "PUB_KEY_ID_0114232134912410000000000000"

// roundTripFunc is a fake transport for the vector tests: it sees exactly
// what the client puts on the wire.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// vectorClient is a client holding the test identities, at the given clock.
func vectorClient(t testing.TB, now int64, rt http.RoundTripper, extra ...wechatpay.Option) *wechatpay.Client {
	t.Helper()
	v := loadVectors(t)
	opts := []wechatpay.Option{
		wechatpay.WithMerchant(v.Identities.Merchant.MchID, v.Identities.Merchant.Serial, merchantKey(t)),
		wechatpay.WithPublicKey(pubKeyID, wechatpayPubKey(t)),
		wechatpay.WithPlatformCertificates(platformCert(t)),
		wechatpay.WithAPIv3Key(v.Identities.APIv3Key),
		wechatpay.WithAPIv2Key(v.Identities.APIv2Key),
		wechatpay.WithClock(func() time.Time { return time.Unix(now, 0) }),
		wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 1}),
	}
	if rt != nil {
		opts = append(opts, wechatpay.WithTransport(rt))
	}
	c, err := wechatpay.NewClient(append(opts, extra...)...)
	require.NoError(t, err)
	return c
}

func TestSignerVectors(t *testing.T) {
	v := loadVectors(t)
	for _, keyFile := range []string{"merchant_test_key.pem", "merchant_test_key_pkcs1.pem"} {
		key, err := wxcrypto.LoadPrivateKey(readFile(t, keyFile))
		require.NoError(t, err)
		s, err := wechatpay.NewSigner(v.Identities.Merchant.MchID, v.Identities.Merchant.Serial, key)
		require.NoError(t, err)
		for _, vec := range v.Signing {
			t.Run(keyFile+"/"+vec.Name, func(t *testing.T) {
				msg := wechatpay.SigningMessage(vec.Method, vec.CanonicalURL, vec.Timestamp, vec.Nonce, []byte(vec.Body))
				require.Equal(t, vec.SigningMessage, string(msg))
				auth, err := s.Authorization(vec.Method, vec.CanonicalURL, []byte(vec.Body), vec.Timestamp, vec.Nonce)
				require.NoError(t, err)
				require.Equal(t, vec.Authorization, auth)
				require.Equal(t, vec.Headers["Authorization"], auth)
			})
		}
	}
}

// TestDoV3WireMatchesVectors sends each vector's request through DoV3 and
// checks the bytes on the wire: request-target, body, headers, and a
// signature that verifies over exactly those bytes.
func TestDoV3WireMatchesVectors(t *testing.T) {
	v := loadVectors(t)
	for _, vec := range v.Signing {
		t.Run(vec.Name, func(t *testing.T) {
			var got *http.Request
			var gotBody []byte
			rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
				got = r
				if r.Body != nil {
					gotBody, _ = io.ReadAll(r.Body)
				}
				return nil, errors.New("captured")
			})
			c := vectorClient(t, vec.Timestamp, rt)
			req := &wechatpay.Request{
				Method:     vec.Method,
				Path:       vec.PathTemplate,
				PathParams: vec.PathParams,
				Global:     strings.HasPrefix(vec.Host, "apihk"),
			}
			if vec.Query != nil {
				req.Query = url.Values{}
				for _, kv := range vec.Query {
					req.Query.Add(kv[0], kv[1])
				}
			} else if i := strings.IndexByte(vec.CanonicalURL, '?'); i >= 0 {
				req.RawQuery = vec.CanonicalURL[i+1:]
			}
			if vec.Body != "" {
				req.Body = []byte(vec.Body)
			}
			_, err := c.DoV3(context.Background(), req, nil)
			var te *wechatpay.TransportError
			require.ErrorAs(t, err, &te)
			require.NotNil(t, got)

			require.Equal(t, vec.Host, got.URL.Host)
			require.Equal(t, vec.CanonicalURL, got.URL.RequestURI())
			require.Equal(t, vec.Body, string(gotBody))
			for name, want := range vec.Headers {
				if name == "Authorization" {
					continue // fresh nonce per attempt; checked below
				}
				require.Equal(t, want, got.Header.Get(name), name)
			}
			if vec.Headers["Wechatpay-Serial"] == "" {
				// The SDK sends the preferred key's id on every request (protocol §4.3).
				require.Equal(t, pubKeyID, got.Header.Get("Wechatpay-Serial"))
			}
			requireAuthorizationVerifies(t, got, gotBody, vec.Timestamp)
		})
	}
}

// requireAuthorizationVerifies parses an Authorization header and checks
// its signature over the request as sent.
func requireAuthorizationVerifies(t *testing.T, r *http.Request, body []byte, wantTS int64) {
	t.Helper()
	auth := r.Header.Get("Authorization")
	require.True(t, strings.HasPrefix(auth, wechatpay.AuthScheme+" "))
	params := map[string]string{}
	var order []string
	for _, kv := range strings.Split(strings.TrimPrefix(auth, wechatpay.AuthScheme+" "), ",") {
		k, val, ok := strings.Cut(kv, "=")
		require.True(t, ok)
		params[k] = strings.Trim(val, `"`)
		order = append(order, k)
	}
	require.Equal(t, []string{"mchid", "nonce_str", "timestamp", "serial_no", "signature"}, order)
	require.Equal(t, "1900016681", params["mchid"])
	require.Equal(t, "1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D", params["serial_no"])
	require.Len(t, params["nonce_str"], wechatpay.NonceLength)
	require.Equal(t, wantTS, mustInt(t, params["timestamp"]))
	msg := wechatpay.SigningMessage(r.Method, r.URL.RequestURI(), wantTS, params["nonce_str"], body)
	require.NoError(t, wxcrypto.VerifySHA256WithRSA(&merchantKey(t).PublicKey, msg, params["signature"]))
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	for _, c := range s {
		require.True(t, c >= '0' && c <= '9', s)
		n = n*10 + int64(c-'0')
	}
	return n
}

var expectErr = map[string]error{
	"missing_header":      wechatpay.ErrMissingHeader,
	"malformed_timestamp": wechatpay.ErrMalformedTimestamp,
	"stale_timestamp":     wechatpay.ErrStaleTimestamp,
	"unknown_serial":      wechatpay.ErrUnknownSerial,
	"probe_signature":     wechatpay.ErrSignatureProbe,
	"malformed_signature": wechatpay.ErrMalformedSignature,
	"bad_signature":       wechatpay.ErrBadSignature,
}

func TestVerifierVectors(t *testing.T) {
	v := loadVectors(t)
	verifier := wechatpay.NewVerifier(wechatpay.KeyModeBoth, func() time.Time { return time.Unix(v.Verification.Now, 0) })
	require.NoError(t, verifier.SetPublicKey(pubKeyID, wechatpayPubKey(t)))
	_, err := verifier.AddCertificate(platformCert(t))
	require.NoError(t, err)
	require.Len(t, v.Verification.Cases, 16)
	for _, tc := range v.Verification.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			h := http.Header{}
			for k, val := range tc.Headers {
				h.Set(k, val)
			}
			err := verifier.Verify(h, []byte(tc.Body))
			if tc.Expect == "ok" {
				require.NoError(t, err)
				return
			}
			want, ok := expectErr[tc.Expect]
			require.True(t, ok, tc.Expect)
			require.ErrorIs(t, err, want)
			require.ErrorIs(t, err, wechatpay.ErrInvalidSignature)
			for other, e := range expectErr {
				if other != tc.Expect {
					require.NotErrorIs(t, err, e, "also matches %s", other)
				}
			}
			require.Contains(t, err.Error(), tc.Headers["Request-ID"])
		})
	}
}

// TestDoV3VerifiesVectorResponses drives every verification vector through
// the generic call: ok cases decode, every other case fails with its own
// error and leaves the caller's value untouched.
func TestDoV3VerifiesVectorResponses(t *testing.T) {
	v := loadVectors(t)
	for _, tc := range v.Verification.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
				h := http.Header{}
				for k, val := range tc.Headers {
					h.Set(k, val)
				}
				return &http.Response{StatusCode: tc.Status, Header: h, Body: io.NopCloser(strings.NewReader(tc.Body)), Request: r}, nil
			})
			c := vectorClient(t, v.Verification.Now, rt)
			out := map[string]any{"untouched": true}
			resp, err := c.DoV3(context.Background(), &wechatpay.Request{Method: "GET", Path: "/v3/x"}, &out)
			if tc.Expect == "ok" {
				require.NoError(t, err)
				require.Equal(t, tc.Status, resp.StatusCode)
				require.Equal(t, tc.Headers["Request-ID"], resp.RequestID)
				if tc.Body != "" {
					require.Equal(t, "1900016681", out["mchid"])
					enc, _ := out["bal_account_no"].(string)
					plain, err := c.DecryptSensitive(enc)
					require.NoError(t, err)
					require.Equal(t, "8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f", plain)
				}
				return
			}
			require.ErrorIs(t, err, expectErr[tc.Expect])
			require.Equal(t, map[string]any{"untouched": true}, out)
		})
	}
}

func TestNotificationVectorVerifies(t *testing.T) {
	v := loadVectors(t)
	c := vectorClient(t, v.Notification.Now, nil)
	h := v.Notification.Header()
	require.NoError(t, c.Verifier().Verify(h, []byte(v.Notification.Body)))
	require.ErrorIs(t, c.Verifier().Verify(h, []byte(v.Notification.Body+" ")), wechatpay.ErrBadSignature)
}

func TestDoV2RequestAndReplyVectors(t *testing.T) {
	v := loadVectors(t)
	for _, tc := range v.V2.Responses {
		t.Run(tc.Name, func(t *testing.T) {
			var sent []byte
			rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
				sent, _ = io.ReadAll(r.Body)
				require.Equal(t, "/mmpaymkttransfers/queryworkwxredpack", r.URL.Path)
				require.Equal(t, "text/xml; charset=utf-8", r.Header.Get("Content-Type"))
				require.Empty(t, r.Header.Get("Authorization"))
				return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(tc.XML)), Request: r}, nil
			})
			c := vectorClient(t, time.Now().Unix(), rt)
			params := map[string]string{}
			for k, val := range v.V2.RequestXML.Params {
				if k != "sign" {
					params[k] = val
				}
			}
			fields, _, err := c.DoV2(context.Background(), &wechatpay.V2Request{
				Path: "/mmpaymkttransfers/queryworkwxredpack", Params: params, Idempotent: true,
			})
			require.Equal(t, v.V2.RequestXML.XML, string(sent), "request body byte for byte")
			var apiErr *wechatpay.APIError
			switch tc.Expect {
			case "ok":
				require.NoError(t, err)
				require.Equal(t, tc.Fields, fields)
			case "bad_sign", "unsigned_success":
				require.ErrorIs(t, err, wechatpay.ErrV2Sign)
				require.Nil(t, fields)
			case "result_fail":
				require.ErrorAs(t, err, &apiErr)
				require.Equal(t, tc.ErrCode, apiErr.ErrCode)
				require.Equal(t, "FAIL", apiErr.ResultCode)
				require.Equal(t, tc.Fields["err_code_des"], apiErr.ErrCodeDes)
			case "return_fail":
				require.ErrorAs(t, err, &apiErr)
				require.Equal(t, "FAIL", apiErr.ReturnCode)
				require.Equal(t, tc.Fields["return_msg"], apiErr.Message)
			default:
				t.Fatalf("unknown expectation %q", tc.Expect)
			}
		})
	}
}

func TestOAEPVectorThroughClient(t *testing.T) {
	var oaep map[string]string
	require.NoError(t, json.Unmarshal(readFile(t, "oaep_ciphertexts.json"), &oaep))
	c := vectorClient(t, time.Now().Unix(), nil)
	plain, err := c.DecryptSensitive(oaep["bal_account_no_for_merchant"])
	require.NoError(t, err)
	require.Equal(t, "8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f", plain)

	_, err = c.DecryptSensitive(oaep["bal_account_no_for_wechatpay_pubkey"])
	require.ErrorIs(t, err, wechatpay.ErrDecrypt)
	require.NotContains(t, err.Error(), "8609cb22")

	enc, serial, err := c.EncryptSensitive("测试用户")
	require.NoError(t, err)
	require.Equal(t, pubKeyID, serial)
	wpKey, err := wxcrypto.LoadPrivateKey(readFile(t, "wechatpay_pubkey_test_key.pem"))
	require.NoError(t, err)
	got, err := wxcrypto.DecryptOAEP(wpKey, enc)
	require.NoError(t, err)
	require.True(t, bytes.Equal([]byte("测试用户"), got))
}
