package wechatpay_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/aggracct"
	"github.com/gowechatpay/wechatpay/profitsharing"
	"github.com/gowechatpay/wechatpay/redpack"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// opaqueSigner stands for a key in a KMS or HSM: the key is unexported and
// only crypto.Signer is implemented, so the SDK can reach nothing but Sign
// and Public.
type opaqueSigner struct {
	key   *rsa.PrivateKey
	calls atomic.Int64
}

func (s *opaqueSigner) Public() crypto.PublicKey { return &s.key.PublicKey }

func (s *opaqueSigner) Sign(r io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	s.calls.Add(1)
	return s.key.Sign(r, digest, opts)
}

// opaqueDecrypter is opaqueSigner that can also decrypt, as a KMS key for
// RSA-OAEP can.
type opaqueDecrypter struct {
	opaqueSigner
	decrypts atomic.Int64
}

func (d *opaqueDecrypter) Decrypt(r io.Reader, ct []byte, opts crypto.DecrypterOpts) ([]byte, error) {
	d.decrypts.Add(1)
	return d.key.Decrypt(r, ct, opts)
}

func merchantTestKey(t testing.TB) *rsa.PrivateKey {
	k, err := loadTestKey("testdata/merchant_test_key.pem")
	require.NoError(t, err)
	return k
}

func loadTestKey(path string) (*rsa.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New(path + ": no PEM block")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New(path + ": not an RSA key")
	}
	return rk, nil
}

// exampleKMSKey is the merchant test key behind a crypto.Signer that hides it.
func exampleKMSKey() crypto.Signer {
	k, err := loadTestKey("testdata/merchant_test_key.pem")
	if err != nil {
		panic(err)
	}
	return &opaqueSigner{key: k}
}

// ecSigner is a crypto.Signer over a P-256 key, which WeChat Pay does not take.
type ecSigner struct{ key *ecdsa.PrivateKey }

func (e ecSigner) Public() crypto.PublicKey { return &e.key.PublicKey }

func (e ecSigner) Sign(r io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	return e.key.Sign(r, digest, opts)
}

func TestMerchantSignerSignsRealCalls(t *testing.T) {
	srv := wechatpaytest.Start(t)
	s := &opaqueSigner{key: merchantTestKey(t)}
	c := srv.Client(wechatpay.WithMerchantSigner(srv.MchID(), srv.MerchantSerial(), s))

	order, err := querySeedOrder(t.Context(), c)
	require.NoError(t, err)
	require.Equal(t, "7100000751202203238026613597498", order.OrderID)

	res, err := aggracct.New(c).Punish(t.Context(), &aggracct.PunishRequest{
		OutRequestNo: "WBPUNISH-SIGNER-1", MchID: "1900016681",
		BalAccountNo: "8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f", PunishScene: 1,
	})
	require.NoError(t, err)
	require.NotEmpty(t, res.WxpayPunishNo)
	require.Equal(t, int64(2), s.calls.Load(), "each v3 call signed once by the merchant signer")

	// The APIv2 secure endpoint presents the merchant certificate with the
	// crypto.Signer as its TLS private key.
	p, err := redpack.New(c).QueryWorkWx(t.Context(), &redpack.QueryWorkWxRequest{MchBillNo: "10000098201411111234567890"})
	require.NoError(t, err)
	require.Equal(t, int64(5000), p.TotalAmount)
	require.Greater(t, s.calls.Load(), int64(2), "the TLS handshake signed with the merchant signer")

	// Without crypto.Decrypter an encrypted answer field cannot be read:
	// the error names the option, matches ErrDecrypt and ErrInvalidConfig,
	// and the call does not fail silently with a ciphertext.
	_, err = aggracct.New(c).QuerySpecialReduction(t.Context(), &aggracct.QuerySpecialReductionRequest{
		OutRequestNo: "htozr8denqegbt6tk6u10iymo7yww5pn",
		BalAccountNo: "8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f",
	})
	require.ErrorIs(t, err, wechatpay.ErrDecrypt)
	require.ErrorIs(t, err, wechatpay.ErrInvalidConfig)
	require.ErrorContains(t, err, "WithMerchantSigner")
	require.ErrorContains(t, err, "crypto.Decrypter")
}

