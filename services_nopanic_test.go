package wechatpay_test

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/aggracct"
	"github.com/gowechatpay/wechatpay/profitsharing"
	"github.com/gowechatpay/wechatpay/redpack"
	"github.com/gowechatpay/wechatpay/security"
	"github.com/gowechatpay/wechatpay/transfer"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// This file holds the test of the house rule "bad input is a typed error,
// never a panic" over every typed API: it finds the exported methods of
// each domain's *Service, and the request, answer and enum types of their
// signatures, by reflection, so that a new method or type is covered
// without a line here, and a new domain by one line of domainServices.

// domainServices builds each domain's *Service over a client, every call
// waiting on limiter l: one line a domain.
var domainServices = []func(c *wechatpay.Client, l wechatpay.Limiter) any{
	func(c *wechatpay.Client, l wechatpay.Limiter) any { return aggracct.New(c, aggracct.WithLimiter(l)) },
	func(c *wechatpay.Client, l wechatpay.Limiter) any {
		return profitsharing.New(c, profitsharing.WithLimiter(l))
	},
	func(c *wechatpay.Client, l wechatpay.Limiter) any { return redpack.New(c, redpack.WithLimiter(l)) },
	func(c *wechatpay.Client, l wechatpay.Limiter) any { return transfer.New(c, transfer.WithLimiter(l)) },
	func(c *wechatpay.Client, l wechatpay.Limiter) any { return security.New(c, security.WithLimiter(l)) },
}

// ctxLimiter is a limiter that reads its context, as every real one does
// (rate.Limiter, redisfleet): a nil context that reached it would panic.
type ctxLimiter struct{}

func (ctxLimiter) Wait(ctx context.Context) error { return ctx.Err() }

var (
	ctxType   = reflect.TypeFor[context.Context]()
	errorType = reflect.TypeFor[error]()
)

// badCall is one way of calling a method wrongly: on the receiver svc
// gives (of a working client, or of the other: a domain's *Service over a
// nil client, a root type's of a closed client), with the context ctx and
// each argument after it made by arg.
type badCall struct {
	name string
	svc  func(real, other reflect.Value) reflect.Value
	ctx  context.Context
	arg  func(reflect.Type) reflect.Value
	// applies says whether the case says something about a method with
	// parameters in: a nil or zero request of a method that takes none
	// is a good call, and a nil context of one that takes none is no case.
	applies func(in []reflect.Type) bool
	// field is the Field of the first *wechatpay.FieldError of the
	// answer: the one thing wrong, refused first. "" for the cases where
	// it depends on the method (the request's fields, or an argument's
	// own name). A callback decoder that needs no client (transfer's)
	// refuses a zero notification as malformed whatever its service.
	field string
	// onReceiver says the case is about the receiver: no case for a
	// function (rootFuncs).
	onReceiver bool
}

// badCalls are the cases every API method is called with.
var badCalls = []badCall{
	{name: "nil request", svc: realService, ctx: context.Background(), arg: reflect.Zero, applies: takesNillable},
	{name: "zero request", svc: realService, ctx: context.Background(), arg: zeroArg, applies: takesNillable},
	{name: "hollow request", svc: realService, ctx: context.Background(), arg: hollow, applies: takesNillable},
	{name: "nil context", svc: realService, ctx: nil, arg: zeroArg, applies: takesContext, field: "ctx"},
	{name: "nil client", svc: nilClientService, ctx: context.Background(), arg: zeroArg, applies: always, field: "client"},
	{name: "nil service", svc: nilService, ctx: context.Background(), arg: zeroArg, applies: always, field: "client"},
}

// inputBeforeContext are the methods that refuse a zero argument before
// they look at their context, so that the nil context case gets the
// argument's *wechatpay.FieldError, not the ctx one: checked, with the
// reason why.
var inputBeforeContext = map[string]string{
	// A download of a receipt that is not FINISHED is refused before
	// anything else: the receipt must be queried again.
	"transfer.Service.DownloadReceipt": "state",
}

func realService(real, _ reflect.Value) reflect.Value      { return real }
func nilClientService(_, nilc reflect.Value) reflect.Value { return nilc }
func nilService(real, _ reflect.Value) reflect.Value       { return reflect.Zero(real.Type()) }
func always([]reflect.Type) bool                           { return true }

