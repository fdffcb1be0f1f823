package wechatpay

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
)

// CredentialsFileName is the name the sandbox gives its credentials file.
const CredentialsFileName = "credentials.json"

// Credentials is the JSON credentials file that the sandbox writes and
// every example and the command-line tool read. File paths are relative to
// the file's own directory. A production file leaves BaseURL and CAFile
// empty and reaches the WeChat Pay domains.
type Credentials struct {
	// BaseURL replaces the api, api2 and apihk domains when set.
	BaseURL string `json:"base_url,omitempty"`
	// CAFile is a PEM CA to trust for BaseURL (the sandbox's own).
	CAFile string `json:"ca_file,omitempty"`
	// MchID is the merchant number.
	MchID string `json:"mchid"`
	// AppID is the default appid of calls that carry one.
	AppID string `json:"appid,omitempty"`
	// MerchantSerialNo is the merchant API certificate's serial (upper-case
	// hex); taken from MerchantCertificateFile when empty.
	MerchantSerialNo string `json:"merchant_serial_no,omitempty"`
	// MerchantPrivateKeyFile is apiclient_key.pem (PKCS#8 or PKCS#1).
	MerchantPrivateKeyFile string `json:"merchant_private_key_file"`
	// MerchantCertificateFile is apiclient_cert.pem, also the v2 mTLS client
	// certificate.
	MerchantCertificateFile string `json:"merchant_certificate_file,omitempty"`
	// WechatpayPublicKeyID is the PUB_KEY_ID_... of WechatpayPublicKeyFile.
	WechatpayPublicKeyID string `json:"wechatpay_public_key_id,omitempty"`
	// WechatpayPublicKeyFile is the WeChat Pay public key (PEM).
	WechatpayPublicKeyFile string `json:"wechatpay_public_key_file,omitempty"`
	// PlatformCertificateFiles lists platform certificates (PEM), for
	// merchants that still verify with them.
	PlatformCertificateFiles []string `json:"platform_certificate_files,omitempty"`
	// APIv3Key decrypts callbacks and platform certificates (32 bytes).
	APIv3Key string `json:"apiv3_key,omitempty"`
	// APIv2Key signs APIv2 requests (32 bytes).
	APIv2Key string `json:"apiv2_key,omitempty"`
	// WeComPaymentSecret is the secret of the WeCom 企业支付 application,
	// for the workwx_sign of WeCom red packets (redpack.WithWorkWxSecret).
	// It is a secret: never print it.
	WeComPaymentSecret string `json:"wecom_payment_secret,omitempty"`

	// Dir is the directory relative paths are resolved against (the
	// file's own directory when loaded with LoadCredentials).
	Dir string `json:"-"`
}

// LoadCredentials reads a credentials file. Unknown fields are an error, so
// a misspelt name does not go unnoticed.
func LoadCredentials(path string) (*Credentials, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("wechatpay: reading credentials: %w", err)
	}
	cr, err := ParseCredentials(data)
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, path)
	}
	cr.Dir = filepath.Dir(path)
	return cr, nil
}

