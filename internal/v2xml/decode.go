package v2xml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Decode parses a flat <xml> reply into a map.
//
// The root element must be "xml" and its children leaf elements; a child's
// value is its text (CDATA sections and character data, concatenated).
// Whitespace between elements is ignored; leading and trailing whitespace of
// plain character data in a value is trimmed, CDATA content is kept
// verbatim. The codes that say what became of a call (return_code,
// result_code, err_code) are taken as sent, whitespace included, so that a
// padded code is never read as the code. Attributes and comments are
// ignored. An XML declaration is accepted only as the first thing in the
// document and only for UTF-8.
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
// XML as received, whitespace around it trimmed. Inside it, elements must
// be properly nested and at most MaxDepth deep, a name may repeat only
// directly under the nested child (the items of a list), and the refusals
// of Decode apply (no DTD, processing instruction or prefixed or invalid
// name).
func DecodeNested(data []byte, nested ...string) (map[string]string, error) {
	r, err := newReader(data, nested)
	if err != nil {
		return nil, err
	}
	if err := r.drain(); err != nil {
		return nil, err
	}
	return r.fields, nil
}

// Unmarshal decodes data into v (a pointer, as for xml.Unmarshal) by its
// xml tags, reading it through the rules of DecodeNested: what
// DecodeNested refuses is an error wrapping ErrMalformed with nil fields.
// Values are seen as DecodeNested sees them (plain text trimmed, CDATA
// verbatim); the children named in nested are decoded element by element
// with encoding/xml (a list such as `xml:"hblist>hbinfo"`).
//
// The document is read once. A struct whose fields are strings, numbers,
// booleans, []byte, types with UnmarshalText, time.Time (read in
// TimeLayout, Beijing time) or nested lists is filled from the fields read
// as encoding/xml would fill it; any other v (one with UnmarshalXML, an
// attribute or embedded field) is decoded whole by encoding/xml over the
// same strict token stream.
//
// It returns the document's fields as DecodeNested does, also when the
// document is well formed but a value does not fit v (an integer field
// holding "x"): that error, wrapping ErrMalformed, names the element but
// not its value.
func Unmarshal(data []byte, v any, nested ...string) (map[string]string, error) {
	p := planOf(v)
	if p == nil {
		return decodeTokens(data, v, nested)
	}
	fields, err := DecodeNested(data, nested...)
	if err != nil {
		return nil, err
	}
	if err := p.fill(v, fields); err != nil {
		return fields, err
	}
	if !p.nested {
		return fields, nil
	}
	var lists []byte // the nested children present, as a document of their own
	for _, k := range nested {
		if inner, ok := fields[k]; ok {
			lists = append(append(append(append(append(lists, '<'), k...), '>'), inner...), "</"+k+">"...)
		}
	}
	if lists == nil {
		return fields, nil
	}
	if _, err := decodeTokens(append(append([]byte("<xml>"), lists...), "</xml>"...), v, nested); err != nil {
		return fields, err
	}
	return fields, nil
}

// decodeTokens is Unmarshal with encoding/xml over the reader's tokens.
func decodeTokens(data []byte, v any, nested []string) (map[string]string, error) {
	r, err := newReader(data, nested)
	if err != nil {
		return nil, err
	}
	r.emit, r.queue = true, make([]xml.Token, 0, 4)
	derr := xml.NewTokenDecoder(r).Decode(v)
	r.emit, r.queue = false, nil
	at := r.lastEnd
	if r.err != nil {
		return nil, r.err
	}
	if err := r.drain(); err != nil {
		return nil, err
	}
	if derr != nil {
		return r.fields, fmt.Errorf("%w: %s %s", ErrMalformed, at, describe(derr))
	}
	return r.fields, nil
}

// describe says what is wrong with a value that encoding/xml could not
// store, without quoting it.
func describe(err error) string {
	if errors.Is(err, errTime) {
		return err.Error()
	}
	var ne *strconv.NumError
	if errors.As(err, &ne) {
		return "is not a valid number"
	}
	return "does not decode: " + truncate(err.Error(), 2*maxErrBytes)
}

// isCode reports whether key is one of the children whose plain text is
// not trimmed.
func isCode(key string) bool {
	switch key {
	case "return_code", "result_code", "err_code":
		return true
	}
	return false
}

