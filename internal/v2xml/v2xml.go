// Package v2xml encodes and decodes the flat <xml> documents of WeChat Pay APIv2.
//
// A document is a root element named "xml" whose children are leaf elements,
// one per parameter:
//
//	<xml><appid><![CDATA[wx…]]></appid><total_fee>100</total_fee></xml>
//
// Encode produces the project's canonical form (keys in byte order, "sign"
// last, every value in CDATA, no declaration, no whitespace). Decode accepts
// what WeChat sends (CDATA and plain text mixed, whitespace between elements,
// an optional UTF-8 declaration) and refuses anything that is not a flat
// document, including DTDs and entity declarations. Decode is encoding/xml
// in strict mode with those checks on its tokens; there is no other decoder.
package v2xml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
)

// ErrMalformed is wrapped by every error of Decode and by the errors of
// Encode for keys or values that cannot be written as a v2 document.
var ErrMalformed = errors.New("wechatpay: malformed v2 XML")

// MaxFields is the largest number of child elements Decode accepts.
const MaxFields = 1000

const (
	rootName    = "xml"
	signKey     = "sign"
	bom         = "\xEF\xBB\xBF" // UTF-8 byte order mark
	cdataOpen   = "<![CDATA["
	cdataClose  = "]]>"
	cdataSplit  = "]]><![CDATA[" // inserted between "]]" and ">" of a "]]>" in a value
	maxErrBytes = 64             // longest piece of input quoted in an error message
)

// Encode writes params as <xml>: elements in byte order of the key, except
// that "sign" (if present) goes last; every value in CDATA; a value
// containing "]]>" is split across two CDATA sections; no declaration, no
// whitespace.
//
// Keys must be valid XML names of the form [A-Za-z_][A-Za-z0-9_.-]* and
// values must consist of valid UTF-8 XML characters (no NUL or other C0
// controls besides tab, newline and carriage return); otherwise Encode
// returns an error wrapping ErrMalformed.
func Encode(params map[string]string) ([]byte, error) {
	return AppendEncode(nil, params)
}

// AppendEncode is Encode appending to dst (for buffer reuse). On error dst is
// returned unchanged.
func AppendEncode(dst []byte, params map[string]string) ([]byte, error) {
	return appendEncode(dst, params, nil)
}

// EncodeNested is Encode, except that the values of the keys named in
// nested are inner XML (as DecodeNested returns them, such as a list of
// <hbinfo> elements built with encoding/xml) and are written as they are.
// Such a value must decode with DecodeNested, else EncodeNested returns an
// error wrapping ErrMalformed.
func EncodeNested(params map[string]string, nested ...string) ([]byte, error) {
	for _, k := range nested {
		v, ok := params[k]
		if !ok {
			continue
		}
		if !validName(k) {
			return nil, fmt.Errorf("%w: invalid element name %s", ErrMalformed, quote(k))
		}
		if got, err := DecodeNested([]byte("<xml><"+k+">"+v+"</"+k+"></xml>"), k); err != nil || len(got) != 1 || got[k] != strings.Trim(v, xmlSpace) {
			return nil, fmt.Errorf("%w: value of %s is not inner XML", ErrMalformed, quote(k))
		}
	}
	return appendEncode(nil, params, nested)
}

func appendEncode(dst []byte, params map[string]string, nested []string) ([]byte, error) {
	var stack [32]wxcrypto.V2Param
	ps := stack[:0]
	for k, v := range params {
		if k != signKey {
			ps = append(ps, wxcrypto.V2Param{Key: k, Value: v})
		}
	}
	wxcrypto.SortV2Params(ps)
	sign, hasSign := params[signKey]
	return encodeParams(dst, ps, sign, hasSign, nested)
}

// AppendEncodeParams is AppendEncode of params, already sorted by key
// (wxcrypto.SortV2Params) and without "sign", followed by sign unless it
// is "": the one sort of a request serves its sign and its XML.
func AppendEncodeParams(dst []byte, params []wxcrypto.V2Param, sign string) ([]byte, error) {
	return encodeParams(dst, params, sign, sign != "", nil)
}

