// Package wire holds the little the typed answers add to encoding/json:
// RFC 3339 times, decoding errors that name the field and never echo a
// value, and the check that an answer carries the fields its API documents
// as always present.
//
// Answer types are plain structs with json tags. A field the API always
// sends is tagged `wire:"required"`; Missing reports the first such field
// left at its zero value.
package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Embedded is the name a type's own UnmarshalJSON gives to the embedded
// alias of the type (type plain T) that it decodes through. encoding/json
// puts the embedded field's name into the path of an UnmarshalTypeError;
// Unmarshal leaves it out, so errors name the JSON field.
const Embedded = "plain"

// Unmarshal is json.Unmarshal (the whole of data must be valid JSON,
// unknown keys are ignored, a key matches a field exactly or else
// case-insensitively, the last of repeated keys wins), except that its
// errors never carry a piece of data: a syntax error gives the offset, and a
// value of the wrong type, a number out of range or a malformed time gives
// the field's JSON path and what it should be.
func Unmarshal(data []byte, v any) error {
	err := json.Unmarshal(data, v)
	if err == nil {
		return nil
	}
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		return fmt.Errorf("json: not valid JSON at offset %d", se.Offset)
	}
	if _, ok := errors.AsType[*time.ParseError](err); ok {
		// A time.Time field's own UnmarshalJSON quotes the value it refuses.
		err = &json.UnmarshalTypeError{Value: "string", Type: timeType}
	}
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		if te.Field == "" && te.Type != nil {
			te.Field = locate(data, reflect.TypeOf(v), te.Type)
		}
		return typeError(te)
	}
	return err // *json.InvalidUnmarshalError, or a caller's own UnmarshalJSON
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// locate returns the JSON path (names, no indices) of the first field of
// t, in data, whose own UnmarshalJSON refuses its value with a type error
// of type want; "" when there is none. encoding/json adds no path to such
// an error since Go 1.27 (a field type that decodes itself cannot know its
// name); locate runs only on that error's way out.
func locate(data []byte, t, want reflect.Type) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == nil:
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
		var items []json.RawMessage
		_ = json.Unmarshal(data, &items)
		for _, it := range items {
			if p := locate(it, t.Elem(), want); p != "" {
				return p
			}
		}
	case t.Kind() == reflect.Struct:
		var obj map[string]json.RawMessage
		_ = json.Unmarshal(data, &obj)
		for _, f := range fieldsOf(t) {
			raw, ok := obj[f.name]
			ft := t.Field(f.index).Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			switch {
			case !ok:
			case reflect.PointerTo(ft).Implements(unmarshalerType):
				err := json.Unmarshal(raw, reflect.New(ft).Interface())
				if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok && te.Type == want {
					return f.name
				}
				if _, ok := errors.AsType[*time.ParseError](err); ok && want == timeType {
					return f.name
				}
			default:
				if p := locate(raw, ft, want); p != "" {
					return f.name + "." + p
				}
			}
		}
	}
	return ""
}

// Describe is the error Unmarshal would give for err, an error of a field
// decoded by hand (TimeField): the field named, the value left out.
func Describe(err error) error {
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		return typeError(te)
	}
	return err
}

var timeType = reflect.TypeFor[time.Time]()

// typeError describes te without te.Value, which holds the number as
// written for a number that does not fit.
func typeError(te *json.UnmarshalTypeError) error {
	var path []string
	for p := range strings.SplitSeq(te.Field, ".") {
		if p != Embedded && p != "" && strings.Trim(p, "0123456789") != "" { // no array indices (Go 1.27 adds them)
			path = append(path, p)
		}
	}
	field := strings.Join(path, ".")
	if field == "" {
		field = "(top level)"
	}
	return fmt.Errorf("json: field %s: want %s", strconv.Quote(field), describe(te.Type))
}

// describe names what a value of type t looks like in JSON.
func describe(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	if t == timeType {
		return "an RFC 3339 time"
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "an integer that fits " + t.Kind().String()
	case reflect.Float32, reflect.Float64:
		return "a number that fits " + t.Kind().String()
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Pointer:
		return describe(t.Elem())
	}
	return "a value of type " + t.String()
}

// beijing is UTC+8, the offset WeChat Pay writes: times in it share this
// location rather than each getting its own.
var beijing = time.FixedZone("", 8*60*60)

// ParseTime parses an RFC 3339 time with or without a fraction of a second,
// as time.Parse(time.RFC3339Nano, s) does, except that a +08:00 time gets a
// shared location. "" is the zero time.
func ParseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.ParseInLocation(time.RFC3339Nano, s, beijing)
}