// ParseCredentials decodes the JSON of a credentials file; relative paths
// resolve against the current directory until Dir is set.
func ParseCredentials(data []byte) (*Credentials, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var cr Credentials
	if err := dec.Decode(&cr); err != nil {
		return nil, fmt.Errorf("%w: credentials file is not valid JSON: %w", ErrInvalidConfig, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: credentials file has data after the JSON object", ErrInvalidConfig)
	}
	switch {
	case cr.MchID == "":
		return nil, missingField("mchid", "empty", `set it to the merchant number (商户号), e.g. "1900016681"`)
	case cr.MerchantPrivateKeyFile == "":
		return nil, missingField("merchant_private_key_file", "empty", "set it to the path of apiclient_key.pem")
	case cr.WechatpayPublicKeyFile == "" && len(cr.PlatformCertificateFiles) == 0:
		return nil, missingField("wechatpay_public_key_file", "neither a WeChat Pay public key nor a platform certificate is given",
			"set wechatpay_public_key_file and wechatpay_public_key_id, or platform_certificate_files")
	case cr.WechatpayPublicKeyFile != "" && cr.WechatpayPublicKeyID == "":
		return nil, missingField("wechatpay_public_key_id", "empty while wechatpay_public_key_file is set",
			"set it to the PUB_KEY_ID_... shown with the public key in the merchant platform")
	case cr.MerchantSerialNo == "" && cr.MerchantCertificateFile == "":
		return nil, missingField("merchant_serial_no", "empty and no merchant_certificate_file to take it from",
			"set it to the merchant API certificate's serial, or set merchant_certificate_file")
	}
	return &cr, nil
}

func (cr *Credentials) path(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(cr.Dir, p)
}

// Options loads the files the credentials name and returns the options that
// configure a Client with them.
func (cr *Credentials) Options() ([]Option, error) {
	if cr == nil {
		return nil, configError(&FieldError{Field: "credentials", Reason: "nil *wechatpay.Credentials (use LoadCredentials)", Missing: true})
	}
	wrap := func(field, file string, err error) error {
		return &fileError{field: field, path: cr.path(file), relative: file != "" && !filepath.IsAbs(file), err: err}
	}
	key, err := wxcrypto.LoadPrivateKeyFile(cr.path(cr.MerchantPrivateKeyFile))
	if err != nil {
		return nil, wrap("merchant_private_key_file", cr.MerchantPrivateKeyFile, err)
	}
	opts := []Option{WithMerchant(cr.MchID, cr.MerchantSerialNo, key)}
	if cr.MerchantCertificateFile != "" {
		cert, err := wxcrypto.LoadCertificateFile(cr.path(cr.MerchantCertificateFile))
		if err != nil {
			return nil, wrap("merchant_certificate_file", cr.MerchantCertificateFile, err)
		}
		opts = append(opts, WithMerchantCertificate(cert))
	}
	if cr.WechatpayPublicKeyFile != "" {
		pub, err := loadWechatpayPublicKey(cr.path(cr.WechatpayPublicKeyFile))
		if err != nil {
			return nil, wrap("wechatpay_public_key_file", cr.WechatpayPublicKeyFile, err)
		}
		opts = append(opts, WithPublicKey(cr.WechatpayPublicKeyID, pub))
	}
	for _, f := range cr.PlatformCertificateFiles {
		cert, err := wxcrypto.LoadCertificateFile(cr.path(f))
		if err != nil {
			return nil, wrap("platform_certificate_files", f, err)
		}
		opts = append(opts, WithPlatformCertificates(cert))
	}
	if cr.APIv3Key != "" {
		opts = append(opts, WithAPIv3Key(cr.APIv3Key))
	}
	if cr.APIv2Key != "" {
		opts = append(opts, WithAPIv2Key(cr.APIv2Key))
	}
	if cr.AppID != "" {
		opts = append(opts, WithAppID(cr.AppID))
	}
	if cr.BaseURL != "" {
		opts = append(opts, WithBaseURL(cr.BaseURL))
	}
	if cr.CAFile != "" {
		data, err := os.ReadFile(cr.path(cr.CAFile))
		if err != nil {
			return nil, wrap("ca_file", cr.CAFile, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(data) {
			return nil, wrap("ca_file", cr.CAFile, errors.New("no PEM certificate in it"))
		}
		opts = append(opts, WithRootCAs(pool))
	}
	return opts, nil
}

// errCertificateAsPublicKey: a certificate in wechatpay_public_key_file.
var errCertificateAsPublicKey = errors.New("is a certificate, not a public key (a platform certificate goes in platform_certificate_files)")

// loadWechatpayPublicKey reads the WeChat Pay public key of a PUB_KEY_ID_.
// Unlike wxcrypto.LoadPublicKeyFile it refuses a certificate: a platform
// certificate's key would sign and encrypt under the wrong id, and fail
// only at the first answer or at WeChat Pay.
func loadWechatpayPublicKey(path string) (*rsa.PublicKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	for rest := data; ; {
		var block *pem.Block
		if block, rest = pem.Decode(rest); block == nil || strings.HasSuffix(block.Type, "PUBLIC KEY") {
			break
		}
		if block.Type == "CERTIFICATE" {
			return nil, errCertificateAsPublicKey
		}
	}
	return wxcrypto.LoadPublicKey(data)
}

// fieldError is a required field of the credentials file that is missing.
// It matches ErrInvalidConfig and its *FieldError.
type fieldError struct {
	fe   *FieldError
	hint string
}

func missingField(field, reason, hint string) error {
	return &fieldError{fe: &FieldError{Field: field, Reason: reason, Missing: true}, hint: hint}
}

// Error says which field, what is wrong and what to do, once.
func (e *fieldError) Error() string {
	return "wechatpay: invalid configuration: " + e.fe.Field + ": " + e.fe.Reason + "; " + e.hint
}

// Unwrap makes errors.Is and errors.As match ErrInvalidConfig and the
// *FieldError (hence ErrInvalidInput and ErrMissingField).
func (e *fieldError) Unwrap() []error { return []error{ErrInvalidConfig, e.fe} }

// fileHints say what each file of the credentials must hold.
var fileHints = map[string]string{
	"merchant_private_key_file":  "it must be the merchant API private key (apiclient_key.pem, PEM, PKCS#8 or PKCS#1) generated with the merchant API certificate",
	"merchant_certificate_file":  "it must be the merchant API certificate (apiclient_cert.pem, PEM)",
	"wechatpay_public_key_file":  "it must be the WeChat Pay public key (pub_key.pem, PEM) downloaded from the merchant platform with its PUB_KEY_ID_",
	"platform_certificate_files": "each must be a WeChat Pay platform certificate (PEM), e.g. one written by wechatpay certificates -out DIR",
	"ca_file":                    "it must hold the PEM CA certificate that issued base_url's certificate (the sandbox writes sandbox_ca.pem)",
}

// fileError is a file named by the credentials that cannot be used. It
// matches ErrInvalidConfig, a *FieldError naming the field, and the cause.
type fileError struct {
	field, path string
	relative    bool
	err         error
}

// Error says which file of which field failed, why (once, without the
// prefixes of the layers below), and what it must be.
func (e *fileError) Error() string {
	cause := e.err
	var pe *fs.PathError
	if errors.As(cause, &pe) {
		cause = pe.Err // the path is said once, below
	}
	msg := "wechatpay: invalid configuration: " + e.field + " " + e.path + ": " + strings.TrimPrefix(cause.Error(), "wechatpay/crypto: ")
	if errors.Is(e.err, fs.ErrNotExist) && e.relative {
		msg += " (relative paths resolve against the credentials file's directory)"
	}
	return msg + "; " + fileHints[e.field]
}

// Unwrap makes errors.Is and errors.As match ErrInvalidConfig, the
// *FieldError and the cause.
func (e *fileError) Unwrap() []error {
	return []error{ErrInvalidConfig, &FieldError{Field: e.field, Reason: e.err.Error()}, e.err}
}

// NewClientFromFile builds a Client from a credentials file; extra options
// apply after the file's (a logger, a timeout, a clock).
func NewClientFromFile(path string, extra ...Option) (*Client, error) {
	cr, err := LoadCredentials(path)
	if err != nil {
		return nil, err
	}
	opts, err := cr.Options()
	if err != nil {
		return nil, err
	}
	return NewClient(append(opts, extra...)...)
}