// encodeParams writes params (sorted, without "sign") and then, when
// hasSign, sign; the values of the keys in nested are inner XML.
func encodeParams(dst []byte, params []wxcrypto.V2Param, sign string, hasSign bool, nested []string) ([]byte, error) {
	size := len("<xml></xml>")
	if hasSign {
		size += elementSize(signKey, sign)
	}
	for _, p := range params {
		if !validName(p.Key) {
			return dst, fmt.Errorf("%w: invalid element name %s", ErrMalformed, quote(p.Key))
		}
		if !validValue(p.Value) && !slices.Contains(nested, p.Key) {
			return dst, fmt.Errorf("%w: value of %s is not valid UTF-8 XML text", ErrMalformed, quote(p.Key))
		}
		size += elementSize(p.Key, p.Value)
	}
	if hasSign && !validValue(sign) {
		return dst, fmt.Errorf("%w: value of %s is not valid UTF-8 XML text", ErrMalformed, quote(signKey))
	}
	dst = slices.Grow(dst, size)
	dst = append(dst, "<xml>"...)
	for _, p := range params {
		if slices.Contains(nested, p.Key) {
			dst = append(dst, '<')
			dst = append(dst, p.Key...)
			dst = append(dst, '>')
			dst = append(dst, p.Value...)
			dst = append(dst, "</"...)
			dst = append(dst, p.Key...)
			dst = append(dst, '>')
			continue
		}
		dst = appendElement(dst, p.Key, p.Value)
	}
	if hasSign {
		dst = appendElement(dst, signKey, sign)
	}
	dst = append(dst, "</xml>"...)
	return dst, nil
}

// elementSize is the length of <k><![CDATA[v]]></k>, plus one split per
// "]]>" in v.
func elementSize(k, v string) int {
	return 2*len(k) + len("<></>") + len(cdataOpen) + len(v) + len(cdataClose) +
		strings.Count(v, cdataClose)*len(cdataSplit)
}

func appendElement(dst []byte, k, v string) []byte {
	dst = append(dst, '<')
	dst = append(dst, k...)
	dst = append(dst, '>')
	dst = append(dst, cdataOpen...)
	for {
		i := strings.Index(v, cdataClose)
		if i < 0 {
			break
		}
		// "]]" ends this section, ">" starts the next one.
		dst = append(dst, v[:i+2]...)
		dst = append(dst, cdataSplit...)
		v = v[i+2:]
	}
	dst = append(dst, v...)
	dst = append(dst, cdataClose...)
	dst = append(dst, "</"...)
	dst = append(dst, k...)
	dst = append(dst, '>')
	return dst
}

// validName reports whether s matches [A-Za-z_][A-Za-z0-9_.-]*.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', c == '_':
		case i > 0 && ('0' <= c && c <= '9' || c == '.' || c == '-'):
		default:
			return false
		}
	}
	return true
}

// validValue reports whether s is valid UTF-8 made only of XML 1.0 characters.
func validValue(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || r == 0xFFFE || r == 0xFFFF {
			return false
		}
		i += n
	}
	return true
}

const xmlSpace = " \t\r\n"

func isSpace(b []byte) bool { return len(bytes.Trim(b, xmlSpace)) == 0 }

// elementName returns the name of an element, refusing prefixed names and
// names outside [A-Za-z_][A-Za-z0-9_.-]*.
func elementName(n xml.Name) (string, bool) {
	if n.Space != "" || !validName(n.Local) {
		return "", false
	}
	return n.Local, true
}

func malformed(msg string) error {
	return fmt.Errorf("%w: %s", ErrMalformed, msg)
}

// syntaxErr wraps an encoding/xml error, shortening its message so that long
// pieces of input are not echoed.
func syntaxErr(err error) error {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("%w: line %d: %s", ErrMalformed, se.Line, truncate(se.Msg, 2*maxErrBytes))
	}
	msg := strings.TrimPrefix(err.Error(), "xml: ")
	return fmt.Errorf("%w: %s", ErrMalformed, truncate(msg, 2*maxErrBytes))
}

// quote quotes a piece of input for an error message, truncated.
func quote(s string) string {
	return fmt.Sprintf("%q", truncate(s, maxErrBytes))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) { // do not cut a UTF-8 sequence
		n--
	}
	return s[:n] + "…"
}