// TimeField decodes the raw JSON value of a time field, which a type's own
// UnmarshalJSON holds as json.RawMessage, into dst with ParseTime: absent,
// null and "" are the zero time. Anything else that is not an RFC 3339
// string is an *json.UnmarshalTypeError naming field, never the value.
//
// The field is named here, by the type that knows it, because encoding/json
// adds no field context to an error returned by a nested UnmarshalJSON
// since Go 1.27.
func TimeField(field string, raw json.RawMessage, dst *time.Time) error {
	if len(raw) == 0 || string(raw) == "null" {
		*dst = time.Time{}
		return nil
	}
	var s string
	if n := len(raw); n >= 2 && raw[0] == '"' && raw[n-1] == '"' && bytes.IndexByte(raw, '\\') < 0 {
		s = string(raw[1 : n-1]) // a plain JSON string: nothing to unescape
	} else if err := json.Unmarshal(raw, &s); err != nil {
		return &json.UnmarshalTypeError{Value: "value", Type: timeType, Field: field}
	}
	t, err := ParseTime(s)
	if err != nil {
		return &json.UnmarshalTypeError{Value: "string", Type: timeType, Field: field}
	}
	*dst = t
	return nil
}

// Missing returns the JSON path of the first field of v (a struct or a
// pointer to one) tagged `wire:"required"` that holds its zero value, or an
// empty slice, looking into nested structs and the elements of slices of
// structs; "" when every required field is there. A nil v is missing
// everything: Missing returns "(answer)".
func Missing(v any) string {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return "(answer)"
		}
		rv = rv.Elem()
	}
	return missing(rv)
}

// missing builds the path only on the way back from a missing field, so
// that a complete answer costs no allocation.
func missing(v reflect.Value) string {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			return missing(v.Elem())
		}
	case reflect.Slice:
		for i := range v.Len() {
			if m := missing(v.Index(i)); m != "" {
				return "[" + strconv.Itoa(i) + "]" + dotted(m)
			}
		}
	case reflect.Struct:
		for _, f := range fieldsOf(v.Type()) {
			fv := v.Field(f.index)
			if f.required && (fv.IsZero() || fv.Kind() == reflect.Slice && fv.Len() == 0) {
				return f.name
			}
			if f.nested {
				if m := missing(fv); m != "" {
					return f.name + dotted(m)
				}
			}
		}
	}
	return ""
}

// dotted joins a child's path to its parent's: "[0]" stays as it is, a
// field name gets a dot.
func dotted(m string) string {
	if m[0] == '[' {
		return m
	}
	return "." + m
}

// field is what missing needs of one struct field.
type field struct {
	index    int
	name     string // JSON name
	required bool
	nested   bool // a struct, or a pointer or slice of structs, that may hold required fields
}

// holdsStruct reports whether t is a struct other than time.Time, or
// points to or holds one in a slice: only there can missing find a
// required field (a time, a []byte or a []string has none to look into).
func holdsStruct(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	return t.Kind() == reflect.Struct && t != timeType
}

var fieldCache sync.Map // reflect.Type → []field

// fieldsOf returns the exported, JSON-visible fields of struct type t (for
// a field without a json tag, by its xml tag), computed once per type.
func fieldsOf(t reflect.Type) []field {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.([]field)
	}
	var fs []field
	if t != timeType {
		for i := range t.NumField() {
			f := t.Field(i)
			tag, ok := f.Tag.Lookup("json")
			if !ok {
				tag = f.Tag.Get("xml") // an APIv2 answer
			}
			name, _, _ := strings.Cut(tag, ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			fs = append(fs, field{index: i, name: name, required: f.Tag.Get("wire") == "required", nested: holdsStruct(f.Type)})
		}
	}
	fieldCache.Store(t, fs)
	return fs
}

// Absent returns the JSON name of the first top-level field of the struct
// type t (or a pointer to one) tagged `wire:"present"` that the JSON object
// data lacks or holds as null; "" when every such field is there. It is for
// answer fields whose zero value means something (a balance of 0, a flag
// false), where Missing cannot tell absence from the value. Types without
// such fields cost nothing: data is read only for types that have them.
func Absent(data []byte, t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return ""
	}
	names := presentOf(t)
	if len(names) == 0 {
		return ""
	}
	var keys map[string]json.RawMessage
	if json.Unmarshal(data, &keys) != nil {
		return names[0]
	}
	for _, n := range names {
		if v, ok := keys[n]; !ok || string(v) == "null" {
			return n
		}
	}
	return ""
}

var presentCache sync.Map // reflect.Type → []string

// presentOf lists the JSON names of t's fields tagged `wire:"present"`,
// computed once per type.
func presentOf(t reflect.Type) []string {
	if ns, ok := presentCache.Load(t); ok {
		return ns.([]string)
	}
	var ns []string
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Tag.Get("wire") != "present" {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		ns = append(ns, name)
	}
	presentCache.Store(t, ns)
	return ns
}
