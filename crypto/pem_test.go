package crypto

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"math/big"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay/internal/testvectors"
)

var testPEMFiles = []string{
	"merchant_test_cert.pem",
	"merchant_test_key.pem",
	"merchant_test_key_pkcs1.pem",
	"merchant_test_pubkey.pem",
	"wechatpay_platform_test_cert.pem",
	"wechatpay_platform_test_key.pem",
	"wechatpay_pubkey_test.pem",
	"wechatpay_pubkey_test_key.pem",
}

func TestTestdataPEMFilesAreAllCovered(t *testing.T) {
	got, err := filepath.Glob(filepath.Join(testdataDir, "*.pem"))
	require.NoError(t, err)
	var names []string
	for _, p := range got {
		names = append(names, filepath.Base(p))
	}
	require.ElementsMatch(t, testPEMFiles, names)
}

func TestLoadPrivateKeyFiles(t *testing.T) {
	pkcs8 := loadTestPrivateKey(t, "merchant_test_key.pem")
	pkcs1 := loadTestPrivateKey(t, "merchant_test_key_pkcs1.pem")
	require.True(t, pkcs8.Equal(pkcs1), "PKCS#8 and PKCS#1 files hold the same key")
	require.Equal(t, 256, pkcs8.Size())

	pairs := map[string]string{ // private key -> public key / certificate
		"merchant_test_key.pem":           "merchant_test_pubkey.pem",
		"merchant_test_key_pkcs1.pem":     "merchant_test_cert.pem",
		"wechatpay_platform_test_key.pem": "wechatpay_platform_test_cert.pem",
		"wechatpay_pubkey_test_key.pem":   "wechatpay_pubkey_test.pem",
	}
	for privFile, pubFile := range pairs {
		priv := loadTestPrivateKey(t, privFile)
		pub := loadTestPublicKey(t, pubFile)
		require.True(t, priv.PublicKey.Equal(pub), "%s matches %s", privFile, pubFile)
		require.NoError(t, priv.Validate())
	}
	// The two WeChat Pay keys are different keys.
	require.False(t, loadTestPublicKey(t, "wechatpay_pubkey_test.pem").Equal(loadTestPublicKey(t, "wechatpay_platform_test_cert.pem")))
}

func TestLoadCertificateFiles(t *testing.T) {
	for file, serial := range map[string]string{
		"merchant_test_cert.pem":           "1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D",
		"wechatpay_platform_test_cert.pem": "5F0E1D2C3B4A59687766554433221100FFEEDDCC",
	} {
		cert, err := LoadCertificateFile(testdataPath(file))
		require.NoError(t, err)
		require.Equal(t, serial, CertificateSerial(cert))

		certs, err := LoadCertificates(readTestdata(t, file))
		require.NoError(t, err)
		require.Len(t, certs, 1)
		require.True(t, cert.Equal(certs[0]))
	}
	v := testvectors.Load(t)
	merchant, err := LoadCertificateFile(testdataPath(v.Identities.Merchant.Certificate))
	require.NoError(t, err)
	require.Equal(t, v.Identities.Merchant.Serial, CertificateSerial(merchant))
	require.Equal(t, "1900016681", merchant.Subject.CommonName)
	platform, err := LoadCertificateFile(testdataPath(v.Identities.PlatformCertificate.Certificate))
	require.NoError(t, err)
	require.Equal(t, v.Identities.PlatformCertificate.SerialNo, CertificateSerial(platform))
}

func TestLoadCertificatesBundle(t *testing.T) {
	a := readTestdata(t, "merchant_test_cert.pem")
	b := readTestdata(t, "wechatpay_platform_test_cert.pem")
	key := readTestdata(t, "merchant_test_key.pem")
	bundle := bytes.Join([][]byte{[]byte("leading text\n"), a, key, b}, nil)

	certs, err := LoadCertificates(bundle)
	require.NoError(t, err)
	require.Len(t, certs, 2)
	require.Equal(t, "1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D", CertificateSerial(certs[0]))
	require.Equal(t, "5F0E1D2C3B4A59687766554433221100FFEEDDCC", CertificateSerial(certs[1]))

	// LoadCertificate takes the first; it also skips a leading key block.
	first, err := LoadCertificate(bytes.Join([][]byte{key, b, a}, nil))
	require.NoError(t, err)
	require.Equal(t, "5F0E1D2C3B4A59687766554433221100FFEEDDCC", CertificateSerial(first))

	// The private key loader finds the key inside the bundle too.
	_, err = LoadPrivateKey(bundle)
	require.NoError(t, err)

	_, err = LoadCertificates(key)
	require.ErrorIs(t, err, ErrInvalidPEM)
}

func TestLoadPublicKeyForms(t *testing.T) {
	priv := loadTestPrivateKey(t, "merchant_test_key.pem")
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&priv.PublicKey)})
	for name, in := range map[string][]byte{
		"spki":        readTestdata(t, "merchant_test_pubkey.pem"),
		"pkcs1":       pkcs1,
		"certificate": readTestdata(t, "merchant_test_cert.pem"),
		"leadingText": append([]byte("Bag Attributes\n    friendlyName: x\n"), readTestdata(t, "merchant_test_pubkey.pem")...),
	} {
		pub, err := LoadPublicKey(in)
		require.NoError(t, err, name)
		require.True(t, priv.PublicKey.Equal(pub), name)
	}
}

func TestLoadPrivateKeyLeadingText(t *testing.T) {
	in := append([]byte("Bag Attributes\n    localKeyID: 01 00 00 00\nKey Attributes: <No Attributes>\n"), readTestdata(t, "merchant_test_key.pem")...)
	k, err := LoadPrivateKey(in)
	require.NoError(t, err)
	require.True(t, k.Equal(loadTestPrivateKey(t, "merchant_test_key_pkcs1.pem")))
}

