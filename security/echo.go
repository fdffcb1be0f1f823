package security

import (
	"context"
	"net/http"
	"strings"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/service"
)

// EchoRequest is what Echo sends. No field lengths are documented; the
// SDK's limits keep every value within what WeChat Pay can take.
type EchoRequest struct {
	// EchoMessage is echoed back in clear; required, at most 64 printable
	// ASCII characters.
	EchoMessage string `json:"echo_message" wx:"required,ascii,max=64"`
	// EncryptedEchoMessage is the plaintext of the encryption test;
	// optional, at most 214 bytes. The SDK encrypts it (RSA-OAEP) with the
	// WeChat Pay key its Wechatpay-Serial names; WeChat Pay decrypts it
	// and encrypts it back with the merchant certificate's key.
	EncryptedEchoMessage string `json:"encrypted_echo_message,omitempty" wx:"maxbytes=214,encrypt"`
	// NotifyURL, when set, makes WeChat Pay send a SECURITY_ECHO.SUCCESS
	// callback there: an https URL without a query string.
	NotifyURL string `json:"notify_url,omitempty" wx:"max=256,https"`
}

// Validate checks the request as Echo does before any I/O, reporting
// every problem.
func (r *EchoRequest) Validate() error { return wechatpay.ValidateRequest(r) }

// KeyFamily is the kind of WeChat Pay key that signed an answer.
type KeyFamily string

const (
	// KeyFamilyPublicKey is the WeChat Pay public key (PUB_KEY_ID_…).
	KeyFamilyPublicKey KeyFamily = "public-key"
	// KeyFamilyCertificate is a platform certificate (平台证书).
	KeyFamilyCertificate KeyFamily = "certificate"
)

// Echo is WeChat Pay's verified answer to an echo.
type Echo struct {
	// EchoMessage is the request's echo_message as WeChat Pay read it;
	// a different value means something rewrote the body on the way.
	EchoMessage string `json:"echo_message" wire:"required"`
	// EncryptedEchoMessage is the answer's encrypted_echo_message,
	// decrypted with the merchant private key; empty when the request had
	// none. That it equals the request's plaintext is implied by the
	// name, not documented.
	EncryptedEchoMessage string `json:"encrypted_echo_message,omitempty"`
	// Serial is the answer's Wechatpay-Serial: the id or serial of the
	// WeChat Pay key whose signature the client verified.
	Serial string `json:"-"`
	// Family is the kind of key Serial names.
	Family KeyFamily `json:"-"`
	// Meta describes the HTTP exchange (Request-ID, attempts, headers).
	Meta wechatpay.Response `json:"-"`
}

var opEcho = wechatpay.Operation[EchoRequest, Echo]{
	Name: "security.Echo", Method: http.MethodPost, Path: "/v3/security/echo", Repeat: wechatpay.RepeatReentrant,
	After: func(c *wechatpay.Client, _ []byte, e *Echo) error {
		e.Serial, e.Family = e.Meta.Header.Get(wechatpay.HeaderSerial), KeyFamilyCertificate
		if strings.HasPrefix(e.Serial, wechatpay.PublicKeyIDPrefix) {
			e.Family = KeyFamilyPublicKey
		}
		return service.Decrypt(c.DecryptSensitive, &e.EncryptedEchoMessage, "security: the answer's encrypted_echo_message", e.Meta.RequestID)
	},
}

// Echo tests, without moving money, the merchant's request signature, its
// verification of the answer, the encryption of EncryptedEchoMessage
// towards WeChat Pay and the decryption of what comes back, and with
// NotifyURL the callback (商户签名验签/加解密测试).
//
// POST /v3/security/echo
//
// The request's Wechatpay-Serial names the WeChat Pay key of the client's
// key mode, which both encrypts EncryptedEchoMessage and chooses the
// family that signs the answer (one call cannot mix families). A 401
// SIGN_ERROR means a wrong key, serial or clock; a 400 PARAM_ERROR an
// encryption key that does not belong to the declared serial. A decryption
// failure of the answer's field matches wechatpay.ErrDecrypt: the merchant
// key does not match the certificate WeChat Pay holds. Rate limit: not
// documented (see WithLimiter). The echo has no effect, so the client
// retries it on transport errors, 429 and 5xx.
func (s *Service) Echo(ctx context.Context, req *EchoRequest) (*Echo, error) {
	return opEcho.Do(ctx, s.core().Client(), req, s.core().Limiter())
}
