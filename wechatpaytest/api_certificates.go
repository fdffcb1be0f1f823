package wechatpaytest

import (
	"net/http"

	"github.com/gowechatpay/wechatpay"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
)

// msgNoCertificates is WeChat Pay's answer to a merchant of the public key
// asking for platform certificates.
const msgNoCertificates = "无可用的平台证书"

// serveCertificates answers GET /v3/certificates: with platform
// certificates (KeyModeCertificates, KeyModeBoth), the certificate
// AEAD_AES_256_GCM-encrypted with the APIv3 key; for a merchant of the
// public key only, 404 RESOURCE_NOT_EXISTS, as WeChat Pay answers.
func (s *Server) serveCertificates(r *V3Request) (int, any) {
	if r.URL.RawQuery != "" {
		return paramError("query", "query", "this API takes no query parameters").Answer()
	}
	if !s.hasCertificates() {
		return (&ErrorAnswer{Code: "RESOURCE_NOT_EXISTS", Message: msgNoCertificates, status: http.StatusNotFound,
			verdict: "not_found: no platform certificate in key mode " + s.keyMode.String()}).Answer()
	}
	cert := s.keys.platformCert
	nonce := wechatpay.NewNonce()[:wxcrypto.GCMNonceSize]
	ct, err := wxcrypto.SealAESGCM([]byte(TestAPIv3Key), []byte(nonce), []byte("certificate"), certPEM(cert))
	if err != nil {
		return systemError("encryption failed", "sealing the certificate").Answer()
	}
	type encrypted struct {
		Algorithm      string `json:"algorithm"`
		Nonce          string `json:"nonce"`
		AssociatedData string `json:"associated_data"`
		Ciphertext     string `json:"ciphertext"`
	}
	type item struct {
		SerialNo           string    `json:"serial_no"`
		EffectiveTime      string    `json:"effective_time"`
		ExpireTime         string    `json:"expire_time"`
		EncryptCertificate encrypted `json:"encrypt_certificate"`
	}
	return http.StatusOK, struct {
		Data []item `json:"data"`
	}{[]item{{
		SerialNo:           s.keys.platformSerial,
		EffectiveTime:      rfc3339(cert.NotBefore),
		ExpireTime:         rfc3339(cert.NotAfter),
		EncryptCertificate: encrypted{"AEAD_AES_256_GCM", nonce, "certificate", ct},
	}}}
}
