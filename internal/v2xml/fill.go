package v2xml

import (
	"encoding"
	"encoding/xml"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
)

// TimeLayout is the layout in which Unmarshal reads a time.Time field of a
// flat answer, in Beijing time (UTC+08:00) as every APIv2 time is; an
// empty value is the zero time.
const TimeLayout = "2006-01-02 15:04:05"

// beijing is the fixed UTC+08:00 zone of APIv2 times.
var beijing = time.FixedZone("CST", 8*60*60)

var (
	timeType            = reflect.TypeFor[time.Time]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	xmlUnmarshalerType  = reflect.TypeFor[xml.Unmarshaler]()
)

// flatField is a field of an answer that takes a leaf child's text.
type flatField struct {
	index int
	name  string
	read  int // how it is read: readScalar, readTime or readText
}

// How a leaf field is read.
const (
	readScalar = iota // a string, []byte, bool or number, as copyValue
	readTime          // time.Time in TimeLayout
	readText          // UnmarshalText
)

// plan is how Unmarshal fills an answer type from the fields DecodeNested
// read: its leaf fields by name, what is nested with encoding/xml.
type plan struct {
	flat   []flatField
	nested bool // a field is tagged `xml:"a>b"`
}

var plans sync.Map // reflect.Type (of v) → *plan, nil when it has none

// planOf returns the plan of v, a pointer to a struct whose fields are all
// leaves of a kind fill reads, nested lists, or left out (`xml:"-"` and
// unexported fields); nil for any other v, which encoding/xml decodes
// whole.
func planOf(v any) *plan {
	t := reflect.TypeOf(v)
	if t == nil {
		return nil
	}
	if p, ok := plans.Load(t); ok {
		return p.(*plan)
	}
	var p *plan
	if t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct && !t.Implements(xmlUnmarshalerType) {
		p = newPlan(t.Elem())
	}
	actual, _ := plans.LoadOrStore(t, p)
	return actual.(*plan)
}

func newPlan(t reflect.Type) *plan {
	p := &plan{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("xml")
		if !f.IsExported() || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous || f.Name == "XMLName" || (opts != "" && opts != "omitempty") {
			return nil
		}
		if strings.Contains(name, ">") {
			p.nested = true
			continue
		}
		read, ok := leaf(f.Type)
		if !ok {
			return nil
		}
		if name == "" {
			name = f.Name
		}
		p.flat = append(p.flat, flatField{index: i, name: name, read: read})
	}
	return p
}

// leaf reports whether fill reads a value of type t, and how.
func leaf(t reflect.Type) (int, bool) {
	switch pt := reflect.PointerTo(t); {
	case pt.Implements(xmlUnmarshalerType):
		return 0, false
	case t == timeType:
		return readTime, true
	case pt.Implements(textUnmarshalerType):
		return readText, true
	}
	switch t.Kind() {
	case reflect.String, reflect.Bool,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return readScalar, true
	}
	return readScalar, t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8
}

// fill sets the leaf fields of v (a pointer to a struct) from fields as
// encoding/xml would from their elements, time.Time in TimeLayout. The
// first value that does not fit is an error naming its element.
func (p *plan) fill(v any, fields map[string]string) error {
	sv := reflect.ValueOf(v).Elem()
	for _, f := range p.flat {
		s, ok := fields[f.name]
		if !ok {
			continue
		}
		if err := setLeaf(sv.Field(f.index), f.read, s); err != nil {
			return fmt.Errorf("%w: %s %s", ErrMalformed, f.name, describe(err))
		}
	}
	return nil
}

// parseTime reads s in TimeLayout, Beijing time, as time.ParseInLocation
// does. A time written exactly in the layout with values in range (the
// form WeChat Pay sends) is put together with time.Date, as ParseInLocation
// puts it together; anything else goes through ParseInLocation, which
// keeps its errors and what it accepts besides (a fraction of a second).
func parseTime(s string) (time.Time, error) {
	if len(s) == len(TimeLayout) && s[4] == '-' && s[7] == '-' && s[10] == ' ' && s[13] == ':' && s[16] == ':' {
		y, okY := decimal(s[0:4])
		mo, okMo := decimal(s[5:7])
		d, okD := decimal(s[8:10])
		h, okH := decimal(s[11:13])
		mi, okMi := decimal(s[14:16])
		sec, okS := decimal(s[17:19])
		if okY && okMo && okD && okH && okMi && okS && 1 <= mo && mo <= 12 && h < 24 && mi < 60 && sec < 60 &&
			1 <= d && d <= time.Date(y, time.Month(mo)+1, 0, 0, 0, 0, 0, time.UTC).Day() {
			return time.Date(y, time.Month(mo), d, h, mi, sec, 0, beijing), nil
		}
	}
	return time.ParseInLocation(TimeLayout, s, beijing)
}

// decimal is the value of s, ASCII digits only.
func decimal(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// errTime is setLeaf's error for a time not in TimeLayout.
var errTime = errors.New("is not a time like " + strconv.Quote(TimeLayout))

// setLeaf stores s in fv as encoding/xml's copyValue does (numbers and
// booleans with surrounding space trimmed, empty as zero), through
// UnmarshalText for a type that has it, time.Time in TimeLayout.
func setLeaf(fv reflect.Value, read int, s string) error {
	switch read {
	case readTime:
		if s == "" {
			return nil
		}
		t, err := parseTime(s)
		if err != nil {
			return errTime
		}
		if fv.CanAddr() { // set through its address: t is not boxed
			*fv.Addr().Interface().(*time.Time) = t
		} else {
			fv.Set(reflect.ValueOf(t))
		}
		return nil
	case readText:
		return fv.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s))
	}
	if s == "" {
		if k := fv.Kind(); k == reflect.Slice {
			fv.SetBytes([]byte{})
		} else {
			fv.SetZero()
		}
		return nil
	}
	return setScalar(fv, s)
}

// setScalar stores s, not empty, in fv, a string, []byte, bool or number.
func setScalar(fv reflect.Value, s string) error {
	num := strings.TrimSpace(s)
	switch {
	case fv.Kind() == reflect.String:
		fv.SetString(s)
	case fv.Kind() == reflect.Slice:
		fv.SetBytes([]byte(s))
	case fv.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(num)
		if err != nil {
			return err
		}
		fv.SetBool(b)
	case fv.CanInt():
		n, err := strconv.ParseInt(num, 10, fv.Type().Bits())
		if err != nil {
			return err
		}
		fv.SetInt(n)
	case fv.CanUint():
		n, err := strconv.ParseUint(num, 10, fv.Type().Bits())
		if err != nil {
			return err
		}
		fv.SetUint(n)
	default: // a float
		x, err := strconv.ParseFloat(num, fv.Type().Bits())
		if err != nil {
			return err
		}
		fv.SetFloat(x)
	}
	return nil
}
