package crypto

import (
	"crypto/rsa"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay/internal/testvectors"
)

const testdataDir = "../testdata"

func testdataPath(name string) string { return filepath.Join(testdataDir, name) }

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(testdataPath(name))
	require.NoError(t, err)
	return b
}

func loadTestPrivateKey(t testing.TB, name string) *rsa.PrivateKey {
	t.Helper()
	k, err := LoadPrivateKeyFile(testdataPath(name))
	require.NoError(t, err)
	return k
}

func loadTestPublicKey(t testing.TB, name string) *rsa.PublicKey {
	t.Helper()
	k, err := LoadPublicKeyFile(testdataPath(name))
	require.NoError(t, err)
	return k
}

func TestVectorsV3RequestSigning(t *testing.T) {
	v := testvectors.Load(t)
	require.Len(t, v.Signing, 4)
	m := v.Identities.Merchant
	pub := loadTestPublicKey(t, m.PublicKey)
	for _, keyFile := range []string{m.PrivateKeyPKCS8, m.PrivateKeyPKCS1} {
		priv := loadTestPrivateKey(t, keyFile)
		for _, c := range v.Signing {
			t.Run(keyFile+"/"+c.Name, func(t *testing.T) {
				sig, err := SignSHA256WithRSA(priv, []byte(c.SigningMessage))
				require.NoError(t, err)
				require.Equal(t, c.Signature, sig)
				require.NoError(t, VerifySHA256WithRSA(pub, []byte(c.SigningMessage), c.Signature))
			})
		}
	}
}

func TestVectorsV3ResponseVerification(t *testing.T) {
	v := testvectors.Load(t)
	rv := v.Verification
	require.Len(t, rv.Cases, 16)
	keys := map[string]*rsa.PublicKey{}
	for serial, file := range rv.Keys {
		keys[serial] = loadTestPublicKey(t, file)
	}
	require.Len(t, keys, 2)
	pubKeyID := v.Identities.PublicKey.ID
	var checkedOK, checkedBad, checkedMalformed int
	for _, c := range rv.Cases {
		t.Run(c.Name, func(t *testing.T) {
			serial := c.Headers["Wechatpay-Serial"]
			sig := c.Headers["Wechatpay-Signature"]
			msg := c.Headers["Wechatpay-Timestamp"] + "\n" + c.Headers["Wechatpay-Nonce"] + "\n" + c.Body + "\n"
			switch c.Expect {
			case "ok", "stale_timestamp":
				// Positive signature cases (stale ones carry a valid signature too).
				require.Equal(t, c.VerificationMessage, msg)
				require.NoError(t, VerifySHA256WithRSA(keys[serial], []byte(c.VerificationMessage), sig))
				if c.Expect == "ok" {
					checkedOK++
				}
				// The other WeChat Pay key must not verify it.
				for s, k := range keys {
					if s != serial {
						require.ErrorIs(t, VerifySHA256WithRSA(k, []byte(msg), sig), ErrBadSignature)
					}
				}
			case "bad_signature":
				err := VerifySHA256WithRSA(keys[serial], []byte(msg), sig)
				require.ErrorIs(t, err, ErrBadSignature)
				require.NotErrorIs(t, err, ErrMalformedSignature)
				checkedBad++
			case "malformed_signature":
				require.ErrorIs(t, VerifySHA256WithRSA(keys[serial], []byte(msg), sig), ErrMalformedSignature)
				checkedMalformed++
			case "probe_signature":
				// A probe signature is never valid base64 for any key.
				require.Error(t, VerifySHA256WithRSA(keys[pubKeyID], []byte(msg), sig))
			case "unknown_serial":
				require.NotContains(t, keys, serial)
				// Header-level; the signature itself is from the public-key-id key.
				require.NoError(t, VerifySHA256WithRSA(keys[pubKeyID], []byte(msg), sig))
			case "missing_header", "malformed_timestamp":
				// Header-level, not a concern of this package.
			default:
				t.Fatalf("unknown expect %q", c.Expect)
			}
		})
	}
	require.Equal(t, 5, checkedOK)
	require.Equal(t, 2, checkedBad)
	require.Equal(t, 1, checkedMalformed)
}