// Where the reader is in the document.
const (
	prolog = iota // before <xml>
	root          // directly under <xml>
	child         // inside a leaf child
	inner         // inside a nested child
)

// reader reads a v2 document token by token, refusing what Decode refuses
// and collecting the fields. As an xml.TokenReader it hands on the root,
// the children and what nested children hold, each leaf value as one
// CharData token; comments, declarations and whitespace between elements
// are dropped.
type reader struct {
	d       *xml.Decoder
	data    []byte
	nested  []string
	fields  map[string]string
	state   int
	first   bool  // the next token is the first of the document
	offset  int64 // input offset at the start of the next token
	key     string
	value   value
	stack   []string    // open elements inside a nested child
	kids    [][]string  // the children seen of each element of stack
	rawAt   int64       // input offset of a nested child's inner XML
	queue   []xml.Token // tokens to hand on, from head
	head    int
	emit    bool   // Token hands tokens on (else they are only checked)
	done    bool   // </xml> read
	err     error  // the first refusal
	lastEnd string // the path of the element closed last, for Unmarshal's errors
}

func newReader(data []byte, nested []string) (*reader, error) {
	data = bytes.TrimPrefix(data, []byte(bom))
	if len(bytes.Trim(data, xmlSpace)) == 0 {
		return nil, malformed("empty document")
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	d.CharsetReader = nil // UTF-8 only
	return &reader{d: d, data: data, nested: nested, first: true}, nil
}

// Token returns the next token handed on, io.EOF after </xml>.
func (r *reader) Token() (xml.Token, error) {
	if r.head == len(r.queue) {
		r.head, r.queue = 0, r.queue[:0] // all read: the array is reused
	}
	for r.head == len(r.queue) {
		if r.err != nil {
			return nil, r.err
		}
		if r.done {
			return nil, io.EOF
		}
		r.err = r.step()
	}
	r.head++
	return r.queue[r.head-1], nil
}

// drain reads the rest of the document, handing nothing on.
func (r *reader) drain() error {
	for r.err == nil && !r.done {
		r.err = r.step()
	}
	return r.err
}

// step reads one raw token.
func (r *reader) step() error {
	tok, err := r.d.RawToken()
	if err == io.EOF {
		return malformed("unexpected end of document")
	}
	if err != nil {
		return syntaxErr(err)
	}
	start := r.offset
	r.offset = r.d.InputOffset()
	isFirst := r.first
	r.first = false
	switch t := tok.(type) {
	case xml.ProcInst:
		if !isFirst || t.Target != "xml" || r.state != prolog {
			return malformed("unexpected processing instruction")
		}
	case xml.Directive:
		return malformed("DTD or declaration (<!...>) not allowed")
	case xml.CharData:
		return r.text(t, bytes.HasPrefix(r.data[start:], []byte(cdataOpen)))
	case xml.StartElement:
		return r.start(t.Name)
	case xml.EndElement:
		return r.end(t.Name, start)
	}
	return nil // a comment
}

// text takes character data, cdata when it was a CDATA section.
func (r *reader) text(t xml.CharData, cdata bool) error {
	switch r.state {
	case prolog:
		if cdata || !isSpace(t) {
			return malformed("text before the root element")
		}
	case root:
		if cdata || !isSpace(t) {
			return malformed("text directly under <xml>")
		}
	case child:
		r.value.add(t, cdata || isCode(r.key))
	case inner:
		if !cdata {
			t = bytes.Trim(t, xmlSpace)
		}
		if len(t) > 0 && r.emit {
			r.queue = append(r.queue, t) // read before the next step: no copy
		}
	}
	return nil
}

// hint is the size to make the fields map with, so that it seldom grows
// while the children are read: half the number of '<' in the document
// (a child is two tags, or three with a CDATA section), counted far faster
// than its end tags.
func (r *reader) hint() int {
	return min(bytes.Count(r.data, []byte{'<'})/2, MaxFields)
}

// start takes a start element.
func (r *reader) start(n xml.Name) error {
	name, ok := elementName(n)
	switch r.state {
	case prolog:
		if !ok || name != rootName {
			return malformed("root element must be <xml>")
		}
		r.fields, r.state = make(map[string]string, r.hint()), root
	case root:
		if !ok {
			return malformed("invalid element name " + quote(n.Local))
		}
		if _, dup := r.fields[name]; dup {
			return malformed("duplicate element " + quote(name))
		}
		if len(r.fields) >= MaxFields {
			return malformed(fmt.Sprintf("more than %d elements", MaxFields))
		}
		r.key, r.state = name, child
		r.value.reset()
		if slices.Contains(r.nested, name) {
			r.stack, r.rawAt, r.state = r.stack[:0], r.offset, inner
		}
	case child:
		return malformed("element nested in " + quote(r.key))
	case inner:
		if !ok {
			return malformed("invalid element name " + quote(n.Local))
		}
		if len(r.stack) >= MaxDepth {
			return malformed(fmt.Sprintf("elements nested more than %d deep in %s", MaxDepth, quote(r.key)))
		}
		if err := r.push(name); err != nil {
			return err
		}
	}
	if r.emit {
		r.queue = append(r.queue, xml.StartElement{Name: xml.Name{Local: name}})
	}
	return nil
}

// push opens an element inside a nested child. Below the list's items
// (<hbinfo>, which repeat), names are fields: one may not repeat in its
// parent.
func (r *reader) push(name string) error {
	if d := len(r.stack); d > 0 {
		if slices.Contains(r.kids[d-1], name) {
			return malformed("duplicate element " + quote(name) + " in " + quote(r.key))
		}
		r.kids[d-1] = append(r.kids[d-1], name)
	}
	r.stack = append(r.stack, name)
	if len(r.kids) < len(r.stack) {
		r.kids = append(r.kids, nil)
	}
	r.kids[len(r.stack)-1] = r.kids[len(r.stack)-1][:0]
	return nil
}

// end takes an end element that began at input offset start.
func (r *reader) end(n xml.Name, start int64) error {
	name, _ := elementName(n)
	switch {
	case r.state == prolog:
		return malformed("end element before the root element")
	case r.state == root:
		if name != rootName {
			return malformed("root <xml> closed by " + quote(n.Local))
		}
		if len(bytes.Trim(r.data[r.offset:], xmlSpace)) != 0 {
			return malformed("content after </xml>")
		}
		r.done = true
	case r.state == inner && len(r.stack) > 0:
		if open := r.stack[len(r.stack)-1]; name != open {
			return malformed("element " + quote(open) + " closed by " + quote(n.Local))
		}
		r.lastEnd = r.key + "." + strings.Join(r.stack, ".")
		r.stack = r.stack[:len(r.stack)-1]
	default: // the end of a child
		if name != r.key {
			return malformed("element " + quote(r.key) + " closed by " + quote(n.Local))
		}
		if r.state == inner {
			r.fields[r.key] = string(bytes.Trim(r.data[r.rawAt:start], xmlSpace))
		} else {
			r.fields[r.key] = string(r.value.segs)
			if r.emit {
				r.queue = append(r.queue, xml.CharData(r.value.segs))
			}
		}
		r.lastEnd, r.state = r.key, root
	}
	if r.emit {
		r.queue = append(r.queue, xml.EndElement{Name: xml.Name{Local: name}})
	}
	return nil
}

// value is a leaf child's value as it is read: plain text trimmed at both
// ends of the value, CDATA verbatim.
type value struct {
	segs    []byte // the value so far
	pending []byte // plain whitespace, kept only if more CDATA or text follows
	started bool   // the value has seen content that is kept
}

// reset starts a new value, reusing the buffers: what was handed on of the
// last one has been read.
func (v *value) reset() {
	v.segs, v.pending, v.started = v.segs[:0], v.pending[:0], false
}

func (v *value) add(t []byte, cdata bool) {
	if cdata {
		if v.started {
			v.segs = append(v.segs, v.pending...)
		}
		v.pending = v.pending[:0]
		v.segs = append(v.segs, t...)
		v.started = true
		return
	}
	if !v.started {
		t = bytes.TrimLeft(t, xmlSpace)
		if len(t) == 0 {
			return
		}
	}
	body := bytes.TrimRight(t, xmlSpace)
	if len(body) > 0 {
		v.segs = append(v.segs, v.pending...)
		v.pending = v.pending[:0]
		v.segs = append(v.segs, body...)
		v.started = true
	}
	v.pending = append(v.pending, t[len(body):]...)
}
