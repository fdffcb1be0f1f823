package wechatpay_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
)

func writeCredentials(t *testing.T, json string) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"merchant_test_key.pem", "merchant_test_cert.pem", "wechatpay_pubkey_test.pem", "wechatpay_platform_test_cert.pem"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), readFile(t, f), 0o600))
	}
	path := filepath.Join(dir, wechatpay.CredentialsFileName)
	require.NoError(t, os.WriteFile(path, []byte(json), 0o600))
	return path
}

func TestNewClientFromFile(t *testing.T) {
	path := writeCredentials(t, `{
  "mchid": "1900016681",
  "appid": "wxe062425f740d30d8",
  "merchant_private_key_file": "merchant_test_key.pem",
  "merchant_certificate_file": "merchant_test_cert.pem",
  "wechatpay_public_key_id": "PUB_KEY_ID_0114232134912410000000000000",
  "wechatpay_public_key_file": "wechatpay_pubkey_test.pem",
  "platform_certificate_files": ["wechatpay_platform_test_cert.pem"],
  "apiv3_key": "TestOnlyApiV3Key0123456789abcdef",
  "apiv2_key": "TestOnlyApiV2Key9876543210fedcba"
}`)
	c, err := wechatpay.NewClientFromFile(path)
	require.NoError(t, err)
	require.Equal(t, "1900016681", c.MchID())
	require.Equal(t, "wxe062425f740d30d8", c.AppID())
	require.Equal(t, "1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D", c.Signer().Serial(), "serial from the certificate")
	require.Equal(t, wechatpay.KeyModeBoth, c.Verifier().Mode())
}

func TestCredentialsErrorsNameTheField(t *testing.T) {
	tests := map[string]struct{ json, field string }{
		"unknown field":               {`{"mchid":"1","merchant_private_key_file":"merchant_test_key.pem","wechatpay_public_key_id":"PUB_KEY_ID_1","wechatpay_public_key_file":"wechatpay_pubkey_test.pem","merchant_serial_no":"AB","mchid_typo":"x"}`, ""},
		"no mchid":                    {`{"merchant_private_key_file":"merchant_test_key.pem"}`, "mchid"},
		"no wechatpay key":            {`{"mchid":"1","merchant_private_key_file":"merchant_test_key.pem","merchant_serial_no":"AB"}`, "wechatpay_public_key_file"},
		"key id missing":              {`{"mchid":"1","merchant_private_key_file":"merchant_test_key.pem","merchant_serial_no":"AB","wechatpay_public_key_file":"wechatpay_pubkey_test.pem"}`, "wechatpay_public_key_id"},
		"missing key file":            {`{"mchid":"1","merchant_private_key_file":"nope.pem","merchant_serial_no":"AB","wechatpay_public_key_id":"PUB_KEY_ID_1","wechatpay_public_key_file":"wechatpay_pubkey_test.pem"}`, "merchant_private_key_file"},
		"cert as key":                 {`{"mchid":"1","merchant_private_key_file":"merchant_test_cert.pem","merchant_serial_no":"AB","wechatpay_public_key_id":"PUB_KEY_ID_1","wechatpay_public_key_file":"wechatpay_pubkey_test.pem"}`, "merchant_private_key_file"},
		"short apiv3 key":             {`{"mchid":"1","merchant_private_key_file":"merchant_test_key.pem","merchant_serial_no":"AB","wechatpay_public_key_id":"PUB_KEY_ID_1","wechatpay_public_key_file":"wechatpay_pubkey_test.pem","apiv3_key":"short"}`, "apiv3_key"},
		"trailing data":               {`{"mchid":"1"} {}`, ""},
		"ca file not found":           {`{"mchid":"1","merchant_private_key_file":"merchant_test_key.pem","merchant_serial_no":"AB","wechatpay_public_key_id":"PUB_KEY_ID_1","wechatpay_public_key_file":"wechatpay_pubkey_test.pem","ca_file":"none.pem"}`, "ca_file"},
		"platform cert as public key": {`{"mchid":"1","merchant_private_key_file":"merchant_test_key.pem","merchant_serial_no":"AB","wechatpay_public_key_id":"PUB_KEY_ID_1","wechatpay_public_key_file":"wechatpay_platform_test_cert.pem"}`, "wechatpay_public_key_file"},
		"merchant cert as public key": {`{"mchid":"1","merchant_private_key_file":"merchant_test_key.pem","merchant_serial_no":"AB","wechatpay_public_key_id":"PUB_KEY_ID_1","wechatpay_public_key_file":"merchant_test_cert.pem"}`, "wechatpay_public_key_file"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := wechatpay.NewClientFromFile(writeCredentials(t, tt.json))
			require.ErrorIs(t, err, wechatpay.ErrInvalidConfig)
			if tt.field != "" {
				var fe *wechatpay.FieldError
				require.ErrorAs(t, err, &fe)
				require.Equal(t, tt.field, fe.Field)
			}
			require.NotContains(t, err.Error(), "PRIVATE KEY")
		})
	}
}