// zeroArg is a pointer to the zero value of a pointer's element type, and
// the zero value (nil) of an interface, slice, map or func.
func zeroArg(t reflect.Type) reflect.Value {
	if t.Kind() == reflect.Pointer {
		return reflect.New(t.Elem())
	}
	return reflect.Zero(t)
}

// hollow is a value of t with nothing in it but structure: each pointer
// points to a hollow value, each slice and map holds one hollow element
// (under a hollow key), the rest is zero; so that a request's nested
// parts are checked too. Interfaces and funcs stay nil.
func hollow(t reflect.Type) reflect.Value { return hollowN(t, 8) }

// hollowN is hollow to depth n, zero below (a type that holds itself).
func hollowN(t reflect.Type, n int) reflect.Value {
	v := reflect.New(t).Elem()
	if n == 0 {
		return v
	}
	switch t.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(t.Elem()))
		v.Elem().Set(hollowN(t.Elem(), n-1))
	case reflect.Slice:
		v.Set(reflect.Append(v, hollowN(t.Elem(), n-1)))
	case reflect.Map:
		v.Set(reflect.MakeMap(t))
		v.SetMapIndex(hollowN(t.Key(), n-1), hollowN(t.Elem(), n-1))
	case reflect.Struct:
		for i := range t.NumField() {
			if t.Field(i).IsExported() {
				v.Field(i).Set(hollowN(t.Field(i).Type, n-1))
			}
		}
	}
	return v
}

func takesNillable(in []reflect.Type) bool {
	for _, t := range in {
		if t != ctxType && nillable(t) {
			return true
		}
	}
	return false
}

func takesContext(in []reflect.Type) bool {
	for _, t := range in {
		if t == ctxType {
			return true
		}
	}
	return false
}

func nillable(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Map, reflect.Func:
		return true
	}
	return false
}

// notAPIMethods are the exported methods of a *Service that are no call of
// WeChat Pay, each checked here by its own case, as fmt and slog call it.
// Format gets a nil fmt.State only from a caller that breaks its
// contract, so both are called as fmt and slog call them. They have value
// receivers (a Service value prints redacted too): on a nil *Service, Go's
// wrapper panics, which fmt reports as "<nil>" and slog recovers and logs.
var notAPIMethods = map[string]func(t *testing.T, svc reflect.Value){
	"Format": func(t *testing.T, svc reflect.Value) {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
			require.NotPanics(t, func() { _ = fmt.Sprintf(verb, svc.Interface()) }, verb)
		}
	},
	"LogValue": func(t *testing.T, svc reflect.Value) {
		log := slog.New(slog.NewJSONHandler(io.Discard, nil))
		require.NotPanics(t, func() { log.Info("service", "svc", svc.Interface()) })
	},
}

// TestTypedAPIsNeverPanic is the house rule "bad input is a typed error,
// never a panic" over every typed API, in three parts: the methods of each
// domain's *Service, the Validate methods of the types they take, and the
// Known methods of the enums of their requests and answers.
func TestTypedAPIsNeverPanic(t *testing.T) {
	t.Run("Service methods", serviceMethodsNeverPanic)
	t.Run("Validate", validateNeverPanics)
	t.Run("Known", knownNeverPanics)
	t.Run("root methods", rootMethodsNeverPanic)
	t.Run("root functions", rootFuncsNeverPanic)
	t.Run("options", optionsNeverPanic)
	t.Run("operations", operationsNeverPanic)
}

// serviceMethodsNeverPanic calls every exported method of every domain's
// *Service with each bad call: a nil request (nil for every pointer,
// interface, slice argument), a zero request, a hollow one (its nested
// parts there, empty), a nil context (the service
// waiting on a limiter that reads it), a service over a nil
// *wechatpay.Client, and a nil *Service. Each call returns, without a
// panic and before any request reaches the emulator, a nil answer and an
// error that is a *wechatpay.FieldError, or a notification that does not
// decode (wechatpay.ErrMalformedNotification, the only refusal of a
// callback decoder that is not about a field). A method of another
// shape fails the test until notAPIMethods handles it.
func serviceMethodsNeverPanic(t *testing.T) {
	srv := wechatpaytest.Start(t)
	methods := 0
	for _, build := range domainServices {
		real := reflect.ValueOf(build(srv.Client(), ctxLimiter{}))
		nilc := reflect.ValueOf(build(nil, ctxLimiter{}))
		for i := range real.NumMethod() {
			m := real.Type().Method(i)
			name := real.Type().Elem().String() + "." + m.Name
			t.Run(name, func(t *testing.T) {
				if check, ok := notAPIMethods[m.Name]; ok {
					for _, s := range []reflect.Value{real, nilc, reflect.Zero(real.Type())} {
						check(t, s)
					}
					return
				}
				methods++
				for _, bc := range badCalls {
					before := srv.Requests()
					callBadly(t, name, bc, bc.svc(real, nilc).Method(i))
					require.Equal(t, before, srv.Requests(), "%s, %s: a request reached the emulator", name, bc.name)
				}
			})
		}
	}
	t.Logf("%d API methods of %d services called %d ways", methods, len(domainServices), len(badCalls))
}

