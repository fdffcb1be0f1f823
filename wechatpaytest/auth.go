package wechatpaytest

import (
	"errors"
	"strings"

	"github.com/gowechatpay/wechatpay"
)

// authorization holds the five parameters of a v3 Authorization header.
type authorization struct {
	MchID, NonceStr, Timestamp, SerialNo, Signature string
}

// Errors of parseAuthorization; their text ends up in 401 answers.
var (
	errAuthScheme    = errors.New("authorization scheme is not " + wechatpay.AuthScheme)
	errAuthSyntax    = errors.New(`authorization parameters are not key="value" pairs separated by commas`)
	errAuthUnknown   = errors.New("authorization has an unknown parameter")
	errAuthDuplicate = errors.New("authorization repeats a parameter")
	errAuthMissing   = errors.New("authorization lacks a parameter")
	errAuthEmpty     = errors.New("authorization has an empty parameter")
)

// parseAuthorization parses the value of a v3 Authorization header the way
// WeChat Pay accepts it: the scheme WECHATPAY2-SHA256-RSA2048, one or more
// spaces, then the five parameters mchid, nonce_str, timestamp, serial_no
// and signature as key="value" pairs in any order, separated by commas with
// optional spaces after each comma. Values are quoted, cannot contain a
// quote and must not be empty; an unknown, repeated or missing parameter is
// an error.
func parseAuthorization(h string) (authorization, error) {
	var a authorization
	rest, ok := strings.CutPrefix(h, wechatpay.AuthScheme+" ")
	if !ok {
		return authorization{}, errAuthScheme
	}
	rest = strings.TrimLeft(rest, " ")
	seen := 0
	for {
		eq := strings.IndexByte(rest, '=')
		if eq <= 0 {
			return authorization{}, errAuthSyntax
		}
		key := rest[:eq]
		rest = rest[eq+1:]
		if !strings.HasPrefix(rest, `"`) {
			return authorization{}, errAuthSyntax
		}
		end := strings.IndexByte(rest[1:], '"')
		if end < 0 {
			return authorization{}, errAuthSyntax
		}
		value := rest[1 : 1+end]
		rest = rest[end+2:]
		var field *string
		var bit int
		switch key {
		case "mchid":
			field, bit = &a.MchID, 1
		case "nonce_str":
			field, bit = &a.NonceStr, 2
		case "timestamp":
			field, bit = &a.Timestamp, 4
		case "serial_no":
			field, bit = &a.SerialNo, 8
		case "signature":
			field, bit = &a.Signature, 16
		default:
			return authorization{}, errAuthUnknown
		}
		if seen&bit != 0 {
			return authorization{}, errAuthDuplicate
		}
		if value == "" {
			return authorization{}, errAuthEmpty
		}
		seen |= bit
		*field = value
		if rest == "" {
			break
		}
		if rest[0] != ',' {
			return authorization{}, errAuthSyntax
		}
		rest = strings.TrimLeft(rest[1:], " ")
	}
	if seen != 31 {
		return authorization{}, errAuthMissing
	}
	return a, nil
}
