package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/security"
)

// signed reports step 1 from the first echo's outcome: the request got
// past WeChat Pay's signature check unless err is WeChat Pay's refusal or
// the request never got an answer (echo is the answer, if any). On failure steps 2-5 are skipped.
func (d *doctor) signed(label string, mode wechatpay.KeyMode, echo *security.Echo, err error) bool {
	var api *wechatpay.APIError
	var te *wechatpay.TransportError
	switch {
	case errors.As(err, &api):
		d.line("1 sign"+label, "FAIL", api.RequestID, errorText(err)+signHint(d.cr, mode, api))
	case errors.As(err, &te):
		d.line("1 sign"+label, "FAIL", te.RequestID, errorText(err)+"; fix: "+d.targetHint())
	case err != nil && !errors.Is(err, wechatpay.ErrInvalidSignature):
		d.line("1 sign"+label, "FAIL", requestID(err), errorText(err))
	default:
		id := requestID(err)
		if echo != nil {
			id = echo.Meta.RequestID
		}
		d.line("1 sign"+label, "pass", id, "WeChat Pay accepted the request's signature (mchid "+d.cr.MchID+")")
		return true
	}
	for _, s := range []string{"2 verify", "3 echo"} {
		d.line(s+label, "skipped", "", "step 1 failed")
	}
	d.skipEncryption(label, "step 1 failed")
	return false
}

// targetHint says what to check when WeChat Pay cannot be reached.
func (d *doctor) targetHint() string {
	if d.cr.BaseURL != "" {
		return "check base_url " + d.cr.BaseURL + " (is the sandbox running?) and ca_file"
	}
	return "check the network path to api.mch.weixin.qq.com (firewall, proxy, DNS)"
}

// signHint is the fix of WeChat Pay's refusal of the echo request.
func signHint(cr *wechatpay.Credentials, mode wechatpay.KeyMode, api *wechatpay.APIError) string {
	switch {
	case api.StatusCode == http.StatusUnauthorized && api.Code == "SIGN_ERROR":
		return signErrorHint(cr, api)
	case api.Code == "PARAM_ERROR" && strings.Contains(api.Message, wechatpay.HeaderSerial):
		return "; WeChat Pay holds no key of the Wechatpay-Serial sent (key mode " + mode.String() + ")" + familyHint(mode)
	case api.Code == "NO_AUTH":
		return "; fix: mchid " + cr.MchID + " may not call the echo endpoint; ask WeChat Pay to open it"
	}
	return ""
}

// signErrorHint reads the detail's field and the parts the SDK found
// different in a SIGN_ERROR and says which part of the configuration to
// change.
func signErrorHint(cr *wechatpay.Credentials, api *wechatpay.APIError) string {
	var detail struct {
		Field string `json:"field"`
	}
	_ = json.Unmarshal(api.Detail, &detail) // a detail of another shape: no field
	found := map[wechatpay.SignPart]bool{}
	for _, d := range api.SignDifferences() {
		found[d.Part] = true
	}
	switch {
	case detail.Field == "timestamp" || found[wechatpay.SignPartClock]:
		return "; fix: set the local clock right (NTP): WeChat Pay accepts timestamps within 5 minutes of its own"
	case detail.Field == "serial_no":
		return "; fix: merchant_serial_no must be the serial of the merchant API certificate WeChat Pay holds for mchid " + cr.MchID +
			" (商户平台 > 账户中心 > API安全 shows it); or set merchant_certificate_file to that apiclient_cert.pem and remove merchant_serial_no"
	case detail.Field == "mchid":
		return "; fix: mchid must be the merchant number the merchant API certificate was issued to"
	case found[wechatpay.SignPartBody]:
		return "; fix: " + throughWhat(cr) + " rewrites request bodies (e.g. re-serialises JSON): it must forward them byte for byte"
	case found[wechatpay.SignPartURL] || found[wechatpay.SignPartMethod]:
		return "; fix: " + throughWhat(cr) + " changes the request line: it must forward the method, path and query unchanged"
	case found[wechatpay.SignPartTimestamp] || found[wechatpay.SignPartNonce]:
		return "; fix: " + throughWhat(cr) + " changes the Authorization header: it must forward it unchanged"
	case found[wechatpay.SignPartLength]:
		return "; fix: " + throughWhat(cr) + " changes the request after signing (WeChat Pay verified a message of another length): " +
			"it must forward the request line, the Authorization header and the body unchanged"
	}
	return "; fix: merchant_private_key_file must be the apiclient_key.pem of the merchant API certificate WeChat Pay holds for mchid " + cr.MchID +
		" (serial merchant_serial_no " + cr.MerchantSerialNo + "); set merchant_certificate_file too, so that step 0 checks they match"
}

