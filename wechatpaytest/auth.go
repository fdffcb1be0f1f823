package wechatpaytest

import (
	"errors"
	"log/slog"
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
// returns a 401 SIGN_ERROR answer when it fails: each failure has its own
// field and issue, and a signature that does not verify also carries
// WeChat Pay's sign_information (signInformationOf).
func (s *Server) authenticate(r *http.Request, body []byte) *reply {
	values := r.Header.Values("Authorization")
	if len(values) != 1 {
		return signError("authorization", "exactly one Authorization header is required")
	}
	a, err := parseAuthorization(values[0])
	if err != nil {
		return signError("authorization", err.Error())
	}
	if a.MchID != TestMchID {
		return signError("mchid", "mchid is not the merchant's")
	}
	if !strings.EqualFold(a.SerialNo, s.keys.merchantSerial) {
		return signError("serial_no", "serial_no is not the serial of the merchant API certificate")
	}
	ts, err := strconv.ParseInt(a.Timestamp, 10, 64)
	if err != nil || a.Timestamp[0] == '+' || a.Timestamp[0] == '-' {
		return signError("timestamp", "malformed timestamp")
	}
	window := int64(wechatpay.Window / time.Second)
	if d := s.wall().Unix() - ts; d > window || d < -window {
		return signError("timestamp", "stale timestamp")
	}
	msg := make([]byte, 0, len(r.Method)+len(r.RequestURI)+len(a.Timestamp)+len(a.NonceStr)+len(body)+5)
	for _, part := range [][]byte{[]byte(r.Method), []byte(r.RequestURI), []byte(a.Timestamp), []byte(a.NonceStr), body} {
		msg = append(msg, part...)
		msg = append(msg, '\n')
	}
	if err := wxcrypto.VerifySHA256WithRSA(&s.keys.merchantKey.PublicKey, msg, a.Signature); err != nil {
		return signErrorWith(signDetail{Field: "signature", Issue: "sign not match", Location: "authorization",
			SignInformation: signInformationOf(r, msg, len(body))}, "signature does not verify")
	}
	return nil
}

// signDetail is the detail of a 401 SIGN_ERROR in WeChat Pay's shape.
type signDetail struct {
	Field           string           `json:"field"`
	Issue           string           `json:"issue"`
	Location        string           `json:"location"`
	SignInformation *signInformation `json:"sign_information,omitempty"`
}

// signInformation is WeChat Pay's view of the message it verified, which
// it adds to the detail of a signature that does not verify.
type signInformation struct {
	Method               string `json:"method"`
	URL                  string `json:"url"`
	TruncatedSignMessage string `json:"truncated_sign_message"`
	SignMessageLength    int    `json:"sign_message_length"`
}

// truncatedBodyBytes is how many bytes of the body line WeChat Pay keeps in
// truncated_sign_message: its answers show the first 8 bytes of the body,
// then the line's "\n" (README §7 says only that the body is cut).
const truncatedBodyBytes = 8

// signInformationOf is the sign_information of the message msg built for
// r, whose last line is a body of bodyLen bytes: the four first lines whole,
// the body cut to truncatedBodyBytes.
func signInformationOf(r *http.Request, msg []byte, bodyLen int) *signInformation {
	head := len(msg) - bodyLen - 1 // the method, URL, timestamp and nonce lines
	shown := msg[:head+min(bodyLen, truncatedBodyBytes)]
	return &signInformation{Method: r.Method, URL: r.RequestURI, SignMessageLength: len(msg),
		TruncatedSignMessage: string(shown) + "\n"}
}

// logAttrs are what the log records of a sign_information: WeChat Pay's
// explanation, which shows no more of the body than its answer does.
func (si *signInformation) logAttrs() []slog.Attr {
	if si == nil {
		return nil
	}
	return []slog.Attr{slog.String("sign_method", si.Method), slog.String("sign_url", si.URL),
		slog.Int("sign_message_length", si.SignMessageLength), slog.String("truncated_sign_message", si.TruncatedSignMessage)}
}

// signError is the 401 SIGN_ERROR of a request whose Authorization failed
// on field (the Authorization parameter, or "authorization" for the header
// itself), unsigned.
func signError(field, issue string) *reply {
	return signErrorWith(signDetail{Field: field, Issue: issue, Location: "authorization"}, issue)
}

// signErrorWith is the unsigned 401 SIGN_ERROR with detail d, its message
// and log verdict saying reason.
func signErrorWith(d signDetail, reason string) *reply {
	r := v3Error(http.StatusUnauthorized, "SIGN_ERROR", "签名错误: "+reason, d, "sign_error: "+reason)
	r.unsigned, r.signInfo = true, d.SignInformation
	return r
}