func TestMerchantSignerDecrypts(t *testing.T) {
	srv := wechatpaytest.Start(t)
	d := &opaqueDecrypter{opaqueSigner: opaqueSigner{key: merchantTestKey(t)}}
	c := srv.Client(wechatpay.WithMerchantSigner(srv.MchID(), srv.MerchantSerial(), d))
	r, err := aggracct.New(c).QuerySpecialReduction(t.Context(), &aggracct.QuerySpecialReductionRequest{
		OutRequestNo: "htozr8denqegbt6tk6u10iymo7yww5pn",
		BalAccountNo: "8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f",
	})
	require.NoError(t, err)
	require.Equal(t, "8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f", r.BalAccountNo)
	require.Equal(t, int64(1), d.decrypts.Load())
	require.Equal(t, int64(1), d.calls.Load())

	_, err = c.DecryptSensitive("not base64!")
	require.ErrorIs(t, err, wechatpay.ErrDecrypt)
	require.NotErrorIs(t, err, wechatpay.ErrInvalidConfig)
}

func TestMerchantSignerIsChecked(t *testing.T) {
	srv := wechatpaytest.Start(t)
	key := merchantTestKey(t)
	other, err := loadTestKey("testdata/wechatpay_platform_test_key.pem")
	require.NoError(t, err)
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	for name, tt := range map[string]struct {
		s     crypto.Signer
		field string
	}{
		"nil":                   {nil, "merchant_signer"},
		"1024-bit key":          {&opaqueSigner{key: small}, "merchant_signer"},
		"not the certificate's": {&opaqueSigner{key: other}, "merchant_signer"},
		"not RSA":               {ecSigner{ec}, "merchant_signer"},
		"nil *rsa.PrivateKey":   {(*rsa.PrivateKey)(nil), "merchant_private_key"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := wechatpay.NewClient(append(srv.ClientOptions(), wechatpay.WithMerchantSigner(srv.MchID(), srv.MerchantSerial(), tt.s))...)
			require.ErrorIs(t, err, wechatpay.ErrInvalidConfig)
			var fe *wechatpay.FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, tt.field, fe.Field, err.Error())
		})
	}
	// An *rsa.PrivateKey given as a crypto.Signer is WithMerchant.
	c, err := wechatpay.NewClient(append(srv.ClientOptions(), wechatpay.WithMerchantSigner(srv.MchID(), srv.MerchantSerial(), key))...)
	require.NoError(t, err)
	_, err = querySeedOrder(t.Context(), c)
	require.NoError(t, err)
}

// failingSigner is a KMS that is down.
type failingSigner struct{ opaqueSigner }

func (f *failingSigner) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return nil, errors.New("kms: unavailable")
}

// pssSigner signs with RSA-PSS whatever it is asked: a misconfigured KMS key.
type pssSigner struct{ opaqueSigner }

func (p *pssSigner) Sign(r io.Reader, digest []byte, _ crypto.SignerOpts) ([]byte, error) {
	return rsa.SignPSS(r, p.key, crypto.SHA256, digest, nil)
}

// TestMerchantSignerFailureFailsTheCall: a signer that signs with another
// scheme (a misconfigured KMS key) or fails (a KMS that is down) fails the
// call, and nothing is sent.
func TestMerchantSignerFailureFailsTheCall(t *testing.T) {
	for _, tt := range []struct {
		name   string
		signer func(key *rsa.PrivateKey) crypto.Signer
		want   []string
	}{
		{"wrong scheme is caught", func(key *rsa.PrivateKey) crypto.Signer { return &pssSigner{opaqueSigner{key: key}} }, []string{"RSASSA-PKCS1-v1_5"}},
		{"failure", func(key *rsa.PrivateKey) crypto.Signer { return &failingSigner{opaqueSigner{key: key}} }, []string{"kms: unavailable", "WithMerchantSigner"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := wechatpaytest.Start(t)
			before := srv.Requests()
			c := srv.Client(wechatpay.WithMerchantSigner(srv.MchID(), srv.MerchantSerial(), tt.signer(merchantTestKey(t))))
			_, err := querySeedOrder(t.Context(), c)
			for _, w := range tt.want {
				require.ErrorContains(t, err, w)
			}
			require.Equal(t, before, srv.Requests(), "a request without a good signature is not sent")
		})
	}
}

func ExampleWithMerchantSigner() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	// kmsKey stands for a handle on a key in a KMS or HSM: any crypto.Signer
	// over an RSA key of at least 2048 bits. Decrypting encrypted answer
	// fields needs it to be a crypto.Decrypter too.
	var kmsKey crypto.Signer = exampleKMSKey()
	client := srv.Client(wechatpay.WithMerchantSigner(srv.MchID(), srv.MerchantSerial(), kmsKey))

	order, err := profitsharing.New(client).QueryOrder(context.Background(), &profitsharing.QueryOrderRequest{
		OutOrderNo: "P20150806125346", SubMchID: "1900000109", TransactionID: "4208450740201411110007820472",
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(order.State)
	// Output:
	// PROCESSING
}