// throughWhat names what stands between the SDK and WeChat Pay.
func throughWhat(cr *wechatpay.Credentials) string {
	if cr.BaseURL != "" {
		return "base_url " + cr.BaseURL + " (or a proxy behind it)"
	}
	return "a proxy between the SDK and WeChat Pay"
}

// familyHint is the fix of a configuration of key mode mode whose key
// family WeChat Pay does not use for the merchant.
func familyHint(mode wechatpay.KeyMode) string {
	if mode == wechatpay.KeyModeCertificates {
		return "; fix: the merchant uses the WeChat Pay public key, not platform certificates: set wechatpay_public_key_id and " +
			"wechatpay_public_key_file (商户平台 > 账户中心 > API安全 > 微信支付公钥)"
	}
	return "; fix: the merchant uses platform certificates, not the WeChat Pay public key: set platform_certificate_files " +
		"(wechatpay certificates -out DIR downloads them) and remove wechatpay_public_key_id and wechatpay_public_key_file"
}

// verifyHint is the fix of an answer that does not verify (step 2).
func verifyHint(err error, c *wechatpay.Client) string {
	switch {
	case errors.Is(err, wechatpay.ErrUnknownSerial):
		return familyHint(c.Verifier().Mode())
	case errors.Is(err, wechatpay.ErrBadSignature):
		return "; fix: the configured WeChat Pay key is not the one that signs: download wechatpay_public_key_file (or the platform certificates) again; " +
			"or something between WeChat Pay and the SDK rewrites answers"
	case errors.Is(err, wechatpay.ErrSignatureProbe):
		return "; a WECHATPAY/SIGNTEST/ signature probe again, rejected as it must be: run the doctor again"
	case errors.Is(err, wechatpay.ErrStaleTimestamp):
		return "; fix: set the local clock right (NTP)"
	}
	return ""
}

// encryption is steps 4 and 5: a field encrypted for WeChat Pay, and the
// one it encrypts back for the merchant.
func (d *doctor) encryption(ctx context.Context, c *wechatpay.Client, svc *security.Service, label string) bool {
	plain := randomText("secret-")
	echo, err := svc.Echo(ctx, &security.EchoRequest{EchoMessage: randomText("doctor-"), EncryptedEchoMessage: plain})
	var api *wechatpay.APIError
	switch {
	case errors.As(err, &api):
		d.line("4 encrypt out"+label, "FAIL", api.RequestID, errorText(err)+
			"; fix: the WeChat Pay key that encrypts (wechatpay_public_key_file or platform_certificate_files) does not belong to the id or serial sent with it: download both again together")
		d.line("5 decrypt in"+label, "skipped", "", "step 4 failed")
		return false
	case errors.Is(err, wechatpay.ErrDecrypt):
		d.line("4 encrypt out"+label, "pass", requestID(err), "WeChat Pay decrypted encrypted_echo_message")
		d.line("5 decrypt in"+label, "FAIL", requestID(err), errorText(err)+
			"; fix: merchant_private_key_file is not the key of the merchant certificate WeChat Pay holds for mchid "+d.cr.MchID+": use the apiclient_key.pem of that certificate")
		return false
	case err != nil:
		d.line("4 encrypt out"+label, "FAIL", requestID(err), errorText(err)+verifyHint(err, c))
		d.line("5 decrypt in"+label, "skipped", "", "step 4 failed")
		return false
	}
	d.line("4 encrypt out"+label, "pass", echo.Meta.RequestID, "WeChat Pay decrypted encrypted_echo_message")
	if echo.EncryptedEchoMessage != plain {
		d.line("5 decrypt in"+label, "warning", echo.Meta.RequestID, "the answer's encrypted_echo_message decrypts, to another text than was sent (WeChat Pay does not document that they are equal)")
		return true
	}
	d.line("5 decrypt in"+label, "pass", echo.Meta.RequestID, "the answer's encrypted_echo_message decrypts with merchant_private_key_file to the text sent")
	return true
}
