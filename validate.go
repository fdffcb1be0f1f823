package wechatpay

import (
	"encoding"
	"errors"
	"net/netip"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// ValidateRequest checks a typed request (a pointer to a struct) against
// the rules in its fields' `wx` tags and returns every problem at once, as
// errors.Join of *FieldError, each naming the Go field and its wire name
// (`ActName (act_name): is required`); nil when the request is valid. It
// never echoes a value. The typed services' Validate methods call it; a
// merchant who declares an Operation of their own can too.
//
// A tag is a comma-separated list of rules:
//
//	required      a string or slice non-empty, a number non-zero
//	max=N         a string at most N characters (for ascii, id, alnum,
//	              orderno and digits, characters are bytes), a slice at
//	              most N items, a number at most N
//	maxbytes=N    a string at most N bytes of UTF-8
//	min=N         a number at least N (when set: 0 is left to required)
//	ascii         printable ASCII (space included)
//	id            visible ASCII, and neither "." nor ".." (a path segment)
//	alnum         ASCII letters and digits
//	orderno       ASCII letters, digits, '_' and '-'
//	digits        ASCII digits
//	ipv4          a dotted IPv4 address
//	https         an https URL without a query string or fragment (a
//	              notify URL)
//	oneof=A|B     one of the values listed (a string)
//	encrypt       sent encrypted (RSA-OAEP) by the Operation
//	default=mchid the client's merchant number when empty (default=appid:
//	              its appid); filled by the Operation before validation
//
// A string field without a character-set rule is text: valid UTF-8 without
// control characters other than tab, newline and carriage return. A
// time.Time (sent as RFC 3339 in a body, as its date in a path or query)
// must have a year in 1..9999. Structs,
// pointers to structs and slices of structs are checked field by field.
// The wire name is the field's json, xml, path or query tag.
func ValidateRequest(req any) error {
	v := reflect.ValueOf(req)
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return &FieldError{Field: "request", Reason: "is nil", Missing: true}
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return &FieldError{Field: "request", Reason: "is not a struct"}
	}
	var errs []error
	checkStruct(v, "", "", &errs)
	return errors.Join(errs...)
}

// checkStruct appends the problems of struct value v, whose fields' paths
// start with goPrefix and wirePrefix.
func checkStruct(v reflect.Value, goPrefix, wirePrefix string, errs *[]error) {
	sh := shapeOf(v.Type())
	for i := range sh.fields {
		f := &sh.fields[i]
		fv := v.Field(f.index)
		p := problems{errs: errs, goPrefix: goPrefix, wirePrefix: wirePrefix, f: f}
		switch fv.Kind() {
		case reflect.String:
			f.rules.checkString(fv.String(), &p)
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			f.rules.checkInt(fv.Int(), &p)
		case reflect.Slice:
			f.rules.checkLen(fv.Len(), &p)
			for i := range fv.Len() {
				if e := reflect.Indirect(fv.Index(i)); e.Kind() == reflect.Struct {
					idx := "[" + strconv.Itoa(i) + "]."
					checkStruct(e, goPrefix+f.goName+idx, wirePrefix+f.wire+idx, errs)
				}
			}
		case reflect.Pointer:
			if fv.IsNil() {
				f.rules.checkLen(0, &p)
			} else if e := fv.Elem(); e.Kind() == reflect.Struct {
				checkStruct(e, goPrefix+f.goName+".", wirePrefix+f.wire+".", errs)
			}
		case reflect.Struct:
			if fv.Type() == timeType {
				f.rules.checkTime(timeOf(fv), &p)
			} else {
				checkStruct(fv, goPrefix+f.goName+".", wirePrefix+f.wire+".", errs)
			}
		}
	}
}

// timeOf is the time.Time fv holds, not boxed when fv is addressable.
func timeOf(fv reflect.Value) time.Time {
	if fv.CanAddr() {
		return *fv.Addr().Interface().(*time.Time)
	}
	return fv.Interface().(time.Time)
}

// problems collects the problems of one field, whose paths start with
// goPrefix and wirePrefix: the names are joined only for a problem.
type problems struct {
	errs                 *[]error
	goPrefix, wirePrefix string
	f                    *fieldShape
}

func (p *problems) add(reason string, missing bool) {
	*p.errs = append(*p.errs, &FieldError{Field: p.wirePrefix + p.f.wire, GoField: p.goPrefix + p.f.goName, Reason: reason, Missing: missing})
}

// rules are one field's `wx` tag, parsed once per type.
type rules struct {
	required, encrypt bool
	https             bool  // an https URL without a query string or fragment
	max, maxBytes     int   // 0: none
	min               int64 // with hasMin
	hasMin            bool
	charset           string   // "" for text
	bytes             *byteSet // the bytes an ASCII charset allows; nil for text and ipv4
	oneOf             []string // the values allowed; nil for any
	def               string   // "mchid", "appid" or ""
}

