package wechatpaytest

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gowechatpay/wechatpay"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
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
	fields := map[string]*string{"mchid": &a.MchID, "nonce_str": &a.NonceStr, "timestamp": &a.Timestamp,
		"serial_no": &a.SerialNo, "signature": &a.Signature}
	seen := make(map[string]bool, len(fields))
	for rest = strings.TrimLeft(rest, " "); ; rest = strings.TrimLeft(rest[1:], " ") {
		key, value, after, ok := cutParam(rest)
		if !ok {
			return authorization{}, errAuthSyntax
		}
		switch field := fields[key]; {
		case field == nil:
			return authorization{}, errAuthUnknown
		case seen[key]:
			return authorization{}, errAuthDuplicate
		case value == "":
			return authorization{}, errAuthEmpty
		default:
			seen[key], *field = true, value
		}
		if rest = after; rest == "" {
			break
		}
		if rest[0] != ',' {
			return authorization{}, errAuthSyntax
		}
	}
	if len(seen) != len(fields) {
		return authorization{}, errAuthMissing
	}
	return a, nil
}

// cutParam cuts one key="value" parameter from the front of s.
func cutParam(s string) (key, value, rest string, ok bool) {
	key, rest, ok = strings.Cut(s, "=")
	if !ok || key == "" || !strings.HasPrefix(rest, `"`) {
		return "", "", "", false
	}
	value, rest, ok = strings.Cut(rest[1:], `"`)
	return key, value, rest, ok
}

// authenticate checks a v3 request's Authorization as WeChat Pay does and
// returns a 401 SIGN_ERROR answer when it fails.
func (s *Server) authenticate(r *http.Request, body []byte) *reply {
	values := r.Header.Values("Authorization")
	if len(values) != 1 {
		return signError("exactly one Authorization header is required")
	}
	a, err := parseAuthorization(values[0])
	if err != nil {
		return signError(err.Error())
	}
	if a.MchID != TestMchID {
		return signError("mchid is not the merchant's")
	}
	if !strings.EqualFold(a.SerialNo, s.keys.merchantSerial) {
		return signError("serial_no is not the serial of the merchant API certificate")
	}
	ts, err := strconv.ParseInt(a.Timestamp, 10, 64)
	if err != nil || a.Timestamp[0] == '+' || a.Timestamp[0] == '-' {
		return signError("malformed timestamp")
	}
	window := int64(wechatpay.Window / time.Second)
	if d := s.now().Unix() - ts; d > window || d < -window {
		return signError("stale timestamp")
	}
	msg := make([]byte, 0, len(r.Method)+len(r.RequestURI)+len(a.Timestamp)+len(a.NonceStr)+len(body)+5)
	for _, part := range [][]byte{[]byte(r.Method), []byte(r.RequestURI), []byte(a.Timestamp), []byte(a.NonceStr), body} {
		msg = append(msg, part...)
		msg = append(msg, '\n')
	}
	if err := wxcrypto.VerifySHA256WithRSA(&s.keys.merchantKey.PublicKey, msg, a.Signature); err != nil {
		return signError("signature does not verify")
	}
	return nil
}

// signError is the 401 SIGN_ERROR of a request whose Authorization failed,
// unsigned.
func signError(reason string) *reply {
	r := v3Error(http.StatusUnauthorized, "SIGN_ERROR", "签名错误: "+reason,
		map[string]string{"location": "authorization", "issue": reason}, "sign_error: "+reason)
	r.unsigned = true
	return r
}