func TestLoadGarbage(t *testing.T) {
	garbage := map[string][]byte{
		"nil":          nil,
		"empty":        {},
		"text":         []byte("not a pem file at all"),
		"binary":       {0x30, 0x82, 0x01, 0x22, 0xff, 0x00},
		"truncated":    readTestdata(t, "merchant_test_key.pem")[:200],
		"emptyBlock":   []byte("-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n"),
		"badBase64":    []byte("-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n"),
		"unknownBlock": pem.EncodeToMemory(&pem.Block{Type: "SOMETHING", Bytes: []byte{1, 2, 3}}),
	}
	for name, in := range garbage {
		_, err := LoadPrivateKey(in)
		require.ErrorIs(t, err, ErrInvalidPEM, "private/%s", name)
		_, err = LoadPublicKey(in)
		require.ErrorIs(t, err, ErrInvalidPEM, "public/%s", name)
		_, err = LoadCertificate(in)
		require.ErrorIs(t, err, ErrInvalidPEM, "cert/%s", name)
		_, err = LoadCertificates(in)
		require.ErrorIs(t, err, ErrInvalidPEM, "certs/%s", name)
	}

	// Right block type, undecodable DER.
	for _, typ := range []string{"PRIVATE KEY", "RSA PRIVATE KEY", "PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE"} {
		in := pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: []byte{0x30, 0x03, 0x02, 0x01, 0x01}})
		_, err1 := LoadPrivateKey(in)
		_, err2 := LoadPublicKey(in)
		_, err3 := LoadCertificate(in)
		require.ErrorIs(t, err1, ErrInvalidPEM, typ)
		require.ErrorIs(t, err2, ErrInvalidPEM, typ)
		require.ErrorIs(t, err3, ErrInvalidPEM, typ)
	}

	// Wrong block type for the loader.
	_, err := LoadPrivateKey(readTestdata(t, "merchant_test_pubkey.pem"))
	require.ErrorIs(t, err, ErrInvalidPEM)
	_, err = LoadPrivateKey(readTestdata(t, "merchant_test_cert.pem"))
	require.ErrorIs(t, err, ErrInvalidPEM)
	_, err = LoadPublicKey(readTestdata(t, "merchant_test_key.pem"))
	require.ErrorIs(t, err, ErrInvalidPEM)
	_, err = LoadCertificate(readTestdata(t, "merchant_test_pubkey.pem"))
	require.ErrorIs(t, err, ErrInvalidPEM)
	_, err = LoadPrivateKey(pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{1}}))
	require.ErrorIs(t, err, ErrInvalidPEM)

	// Missing files.
	_, err = LoadPrivateKeyFile(testdataPath("does-not-exist.pem"))
	require.Error(t, err)
	_, err = LoadPublicKeyFile(testdataPath("does-not-exist.pem"))
	require.Error(t, err)
	_, err = LoadCertificateFile(testdataPath("does-not-exist.pem"))
	require.Error(t, err)
}

func TestLoadNonRSAKeys(t *testing.T) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)

	der8, err := x509.MarshalPKCS8PrivateKey(ec)
	require.NoError(t, err)
	_, err = LoadPrivateKey(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der8}))
	require.ErrorIs(t, err, ErrKeyType)

	derEC, err := x509.MarshalECPrivateKey(ec)
	require.NoError(t, err)
	_, err = LoadPrivateKey(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: derEC}))
	require.ErrorIs(t, err, ErrKeyType)

	spki, err := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	require.NoError(t, err)
	_, err = LoadPublicKey(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: spki}))
	require.ErrorIs(t, err, ErrKeyType)

	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1)}
	certDER, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &ec.PublicKey, ec)
	require.NoError(t, err)
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: certDER})
	_, err = LoadPublicKey(certPEM)
	require.ErrorIs(t, err, ErrKeyType)
	cert, err := LoadCertificate(certPEM)
	require.NoError(t, err, "LoadCertificate does not care about the key type")
	require.Equal(t, "01", CertificateSerial(cert))
}

func TestErrorsDoNotLeakKeyMaterial(t *testing.T) {
	key := readTestdata(t, "merchant_test_key.pem")
	// Corrupt the DER inside an otherwise valid block.
	block, _ := pem.Decode(key)
	require.NotNil(t, block)
	der := bytes.Clone(block.Bytes)
	der[len(der)/2] ^= 0xff
	der = der[:len(der)-7]
	_, err := LoadPrivateKey(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	require.ErrorIs(t, err, ErrInvalidPEM)
	require.NotContains(t, err.Error(), "MII")
	require.Less(t, len(err.Error()), 200)
}

func TestCertificateSerial(t *testing.T) {
	for hexSerial, want := range map[string]string{
		"1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D": "1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D",
		"5F0E1D2C3B4A59687766554433221100FFEEDDCC": "5F0E1D2C3B4A59687766554433221100FFEEDDCC",
		"abc": "0ABC", // byte-wise: the leading zero nibble is kept
		"1":   "01",
		"ff":  "FF",
		"100": "0100",
		"0":   "",
	} {
		n, ok := new(big.Int).SetString(hexSerial, 16)
		require.True(t, ok)
		require.Equal(t, want, CertificateSerial(&x509.Certificate{SerialNumber: n}), hexSerial)
	}
	require.Equal(t, "", CertificateSerial(nil))
	require.Equal(t, "", CertificateSerial(&x509.Certificate{}))
}
