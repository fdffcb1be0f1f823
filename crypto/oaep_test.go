package crypto

import (
	"crypto/rsa"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestEncryptOAEPRoundTrip(t *testing.T) {
	pub := loadTestPublicKey(t, "merchant_test_pubkey.pem")
	priv := loadTestPrivateKey(t, "merchant_test_key.pem")
	for _, pt := range []string{
		"",
		"6226000000000000000",
		"测试用户",
		"张三 ümlaut 🎉",
		strings.Repeat("a", 214),
		strings.Repeat("中", 71) + "a", // 214 bytes of UTF-8
	} {
		ct, err := EncryptOAEP(pub, []byte(pt))
		require.NoError(t, err)
		require.Len(t, ct, 344)
		ct2, err := EncryptOAEP(pub, []byte(pt))
		require.NoError(t, err)
		require.NotEqual(t, ct, ct2, "OAEP is randomized")
		got, err := DecryptOAEP(priv, ct)
		require.NoError(t, err)
		require.Equal(t, pt, string(got))
	}

	// A platform certificate's key works as the encryption key too.
	certPub := loadTestPublicKey(t, "wechatpay_platform_test_cert.pem")
	ct, err := EncryptOAEP(certPub, []byte("x"))
	require.NoError(t, err)
	got, err := DecryptOAEP(loadTestPrivateKey(t, "wechatpay_platform_test_key.pem"), ct)
	require.NoError(t, err)
	require.Equal(t, "x", string(got))
	// ... and the wrong private key fails.
	_, err = DecryptOAEP(priv, ct)
	require.ErrorIs(t, err, ErrDecrypt)
}

func TestEncryptOAEPTooLong(t *testing.T) {
	pub := loadTestPublicKey(t, "merchant_test_pubkey.pem")
	_, err := EncryptOAEP(pub, []byte(strings.Repeat("a", 215)))
	require.ErrorIs(t, err, ErrPlaintextTooLong)
	require.NotContains(t, err.Error(), "aaaa")
	_, err = EncryptOAEP(pub, make([]byte, 4096))
	require.ErrorIs(t, err, ErrPlaintextTooLong)

	_, err = EncryptOAEP(nil, []byte("x"))
	require.ErrorIs(t, err, ErrKeyType)
	_, err = EncryptOAEP(&rsa.PublicKey{}, []byte("x"))
	require.ErrorIs(t, err, ErrKeyType)
}

func TestDecryptOAEPFailures(t *testing.T) {
	priv := loadTestPrivateKey(t, "merchant_test_key.pem")
	for _, ct := range []string{
		"",
		"%%%",
		"QQ==",
		base64.StdEncoding.EncodeToString(make([]byte, 255)),
		base64.StdEncoding.EncodeToString(make([]byte, 256)),
		base64.StdEncoding.EncodeToString(make([]byte, 257)),
		strings.Repeat("/", 344),
	} {
		pt, err := DecryptOAEP(priv, ct)
		require.ErrorIs(t, err, ErrDecrypt, "%q", ct)
		require.Nil(t, pt)
	}
	_, err := DecryptOAEP(nil, "QQ==")
	require.ErrorIs(t, err, ErrDecrypt)
	_, err = DecryptOAEP(&rsa.PrivateKey{}, "QQ==")
	require.ErrorIs(t, err, ErrDecrypt)
}