func TestVectorsV3Notification(t *testing.T) {
	v := testvectors.Load(t)
	n := v.Notification
	pub := loadTestPublicKey(t, v.Verification.Keys[n.Headers["Wechatpay-Serial"]])
	require.Equal(t, n.Headers["Wechatpay-Timestamp"]+"\n"+n.Headers["Wechatpay-Nonce"]+"\n"+n.Body+"\n", n.VerificationMessage)
	require.NoError(t, VerifySHA256WithRSA(pub, []byte(n.VerificationMessage), n.Headers["Wechatpay-Signature"]))

	var env struct {
		Resource struct {
			Algorithm      string `json:"algorithm"`
			Ciphertext     string `json:"ciphertext"`
			AssociatedData string `json:"associated_data"`
			Nonce          string `json:"nonce"`
		} `json:"resource"`
	}
	require.NoError(t, json.Unmarshal([]byte(n.Body), &env))
	require.Equal(t, "AEAD_AES_256_GCM", env.Resource.Algorithm)
	pt, err := OpenAESGCM([]byte(v.Identities.APIv3Key), []byte(env.Resource.Nonce), []byte(env.Resource.AssociatedData), env.Resource.Ciphertext)
	require.NoError(t, err)
	require.Equal(t, n.ExpectPlaintext, string(pt))
}

func TestVectorsAEADAES256GCM(t *testing.T) {
	v := testvectors.Load(t)
	require.Len(t, v.AEAD, 5)
	for _, c := range v.AEAD {
		t.Run(c.Name, func(t *testing.T) {
			pt, err := OpenAESGCM([]byte(c.Key), []byte(c.Nonce), []byte(c.AssociatedData), c.Ciphertext)
			requireVectorOutcome(t, c.Expect, "auth_failed", ErrAuthFailed, c.Plaintext, pt, err, func() {
				// Sealing is deterministic for a fixed key and nonce.
				ct, err := SealAESGCM([]byte(c.Key), []byte(c.Nonce), []byte(c.AssociatedData), []byte(c.Plaintext))
				require.NoError(t, err)
				require.Equal(t, c.Ciphertext, ct)
			})
		})
	}
}

func TestVectorsRSAOAEP(t *testing.T) {
	v := testvectors.Load(t)
	require.Len(t, v.OAEP, 6)
	var committed map[string]string
	require.NoError(t, json.Unmarshal(readTestdata(t, "oaep_ciphertexts.json"), &committed))
	for _, c := range v.OAEP {
		t.Run(c.Name, func(t *testing.T) {
			require.Equal(t, committed[c.Name], c.Ciphertext)
			priv := loadTestPrivateKey(t, c.DecryptWith)
			pt, err := DecryptOAEP(priv, c.Ciphertext)
			requireVectorOutcome(t, c.Expect, "decrypt_failed", ErrDecrypt, c.Plaintext, pt, err, func() {
				// Round trip through the key it was encrypted with.
				pub := loadTestPublicKey(t, c.EncryptedWith)
				ct, err := EncryptOAEP(pub, []byte(c.Plaintext))
				require.NoError(t, err)
				pt2, err := DecryptOAEP(priv, ct)
				require.NoError(t, err)
				require.Equal(t, c.Plaintext, string(pt2))
			})
		})
	}
}

// requireVectorOutcome checks what opening a vector's ciphertext gave: for
// expect "ok", no error and plaintext, then roundTrip; for failed (the
// vector's failure kind), wantErr and no plaintext.
func requireVectorOutcome(t *testing.T, expect, failed string, wantErr error, plaintext string, pt []byte, err error, roundTrip func()) {
	t.Helper()
	switch expect {
	case "ok":
		require.NoError(t, err)
		require.Equal(t, plaintext, string(pt))
		roundTrip()
	case failed:
		require.ErrorIs(t, err, wantErr)
		require.Nil(t, pt)
	default:
		t.Fatalf("unknown expect %q", expect)
	}
}

func TestVectorsV2Signs(t *testing.T) {
	v := testvectors.Load(t)
	red := v.V2
	require.Len(t, red.Signs, 5)
	for _, c := range red.Signs {
		t.Run(c.Name, func(t *testing.T) {
			st := SignType(c.SignType)
			require.Equal(t, c.StringToSign, V2StringToSign(c.Params, c.Key))
			sign, err := SignV2(c.Params, c.Key, st)
			require.NoError(t, err)
			require.Equal(t, c.Sign, sign)
			require.True(t, VerifyV2(c.Params, c.Key, st, c.Sign))
			require.True(t, VerifyV2(c.Params, c.Key, st, toLowerASCII(c.Sign)))
			require.False(t, VerifyV2(c.Params, c.Key+"x", st, c.Sign))
		})
	}
	t.Run("request_xml_sign", func(t *testing.T) {
		p := red.RequestXML.Params
		require.True(t, VerifyV2(p, red.APIv2Key, SignTypeMD5, p["sign"]))
	})
	for _, r := range red.Responses {
		sign, ok := r.Fields["sign"]
		if !ok {
			continue
		}
		t.Run("response_"+r.Name, func(t *testing.T) {
			got := VerifyV2(r.Fields, red.APIv2Key, SignTypeMD5, sign)
			require.Equal(t, r.Expect != "bad_sign", got)
		})
	}
}

// toLowerASCII lower-cases hex for the case-insensitivity check.
func toLowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
