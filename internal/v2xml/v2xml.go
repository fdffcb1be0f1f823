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
	"io"
	"slices"
	"strings"
	"unicode/utf8"
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
	var stack [32]string
	keys := stack[:0]
	size := len("<xml></xml>")
	hasSign := false
	for k, v := range params {
		if !validName(k) {
			return dst, fmt.Errorf("%w: invalid element name %s", ErrMalformed, quote(k))
		}
		if !validValue(v) && !slices.Contains(nested, k) {
			return dst, fmt.Errorf("%w: value of %s is not valid UTF-8 XML text", ErrMalformed, quote(k))
		}
		// <k><![CDATA[v]]></k>, plus one split per "]]>".
		size += 2*len(k) + len("<></>") + len(cdataOpen) + len(v) + len(cdataClose) +
			strings.Count(v, cdataClose)*len(cdataSplit)
		if k == signKey {
			hasSign = true
			continue
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)

	dst = slices.Grow(dst, size)
	dst = append(dst, "<xml>"...)
	for _, k := range keys {
		if slices.Contains(nested, k) {
			dst = append(dst, '<')
			dst = append(dst, k...)
			dst = append(dst, '>')
			dst = append(dst, params[k]...)
			dst = append(dst, "</"...)
			dst = append(dst, k...)
			dst = append(dst, '>')
			continue
		}
		dst = appendElement(dst, k, params[k])
	}
	if hasSign {
		dst = appendElement(dst, signKey, params[signKey])
	}
	dst = append(dst, "</xml>"...)
	return dst, nil
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

// Decode parses a flat <xml> reply into a map.
//
// The root element must be "xml" and its children leaf elements; a child's
// value is its text (CDATA sections and character data, concatenated).
// Whitespace between elements is ignored; leading and trailing whitespace of
// plain character data in a value is trimmed, CDATA content is kept
// verbatim. Attributes and comments are ignored. An XML declaration is
// accepted only as the first thing in the document and only for UTF-8.
//
// Decode refuses, with an error wrapping ErrMalformed: empty input, DTDs and
// other <!…> declarations, processing instructions, a root other than
// <xml>, elements nested below a child, duplicate keys, keys that are not
// of the form [A-Za-z_][A-Za-z0-9_.-]* (so prefixed names too), text
// directly under <xml>, anything but whitespace after </xml>, and more than
// MaxFields children.
func Decode(data []byte) (map[string]string, error) {
	return DecodeNested(data)
}

// MaxDepth is the deepest nesting DecodeNested accepts inside a nested
// child (<hblist><hbinfo><openid> is depth 2 inside hblist).
const MaxDepth = 4

// DecodeNested is Decode, except that the children named in nested may
// hold elements, such as the list <hblist><hbinfo>…</hbinfo></hblist> of
// the red-packet query gethbinfo. The value of such a child is its inner
// XML as received, whitespace around it trimmed, for the caller to decode
// with encoding/xml. Inside it, elements must be properly nested and at
// most MaxDepth deep, and the refusals of Decode apply (no DTD, processing
// instruction or prefixed or invalid name).
func DecodeNested(data []byte, nested ...string) (map[string]string, error) {
	data = bytes.TrimPrefix(data, []byte(bom))
	if len(bytes.Trim(data, xmlSpace)) == 0 {
		return nil, malformed("empty document")
	}

	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	d.CharsetReader = nil // UTF-8 only

	const (
		prolog = iota // before <xml>
		root          // directly under <xml>
		child         // inside a child element
		inner         // inside a nested child (DecodeNested)
	)
	state := prolog
	var (
		fields  map[string]string
		key     string // current child
		segs    []byte // value of the current child, trimmed pieces
		pending []byte // plain whitespace inside a value, kept only if more CDATA/text follows
		started bool   // current value has seen non-trimmed content
		first   = true // next token is the first of the document
		offset  int64  // input offset at the start of the next token
		stack   []string
		rawAt   int64 // input offset of a nested child's inner XML
	)

	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return nil, malformed("unexpected end of document")
		}
		if err != nil {
			return nil, syntaxErr(err)
		}
		start := offset
		offset = d.InputOffset()
		isFirst := first
		first = false

		switch t := tok.(type) {
		case xml.ProcInst:
			if !isFirst || t.Target != "xml" || state != prolog {
				return nil, malformed("unexpected processing instruction")
			}
		case xml.Directive:
			return nil, malformed("DTD or declaration (<!...>) not allowed")
		case xml.Comment:
			// ignored
		case xml.CharData:
			cdata := bytes.HasPrefix(data[start:], []byte(cdataOpen))
			switch state {
			case inner:
				// part of the nested child's inner XML, taken as a whole at its end
			case prolog:
				if cdata || !isSpace(t) {
					return nil, malformed("text before the root element")
				}
			case root:
				if cdata || !isSpace(t) {
					return nil, malformed("text directly under <xml>")
				}
			case child:
				if cdata {
					if started {
						segs = append(segs, pending...)
					}
					pending = pending[:0]
					segs = append(segs, t...)
					started = true
					continue
				}
				s := []byte(t)
				if !started {
					s = bytes.TrimLeft(s, xmlSpace)
					if len(s) == 0 {
						continue
					}
				}
				body := bytes.TrimRight(s, xmlSpace)
				if len(body) > 0 {
					segs = append(segs, pending...)
					pending = pending[:0]
					segs = append(segs, body...)
					started = true
				}
				pending = append(pending, s[len(body):]...)
			}
		case xml.StartElement:
			name, ok := elementName(t.Name)
			switch state {
			case prolog:
				if !ok || name != rootName {
					return nil, malformed("root element must be <xml>")
				}
				fields = make(map[string]string)
				state = root
			case root:
				if !ok {
					return nil, malformed("invalid element name " + quote(t.Name.Local))
				}
				if _, dup := fields[name]; dup {
					return nil, malformed("duplicate element " + quote(name))
				}
				if len(fields) >= MaxFields {
					return nil, malformed(fmt.Sprintf("more than %d elements", MaxFields))
				}
				key, segs, pending, started = name, segs[:0], pending[:0], false
				state = child
				if slices.Contains(nested, name) {
					stack, rawAt, state = stack[:0], offset, inner
				}
			case child:
				return nil, malformed("element nested in " + quote(key))
			case inner:
				if !ok {
					return nil, malformed("invalid element name " + quote(t.Name.Local))
				}
				if len(stack) >= MaxDepth {
					return nil, malformed(fmt.Sprintf("elements nested more than %d deep in %s", MaxDepth, quote(key)))
				}
				stack = append(stack, name)
			}
		case xml.EndElement:
			name, _ := elementName(t.Name)
			switch state {
			case prolog:
				return nil, malformed("end element before the root element")
			case root:
				if name != rootName {
					return nil, malformed("root <xml> closed by " + quote(t.Name.Local))
				}
				if len(bytes.Trim(data[offset:], xmlSpace)) != 0 {
					return nil, malformed("content after </xml>")
				}
				return fields, nil
			case child:
				if name != key {
					return nil, malformed("element " + quote(key) + " closed by " + quote(t.Name.Local))
				}
				fields[key] = string(segs)
				state = root
			case inner:
				if len(stack) == 0 {
					if name != key {
						return nil, malformed("element " + quote(key) + " closed by " + quote(t.Name.Local))
					}
					fields[key] = string(bytes.Trim(data[rawAt:start], xmlSpace))
					state = root
					continue
				}
				if open := stack[len(stack)-1]; name != open {
					return nil, malformed("element " + quote(open) + " closed by " + quote(t.Name.Local))
				}
				stack = stack[:len(stack)-1]
			}
		}
	}
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
