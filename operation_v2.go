package wechatpay

import (
	"context"
	"encoding"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"

	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
	"github.com/gowechatpay/wechatpay/internal/v2xml"
	"github.com/gowechatpay/wechatpay/internal/wire"
)

// V2Operation declares one APIv2 (XML) API, as Operation declares a v3
// one: its path, whether it needs the merchant client certificate, its
// sign type and retry safety; its request type Req (a struct) and its
// answer type Resp (a struct) carry the rest in their tags.
//
// The request's fields with an xml tag are its parameters, by that name: a
// string as it is, a number in decimal, a type with MarshalText by its
// text; zero values are left out. Their `wx` tags (see ValidateRequest)
// say how they are checked and which default to the client's merchant
// number or appid. The sign covers every parameter sent, in key order.
//
// The answer is decoded from the reply by its xml tags, as encoding/xml
// decodes, and handed back once the reply is judged (sign, return_code,
// result_code); the reply is read once. A time.Time field is read as
// Beijing time in the layout "2006-01-02 15:04:05"; a field tagged
// `xml:"list>item"` decodes a nested list such as gethbinfo's
// <hblist><hbinfo>…</hbinfo></hblist> with encoding/xml; an answer type
// with its own UnmarshalXML is decoded by it. A field tagged
// `wire:"required"` that the reply leaves at its zero value makes it
// ErrMalformedResponse. An exported field Meta of type Response receives
// the exchange's metadata; one named Extra of type map[string]string the
// reply's flat fields that no field names (return_code, return_msg,
// result_code, err_code, err_code_des and sign aside), nil when there are
// none; and one named Signed of type bool whether the reply carried a sign
// (which then verified).
type V2Operation[Req, Resp any] struct {
	// Name is the package and method, e.g. "redpack.Send"; error messages
	// start with the package.
	Name string
	// Path is the endpoint's path.
	Path string
	// Secure marks an endpoint that needs the merchant client certificate
	// (mTLS).
	Secure bool
	// SignType is the sign: "" signs with MD5 and sends no sign_type;
	// MD5 or HMAC-SHA256 are sent as sign_type.
	SignType wxcrypto.SignType
	// UnsignedReply marks an endpoint documented to answer without a
	// sign: a success without one is accepted (a sign present must still
	// verify).
	UnsignedReply bool
	// Repeat says whether a failed attempt may be repeated (RepeatNever,
	// or a read or a re-entrant call).
	Repeat Repeat
	// Params are parameters sent with every call (gethbinfo's bill_type).
	Params map[string]string
	// Complete, when set, sees the parameters of each call once they are
	// validated, before any I/O, and may add to them (a second sign such
	// as workwx_sign, over a nonce_str of its own that every attempt then
	// sends). Its error ends the call.
	Complete func(params map[string]string) error
}

// Do makes the call: it fills the defaults of a shallow copy of req,
// validates it (its Validate method when it has one, else
// ValidateRequest), waits on each limiter in turn, posts the signed
// parameters (each attempt signed afresh, repeated as Repeat allows),
// judges the reply and decodes it into Resp. req is never modified. ctx
// nil (refused first, before a limiter reads it), c nil (a service built
// without a client) or a zero Client{} that NewClient did not build, and
// req nil are *FieldError.
func (op *V2Operation[Req, Resp]) Do(ctx context.Context, c *Client, req *Req, limiters ...Limiter) (*Resp, error) {
	pkg, params, err := prepare(ctx, op.Name, c, req, op.params, limiters)
	if err != nil {
		return nil, err
	}
	r := &v2Typed[Resp]{out: new(Resp), ans: v2AnswerOf(reflect.TypeFor[Resp]())}
	call := &v2Call{path: op.Path, secure: op.Secure, retryable: op.Repeat != RepeatNever, unsigned: op.UnsignedReply, signType: op.SignType, params: params, reply: r}
	meta, err := c.exchangeV2(ctx, call)
	if err != nil {
		return nil, err
	}
	if err := r.ans.finish(pkg, reflect.ValueOf(r.out).Elem(), r.fields, r.late, meta); err != nil {
		return nil, err
	}
	return r.out, nil
}

// v2Typed reads each reply of a call into its answer, of type Resp.
type v2Typed[Resp any] struct {
	out    *Resp
	ans    *v2Answer
	fields map[string]string
	late   error // a value that does not fit Resp, reported once the reply is judged
}

func (r *v2Typed[Resp]) read(data []byte) (map[string]string, error) {
	*r.out = *new(Resp)
	r.fields, r.late = v2xml.Unmarshal(data, r.out, r.ans.nested...)
	if r.fields == nil {
		return nil, r.late
	}
	return r.fields, nil
}