// callBadly calls method fn, named name, as bc says, and checks what it
// returns.
func callBadly(t *testing.T, name string, bc badCall, fn reflect.Value) {
	t.Helper()
	ft := fn.Type()
	in := make([]reflect.Type, ft.NumIn())
	for i := range in {
		in[i] = ft.In(i)
	}
	if !bc.applies(in) {
		return
	}
	require.True(t, ft.NumOut() > 0 && ft.Out(ft.NumOut()-1) == errorType,
		"%s returns no error: handle it in notAPIMethods, with a comment", name)
	args := make([]reflect.Value, len(in))
	for i, at := range in {
		switch {
		case at == ctxType:
			args[i] = reflect.ValueOf(&bc.ctx).Elem()
		case nillable(at):
			args[i] = bc.arg(at)
		default:
			require.Failf(t, "cannot be called generically", "%s: parameter %d is a %s: handle it in notAPIMethods, with a comment", name, i, at)
		}
	}
	call := fn.Call
	if ft.IsVariadic() { // its last argument, a slice, holds the options
		call = fn.CallSlice
	}
	var out []reflect.Value
	require.NotPanics(t, func() { out = call(args) }, "%s, %s", name, bc.name)
	err, _ := out[len(out)-1].Interface().(error)
	require.Error(t, err, "%s, %s", name, bc.name)
	var fe *wechatpay.FieldError
	require.True(t, errors.As(err, &fe) || errors.Is(err, wechatpay.ErrMalformedNotification),
		"%s, %s: %T is no *wechatpay.FieldError: %v", name, bc.name, err, err)
	if want := bc.field; want != "" && fe != nil { // not a field error: a decoder that needs no client
		if first, ok := inputBeforeContext[name]; ok && want == "ctx" {
			want = first
		}
		require.Equal(t, want, fe.Field, "%s, %s: %v", name, bc.name, err)
	}
	for _, o := range out[:len(out)-1] {
		require.True(t, o.IsZero(), "%s, %s: an answer with the error %v", name, bc.name, err)
	}
}

// validateNeverPanics calls Validate on a nil pointer, on a zero value and
// on a hollow value of every type with a Validate() error method that the *Service
// methods take, or that the types they take hold (fields, elements): the
// answer is an error made of *wechatpay.FieldError values, never a panic.
// A type of a domain's source with a Validate method that no signature
// reaches fails the test, by name.
func validateNeverPanics(t *testing.T) {
	var validated []string
	for typ := range reachedTypes(true) {
		p := reflect.PointerTo(typ)
		validate, ok := p.MethodByName("Validate")
		if !ok {
			continue
		}
		validated = append(validated, typ.String())
		require.Equal(t, reflect.TypeFor[func() error](), reflect.Zero(p).Method(validate.Index).Type(), "%s.Validate", p)
		for name, v := range map[string]reflect.Value{"nil": reflect.Zero(p), "zero": reflect.New(typ), "hollow": hollow(p)} {
			var err error
			require.NotPanics(t, func() { err, _ = validate.Func.Call([]reflect.Value{v})[0].Interface().(error) }, "%s of %s", name, p)
			require.Error(t, err, "%s of %s", name, p)
			requireOnlyFieldErrors(t, err, fmt.Sprintf("%s of %s", name, p))
		}
	}
	require.Subset(t, validated, declaring(t, "Validate"), "types with a Validate method that no *Service signature reaches")
	t.Logf("%d request types validated", len(validated))
}

