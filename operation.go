package wechatpay

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
	"github.com/gowechatpay/wechatpay/internal/service"
	"github.com/gowechatpay/wechatpay/internal/wire"
)

// Domain is the WeChat Pay domain an Operation is sent to.
type Domain int

const (
	// DomainAPI is api.mch.weixin.qq.com, with api2 as its backup after a
	// connection-level failure.
	DomainAPI Domain = iota
	// DomainGlobal is apihk.mch.weixin.qq.com (the cross-border APIs),
	// which has no backup.
	DomainGlobal
)

// Repeat says whether an Operation may be sent again after a transport
// failure, a 429 or a 5xx answer, whose outcome is unknown.
type Repeat int

const (
	// RepeatNever: a second attempt could act twice. GET and HEAD
	// operations are reads and repeat whatever this says.
	RepeatNever Repeat = iota
	// RepeatRead: the operation only reads.
	RepeatRead
	// RepeatReentrant: the API documents that the same business number
	// with the same body acts once however often it is sent.
	RepeatReentrant
)

// Operation declares one v3 API: its method, path, domain and retry safety;
// its request type Req (a struct) and its answer type Resp (a struct) carry
// the rest in their tags. A typed service method is one call of Do.
//
// The request's fields say where they go: `path:"name"` fills the {name}
// segment of Path, `query:"name"` is a query parameter (left out when
// zero; a time.Time is sent as its date, YYYY-MM-DD), and every other
// field is the JSON body (POST, PUT, PATCH and DELETE) by its json tag; a
// path or query field is tagged json:"-". A request without body fields
// is sent without a body. Their `wx` tags (see ValidateRequest) say how they are checked, which are
// encrypted and which default to the client's merchant number or appid.
//
// The answer's fields are decoded from the verified JSON body by their json
// tags; a field tagged `wire:"required"` that the answer leaves at its zero
// value, or one tagged `wire:"present"` (for a bool or number whose zero
// means something) that the answer lacks, makes the answer
// ErrMalformedResponse. An exported field Meta of type Response receives
// the exchange's metadata.
type Operation[Req, Resp any] struct {
	// Name is the package and method, e.g. "aggracct.QueryBalance"; error
	// messages start with the package.
	Name string
	// Method is the HTTP method.
	Method string
	// Path is the path, with {name} segments filled from path fields.
	Path string
	// Domain is where the call is sent.
	Domain Domain
	// Repeat says whether a failed attempt may be repeated.
	Repeat Repeat
	// After, when set, finishes a decoded answer whose required fields
	// are there, before it is returned: it decrypts a field, or reads what
	// the answer's tags cannot say (raw is the verified body). Its error
	// is the call's.
	After func(c *Client, raw []byte, out *Resp) error
}

// Do makes the call: it fills the defaults of a shallow copy of req, cuts
// its top-level times to the second, validates it (its Validate method
// when it has one, else ValidateRequest), encrypts its encrypt fields, waits on each limiter in
// turn, makes the signed call (DoV3: verified before anything is decoded,
// repeated as Repeat allows) and decodes the answer. req is never
// modified. ctx nil (refused first, before a limiter reads it), c nil (a
// service built without a client) or a zero Client{} that NewClient did
// not build, and req nil are *FieldError.
func (op *Operation[Req, Resp]) Do(ctx context.Context, c *Client, req *Req, limiters ...Limiter) (*Resp, error) {
	pkg, r, err := prepare(ctx, op.Name, c, req, op.request, limiters)
	if err != nil {
		return nil, err
	}
	var out Resp
	meta, raw, err := c.doV3(ctx, r, nil)
	if err != nil {
		return nil, err
	}
	if err := decodeAnswer(pkg, raw, &out, meta); err != nil {
		return nil, err
	}
	setMeta(reflect.ValueOf(&out).Elem(), metaField(reflect.TypeFor[Resp]()), meta)
	if op.After != nil {
		if err := op.After(c, raw, &out); err != nil {
			return nil, err
		}
	}
	return &out, nil
}

