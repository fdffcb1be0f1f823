package wechatpay_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// alterAfterSigning is a RoundTripper that changes a request after the SDK
// signed it, as a proxy or a careless middleware would.
type alterAfterSigning struct {
	next  http.RoundTripper
	alter func(r *http.Request)
}

func (a alterAfterSigning) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	a.alter(r)
	return a.next.RoundTrip(r)
}

// alteringClient is a client of srv whose requests alter changes after
// signing.
func alteringClient(t *testing.T, srv *wechatpaytest.Server, alter func(r *http.Request), opts ...wechatpay.Option) *wechatpay.Client {
	t.Helper()
	roots := x509.NewCertPool()
	roots.AddCert(srv.CACertificate())
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}
	t.Cleanup(tr.CloseIdleConnections)
	return srv.Client(append(opts, wechatpay.WithTransport(alterAfterSigning{next: tr, alter: alter}))...)
}

// setBody replaces the body of r.
func setBody(r *http.Request, body []byte) {
	r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
}

// rewriteBody re-serialises a JSON body through change.
func rewriteBody(t *testing.T, change func(sent []byte) []byte) func(r *http.Request) {
	return func(r *http.Request) {
		sent, err := io.ReadAll(r.Body)
		require.NoError(t, err)
		setBody(r, change(sent))
	}
}

const signErrPath = "/v3/test/sign-error"

func TestSignErrorNamesTheDifference(t *testing.T) {
	srv := wechatpaytest.Start(t)
	ok := func(*wechatpaytest.V3Request) (int, any) { return http.StatusOK, map[string]string{} }
	srv.HandleV3("POST "+signErrPath, ok)
	srv.HandleV3("PUT "+signErrPath, ok)
	srv.HandleV3("GET "+signErrPath, ok)
	srv.HandleV3("GET "+signErrPath+"/{x}", ok)
	body := []byte(`{"out_request_no":"N1","reason":"R"}`)
	post := &wechatpay.Request{Method: http.MethodPost, Path: signErrPath, Body: body}
	item := &wechatpay.Request{Method: http.MethodGet, Path: signErrPath + "/{x}", PathParams: map[string]string{"x": "é"}}
	get := &wechatpay.Request{Method: http.MethodGet, Path: signErrPath, RawQuery: "a=1&b=x%20y"}
	tests := []struct {
		name  string
		req   *wechatpay.Request
		alter func(r *http.Request)
		want  []string
	}{
		{"method", post, func(r *http.Request) { r.Method = http.MethodPut },
			[]string{"method: signed POST, WeChat Pay verified PUT"}},
		{"URL path", get, func(r *http.Request) { r.URL.Path += "/x" },
			[]string{"URL path: signed GET " + signErrPath + ", WeChat Pay verified GET " + signErrPath + "/x"}},
		{"URL path encoding", item, func(r *http.Request) { r.URL.RawPath = strings.ToLower(r.URL.EscapedPath()) },
			[]string{"URL path encoding: signed GET " + signErrPath + "/%C3%A9, WeChat Pay verified GET " + signErrPath + "/%c3%a9"}},
		{"URL query order", get, func(r *http.Request) { r.URL.RawQuery = "b=x%20y&a=1" },
			[]string{"URL query order: signed a, b; WeChat Pay verified b, a (the same parameters and values)"}},
		{"URL query encoding", get, func(r *http.Request) { r.URL.RawQuery = "a=1&b=x+y" },
			[]string{"URL query encoding: the same parameters and values, encoded differently in b"}},
		{"URL query content", get, func(r *http.Request) { r.URL.RawQuery = "a=2&b=x%20y&c=3" },
			[]string{"URL query: signed a, b; WeChat Pay verified a, b, c"}},
		{"timestamp", post, func(r *http.Request) {
			auth := r.Header.Get("Authorization")
			ts := regexp.MustCompile(`timestamp="(\d+)"`).FindStringSubmatch(auth)[1]
			n, _ := strconv.ParseInt(ts, 10, 64)
			r.Header.Set("Authorization", strings.Replace(auth, `timestamp="`+ts, `timestamp="`+strconv.FormatInt(n-1, 10), 1))
		}, []string{"timestamp: signed ", "(the Authorization header was changed after signing); the signed timestamp is "}},
		{"body re-encoded", post, rewriteBody(t, func(sent []byte) []byte {
			var out bytes.Buffer
			require.NoError(t, json.Indent(&out, sent, "", "  "))
			return out.Bytes()
		}), []string{"body: differs at byte offset 1 (signed " + strconv.Itoa(len(body)) + " bytes, WeChat Pay verified "}},
		{"body grown", post, rewriteBody(t, func(sent []byte) []byte {
			return append(bytes.TrimSuffix(sent, []byte("}")), `,"extra":1}`...)
		}), []string{"body: signed " + strconv.Itoa(len(body)) + " bytes, WeChat Pay verified " + strconv.Itoa(len(body)+10) + " (the first 8 bytes agree)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := alteringClient(t, srv, tt.alter)
			_, err := c.DoV3(t.Context(), tt.req, nil)
			apiErr := wechatpaytest.RequireAPIError(t, err, http.StatusUnauthorized, "SIGN_ERROR")
			si := apiErr.SignInformation()
			require.NotNil(t, si)
			require.Positive(t, si.SignMessageLength)
			for _, want := range tt.want {
				require.Contains(t, err.Error(), want)
			}
			require.NotContains(t, err.Error(), "WeChat Pay verified the message the SDK signed")
			partOf := map[string]wechatpay.SignPart{"method": wechatpay.SignPartMethod, "URL": wechatpay.SignPartURL,
				"timestamp": wechatpay.SignPartTimestamp, "body": wechatpay.SignPartBody}
			require.Equal(t, partOf[strings.Fields(tt.name)[0]], apiErr.SignDifferences()[0].Part)
			// Lengths, offsets and the request line only: no body, no
			// signature, no query value.
			for _, secret := range []string{`"out_request_no"`, "signature=", wechatpay.AuthScheme, si.TruncatedSignMessage, "x%20y", "x+y"} {
				require.NotContains(t, err.Error(), secret)
			}
		})
	}
}