// TestCredentialsErrorText: a bad credentials file says which field, what
// is wrong and what to do, with one prefix.
func TestCredentialsErrorText(t *testing.T) {
	tests := map[string]struct{ json, want string }{
		"no mchid": {`{"merchant_private_key_file":"merchant_test_key.pem"}`,
			`wechatpay: invalid configuration: mchid: empty; set it to the merchant number (商户号)`},
		"key id missing": {`{"mchid":"1","merchant_private_key_file":"merchant_test_key.pem","merchant_serial_no":"AB","wechatpay_public_key_file":"wechatpay_pubkey_test.pem"}`,
			"wechatpay: invalid configuration: wechatpay_public_key_id: empty while wechatpay_public_key_file is set; set it to the PUB_KEY_ID_"},
		"missing key file": {`{"mchid":"1","merchant_private_key_file":"nope.pem","merchant_serial_no":"AB","wechatpay_public_key_id":"PUB_KEY_ID_1","wechatpay_public_key_file":"wechatpay_pubkey_test.pem"}`,
			"nope.pem: no such file or directory (relative paths resolve against the credentials file's directory); it must be the merchant API private key"},
		"cert as key": {`{"mchid":"1","merchant_private_key_file":"merchant_test_cert.pem","merchant_serial_no":"AB","wechatpay_public_key_id":"PUB_KEY_ID_1","wechatpay_public_key_file":"wechatpay_pubkey_test.pem"}`,
			"merchant_test_cert.pem: "},
		"ca file not PEM": {`{"mchid":"1","merchant_private_key_file":"merchant_test_key.pem","merchant_serial_no":"AB","wechatpay_public_key_id":"PUB_KEY_ID_1","wechatpay_public_key_file":"wechatpay_pubkey_test.pem","ca_file":"credentials.json"}`,
			"credentials.json: no PEM certificate in it; it must hold the PEM CA certificate that issued base_url's certificate"},
		"platform cert as public key": {`{"mchid":"1","merchant_private_key_file":"merchant_test_key.pem","merchant_serial_no":"AB","wechatpay_public_key_id":"PUB_KEY_ID_1","wechatpay_public_key_file":"wechatpay_platform_test_cert.pem","platform_certificate_files":["wechatpay_platform_test_cert.pem"]}`,
			"wechatpay_public_key_file " + filepath.Join("DIR", "wechatpay_platform_test_cert.pem") + ": is a certificate, not a public key (a platform certificate goes in platform_certificate_files); it must be the WeChat Pay public key"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			path := writeCredentials(t, tt.json)
			_, err := wechatpay.NewClientFromFile(path)
			require.ErrorIs(t, err, wechatpay.ErrInvalidConfig)
			var fe *wechatpay.FieldError
			require.ErrorAs(t, err, &fe)
			require.Contains(t, err.Error(), strings.ReplaceAll(tt.want, "DIR", filepath.Dir(path)))
			require.Equal(t, 1, strings.Count(err.Error(), "wechatpay: "), err.Error())
			require.NotContains(t, err.Error(), "wechatpay/crypto: ")
			require.Equal(t, 1, strings.Count(err.Error(), "invalid configuration"), err.Error())
		})
	}
}
