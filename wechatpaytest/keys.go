package wechatpaytest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"embed"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
)

// The identities every emulator uses, whatever its keys.
const (
	// TestMchID is the merchant number of the emulator's merchant.
	TestMchID = "1900016681"
	// TestAppID is the appid of the emulator's merchant.
	TestAppID = "wxe062425f740d30d8"
	// TestPublicKeyID is the id of the emulator's WeChat Pay public key.
	TestPublicKeyID = "PUB_KEY_ID_0114232134912410000000000000"
	// TestAPIv3Key is the emulator's APIv3 key (test value, 32 ASCII bytes).
	TestAPIv3Key = "TestOnlyApiV3Key0123456789abcdef"
	// TestAPIv2Key is the emulator's APIv2 key (test value, 32 ASCII bytes).
	TestAPIv2Key = "TestOnlyApiV2Key9876543210fedcba"
)

// Names of the files WriteCredentials and WithKeyDir use.
const (
	fileCA           = "sandbox_ca.pem"
	fileMerchantKey  = "apiclient_key.pem"
	fileMerchantCert = "apiclient_cert.pem"
	filePubKey       = "wechatpay_pub_key.pem"
	filePlatformCert = "wechatpay_platform_cert.pem"
	// The emulator's own secrets: only in a key directory (WithKeyDir).
	filePubKeyPrivate   = "emulator_wechatpay_pub_key_private.pem"
	filePlatformPrivate = "emulator_wechatpay_platform_key.pem"
)

//go:embed testkeys/*.pem
var testKeyFiles embed.FS

// keySet is the key material of one emulator: the merchant's key and
// certificate (what the merchant holds) and WeChat Pay's two keys (what only
// WeChat Pay holds: the public-key-id key and the platform certificate key).
type keySet struct {
	merchantKey    *rsa.PrivateKey
	merchantCert   *x509.Certificate
	merchantSerial string
	pubKeyID       string
	pubKey         *rsa.PrivateKey // WeChat Pay public-key-id key pair
	platformKey    *rsa.PrivateKey
	platformCert   *x509.Certificate
	platformSerial string
}

var (
	fixedOnce sync.Once
	fixedKeys *keySet
	fixedErr  error
)

// loadFixedKeys parses the embedded test key set once per process.
func loadFixedKeys() (*keySet, error) {
	fixedOnce.Do(func() {
		read := func(name string) []byte {
			b, err := fs.ReadFile(testKeyFiles, "testkeys/"+name)
			if err != nil && fixedErr == nil {
				fixedErr = err
			}
			return b
		}
		fixedKeys, fixedErr = parseKeySet(
			read("merchant_test_key.pem"), read("merchant_test_cert.pem"),
			read("wechatpay_pubkey_test_key.pem"),
			read("wechatpay_platform_test_key.pem"), read("wechatpay_platform_test_cert.pem"))
	})
	return fixedKeys, fixedErr
}

func parseKeySet(merchantKey, merchantCert, pubKeyPrivate, platformKey, platformCert []byte) (*keySet, error) {
	ks := keySet{pubKeyID: TestPublicKeyID}
	var err error
	if ks.merchantKey, ks.merchantCert, err = parsePair(merchantKey, merchantCert, "merchant"); err != nil {
		return nil, err
	}
	if ks.pubKey, err = wxcrypto.LoadPrivateKey(pubKeyPrivate); err != nil {
		return nil, fmt.Errorf("wechatpaytest: WeChat Pay public-key-id key: %w", err)
	}
	if ks.platformKey, ks.platformCert, err = parsePair(platformKey, platformCert, "platform"); err != nil {
		return nil, err
	}
	ks.merchantSerial = wxcrypto.CertificateSerial(ks.merchantCert)
	ks.platformSerial = wxcrypto.CertificateSerial(ks.platformCert)
	return &ks, nil
}

// parsePair parses a private key and its certificate, which must match;
// what names them in errors.
func parsePair(keyPEM, certPEM []byte, what string) (*rsa.PrivateKey, *x509.Certificate, error) {
	key, err := wxcrypto.LoadPrivateKey(keyPEM)
	if err != nil {
		return nil, nil, fmt.Errorf("wechatpaytest: %s key: %w", what, err)
	}
	cert, err := wxcrypto.LoadCertificate(certPEM)
	if err != nil {
		return nil, nil, fmt.Errorf("wechatpaytest: %s certificate: %w", what, err)
	}
	if k, ok := cert.PublicKey.(*rsa.PublicKey); !ok || !k.Equal(&key.PublicKey) {
		return nil, nil, fmt.Errorf("wechatpaytest: the %s certificate does not match the %s key", what, what)
	}
	return key, cert, nil
}

// generateKeySet makes three new RSA-2048 keys, a self-signed merchant API
// certificate with a random 20-byte serial (usable as a TLS client
// certificate) and a self-signed platform certificate.
func generateKeySet() (*keySet, error) {
	var keys [3]*rsa.PrivateKey
	var errs [3]error
	var wg sync.WaitGroup
	for i := range keys {
		wg.Go(func() { keys[i], errs[i] = rsa.GenerateKey(rand.Reader, 2048) })
	}
	wg.Wait()
	if err := errors.Join(errs[:]...); err != nil {
		return nil, fmt.Errorf("wechatpaytest: generating RSA keys: %w", err)
	}
	ks := &keySet{merchantKey: keys[0], pubKey: keys[1], platformKey: keys[2], pubKeyID: TestPublicKeyID}
	now := time.Now()
	var err error
	if ks.merchantCert, err = selfSigned(ks.merchantKey, "merchant API certificate (wechatpaytest)", TestMchID, now, x509.ExtKeyUsageClientAuth); err != nil {
		return nil, err
	}
	if ks.platformCert, err = selfSigned(ks.platformKey, "WeChat Pay platform certificate (wechatpaytest)", "Tenpay.com (wechatpaytest)", now, x509.ExtKeyUsageServerAuth); err != nil {
		return nil, err
	}
	ks.merchantSerial = wxcrypto.CertificateSerial(ks.merchantCert)
	ks.platformSerial = wxcrypto.CertificateSerial(ks.platformCert)
	return ks, nil
}