func TestSignErrorWrongKeyAndClock(t *testing.T) {
	srv := wechatpaytest.Start(t)
	req := &wechatpay.Request{Method: http.MethodGet, Path: "/v3/aggracct-bc/wb-channel/account/balance", RawQuery: "sub_mchid=1900000109"}
	t.Run("another private key", func(t *testing.T) {
		other, err := rsa.GenerateKey(rand.Reader, 2048)
		require.NoError(t, err)
		c := srv.Client(wechatpay.WithMerchantCertificate(nil), wechatpay.WithMerchant(wechatpaytest.TestMchID, srv.MerchantSerial(), other))
		_, err = c.DoV3(t.Context(), req, nil)
		apiErr := wechatpaytest.RequireAPIError(t, err, http.StatusUnauthorized, "SIGN_ERROR")
		require.Equal(t, http.MethodGet, apiErr.SignInformation().Method)
		require.Equal(t, req.Path+"?"+req.RawQuery, apiErr.SignInformation().URL)
		require.Contains(t, err.Error(), "WeChat Pay verified the message the SDK signed (method, URL, timestamp, nonce, body length): "+
			"the signature is wrong: the merchant private key does not belong to the certificate merchant_serial_no names")
		require.Equal(t, []wechatpay.SignPart{wechatpay.SignPartKey}, parts(apiErr.SignDifferences()))
	})
	t.Run("clock ten minutes ahead", func(t *testing.T) {
		c := srv.Client(wechatpay.WithClock(func() time.Time { return time.Now().Add(10 * time.Minute) }))
		_, err := c.DoV3(t.Context(), req, nil)
		apiErr := wechatpaytest.RequireAPIError(t, err, http.StatusUnauthorized, "SIGN_ERROR")
		require.Nil(t, apiErr.SignInformation(), "a stale timestamp carries no sign_information")
		require.Equal(t, []wechatpay.SignPart{wechatpay.SignPartClock}, parts(apiErr.SignDifferences()))
		require.Regexp(t, `clock: the signed timestamp is \d+ s ahead of WeChat Pay's clock \(the answer's Date header\): set the clock right`, err.Error())
	})
	t.Run("WeChat Pay's clock twenty minutes ahead", func(t *testing.T) {
		ahead := wechatpaytest.Start(t, wechatpaytest.WithClock(func() time.Time { return time.Now().Add(20 * time.Minute) }))
		_, err := ahead.Client().DoV3(t.Context(), req, nil)
		wechatpaytest.RequireAPIError(t, err, http.StatusUnauthorized, "SIGN_ERROR")
		require.Regexp(t, `clock: the signed timestamp is 1[12]\d\d s behind WeChat Pay's clock`, err.Error(), "the Date header is the emulator's clock")
	})
	t.Run("clock ten minutes behind", func(t *testing.T) {
		c := srv.Client(wechatpay.WithClock(func() time.Time { return time.Now().Add(-10 * time.Minute) }))
		_, err := c.DoV3(t.Context(), req, nil)
		wechatpaytest.RequireAPIError(t, err, http.StatusUnauthorized, "SIGN_ERROR")
		require.Regexp(t, `clock: the signed timestamp is \d+ s behind WeChat Pay's clock`, err.Error())
	})
}