func parseRules(tag string) rules {
	var r rules
	for item := range strings.SplitSeq(tag, ",") {
		key, val, _ := strings.Cut(strings.TrimSpace(item), "=")
		n, _ := strconv.ParseInt(val, 10, 64)
		switch key {
		case "required":
			r.required = true
		case "encrypt":
			r.encrypt = true
		case "https":
			r.https = true
		case "max":
			r.max = int(n)
		case "maxbytes":
			r.maxBytes = int(n)
		case "min":
			r.min, r.hasMin = n, true
		case "default":
			r.def = val
		case "oneof":
			r.oneOf = strings.Split(val, "|")
		case "ascii", "id", "alnum", "orderno", "digits", "ipv4":
			r.charset, r.bytes = key, charsets[key]
		}
	}
	return r
}

func (r *rules) checkString(s string, p *problems) {
	if s == "" {
		if r.required {
			p.add("is required", true)
		}
		return
	}
	n, problem := len(s), ""
	switch {
	case r.charset == "":
		n, problem = scanText(s)
	case r.bytes != nil:
		problem = r.bytes.problem(s)
	case r.charset == "ipv4":
		if a, err := netip.ParseAddr(s); err != nil || !a.Is4() {
			problem = "must be an IPv4 address"
		}
	}
	switch {
	case r.max > 0 && n > r.max:
		p.add("is "+strconv.Itoa(n)+" characters, at most "+strconv.Itoa(r.max)+" allowed", false)
	case r.maxBytes > 0 && len(s) > r.maxBytes:
		p.add("is "+strconv.Itoa(len(s))+" bytes, at most "+strconv.Itoa(r.maxBytes)+" allowed", false)
	}
	if r.charset == "id" && (s == "." || s == "..") {
		problem = "must not be . or .." // a path segment a proxy would normalise away
	}
	if problem != "" {
		p.add(problem, false)
	}
	if r.oneOf != nil && !slices.Contains(r.oneOf, s) {
		p.add("must be "+strings.Join(r.oneOf, " or "), false)
	}
	if r.https && !isPlainHTTPS(s) {
		p.add("must be an https URL without a query string or fragment", false)
	}
}

// isPlainHTTPS reports whether s is an https URL with a host and without a
// query string or fragment: what WeChat Pay takes as a notify URL.
func isPlainHTTPS(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != "" && u.RawQuery == "" && !u.ForceQuery && u.Fragment == ""
}

func (r *rules) checkTime(t time.Time, p *problems) {
	switch {
	case t.IsZero() && r.required:
		p.add("is required", true)
	case !t.IsZero() && (t.Year() < 1 || t.Year() > 9999):
		p.add("has a year outside 1..9999", false)
	}
}

func (r *rules) checkInt(n int64, p *problems) {
	switch {
	case n == 0 && r.required:
		p.add("is required", true)
	case r.hasMin && n < r.min:
		p.add("is "+strconv.FormatInt(n, 10)+", at least "+strconv.FormatInt(r.min, 10)+" allowed", false)
	case r.max > 0 && n > int64(r.max):
		p.add("is "+strconv.FormatInt(n, 10)+", at most "+strconv.Itoa(r.max)+" allowed", false)
	}
}

func (r *rules) checkLen(n int, p *problems) {
	switch {
	case n == 0 && r.required:
		p.add("is required", true)
	case r.max > 0 && n > r.max:
		p.add("has "+strconv.Itoa(n)+" items, at most "+strconv.Itoa(r.max)+" allowed", false)
	}
}

// scanText counts the characters of text s and says what is wrong with
// it, or "": invalid UTF-8 (each invalid byte counted as one character,
// as utf8.RuneCountInString counts it) comes before a control character.
func scanText(s string) (n int, problem string) {
	for i := 0; i < len(s); n++ {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < ' ' && c != '\t' && c != '\n' && c != '\r' || c == 0x7F {
				problem = "holds a control character"
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return utf8.RuneCountInString(s), "is not valid UTF-8"
		case r == 0xFFFE || r == 0xFFFF:
			problem = "holds a control character"
		}
		i += size
	}
	return n, problem
}

// byteSet is an ASCII character set: the bytes it allows, and what a
// string with another byte is told.
type byteSet struct {
	ok     [256]bool
	reason string
}

func newByteSet(reason string, ok func(byte) bool) *byteSet {
	s := &byteSet{reason: reason}
	for c := range 256 {
		s.ok[c] = ok(byte(c))
	}
	return s
}