// params validates cp, a copy of the caller's request, and returns its
// parameters in key order: the fields', which the type's shape lists in
// that order, with the fixed Params put in their place (a field that is
// set wins); a Complete function sees them as a map, whose entries are
// then sorted anew.
func (op *V2Operation[Req, Resp]) params(c *Client, cp Req) ([]wxcrypto.V2Param, error) {
	v, sh, err := checked(c, &cp)
	if err != nil {
		return nil, err
	}
	ps := make([]wxcrypto.V2Param, 0, len(sh.v2Order)+len(op.Params))
	for _, i := range sh.v2Order {
		f := &sh.fields[i]
		s, err := v2Value(v.Field(f.index), f.text)
		if err != nil {
			return nil, &FieldError{Field: f.wire, GoField: f.goName, Reason: "does not encode: " + err.Error()}
		}
		if s != "" {
			ps = append(ps, wxcrypto.V2Param{Key: f.wire, Value: s})
		}
	}
	for k, v := range op.Params {
		if i, set := findParam(ps, k); !set && k != "sign" {
			ps = slices.Insert(ps, i, wxcrypto.V2Param{Key: k, Value: v})
		}
	}
	if op.Complete == nil {
		return ps, nil
	}
	p := make(map[string]string, len(ps)+2)
	for _, kv := range ps {
		p[kv.Key] = kv.Value
	}
	if err := op.Complete(p); err != nil {
		return nil, err
	}
	return sortedParams(p), nil
}

// v2Value is the text of a parameter: "" for a zero value; text says
// that its type has MarshalText.
func v2Value(fv reflect.Value, text bool) (string, error) {
	switch {
	case fv.IsZero():
		return "", nil
	case text:
		b, err := fv.Interface().(encoding.TextMarshaler).MarshalText()
		return string(b), err
	}
	return scalar(fv), nil
}

// v2Answer is what Do needs of an answer type, read once per type.
type v2Answer struct {
	nested []string        // elements holding lists (the first part of `xml:"a>b"`)
	skip   map[string]bool // reply elements a field takes, and v2Protocol's
	extra  int             // index of the field Extra map[string]string, or -1
	meta   int             // index of the field Meta Response, or -1
	signed int             // index of the field Signed bool, or -1
}

var v2Answers sync.Map // reflect.Type → *v2Answer

func v2AnswerOf(t reflect.Type) *v2Answer {
	if a, ok := v2Answers.Load(t); ok {
		return a.(*v2Answer)
	}
	a := &v2Answer{skip: maps.Clone(v2Protocol), extra: -1, meta: metaField(t), signed: -1}
	if t.Kind() == reflect.Struct {
		for i := range t.NumField() {
			a.field(i, t.Field(i))
		}
	}
	actual, _ := v2Answers.LoadOrStore(t, a)
	return actual.(*v2Answer)
}

// field reads the tag of the answer's field i.
func (a *v2Answer) field(i int, f reflect.StructField) {
	name, _, _ := strings.Cut(f.Tag.Get("xml"), ",")
	if first, _, nested := strings.Cut(name, ">"); nested {
		a.nested = append(a.nested, first)
		name = first
	}
	if name != "" && name != "-" {
		a.skip[name] = true
	}
	switch {
	case f.Name == "Extra" && f.Type == reflect.TypeFor[map[string]string]():
		a.extra = i
	case f.Name == "Signed" && f.Type == reflect.TypeFor[bool]():
		a.signed = i
	}
}

// v2Protocol are reply fields that describe the call, not the answer.
var v2Protocol = map[string]bool{
	"return_code": true, "return_msg": true, "result_code": true,
	"err_code": true, "err_code_des": true, "sign": true,
}

// finish checks the decoded answer out (late: a value that did not fit)
// and fills its Extra, Signed and Meta.
func (a *v2Answer) finish(pkg string, out reflect.Value, fields map[string]string, late error, meta *Response) error {
	if late != nil {
		return fmt.Errorf("%s: %w: %w", pkg, ErrMalformedResponse, late)
	}
	if f := wire.Missing(out.Addr().Interface()); f != "" {
		return fmt.Errorf("%s: %w: the reply has no %s", pkg, ErrMalformedResponse, f)
	}
	if a.extra >= 0 {
		var extra map[string]string
		for k, v := range fields {
			if !a.skip[k] {
				if extra == nil {
					extra = map[string]string{}
				}
				extra[k] = v
			}
		}
		out.Field(a.extra).Set(reflect.ValueOf(extra))
	}
	if a.signed >= 0 {
		_, signed := fields["sign"]
		out.Field(a.signed).SetBool(signed)
	}
	setMeta(out, a.meta, meta)
	return nil
}
