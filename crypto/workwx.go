package crypto

import (
	"crypto/fips140"
	"crypto/md5"
	"crypto/subtle"
	"fmt"
	"strings"
)

// WorkWxSignFields are the parameters the WeCom red-packet sign
// (workwx_sign of sendworkwxredpack) covers, in the order signed: exactly
// these, whatever else the request carries.
var WorkWxSignFields = [...]string{"act_name", "mch_billno", "mch_id", "nonce_str", "re_openid", "total_amount", "wxappid"}

// WorkWxStringToSign builds the string of the WeCom red-packet sign: the
// non-empty WorkWxSignFields of params as k1=v1&k2=v2 with raw values,
// then "&secret=" and the secret of the WeCom 企业支付 application.
func WorkWxStringToSign(params map[string]string, secret string) string {
	return string(appendWorkWxStringToSign(nil, params, secret))
}

// appendWorkWxStringToSign appends the string of WorkWxStringToSign to b.
func appendWorkWxStringToSign(b []byte, params map[string]string, secret string) []byte {
	for _, k := range WorkWxSignFields {
		if v := params[k]; v != "" {
			b = append(b, k...)
			b = append(b, '=')
			b = append(b, v...)
			b = append(b, '&')
		}
	}
	b = append(b, "secret="...)
	return append(b, secret...)
}

// SignWorkWx computes workwx_sign: MD5 of WorkWxStringToSign as upper-case
// hex. The ordinary sign (SignV2 with the APIv2 key) is then computed over
// every parameter, workwx_sign included. Under GODEBUG=fips140=only, which
// refuses MD5, the result is an error wrapping ErrNotAllowedInFIPSMode.
func SignWorkWx(params map[string]string, secret string) (sign string, err error) {
	// The standard library panics on MD5 in fips140=only mode.
	defer func() {
		if r := recover(); r != nil {
			if !fips140.Enabled() {
				panic(r)
			}
			sign, err = "", fmt.Errorf("%w: %v", ErrNotAllowedInFIPSMode, r)
		}
	}()
	var buf [1024]byte // the string to sign, on the stack when it fits
	sum := md5.Sum(appendWorkWxStringToSign(buf[:0], params, secret))
	return upperHex(sum[:]), nil
}

// VerifyWorkWx reports, in constant time, whether sign (any case) is the
// workwx_sign of params under secret. An empty sign never verifies.
func VerifyWorkWx(params map[string]string, secret, sign string) bool {
	if sign == "" {
		return false
	}
	want, err := SignWorkWx(params, secret)
	if err != nil {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(want), []byte(strings.ToUpper(sign))) == 1
}