// parts lists the parts of diffs, in order.
func parts(diffs []wechatpay.SignDifference) []wechatpay.SignPart {
	out := make([]wechatpay.SignPart, len(diffs))
	for i, d := range diffs {
		out[i] = d.Part
	}
	return out
}

func TestUnknownSerialNamesTheFamily(t *testing.T) {
	now := time.Now()
	v := wechatpay.NewVerifier(wechatpay.KeyModeAuto, func() time.Time { return now })
	header := func(serial string) http.Header {
		h := http.Header{}
		h.Set(wechatpay.HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
		h.Set(wechatpay.HeaderNonce, "N")
		h.Set(wechatpay.HeaderSignature, "c2ln")
		h.Set(wechatpay.HeaderSerial, serial)
		return h
	}
	err := v.Verify(header("PUB_KEY_ID_0114232134912410000000000000"), []byte("{}"))
	require.ErrorIs(t, err, wechatpay.ErrUnknownSerial)
	require.Contains(t, err.Error(), "the client holds no WeChat Pay key; the serial is a WeChat Pay public key id: "+
		"if the answer's key is yours, configure its id (wechatpay_public_key_id) and key (wechatpay_public_key_file), or WithPublicKey")
	err = v.Verify(header("5157F09EFDC096DE15EBE81A47057A7232F1B8E1"), []byte("{}"))
	require.ErrorIs(t, err, wechatpay.ErrUnknownSerial)
	require.Contains(t, err.Error(), "; the serial is a platform-certificate serial: if the answer's key is yours, "+
		"configure the certificate (platform_certificate_files), or WithPlatformCertificates or WithCertificateRefresh")

	// Held, but excluded by the key mode or the certificate's validity.
	pub, err := wxcrypto.LoadPublicKeyFile("testdata/wechatpay_pubkey_test.pem")
	require.NoError(t, err)
	cert, err := wxcrypto.LoadCertificateFile("testdata/wechatpay_platform_test_cert.pem")
	require.NoError(t, err)
	serial := strings.ToUpper(cert.SerialNumber.Text(16))
	certsOnly := wechatpay.NewVerifier(wechatpay.KeyModeCertificates, func() time.Time { return now })
	require.NoError(t, certsOnly.SetPublicKey("PUB_KEY_ID_0114232134912410000000000000", pub))
	err = certsOnly.Verify(header("PUB_KEY_ID_0114232134912410000000000000"), []byte("{}"))
	require.ErrorIs(t, err, wechatpay.ErrUnknownSerial)
	require.Contains(t, err.Error(), "; the client holds this public key, but its key mode is certificates: use KeyModePublicKey or KeyModeBoth (WithKeyMode)")
	pubOnly := wechatpay.NewVerifier(wechatpay.KeyModePublicKey, func() time.Time { return cert.NotBefore.Add(time.Hour) })
	_, err = pubOnly.AddCertificate(cert)
	require.NoError(t, err)
	h := header(serial)
	h.Set(wechatpay.HeaderTimestamp, strconv.FormatInt(cert.NotBefore.Add(time.Hour).Unix(), 10))
	err = pubOnly.Verify(h, []byte("{}"))
	require.ErrorIs(t, err, wechatpay.ErrUnknownSerial)
	require.Contains(t, err.Error(), "; the client holds this platform certificate, but its key mode is public-key: use KeyModeCertificates or KeyModeBoth (WithKeyMode)")
	// Expired since it was added.
	at := cert.NotBefore.Add(time.Hour)
	expiring := wechatpay.NewVerifier(wechatpay.KeyModeCertificates, func() time.Time { return at })
	_, err = expiring.AddCertificate(cert)
	require.NoError(t, err)
	at = cert.NotAfter.Add(time.Hour)
	h.Set(wechatpay.HeaderTimestamp, strconv.FormatInt(at.Unix(), 10))
	err = expiring.Verify(h, []byte("{}"))
	require.ErrorIs(t, err, wechatpay.ErrUnknownSerial)
	require.Contains(t, err.Error(), "; the client holds this platform certificate, outside its validity (")
	require.Contains(t, err.Error(), "): download the current ones (WithCertificateRefresh)")
}
