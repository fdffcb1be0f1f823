// Package jsonwire decodes the JSON answers of the typed services without
// reflection and with one allocation for all of their strings.
//
// A Reader holds one string copy of the document; every string value that
// needs no unescaping is a substring of it, so decoding an answer costs that
// copy and the caller's own structs, not one allocation per field.
//
// The decoding rules are those of encoding/json for the types the services
// use (strings, string-kinded enums, int64, RFC 3339 times, objects,
// arrays), so an answer decodes the same either way:
//
//   - the whole document must be valid JSON (RFC 8259), skipped values too,
//     with nothing but whitespace after it;
//   - keys match field names exactly, or else case-insensitively
//     (strings.EqualFold); unknown keys are skipped; a repeated key wins;
//   - null leaves a string, number or time unchanged and clears a slice or
//     an optional value;
//   - a number decodes into int64 only when it is an integer in range;
//   - strings are unescaped as encoding/json does (invalid UTF-8 becomes
//     U+FFFD);
//   - nesting deeper than 10000 is refused.
//
// Errors are *Error values; they name the offset and the field, never a
// value (at most the one character that is not JSON).
package jsonwire

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Unmarshaler is implemented by the services' (unexported) answer types.
// The client calls UnmarshalWire with the verified body instead of
// json.Unmarshal; data is only valid during the call.
type Unmarshaler interface {
	UnmarshalWire(data []byte) error
}

// maxDepth is encoding/json's nesting limit.
const maxDepth = 10000

// Error is a decoding error: a syntax error or a value of the wrong type.
type Error struct {
	// Offset is the byte offset in the document where decoding stopped.
	Offset int
	// Field is the key whose value was being decoded ("" at the top level).
	Field string
	// Msg says what was wrong.
	Msg string
}

func (e *Error) Error() string {
	if e.Field == "" {
		return "json: " + e.Msg + " at offset " + strconv.Itoa(e.Offset)
	}
	return "json: field " + strconv.Quote(e.Field) + ": " + e.Msg + " at offset " + strconv.Itoa(e.Offset)
}

// Reader reads one JSON document. The zero value is empty; Reset loads a
// document.
type Reader struct {
	s     string
	i     int
	depth int
	field string // key of the value being decoded, for errors
}

// Reset makes r read a copy of data from its start.
func (r *Reader) Reset(data []byte) {
	*r = Reader{s: string(data)}
}

// End checks that only whitespace follows the value read.
func (r *Reader) End() error {
	r.field = ""
	if r.ws() != len(r.s) {
		return r.fail("data after the top-level value")
	}
	return nil
}

func (r *Reader) fail(msg string) error {
	return &Error{Offset: r.i, Field: r.field, Msg: msg}
}

// ws skips whitespace and returns the new offset.
func (r *Reader) ws() int {
	for r.i < len(r.s) {
		switch r.s[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return r.i
		}
	}
	return r.i
}

// peek returns the next non-whitespace byte, or 0 at the end.
func (r *Reader) peek() byte {
	if r.ws() < len(r.s) {
		return r.s[r.i]
	}
	return 0
}

// Null consumes a null literal when one comes next and reports whether it
// did.
func (r *Reader) Null() (bool, error) {
	if r.peek() != 'n' {
		return false, nil
	}
	return true, r.literal("null")
}

func (r *Reader) literal(lit string) error {
	if !strings.HasPrefix(r.s[r.i:], lit) {
		return r.fail("invalid literal")
	}
	r.i += len(lit)
	return nil
}

// Object reads an object, calling each with the field name of every key
// that matches one of names (exactly, or else case-insensitively); each
// must read exactly one value. Keys matching no name are skipped. A null
// reads as an empty object.
func (r *Reader) Object(names []string, each func(name string) error) error {
	switch r.peek() {
	case 'n':
		return r.literal("null")
	case '{':
	default:
		return r.fail("want an object")
	}
	r.i++
	if r.depth++; r.depth > maxDepth {
		return r.fail("exceeded max depth")
	}
	outer := r.field
	if r.peek() == '}' {
		r.i++
		r.depth--
		return nil
	}
	for {
		if r.peek() != '"' {
			return r.fail("want a key")
		}
		key, err := r.str()
		if err != nil {
			return err
		}
		if r.peek() != ':' {
			return r.fail("want ':' after a key")
		}
		r.i++
		if name := match(key, names); name != "" {
			r.field = name
			err = each(name)
		} else {
			err = r.Skip()
		}
		if err != nil {
			return err
		}
		r.field = outer
		switch r.peek() {
		case ',':
			r.i++
		case '}':
			r.i++
			r.depth--
			return nil
		default:
			return r.fail("want ',' or '}' in an object")
		}
	}
}

// match returns the name key stands for: an exact match first, then a
// case-insensitive one, as encoding/json matches struct fields.
func match(key string, names []string) string {
	for _, n := range names {
		if n == key {
			return n
		}
	}
	for _, n := range names {
		if strings.EqualFold(n, key) {
			return n
		}
	}
	return ""
}

// Array reads an array, calling each for every element; each must read
// exactly one value. It returns false for a null, true otherwise.
func (r *Reader) Array(each func() error) (bool, error) {
	switch r.peek() {
	case 'n':
		return false, r.literal("null")
	case '[':
	default:
		return false, r.fail("want an array")
	}
	r.i++
	if r.depth++; r.depth > maxDepth {
		return false, r.fail("exceeded max depth")
	}
	if r.peek() == ']' {
		r.i++
		r.depth--
		return true, nil
	}
	for {
		if err := each(); err != nil {
			return false, err
		}
		switch r.peek() {
		case ',':
			r.i++
		case ']':
			r.i++
			r.depth--
			return true, nil
		default:
			return false, r.fail("want ',' or ']' in an array")
		}
	}
}