// requireOnlyFieldErrors fails unless err is a *wechatpay.FieldError or a
// join of them (nested joins too).
func requireOnlyFieldErrors(t *testing.T, err error, what string) {
	t.Helper()
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		if _, isField := err.(*wechatpay.FieldError); !isField {
			for _, e := range joined.Unwrap() {
				requireOnlyFieldErrors(t, e, what)
			}
			return
		}
	}
	var fe *wechatpay.FieldError
	require.ErrorAs(t, err, &fe, what)
	require.Same(t, fe, err, "%s: %T wraps the field error", what, err)
}

// knownNeverPanics gives every enum type (a string type with a Known
// method) found in the requests and answers of the *Service methods the
// value "NOT_A_VALUE": Known says false, without a panic. A type of a
// domain's source with a Known method that no signature reaches fails the
// test, by name.
func knownNeverPanics(t *testing.T) {
	var enums []string
	for typ := range reachedTypes(false) {
		known, ok := typ.MethodByName("Known")
		if typ.Kind() != reflect.String || !ok {
			continue
		}
		enums = append(enums, typ.String())
		v := reflect.New(typ).Elem()
		v.SetString("NOT_A_VALUE")
		require.NotPanics(t, func() {
			require.False(t, known.Func.Call([]reflect.Value{v})[0].Bool(), typ.String())
		}, typ.String())
	}
	require.Subset(t, enums, declaring(t, "Known"), "enum types that no *Service signature reaches")
	t.Logf("%d enum types checked", len(enums))
}

// reachedTypes are the SDK's named types that the parameters (and,
// unless paramsOnly, the results) of the exported methods of every
// domain's *Service reach (walkTypes).
func reachedTypes(paramsOnly bool) map[reflect.Type]bool {
	seen := map[reflect.Type]bool{}
	for _, build := range domainServices {
		st := reflect.TypeOf(build(nil, nil))
		for i := range st.NumMethod() {
			ft := st.Method(i).Type
			for j := 1; j < ft.NumIn(); j++ {
				walkTypes(ft.In(j), seen)
			}
			for j := 0; !paramsOnly && j < ft.NumOut(); j++ {
				walkTypes(ft.Out(j), seen)
			}
		}
	}
	return seen
}

// walkTypes adds to seen t and every named type of the SDK that t reaches
// through pointers, slices, arrays, maps and struct fields.
func walkTypes(t reflect.Type, seen map[reflect.Type]bool) {
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array:
		walkTypes(t.Elem(), seen)
		return
	case reflect.Map:
		walkTypes(t.Key(), seen)
		walkTypes(t.Elem(), seen)
		return
	}
	if seen[t] || !strings.HasPrefix(t.PkgPath(), "github.com/gowechatpay/wechatpay") {
		return
	}
	seen[t] = true
	if t.Kind() == reflect.Struct {
		for i := range t.NumField() {
			if t.Field(i).IsExported() {
				walkTypes(t.Field(i).Type, seen)
			}
		}
	}
}

// declaring is "pkg.Type" for every receiver type that declares a method
// named method in the non-test source of the domains' packages (read with
// go/parser: reflection cannot list a package's types), so that a type no
// *Service signature reaches is not left out unnoticed.
func declaring(t *testing.T, method string) []string {
	t.Helper()
	var out []string
	for _, build := range domainServices {
		pkg := reflect.TypeOf(build(nil, nil)).Elem().PkgPath()
		eachFuncDecl(t, strings.TrimPrefix(pkg, "github.com/gowechatpay/wechatpay/"), func(pkgName string, fn *ast.FuncDecl) {
			if fn.Recv != nil && fn.Name.Name == method {
				out = append(out, pkgName+"."+receiverName(fn.Recv.List[0].Type))
			}
		})
	}
	require.NotEmpty(t, out, "no %s method in the domains' source", method)
	return out
}

// eachFuncDecl calls visit with the package name and every function and
// method declaration of the non-test Go files of dir.
func eachFuncDecl(t *testing.T, dir string, visit func(pkg string, fn *ast.FuncDecl)) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	require.NoError(t, err)
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok {
				visit(f.Name.Name, fn)
			}
		}
	}
}

// receiverName is the type name of a method's receiver, T or *T.
func receiverName(e ast.Expr) string {
	if star, ok := e.(*ast.StarExpr); ok {
		e = star.X
	}
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return fmt.Sprintf("(%T receiver)", e) // a generic type: named, so Subset fails on it
}
