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

// v2SignKeys returns the names of the parameters that take part in the
// sign (not "sign", non-empty value), sorted in byte order, and the length
// of the string to sign. buf is used as backing storage when large enough.
func v2SignKeys(params map[string]string, apiKey string, buf []string) ([]string, int) {
	keys := buf[:0]
	n := len("key=") + len(apiKey)
	for k, v := range params {
		if k == "sign" || v == "" {
			continue
		}
		keys = append(keys, k)
		n += len(k) + len("=") + len(v) + len("&")
	}
	slices.Sort(keys)
	return keys, n
}

// V2StringToSign builds the APIv2 string to sign: every parameter except
// "sign" and those with an empty value, sorted by name in byte order,
// joined as k1=v1&k2=v2 with raw (not URL-encoded) values, followed by
// "&key=" and apiKey. With no parameters left the result is "key="+apiKey.
func V2StringToSign(params map[string]string, apiKey string) string {
	var buf [32]string
	keys, n := v2SignKeys(params, apiKey, buf[:])
	var sb strings.Builder
	sb.Grow(n)
	for i, k := range keys {
		if i > 0 {
			sb.WriteByte('&')
		}
		sb.WriteString(k)
		sb.WriteByte('=')
		sb.WriteString(params[k])
	}
	if len(keys) > 0 {
		sb.WriteByte('&')
	}
	sb.WriteString("key=")
	sb.WriteString(apiKey)
	return sb.String()
}

// appendV2StringToSign appends the same bytes as V2StringToSign to a
// buffer sized exactly, for hashing without an intermediate string.
func appendV2StringToSign(params map[string]string, apiKey string) []byte {
	var buf [32]string
	keys, n := v2SignKeys(params, apiKey, buf[:])
	b := make([]byte, 0, n)
	for i, k := range keys {
		if i > 0 {
			b = append(b, '&')
		}
		b = append(b, k...)
		b = append(b, '=')
		b = append(b, params[k]...)
	}
	if len(keys) > 0 {
		b = append(b, '&')
	}
	b = append(b, "key="...)
	b = append(b, apiKey...)
	return b
}

// SignV2 computes the APIv2 sign of params: MD5 of V2StringToSign, or
// HMAC-SHA256 keyed with apiKey over the same string, as upper-case hex.
// Any "sign" entry in params is ignored. An unknown t gives an error
// wrapping ErrUnknownSignType.
//
// Under GODEBUG=fips140=only, where MD5 and HMAC keys under 112 bits are
// refused, the result is an error wrapping ErrNotAllowedInFIPSMode.
func SignV2(params map[string]string, apiKey string, t SignType) (sign string, err error) {
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
		sum := md5.Sum(appendV2StringToSign(params, apiKey))
		return upperHex(sum[:]), nil
	case SignTypeHMACSHA256:
		mac := hmac.New(sha256.New, []byte(apiKey))
		mac.Write(appendV2StringToSign(params, apiKey))
		var sum [sha256.Size]byte
		return upperHex(mac.Sum(sum[:0])), nil
	default:
		return "", fmt.Errorf("%w: %q", ErrUnknownSignType, string(t))
	}
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