// prepare is how every operation named name starts: ctx, c and req must
// be there, build makes what is sent of a copy of *req, and the limiters are
// waited on in turn. pkg is the package part of name.
func prepare[Req, T any](ctx context.Context, name string, c *Client, req *Req, build func(*Client, Req) (T, error), limiters []Limiter) (pkg string, r T, err error) {
	pkg, _, _ = strings.Cut(name, ".")
	switch {
	case ctx == nil: // before anything that may read it: a limiter would panic
		err = nilContextError()
	case !c.built():
		err = &FieldError{Field: "client", Reason: pkg + ".New was given a nil *wechatpay.Client, or one not built by NewClient", Missing: true}
	case req == nil:
		err = &FieldError{Field: "request", Reason: "is nil", Missing: true}
	default:
		if r, err = build(c, *req); err == nil {
			err = waitAll(ctx, pkg, limiters)
		}
	}
	return pkg, r, err
}

// request validates and encrypts cp, a copy of the caller's request, and
// builds the call.
func (op *Operation[Req, Resp]) request(c *Client, cp Req) (*Request, error) {
	v, sh, err := checked(c, &cp)
	if err != nil {
		return nil, err
	}
	r := &Request{Method: op.Method, Path: op.Path, Global: op.Domain == DomainGlobal, Idempotent: op.Repeat != RepeatNever}
	if sh.encrypt {
		serial, err := encryptFields(c, v, sh, "")
		if err != nil {
			return nil, err
		}
		r.Header = http.Header{HeaderSerial: {serial}}
	}
	for _, f := range sh.fields {
		fv := v.Field(f.index)
		switch {
		case f.path:
			if r.PathParams == nil {
				r.PathParams = map[string]string{}
			}
			r.PathParams[f.wire] = scalar(fv)
		case f.query && !fv.IsZero():
			if r.Query == nil {
				r.Query = url.Values{}
			}
			r.Query.Set(f.wire, scalar(fv))
		}
	}
	if op.Method != http.MethodGet && op.Method != http.MethodHead && sh.body {
		body, err := encodeBody(v.Addr().Interface())
		if err != nil {
			return nil, err
		}
		r.Body = body
	}
	return r, nil
}

// checked fills the defaults of *cp, a copy of the caller's request, and
// validates it; v is *cp and sh its shape.
func checked[Req any](c *Client, cp *Req) (v reflect.Value, sh *shape, err error) {
	v = reflect.ValueOf(cp).Elem()
	if v.Kind() != reflect.Struct {
		return v, nil, &FieldError{Field: "request", Reason: "is not a struct"}
	}
	if sh = shapeOf(v.Type()); sh.err != nil {
		return v, nil, sh.err
	}
	fillDefaults(v, sh, c)
	toSeconds(v, sh)
	return v, sh, validate(cp)
}

// validate runs req's own Validate, or ValidateRequest for a type without.
func validate(req any) error {
	if v, ok := req.(interface{ Validate() error }); ok {
		return v.Validate()
	}
	return ValidateRequest(req)
}

// fillDefaults sets the empty fields tagged default=mchid or default=appid.
func fillDefaults(v reflect.Value, sh *shape, c *Client) {
	for _, i := range sh.defaults {
		f := &sh.fields[i]
		fv := v.Field(f.index)
		if fv.Kind() != reflect.String || fv.String() != "" {
			continue
		}
		switch f.rules.def {
		case "mchid":
			fv.SetString(c.MchID())
		case "appid":
			fv.SetString(c.AppID())
		}
	}
}

// toSeconds cuts the top-level time fields of v to the second: WeChat Pay
// writes a time as RFC 3339 without a fraction (yyyy-MM-DDTHH:mm:ss+TIMEZONE).
func toSeconds(v reflect.Value, sh *shape) {
	for _, i := range sh.times {
		t := v.Field(sh.fields[i].index).Addr().Interface().(*time.Time)
		*t = t.Truncate(time.Second)
	}
}

