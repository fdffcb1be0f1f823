package crypto

import (
	"crypto/fips140"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// SignType is an APIv2 sign algorithm, as sent in the sign_type parameter.
type SignType string

const (
	// SignTypeMD5 is MD5 over the string to sign; the APIv2 default and the
	// only type red-packet endpoints accept.
	SignTypeMD5 SignType = "MD5"
	// SignTypeHMACSHA256 is HMAC-SHA256 keyed with the APIv2 key over the
	// string to sign.
	SignTypeHMACSHA256 SignType = "HMAC-SHA256"
)

// ErrUnknownSignType is returned by SignV2 for a SignType other than
// SignTypeMD5 and SignTypeHMACSHA256.
var ErrUnknownSignType = errors.New("wechatpay/crypto: unknown v2 sign type")

// ErrNotAllowedInFIPSMode is returned by SignV2 when the Go FIPS 140 mode
// (GODEBUG=fips140=only) refuses the sign's algorithm: MD5, or HMAC-SHA256
// with a key under 112 bits. APIv2 signs cannot be made in that mode.
var ErrNotAllowedInFIPSMode = errors.New("wechatpay/crypto: v2 sign algorithm refused by GODEBUG=fips140=only")

// V2Param is one APIv2 parameter: the unit of SignV2Params (and of the
// SDK's request writer, which sorts a request's parameters once for both
// its sign and its XML).
type V2Param struct {
	Key, Value string
}

// SortV2Params sorts params by Key in byte order, the order the sign and
// the XML take them in.
func SortV2Params(params []V2Param) {
	slices.SortFunc(params, func(a, b V2Param) int { return strings.Compare(a.Key, b.Key) })
}

// v2Params returns the parameters of params that take part in the sign
// (not "sign", non-empty value), sorted by name in byte order. buf is used
// as backing storage when large enough.
func v2Params(params map[string]string, buf []V2Param) []V2Param {
	ps := buf[:0]
	for k, v := range params {
		if k != "sign" && v != "" {
			ps = append(ps, V2Param{Key: k, Value: v})
		}
	}
	SortV2Params(ps)
	return ps
}

// appendV2StringToSign appends the string to sign of params (sorted by
// Key; "sign" and empty values skipped) to b.
func appendV2StringToSign(b []byte, params []V2Param, apiKey string) []byte {
	for _, p := range params {
		if p.Key == "sign" || p.Value == "" {
			continue
		}
		b = append(b, p.Key...)
		b = append(b, '=')
		b = append(b, p.Value...)
		b = append(b, '&')
	}
	b = append(b, "key="...)
	return append(b, apiKey...)
}

// V2StringToSign builds the APIv2 string to sign: every parameter except
// "sign" and those with an empty value, sorted by name in byte order,
// joined as k1=v1&k2=v2 with raw (not URL-encoded) values, followed by
// "&key=" and apiKey. With no parameters left the result is "key="+apiKey.
func V2StringToSign(params map[string]string, apiKey string) string {
	var buf [32]V2Param
	return string(appendV2StringToSign(nil, v2Params(params, buf[:]), apiKey))
}

// SignV2 computes the APIv2 sign of params: MD5 of V2StringToSign, or
// HMAC-SHA256 keyed with apiKey over the same string, as upper-case hex.
// Any "sign" entry in params is ignored. An unknown t gives an error
// wrapping ErrUnknownSignType.
//
// Under GODEBUG=fips140=only, where MD5 and HMAC keys under 112 bits are
// refused, the result is an error wrapping ErrNotAllowedInFIPSMode.
func SignV2(params map[string]string, apiKey string, t SignType) (sign string, err error) {
	var buf [32]V2Param
	return SignV2Params(v2Params(params, buf[:]), apiKey, t)
}

// SignV2Params is SignV2 over params already sorted by Key in byte order
// (SortV2Params): a parameter named "sign" or with an empty Value is
// skipped, as SignV2 skips it. Unsorted params give a sign that does not
// verify.
func SignV2Params(params []V2Param, apiKey string, t SignType) (sign string, err error) {
	// The standard library panics on algorithms refused in fips140=only
	// mode; the SDK promises an error instead.
	defer func() {
		if r := recover(); r != nil {
			if !fips140.Enabled() {
				panic(r)
			}
			sign, err = "", fmt.Errorf("%w: %v", ErrNotAllowedInFIPSMode, r)
		}
	}()
	switch t {
	case SignTypeMD5:
		sum := md5V2(params, apiKey)
		return upperHex(sum[:]), nil
	case SignTypeHMACSHA256:
		mac := hmac.New(sha256.New, []byte(apiKey))
		mac.Write(appendV2StringToSign(nil, params, apiKey))
		var sum [sha256.Size]byte
		return upperHex(mac.Sum(sum[:0])), nil
	default:
		return "", fmt.Errorf("%w: %q", ErrUnknownSignType, string(t))
	}
}

// md5V2 is the MD5 of the string to sign, built in a buffer on the stack
// when it fits.
func md5V2(params []V2Param, apiKey string) [md5.Size]byte {
	var buf [1024]byte
	return md5.Sum(appendV2StringToSign(buf[:0], params, apiKey))
}

// VerifyV2 reports whether sign is the APIv2 sign of params under apiKey
// and t. The comparison is case-insensitive on the given sign (it is
// upper-cased first) and runs in constant time. An unknown sign type or an
// empty sign never verifies.
func VerifyV2(params map[string]string, apiKey string, t SignType, sign string) bool {
	if sign == "" {
		return false
	}
	want, err := SignV2(params, apiKey, t)
	if err != nil {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(want), []byte(strings.ToUpper(sign))) == 1
}