// problem is the set's reason when s holds a byte outside it, else "".
func (b *byteSet) problem(s string) string {
	for i := 0; i < len(s); i++ {
		if !b.ok[s[i]] {
			return b.reason
		}
	}
	return ""
}

// charsets are the ASCII character sets of the rules, by name.
var charsets = map[string]*byteSet{
	"ascii":   newByteSet("must be printable ASCII characters only", func(c byte) bool { return c >= ' ' && c <= '~' }),
	"id":      newByteSet("must be visible ASCII characters only", func(c byte) bool { return c > ' ' && c <= '~' }),
	"alnum":   newByteSet("must be ASCII letters and digits only", isAlnum),
	"orderno": newByteSet("may hold only digits, letters, '_' and '-'", func(c byte) bool { return isAlnum(c) || c == '_' || c == '-' }),
	"digits":  newByteSet("must be ASCII digits only", func(c byte) bool { return '0' <= c && c <= '9' }),
}

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// shape is what the SDK reads of a request type's tags, once per type.
type shape struct {
	fields   []fieldShape
	encrypt  bool  // a field, or a nested one, is tagged encrypt
	body     bool  // a field goes into the JSON body (not path, query or json:"-")
	defaults []int // the positions in fields of those tagged default=
	times    []int // the positions in fields of the time.Time fields
	v2Order  []int // the positions in fields of the v2 parameters, by wire name in byte order
	err      error
}

// fieldShape is one exported field of a request type.
type fieldShape struct {
	index          int
	goName, wire   string
	path, query    bool // the field fills a {wire} path segment or a query parameter
	rules          rules
	nestedEncrypts bool // a struct, pointer or slice whose fields encrypt
	v2Param        bool // an APIv2 parameter: the field has an xml name
	text           bool // its type has MarshalText (a v2 parameter sent as its text)
}

var shapes sync.Map // reflect.Type → *shape

var textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()

func shapeOf(t reflect.Type) *shape {
	if s, ok := shapes.Load(t); ok {
		return s.(*shape)
	}
	s := &shape{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		fs := fieldShape{index: i, goName: f.Name, rules: parseRules(f.Tag.Get("wx"))}
		fs.wire, fs.path, fs.query = wireName(f)
		if (fs.path || fs.query) && f.Tag.Get("json") != "-" {
			s.err = errors.New("wechatpay: " + t.String() + "." + f.Name + ` has a path or query tag but no json:"-"`)
		}
		if et := elemStruct(f.Type); et != nil && et != timeType {
			fs.nestedEncrypts = shapeOf(et).encrypt
		}
		xmlName, _, _ := strings.Cut(f.Tag.Get("xml"), ",")
		fs.v2Param, fs.text = xmlName != "" && xmlName != "-", f.Type.Implements(textMarshalerType)
		s.encrypt = s.encrypt || fs.rules.encrypt || fs.nestedEncrypts
		s.body = s.body || !fs.path && !fs.query && f.Tag.Get("json") != "-"
		if fs.rules.def != "" {
			s.defaults = append(s.defaults, len(s.fields))
		}
		if f.Type == timeType {
			s.times = append(s.times, len(s.fields))
		}
		s.fields = append(s.fields, fs)
	}
	s.sortV2(t)
	actual, _ := shapes.LoadOrStore(t, s)
	return actual.(*shape)
}

// sortV2 lists the v2 parameters of s (of type t) in key order, the order
// of their sign and XML; two fields of one parameter are an error.
func (s *shape) sortV2(t reflect.Type) {
	for i := range s.fields {
		if s.fields[i].v2Param {
			s.v2Order = append(s.v2Order, i)
		}
	}
	slices.SortFunc(s.v2Order, func(a, b int) int { return strings.Compare(s.fields[a].wire, s.fields[b].wire) })
	for i := 1; i < len(s.v2Order); i++ {
		if f := &s.fields[s.v2Order[i]]; f.wire == s.fields[s.v2Order[i-1]].wire {
			s.err = errors.New("wechatpay: " + t.String() + "." + f.goName + " repeats the parameter " + f.wire)
		}
	}
}

// wireName is the field's name on the wire and whether it goes into the
// path or the query.
func wireName(f reflect.StructField) (name string, path, query bool) {
	if n := f.Tag.Get("path"); n != "" {
		return n, true, false
	}
	if n := f.Tag.Get("query"); n != "" {
		return n, false, true
	}
	for _, key := range []string{"json", "xml"} {
		if n, _, _ := strings.Cut(f.Tag.Get(key), ","); n != "" && n != "-" {
			return n, false, false
		}
	}
	return f.Name, false, false
}

// elemStruct is the struct type that t is, points to or holds in a slice;
// nil for any other type.
func elemStruct(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() == reflect.Struct {
		return t
	}
	return nil
}
