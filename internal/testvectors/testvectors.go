// Package testvectors reads the shared test vectors, testdata/vectors.json
// at the module root, for the tests of every package that checks against
// them. It imports only the standard library and testify.
package testvectors

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// Vectors mirrors testdata/vectors.json.
type Vectors struct {
	Identities struct {
		Merchant struct {
			MchID           string `json:"mchid"`
			Serial          string `json:"certificate_serial_no"`
			PrivateKeyPKCS8 string `json:"private_key_pkcs8"`
			PrivateKeyPKCS1 string `json:"private_key_pkcs1"`
			PublicKey       string `json:"public_key"`
			Certificate     string `json:"certificate"`
		} `json:"merchant"`
		PublicKey struct {
			ID                    string `json:"public_key_id"`
			PublicKey             string `json:"public_key"`
			PrivateKeyForEmulator string `json:"private_key_for_emulator"`
		} `json:"wechatpay_public_key"`
		PlatformCertificate struct {
			SerialNo              string `json:"serial_no"`
			Certificate           string `json:"certificate"`
			PrivateKeyForEmulator string `json:"private_key_for_emulator"`
		} `json:"wechatpay_platform_certificate"`
		APIv3Key string `json:"apiv3_key"`
		APIv2Key string `json:"apiv2_key"`
	} `json:"identities"`
	Signing []struct {
		Name           string            `json:"name"`
		Method         string            `json:"method"`
		Host           string            `json:"host"`
		PathTemplate   string            `json:"path_template"`
		PathParams     map[string]string `json:"path_params"`
		CanonicalURL   string            `json:"canonical_url"`
		Timestamp      int64             `json:"timestamp"`
		Nonce          string            `json:"nonce"`
		Body           string            `json:"body"`
		SigningMessage string            `json:"signing_message"`
		Signature      string            `json:"signature"`
		Authorization  string            `json:"authorization"`
		Headers        map[string]string `json:"request_headers"`
		Query          [][2]string       `json:"query"`
	} `json:"v3_request_signing"`
	Verification struct {
		Now   int64             `json:"now"`
		Keys  map[string]string `json:"keys_by_serial"`
		Cases []struct {
			Name                string            `json:"name"`
			Expect              string            `json:"expect"`
			Status              int               `json:"status"`
			Body                string            `json:"body"`
			Headers             map[string]string `json:"headers"`
			VerificationMessage string            `json:"verification_message"`
		} `json:"cases"`
	} `json:"v3_response_verification"`
	Notification Notification `json:"v3_notification"`
	AEAD         []struct {
		Name           string `json:"name"`
		Expect         string `json:"expect"`
		Key            string `json:"key"`
		Nonce          string `json:"nonce"`
		AssociatedData string `json:"associated_data"`
		Plaintext      string `json:"plaintext"`
		Ciphertext     string `json:"ciphertext"`
	} `json:"aead_aes_256_gcm"`
	OAEP []struct {
		Name          string `json:"name"`
		Expect        string `json:"expect"`
		EncryptedWith string `json:"encrypted_with"`
		DecryptWith   string `json:"decrypt_with"`
		Ciphertext    string `json:"ciphertext"`
		Plaintext     string `json:"plaintext"`
	} `json:"rsa_oaep"`
	V2 struct {
		APIv2Key string `json:"apiv2_key"`
		Signs    []struct {
			Name         string            `json:"name"`
			SignType     string            `json:"sign_type"`
			Key          string            `json:"key"`
			Params       map[string]string `json:"params"`
			StringToSign string            `json:"string_to_sign"`
			Sign         string            `json:"sign"`
		} `json:"signs"`
		RequestXML struct {
			Params map[string]string `json:"params"`
			XML    string            `json:"xml"`
		} `json:"request_xml"`
		Responses []struct {
			Name    string            `json:"name"`
			Expect  string            `json:"expect"`
			XML     string            `json:"xml"`
			Fields  map[string]string `json:"fields"`
			ErrCode string            `json:"err_code"`
		} `json:"responses"`
	} `json:"v2_queryworkwxredpack"`
}

// Notification is the v3_notification vector: a callback as WeChat Pay
// delivers it, and what it decrypts and decodes to.
type Notification struct {
	Now                 int64             `json:"now"`
	Headers             map[string]string `json:"headers"`
	Body                string            `json:"body"`
	VerificationMessage string            `json:"verification_message"`
	ExpectPlaintext     string            `json:"expect_plaintext"`
	ExpectEnvelope      struct {
		ID           string `json:"id"`
		CreateTime   string `json:"create_time"`
		ResourceType string `json:"resource_type"`
		EventType    string `json:"event_type"`
		Summary      string `json:"summary"`
	} `json:"expect_envelope"`
}

// Header returns a new http.Header of the callback's headers.
func (n *Notification) Header() http.Header {
	h := http.Header{}
	for k, v := range n.Headers {
		h.Set(k, v)
	}
	return h
}

// Load reads testdata/vectors.json.
func Load(t testing.TB) *Vectors {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(Dir(t), "vectors.json"))
	require.NoError(t, err)
	var v Vectors
	require.NoError(t, json.Unmarshal(data, &v))
	return &v
}

// Dir is the module's testdata directory, found from the directory the
// test runs in (its package's) upwards.
func Dir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "testdata")
		}
		parent := filepath.Dir(dir)
		require.NotEqual(t, dir, parent, "no go.mod above the test's directory")
		dir = parent
	}
}