// Skip reads any value.
func (r *Reader) Skip() error {
	switch c := r.peek(); {
	case c == '{':
		return r.Object(nil, nil)
	case c == '[':
		_, err := r.Array(r.Skip)
		return err
	case c == '"':
		_, _, err := r.scanString()
		return err
	case c == 't':
		return r.literal("true")
	case c == 'f':
		return r.literal("false")
	case c == 'n':
		return r.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		_, _, err := r.scanNumber()
		return err
	case c == 0:
		return r.fail("unexpected end of JSON input")
	default:
		return r.fail("invalid character " + strconv.QuoteRune(rune(c)) + " looking for a value")
	}
}

// String reads a string into *dst; null leaves *dst unchanged.
func (r *Reader) String(dst *string) error {
	switch r.peek() {
	case 'n':
		return r.literal("null")
	case '"':
	default:
		return r.fail("want a string")
	}
	s, err := r.str()
	if err == nil {
		*dst = s
	}
	return err
}

// str reads the string at r.i (which is a '"'), unescaped.
func (r *Reader) str() (string, error) {
	start := r.i
	raw, plain, err := r.scanString()
	if err != nil || plain {
		return raw, err
	}
	if strings.IndexByte(raw, '\\') < 0 && utf8.ValidString(raw) {
		return raw, nil
	}
	// Escapes or invalid UTF-8: rare, so encoding/json does the work and
	// its rules hold exactly.
	var s string
	if err := json.Unmarshal([]byte(r.s[start:r.i]), &s); err != nil {
		r.i = start
		return "", r.fail("invalid string")
	}
	return s, nil
}

// scanString moves past the string at r.i (a '"') and returns its content
// as written; plain reports that it is pure ASCII without escapes.
func (r *Reader) scanString() (raw string, plain bool, err error) {
	s := r.s
	start := r.i + 1
	plain = true
	for j := start; j < len(s); j++ {
		switch c := s[j]; {
		case c == '"':
			r.i = j + 1
			return s[start:j], plain, nil
		case c == '\\':
			plain = false
			j++
			if j >= len(s) {
				break
			}
			switch s[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if j+4 >= len(s) || !isHex(s[j+1]) || !isHex(s[j+2]) || !isHex(s[j+3]) || !isHex(s[j+4]) {
					r.i = j
					return "", false, r.fail("invalid \\u escape in a string")
				}
				j += 4
			default:
				r.i = j
				return "", false, r.fail("invalid escape in a string")
			}
		case c < 0x20:
			r.i = j
			return "", false, r.fail("control character in a string")
		case c >= utf8.RuneSelf:
			plain = false
		}
	}
	r.i = len(s)
	return "", false, r.fail("unexpected end of JSON input in a string")
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// scanNumber moves past the number at r.i and returns it as written;
// integer reports that it has no fraction and no exponent.
func (r *Reader) scanNumber() (num string, integer bool, err error) {
	s, j := r.s, r.i
	digits := func() bool {
		k := j
		for j < len(s) && '0' <= s[j] && s[j] <= '9' {
			j++
		}
		return j > k
	}
	if j < len(s) && s[j] == '-' {
		j++
	}
	switch {
	case j < len(s) && s[j] == '0':
		j++
	case !digits():
		r.i = j
		return "", false, r.fail("invalid number")
	}
	integer = true
	if j < len(s) && s[j] == '.' {
		integer = false
		j++
		if !digits() {
			r.i = j
			return "", false, r.fail("invalid number")
		}
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		integer = false
		j++
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if !digits() {
			r.i = j
			return "", false, r.fail("invalid number")
		}
	}
	num, r.i = s[r.i:j], j
	return num, integer, nil
}

// Int64 reads an integer into *dst; null leaves *dst unchanged.
func (r *Reader) Int64(dst *int64) error {
	_, err := r.OptInt64(dst)
	return err
}

// OptInt64 reads an integer into *dst and reports true, or reads a null
// and reports false leaving *dst unchanged (for *int64 fields, which null
// clears).
func (r *Reader) OptInt64(dst *int64) (bool, error) {
	switch c := r.peek(); {
	case c == 'n':
		return false, r.literal("null")
	case c == '-' || '0' <= c && c <= '9':
	default:
		return false, r.fail("want a number")
	}
	start := r.i
	num, integer, err := r.scanNumber()
	if err != nil {
		return false, err
	}
	if !integer {
		r.i = start
		return false, r.fail("want an integer")
	}
	v, err := strconv.ParseInt(num, 10, 64)
	if err != nil {
		r.i = start
		return false, r.fail("integer out of range")
	}
	*dst = v
	return true, nil
}

// beijing is UTC+8, the offset WeChat Pay writes: times in it reuse this
// location instead of allocating one per value.
var beijing = time.FixedZone("", 8*60*60)

// ParseTime parses an RFC 3339 time with or without a fraction of a
// second, as time.Parse(time.RFC3339Nano, s) does, except that a +08:00
// time gets one shared location rather than a new one. "" is the zero
// time.
func ParseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.ParseInLocation(time.RFC3339Nano, s, beijing)
}