// randomSerial returns a positive 20-byte serial whose hex form has exactly
// 40 digits, like the serials of real WeChat Pay certificates.
func randomSerial() (*big.Int, error) {
	var b [20]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("wechatpaytest: serial: %w", err)
	}
	b[0] = b[0]&0x6f | 0x10 // 0x10..0x7f: positive, no leading zero digit
	return new(big.Int).SetBytes(b[:]), nil
}

// selfSigned returns a self-signed certificate of key, valid for ten
// years, for the test-only subject of unit and cn.
func selfSigned(key *rsa.PrivateKey, unit, cn string, now time.Time, eku x509.ExtKeyUsage) (*x509.Certificate, error) {
	return issue(&x509.Certificate{
		Subject: pkix.Name{Country: []string{"CN"}, Organization: []string{"TEST ONLY - not a WeChat Pay certificate"},
			OrganizationalUnit: []string{unit}, CommonName: cn},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:           []x509.ExtKeyUsage{eku},
		BasicConstraintsValid: true,
	}, nil, &key.PublicKey, key)
}

// issue creates the certificate of tmpl with a random serial for the public
// key pub, signed with signer, the key of parent (nil: self-signed).
func issue(tmpl, parent *x509.Certificate, pub any, signer crypto.Signer) (*x509.Certificate, error) {
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	tmpl.SerialNumber = serial
	if parent == nil {
		parent = tmpl
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
	if err == nil {
		var cert *x509.Certificate
		if cert, err = x509.ParseCertificate(der); err == nil {
			return cert, nil
		}
	}
	return nil, fmt.Errorf("wechatpaytest: certificate of %s: %w", tmpl.Subject.CommonName, err)
}

// loadOrCreateKeyDir reads the key set from dir, or generates one and writes
// it there when none of its files exist. A partial set is an error: nothing
// is overwritten.
func loadOrCreateKeyDir(dir string) (*keySet, error) {
	names := []string{fileMerchantKey, fileMerchantCert, filePubKeyPrivate, filePlatformPrivate, filePlatformCert}
	data := make([][]byte, len(names))
	found := 0
	var missing []string
	for i, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, n))
		switch {
		case err == nil:
			data[i] = b
			found++
		case errors.Is(err, fs.ErrNotExist):
			missing = append(missing, n)
		default:
			return nil, fmt.Errorf("wechatpaytest: key directory: %w", err)
		}
	}
	if found == len(names) {
		return parseKeySet(data[0], data[1], data[2], data[3], data[4])
	}
	if found > 0 {
		return nil, fmt.Errorf("wechatpaytest: key directory %s is incomplete (missing %v); remove its key files to start afresh", dir, missing)
	}
	ks, err := generateKeySet()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("wechatpaytest: key directory: %w", err)
	}
	for _, f := range []struct {
		name string
		key  *rsa.PrivateKey
		cert *x509.Certificate
	}{
		{name: fileMerchantKey, key: ks.merchantKey},
		{name: fileMerchantCert, cert: ks.merchantCert},
		{name: filePubKeyPrivate, key: ks.pubKey},
		{name: filePlatformPrivate, key: ks.platformKey},
		{name: filePlatformCert, cert: ks.platformCert},
	} {
		data := certPEM(f.cert)
		if f.key != nil {
			if data, err = privatePEM(f.key); err != nil {
				return nil, err
			}
		}
		if err := writeFileAtomic(filepath.Join(dir, f.name), data, 0o600); err != nil {
			return nil, err
		}
	}
	return ks, nil
}

func privatePEM(key *rsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("wechatpaytest: encoding a private key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

func publicPEM(key *rsa.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(key)
	if err != nil {
		return nil, fmt.Errorf("wechatpaytest: encoding a public key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

func certPEM(cert *x509.Certificate) []byte {
	if cert == nil {
		return nil
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
}

// writeFileAtomic writes data to a temporary file in the same directory and
// renames it over path, so a reader never sees a partial file.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("wechatpaytest: writing %s: %w", path, err)
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	if werr == nil {
		werr = f.Chmod(perm)
	}
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp, path)
	}
	if werr != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("wechatpaytest: writing %s: %w", path, werr)
	}
	return nil
}

// serverTLS is the emulator's own TLS identity: an ECDSA P-256 CA and a
// server certificate it issued for 127.0.0.1, ::1 and localhost.
type serverTLS struct {
	ca     *x509.Certificate
	server tls.Certificate
}

func newServerTLS(now time.Time) (*serverTLS, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	key, err2 := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err := errors.Join(err, err2); err != nil {
		return nil, fmt.Errorf("wechatpaytest: TLS keys: %w", err)
	}
	subject := func(cn string) pkix.Name {
		return pkix.Name{Organization: []string{"TEST ONLY - wechatpaytest"}, CommonName: cn}
	}
	ca, err := issue(&x509.Certificate{
		Subject: subject("wechatpaytest CA"), NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(1, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true, IsCA: true, MaxPathLenZero: true,
	}, nil, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	leaf, err := issue(&x509.Certificate{
		Subject: subject("127.0.0.1"), NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(1, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}, DNSNames: []string{"localhost"},
	}, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	return &serverTLS{ca: ca, server: tls.Certificate{Certificate: [][]byte{leaf.Raw, ca.Raw}, PrivateKey: key, Leaf: leaf}}, nil
}
