package crypto

import (
	"crypto/rsa"
	"encoding/base64"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSignVerifyRoundTrip(t *testing.T) {
	priv := loadTestPrivateKey(t, "merchant_test_key.pem")
	pub := loadTestPublicKey(t, "merchant_test_pubkey.pem")
	for _, msg := range []string{"", "GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n", "中文 body\n"} {
		sig, err := SignSHA256WithRSA(priv, []byte(msg))
		require.NoError(t, err)
		require.Len(t, sig, 344)
		sig2, err := SignSHA256WithRSA(priv, []byte(msg))
		require.NoError(t, err)
		require.Equal(t, sig, sig2, "PKCS#1 v1.5 is deterministic")
		require.NoError(t, VerifySHA256WithRSA(pub, []byte(msg), sig))
		require.ErrorIs(t, VerifySHA256WithRSA(pub, []byte(msg+"x"), sig), ErrBadSignature)
		other := loadTestPublicKey(t, "wechatpay_pubkey_test.pem")
		require.ErrorIs(t, VerifySHA256WithRSA(other, []byte(msg), sig), ErrBadSignature)
	}
}

func TestVerifyMalformedAndBad(t *testing.T) {
	pub := loadTestPublicKey(t, "merchant_test_pubkey.pem")
	priv := loadTestPrivateKey(t, "merchant_test_key.pem")
	good, err := SignSHA256WithRSA(priv, []byte("m"))
	require.NoError(t, err)
	raw, err := base64.StdEncoding.DecodeString(good)
	require.NoError(t, err)

	for _, s := range []string{
		"",
		"%%%not-base64%%%",
		"WECHATPAY/SIGNTEST/" + good,
		base64.RawStdEncoding.EncodeToString(raw),   // missing padding
		base64.URLEncoding.EncodeToString(raw[:30]), // URL alphabet
		good[:len(good)-1],
		"QQ=",  // bad padding
		"QR==", // non-zero trailing bits: rejected by the strict decoder
	} {
		require.ErrorIs(t, VerifySHA256WithRSA(pub, []byte("m"), s), ErrMalformedSignature, "%q", s)
	}
	for _, s := range []string{
		"QQ==", // valid base64, far too short
		base64.StdEncoding.EncodeToString(make([]byte, 256)),
		base64.StdEncoding.EncodeToString(append(raw[:len(raw):len(raw)], 0)),
	} {
		err := VerifySHA256WithRSA(pub, []byte("m"), s)
		require.ErrorIs(t, err, ErrBadSignature, "%q", s)
		require.NotErrorIs(t, err, ErrMalformedSignature)
	}
	flipped := append([]byte(nil), raw...)
	flipped[10] ^= 1
	require.ErrorIs(t, VerifySHA256WithRSA(pub, []byte("m"), base64.StdEncoding.EncodeToString(flipped)), ErrBadSignature)
}

func TestSignVerifyNilKeys(t *testing.T) {
	_, err := SignSHA256WithRSA(nil, []byte("m"))
	require.ErrorIs(t, err, ErrKeyType)
	_, err = SignSHA256WithRSA(&rsa.PrivateKey{}, []byte("m"))
	require.ErrorIs(t, err, ErrKeyType)
	require.ErrorIs(t, VerifySHA256WithRSA(nil, []byte("m"), "QQ=="), ErrBadSignature)
	require.ErrorIs(t, VerifySHA256WithRSA(&rsa.PublicKey{}, []byte("m"), "QQ=="), ErrBadSignature)
}

func BenchmarkSignSHA256WithRSA(b *testing.B) {
	priv := loadTestPrivateKey(b, "merchant_test_key.pem")
	msg := []byte("POST\n/v3/pay/transactions/jsapi\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n{\"appid\":\"wxd678efh567hg6787\",\"mchid\":\"1230000109\"}\n")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := SignSHA256WithRSA(priv, msg); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifySHA256WithRSA(b *testing.B) {
	priv := loadTestPrivateKey(b, "merchant_test_key.pem")
	msg := []byte("1554209980\nc5ac7061fccab6bf3e254dcf98995b8c\n{\"data\":[]}\n")
	sig, err := SignSHA256WithRSA(priv, msg)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := VerifySHA256WithRSA(&priv.PublicKey, msg, sig); err != nil {
			b.Fatal(err)
		}
	}
}