// encryptFields encrypts, in v (a copy the caller does not see), every
// field tagged encrypt, looking into nested structs and slices, which are
// copied before any of their fields changes. It returns the serial of the
// key used.
func encryptFields(c *Client, v reflect.Value, sh *shape, prefix string) (serial string, err error) {
	for _, f := range sh.fields {
		fv := v.Field(f.index)
		var s string
		switch {
		case f.rules.encrypt && fv.Kind() == reflect.String && fv.String() != "":
			var cipher string
			if cipher, s, err = c.EncryptSensitive(fv.String()); err != nil {
				if errors.Is(err, wxcrypto.ErrPlaintextTooLong) {
					return "", &FieldError{Field: prefix + f.wire, GoField: f.goName, Reason: "is too long to encrypt with RSA-OAEP"}
				}
				return "", err
			}
			fv.SetString(cipher)
		case f.nestedEncrypts:
			if s, err = encryptNested(c, fv, prefix+f.wire); err != nil {
				return "", err
			}
		}
		serial = firstNonEmpty(serial, s)
	}
	return serial, nil
}

// encryptNested encrypts the fields of the struct, pointer or slice fv
// after replacing it with a copy of its own.
func encryptNested(c *Client, fv reflect.Value, prefix string) (serial string, err error) {
	switch fv.Kind() {
	case reflect.Pointer:
		if fv.IsNil() {
			return "", nil
		}
		cp := reflect.New(fv.Type().Elem())
		cp.Elem().Set(fv.Elem())
		fv.Set(cp)
		return encryptNested(c, cp.Elem(), prefix)
	case reflect.Slice:
		cp := reflect.MakeSlice(fv.Type(), fv.Len(), fv.Len())
		reflect.Copy(cp, fv)
		fv.Set(cp)
		for i := range cp.Len() {
			s, err := encryptNested(c, cp.Index(i), prefix+"["+strconv.Itoa(i)+"]")
			if err != nil {
				return "", err
			}
			serial = firstNonEmpty(serial, s)
		}
		return serial, nil
	case reflect.Struct:
		return encryptFields(c, fv, shapeOf(fv.Type()), prefix+".")
	}
	return "", nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// scalar is the text of a path or query field: a string (or string type)
// as it is, a number in decimal, a bool as true or false, a time.Time as
// its date in its own location (YYYY-MM-DD, the form of WeChat Pay's
// bill_date parameters).
func scalar(v reflect.Value) string {
	if v.Type() == timeType {
		return v.Interface().(time.Time).Format(time.DateOnly)
	}
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10)
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	}
	return v.String()
}

// waitAll waits on each limiter in turn, giving up when ctx ends. A nil
// limiter, or a nil pointer (or map, func, ...) in the interface, is
// skipped rather than called.
func waitAll(ctx context.Context, pkg string, limiters []Limiter) error {
	for _, l := range limiters {
		if err := service.Wait(ctx, l); err != nil {
			return fmt.Errorf("%s: waiting for the rate limiter: %w", pkg, err)
		}
	}
	return nil
}

// decodeAnswer decodes the verified body raw into out and checks its
// required and present fields.
func decodeAnswer(pkg string, raw []byte, out any, meta *Response) error {
	if err := decodeInto(raw, out, meta.RequestID); err != nil {
		return err
	}
	field := wire.Missing(out)
	if field == "" {
		field = wire.Absent(raw, reflect.TypeOf(out))
	}
	if field != "" {
		return fmt.Errorf("%s: %w: the answer has no %s%s", pkg, ErrMalformedResponse, field, requestIDNote(meta.RequestID))
	}
	return nil
}

var (
	responseType = reflect.TypeFor[Response]()
	timeType     = reflect.TypeFor[time.Time]()
)

var metaFields sync.Map // reflect.Type → int

// setMeta copies *meta into the field Meta of out, the field i (-1: none).
func setMeta(out reflect.Value, i int, meta *Response) {
	if i >= 0 && meta != nil {
		*out.Field(i).Addr().Interface().(*Response) = *meta
	}
}

// metaField is the index of t's field Meta of type Response, or -1,
// looked up once per type.
func metaField(t reflect.Type) int {
	if i, ok := metaFields.Load(t); ok {
		return i.(int)
	}
	i := -1
	if t.Kind() == reflect.Struct {
		if f, ok := t.FieldByName("Meta"); ok && f.Type == responseType && len(f.Index) == 1 {
			i = f.Index[0]
		}
	}
	metaFields.Store(t, i)
	return i
}
