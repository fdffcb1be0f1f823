package wechatpay_test

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"io/fs"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// This file holds the house rule "bad input is a typed error, never a
// panic" over the root package's own API: the exported methods of the
// types of rootReceivers (*Client, *Credentials, *Verifier, *Signer, ...)
// are found by reflection, so that a new one is called badly without a
// line here, or fails the test by name until rootNoError, rootSentinels or
// rootEmptyIsGood says what it answers; the exported functions are found
// by go/parser and each needs a line of rootFuncs or rootOptions.

// rootReceivers are the root types whose methods are checked, each taken
// from a client.
var rootReceivers = []struct {
	name string
	of   func(c *wechatpay.Client) any
	// unbuilt are the cases of unbuilt that are cases of the type: a nil
	// *Client, or a zero one, is refused as the domain services refuse a
	// nil client (a *FieldError for the field "client"), a nil
	// *Credentials likewise (a zero one is an empty file); the others come
	// from a client or their constructor, never nil nor zero.
	unbuilt []string
}{
	{"Client", func(c *wechatpay.Client) any { return c }, []string{"nil receiver", "zero receiver"}},
	{"Credentials", func(*wechatpay.Client) any { return &wechatpay.Credentials{} }, []string{"nil receiver"}},
	{"Verifier", func(c *wechatpay.Client) any { return c.Verifier() }, nil},
	{"Signer", func(c *wechatpay.Client) any { return c.Signer() }, nil},
	{"Notification", func(*wechatpay.Client) any { return &wechatpay.Notification{} }, nil},
	{"MemoryDeduplicator", func(*wechatpay.Client) any { return wechatpay.NewMemoryDeduplicator() }, nil},
	{"APIError", func(*wechatpay.Client) any { return &wechatpay.APIError{} }, nil},
}

// rootCalls are the cases every root method is called with.
var rootCalls = []badCall{
	{name: "nil arguments", svc: realService, ctx: context.Background(), arg: reflect.Zero, applies: takesNillable},
	{name: "empty arguments", svc: realService, ctx: context.Background(), arg: emptyArg, applies: takesArguments},
	{name: "hollow arguments", svc: realService, ctx: context.Background(), arg: hollow, applies: takesArguments},
	{name: "nil context", svc: realService, ctx: nil, arg: emptyArg, applies: takesContext},
	{name: "closed client", svc: closedReceiver, ctx: context.Background(), arg: emptyArg, applies: notOnlyContext, onReceiver: true},
	{name: "nil receiver", svc: nilService, ctx: context.Background(), arg: emptyArg, applies: always, onReceiver: true},
	{name: "zero receiver", svc: zeroReceiver, ctx: context.Background(), arg: emptyArg, applies: always, onReceiver: true},
}

// unbuilt are the cases of a receiver that no constructor built: nil, or
// the zero value (a &wechatpay.Client{}).
var unbuilt = map[string]bool{"nil receiver": true, "zero receiver": true}

func zeroReceiver(real, _ reflect.Value) reflect.Value { return reflect.New(real.Type().Elem()) }

var responseType = reflect.TypeFor[*wechatpay.Response]()

func closedReceiver(_, closed reflect.Value) reflect.Value { return closed }

// emptyArg is an empty value of t: a pointer to a zero value, an empty
// (non-nil) slice or map, the zero value of anything else.
func emptyArg(t reflect.Type) reflect.Value {
	switch t.Kind() {
	case reflect.Slice:
		return reflect.MakeSlice(t, 0, 0)
	case reflect.Map:
		return reflect.MakeMap(t)
	}
	return zeroArg(t)
}

// takesArguments says whether a method has a parameter besides a context.
func takesArguments(in []reflect.Type) bool {
	for _, t := range in {
		if t != ctxType {
			return true
		}
	}
	return false
}

// notOnlyContext says whether a method takes something besides a context,
// or nothing at all (then called on a closed client's receiver, so that
// every method is called): a live context alone is a good call, with I/O.
func notOnlyContext(in []reflect.Type) bool { return len(in) == 0 || takesArguments(in) }

// rootNoError are the methods that return no error, each called on every
// receiver by its own check. The value-receiver methods (Format, String,
// GoString, LogValue, so that a value prints redacted too) are called on a
// nil pointer only as fmt and slog call them: Go's wrapper panics there,
// which fmt reports as "<nil>" and slog recovers.
var rootNoError = map[string]func(t *testing.T, recv reflect.Value, m reflect.Method){
	"Format":   func(t *testing.T, recv reflect.Value, m reflect.Method) { notAPIMethods["Format"](t, recv) },
	"LogValue": func(t *testing.T, recv reflect.Value, m reflect.Method) { notAPIMethods["LogValue"](t, recv) },
	"String":   callUnlessNil,
	"GoString": callUnlessNil,
	// Accessors and Close: nothing to refuse, no panic on any receiver.
	"AppID": callAccessor, "MchID": callAccessor, "Now": callAccessor, "Close": callAccessor,
	"Signer": callAccessor, "Verifier": callAccessor,
	"Certificates": callAccessor, "Mode": callAccessor, "Serial": callAccessor,
	// An *APIError is made by the client, never nil.
	"Error": callAccessor, "Temporary": callAccessor, "SignDifferences": callAccessor, "SignInformation": callAccessor,
}

func callUnlessNil(t *testing.T, recv reflect.Value, m reflect.Method) {
	if !recv.IsNil() {
		require.NotPanics(t, func() { recv.Method(m.Index).Call(nil) }, m.Name)
	}
}

func callAccessor(t *testing.T, recv reflect.Value, m reflect.Method) {
	require.NotPanics(t, func() { recv.Method(m.Index).Call(nil) }, "%s on %v", m.Name, recv.Type())
}

// rootSentinels are the documented sentinels a method's refusal may match
// instead of being a *wechatpay.FieldError, as its doc comment says.
var rootSentinels = map[string][]error{
	// "every failure matches ErrInvalidSignature", a body that is no
	// envelope ErrMalformedNotification.
	"Client.ParseNotification":        {wechatpay.ErrInvalidSignature, wechatpay.ErrMalformedNotification},
	"Client.ParseNotificationRequest": {wechatpay.ErrInvalidSignature, wechatpay.ErrMalformedNotification},
	// "a nil fn is an error matching ErrInvalidConfig".
	"Client.NotificationHandler": {wechatpay.ErrInvalidConfig},
	// "Every failure matches ErrInvalidSignature".
	"Verifier.Verify": {wechatpay.ErrInvalidSignature},
	// "In public-key mode ... an error matching ErrInvalidConfig", before
	// it looks at its context.
	"Client.DownloadCertificates": {wechatpay.ErrInvalidConfig},
	"Client.RefreshCertificates":  {wechatpay.ErrInvalidConfig},
	// "Bad configuration fails here, with an error matching
	// ErrInvalidConfig"; a file that is not there is the os's own error.
	"NewClient":           {wechatpay.ErrInvalidConfig},
	"NewClientFromFile":   {wechatpay.ErrInvalidConfig, fs.ErrNotExist},
	"LoadCredentials":     {wechatpay.ErrInvalidConfig, fs.ErrNotExist},
	"ParseCredentials":    {wechatpay.ErrInvalidConfig},
	"Credentials.Options": {wechatpay.ErrInvalidConfig, fs.ErrNotExist},
	// The sentinel of a notification that does not decode.
	"Notification.Decode": {wechatpay.ErrMalformedNotification},
}

// rootEmptyIsGood are the methods for which the empty arguments are a good
// call, with the doc comment that says so.
var rootEmptyIsGood = map[string]string{
	"Client.EncryptSensitive": "An empty value stays empty.",
	"Client.DecryptSensitive": "An empty value stays empty.",
	// A signer signs what it is given: DoV3, DownloadV3 and the services
	// refuse a bad method or path before they sign.
	"Signer.Authorization": "Authorization returns the value of the Authorization header",
	// "Release and Done act only for that claim": none held, nothing done.
	"MemoryDeduplicator.Release": "Release gives up claim on id, if still held",
	"MemoryDeduplicator.Done":    "Release and Done act only for that claim",
	// A Notification value marshals what it holds, here nothing.
	"Notification.MarshalJSON": "MarshalJSON encodes the envelope and the plaintext's length",
	// A verifier over the emulator's key has one to give.
	"Verifier.EncryptionKey": "EncryptionKey returns the WeChat Pay key that the mode prefers",
}

// rootMethodsNeverPanic calls every exported method of the types of
// rootReceivers with each of rootCalls, over an emulator in each key mode
// (a client in public-key mode refuses a certificate download before it
// reads its context): no panic, no request that reaches the emulator, a
// zero answer with an error that is a *wechatpay.FieldError or a sentinel
// its doc comment names, and no secret in that error.
func rootMethodsNeverPanic(t *testing.T) {
	for _, mode := range []wechatpay.KeyMode{wechatpay.KeyModePublicKey, wechatpay.KeyModeCertificates, wechatpay.KeyModeBoth} {
		t.Run(mode.String(), func(t *testing.T) { rootMethodsNeverPanicIn(t, mode) })
	}
}

// rootMethodsNeverPanicIn is rootMethodsNeverPanic over an emulator in
// key mode mode.
func rootMethodsNeverPanicIn(t *testing.T, mode wechatpay.KeyMode) {
	srv := wechatpaytest.Start(t, wechatpaytest.WithKeyMode(mode))
	closed := srv.Client()
	closed.Close()
	secrets := secretMarkers(t)
	methods := 0
	for _, rt := range rootReceivers {
		real, shut := reflect.ValueOf(rt.of(srv.Client())), reflect.ValueOf(rt.of(closed))
		for i := range real.NumMethod() {
			m := real.Type().Method(i)
			name := rt.name + "." + m.Name
			t.Run(name, func(t *testing.T) {
				methods++
				for _, rc := range rootCalls {
					if unbuilt[rc.name] && !slices.Contains(rt.unbuilt, rc.name) {
						continue
					}
					before := srv.Requests()
					recv := rc.svc(real, shut)
					if check, ok := rootNoError[m.Name]; ok {
						check(t, recv, m)
					} else if err := callRootBadly(t, name, rc, recv.Method(m.Index)); err != nil {
						requireNoSecret(t, err, secrets, name+", "+rc.name)
					}
					require.Equal(t, before, srv.Requests(), "%s, %s: a request reached the emulator", name, rc.name)
				}
			})
		}
	}
	t.Logf("%d methods of %d root types called %d ways", methods, len(rootReceivers), len(rootCalls))
}

// callRootBadly calls fn (a method bound to its receiver, or a function),
// named name, as rc says, and checks its answer; it returns the error.
func callRootBadly(t *testing.T, name string, rc badCall, fn reflect.Value) error {
	t.Helper()
	ft := fn.Type()
	if !rc.applies(paramTypes(ft)) {
		return nil
	}
	_, noError := rootNoErrorFuncs[name]
	require.True(t, noError || ft.NumOut() > 0 && ft.Out(ft.NumOut()-1) == errorType,
		"%s returns no error: handle it in rootNoError or rootNoErrorFuncs, with a comment", name)
	var out []reflect.Value
	require.NotPanics(t, func() { out = callWith(rc, fn) }, "%s, %s", name, rc.name)
	if noError {
		return nil
	}
	err, _ := out[len(out)-1].Interface().(error)
	if _, good := rootEmptyIsGood[name]; good && err == nil && !unbuilt[rc.name] {
		return nil
	}
	require.Error(t, err, "%s, %s", name, rc.name)
	requireTypedRefusal(t, err, name, rc)
	for _, o := range out[:len(out)-1] {
		if o.Type() == responseType && !o.IsNil() { // the metadata of no answer
			o = o.Elem()
		}
		require.True(t, o.IsZero(), "%s, %s: an answer with the error %v", name, rc.name, err)
	}
	return err
}

// paramTypes are the types of the parameters of a func type.
func paramTypes(ft reflect.Type) []reflect.Type {
	in := make([]reflect.Type, ft.NumIn())
	for i := range in {
		in[i] = ft.In(i)
	}
	return in
}

// callWith calls fn with rc's context for each context parameter and what
// rc.arg makes for the others; a variadic parameter gets the slice made
// for its type.
func callWith(rc badCall, fn reflect.Value) []reflect.Value {
	var args []reflect.Value
	for _, at := range paramTypes(fn.Type()) {
		if at == ctxType {
			args = append(args, reflect.ValueOf(&rc.ctx).Elem())
		} else {
			args = append(args, rc.arg(at))
		}
	}
	if fn.Type().IsVariadic() {
		return fn.CallSlice(args)
	}
	return fn.Call(args)
}

// requireTypedRefusal fails unless err is a *wechatpay.FieldError (for
// rc's field, when it names one; for the receiver, on a nil one) or
// matches a sentinel name documents.
func requireTypedRefusal(t *testing.T, err error, name string, rc badCall) {
	t.Helper()
	var fe *wechatpay.FieldError
	if errors.As(err, &fe) {
		want := rc.field
		if unbuilt[rc.name] { // "Client.X": client (rootReceivers)
			want = strings.ToLower(name[:strings.IndexByte(name, '.')])
		}
		if want != "" {
			require.Equal(t, want, fe.Field, "%s, %s: %v", name, rc.name, err)
		}
		return
	}
	for _, s := range rootSentinels[name] {
		if errors.Is(err, s) {
			return
		}
	}
	require.Failf(t, "untyped refusal", "%s, %s: %T is no *wechatpay.FieldError nor a sentinel of rootSentinels: %v", name, rc.name, err, err)
}

// requireNoSecret fails if err's text, under any verb, holds a secret.
func requireNoSecret(t *testing.T, err error, secrets []string, what string) {
	t.Helper()
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		text := fmt.Sprintf(verb, err)
		for _, s := range secrets {
			require.NotContains(t, text, s, "%s, %s", what, verb)
		}
	}
}

// rootFuncs are the exported functions of the root package but its
// options, by name: each is called with the bad arguments of rootCalls
// that need no receiver. A function of the package's source that is
// neither here nor in rootOptions fails the test by name.
var rootFuncs = map[string]any{
	"NewClient": wechatpay.NewClient, "NewClientFromFile": wechatpay.NewClientFromFile,
	"LoadCredentials": wechatpay.LoadCredentials, "ParseCredentials": wechatpay.ParseCredentials,
	"NewSigner": wechatpay.NewSigner, "ValidateRequest": wechatpay.ValidateRequest,
	"NewVerifier": wechatpay.NewVerifier, "NewNonce": wechatpay.NewNonce,
	"SigningMessage": wechatpay.SigningMessage, "NewMemoryDeduplicator": wechatpay.NewMemoryDeduplicator,
	"WithDeduplicator": wechatpay.WithDeduplicator,
}

// rootNoErrorFuncs are the functions of rootFuncs that return no error:
// each is called for no panic, with what its doc comment says of bad input.
var rootNoErrorFuncs = map[string]string{
	"NewVerifier":           "using now as its clock (time.Now when nil)",
	"NewNonce":              "takes nothing",
	"SigningMessage":        "the five-line message of what it is given",
	"NewMemoryDeduplicator": "takes nothing",
	"WithDeduplicator":      "A nil d leaves the handler without deduplication",
}

// rootFuncsNeverPanic calls every function of rootFuncs with the bad
// arguments of rootCalls: no panic, and an error that is typed and holds
// no secret.
func rootFuncsNeverPanic(t *testing.T) {
	require.ElementsMatch(t, declaredFuncs(t), append(slices.Collect(maps.Keys(rootFuncs)), slices.Collect(maps.Keys(rootOptions))...),
		"the root package's exported functions: each needs a case in rootFuncs or rootOptions")
	secrets := secretMarkers(t)
	for name, f := range rootFuncs {
		t.Run(name, func(t *testing.T) {
			for _, rc := range rootCalls {
				if rc.onReceiver {
					continue
				}
				if err := callRootBadly(t, name, rc, reflect.ValueOf(f)); err != nil {
					requireNoSecret(t, err, secrets, name+", "+rc.name)
				}
			}
		})
	}
	ways := 0
	for _, rc := range rootCalls {
		if !rc.onReceiver {
			ways++
		}
	}
	t.Logf("%d functions called %d ways", len(rootFuncs), ways)
}

// declaredFuncs are the exported functions (not methods) of the root
// package's non-test source.
func declaredFuncs(t *testing.T) []string {
	var out []string
	eachFuncDecl(t, ".", func(_ string, fn *ast.FuncDecl) {
		if fn.Recv == nil && fn.Name.IsExported() {
			out = append(out, fn.Name.Name)
		}
	})
	return out
}

// rootOptions are the options of NewClient, by name: each is made with
// the bad arguments of rootCalls and given to NewClient, alone and after
// the emulator's options.
var rootOptions = map[string]any{
	"WithAPIv2Key": wechatpay.WithAPIv2Key, "WithAPIv3Key": wechatpay.WithAPIv3Key,
	"WithAppID": wechatpay.WithAppID, "WithBaseURL": wechatpay.WithBaseURL,
	"WithCertificateRefresh": wechatpay.WithCertificateRefresh, "WithClock": wechatpay.WithClock,
	"WithHTTPClient": wechatpay.WithHTTPClient, "WithKeyMode": wechatpay.WithKeyMode,
	"WithLogger": wechatpay.WithLogger, "WithMaxResponseBytes": wechatpay.WithMaxResponseBytes,
	"WithMerchant": wechatpay.WithMerchant, "WithMerchantCertificate": wechatpay.WithMerchantCertificate,
	"WithMerchantPEM": wechatpay.WithMerchantPEM, "WithMerchantSigner": wechatpay.WithMerchantSigner,
	"WithPlatformCertificates": wechatpay.WithPlatformCertificates, "WithPublicKey": wechatpay.WithPublicKey,
	"WithRetry": wechatpay.WithRetry, "WithRootCAs": wechatpay.WithRootCAs,
	"WithTimeout": wechatpay.WithTimeout, "WithTransport": wechatpay.WithTransport,
	"WithUserAgent": wechatpay.WithUserAgent,
}

// rootOptionDefaults are the options whose bad arguments NewClient may
// take after the emulator's options, with what their doc comment says.
var rootOptionDefaults = map[string]string{
	"WithAppID":                "the default appid ... when the request leaves it empty: none",
	"WithBaseURL":              "instead of the api, api2 and apihk domains: empty, those",
	"WithCertificateRefresh":   "DefaultCertificateRefresh, 12 h, when interval is 0",
	"WithClock":                "default time.Now",
	"WithHTTPClient":           "optional: nil is the SDK's own client",
	"WithKeyMode":              "default KeyModeAuto",
	"WithLogger":               "optional: nil logs nothing",
	"WithMerchantCertificate":  "optional: nil is none (no v2 secure calls)",
	"WithPlatformCertificates": "trusts the certificates given: none",
	"WithRootCAs":              "instead of the system's: nil, those",
	"WithTimeout":              "0 means no bound beyond the context's",
	"WithTransport":            "optional: nil is the SDK's own transport",
	"WithUserAgent":            "optional: empty is the SDK's own",
	"NewClient":                "a nil Option is skipped",
}

// optionsNeverPanic gives NewClient each option of rootOptions made with
// the bad arguments of rootCalls, a nil Option and a nil certificate:
// alone, an error matching ErrInvalidConfig (no merchant); after the
// emulator's options, a client only for rootOptionDefaults, else
// ErrInvalidConfig; never a panic, never a secret in the error.
func optionsNeverPanic(t *testing.T) {
	srv := wechatpaytest.Start(t)
	secrets := secretMarkers(t)
	check := func(t *testing.T, name, what string, opt wechatpay.Option) {
		var alone, after error
		var c *wechatpay.Client
		require.NotPanics(t, func() { _, alone = wechatpay.NewClient(opt) }, "%s, %s, alone", name, what)
		require.ErrorIs(t, alone, wechatpay.ErrInvalidConfig, "%s, %s, alone", name, what)
		require.NotPanics(t, func() { c, after = wechatpay.NewClient(append(srv.ClientOptions(), opt)...) }, "%s, %s", name, what)
		if _, good := rootOptionDefaults[name]; good && after == nil {
			require.NotPanics(t, func() { // what it built works without I/O
				_ = fmt.Sprintf("%+v", c)
				_, _, err := c.EncryptSensitive("x")
				require.NoError(t, err)
				c.Now()
				c.Close()
			}, "%s, %s: the client built", name, what)
		} else {
			require.ErrorIs(t, after, wechatpay.ErrInvalidConfig, "%s, %s", name, what)
		}
		requireNoSecret(t, errors.Join(alone, after), secrets, name+", "+what)
	}
	for name, with := range rootOptions {
		t.Run(name, func(t *testing.T) {
			for _, rc := range rootCalls {
				if rc.onReceiver || !rc.applies(paramTypes(reflect.TypeOf(with))) {
					continue
				}
				var out []reflect.Value
				require.NotPanics(t, func() { out = callWith(rc, reflect.ValueOf(with)) }, "%s, %s", name, rc.name)
				check(t, name, rc.name, out[0].Interface().(wechatpay.Option))
			}
		})
	}
	t.Logf("%d options given to NewClient", len(rootOptions))
	check(t, "NewClient", "a nil Option", nil)
	check(t, "WithPlatformCertificates", "a nil certificate", wechatpay.WithPlatformCertificates(nil))
}

// operationsNeverPanic calls Operation.Do and V2Operation.Do, the typed
// calls every service makes, without a client (nil, or zero: not built by
// NewClient), a request or a context,
// and with a nil limiter (skipped, as documented): each is the *wechatpay.FieldError its doc
// comment names, before any request, never a panic.
func operationsNeverPanic(t *testing.T) {
	type req struct {
		ID string `json:"id" wx:"required"`
	}
	srv := wechatpaytest.Start(t)
	c, bg := srv.Client(), context.Background()
	ops := map[string]any{
		"Operation.Do":   (&wechatpay.Operation[req, struct{}]{Name: "test.Get", Method: "GET", Path: "/v3/test"}).Do,
		"V2Operation.Do": (&wechatpay.V2Operation[req, struct{}]{Name: "test.Get", Path: "/test"}).Do,
	}
	cases := []struct {
		name, field string
		ctx         context.Context
		c           *wechatpay.Client
		req         *req
		limiters    []wechatpay.Limiter
	}{
		{name: "nil client", field: "client", ctx: bg, req: &req{ID: "1"}},
		{name: "zero client", field: "client", ctx: bg, c: &wechatpay.Client{}, req: &req{ID: "1"}},
		{name: "nil request", field: "request", ctx: bg, c: c},
		{name: "zero request", field: "id", ctx: bg, c: c, req: &req{}},
		{name: "nil context", field: "ctx", c: c, req: &req{ID: "1"}, limiters: []wechatpay.Limiter{ctxLimiter{}}},
		// A nil Limiter is skipped (its doc comment): called, not refused.
		{name: "nil limiter", field: "request", ctx: bg, c: c, limiters: []wechatpay.Limiter{nil}},
	}
	for name, do := range ops {
		for _, tc := range cases {
			args := []reflect.Value{reflect.ValueOf(&tc.ctx).Elem(), reflect.ValueOf(tc.c), reflect.ValueOf(tc.req), reflect.ValueOf(tc.limiters)}
			var out []reflect.Value
			require.NotPanics(t, func() { out = reflect.ValueOf(do).CallSlice(args) }, "%s, %s", name, tc.name)
			var fe *wechatpay.FieldError
			require.ErrorAs(t, out[1].Interface().(error), &fe, "%s, %s", name, tc.name)
			require.Equal(t, tc.field, fe.Field, "%s, %s", name, tc.name)
			require.True(t, out[0].IsNil(), "%s, %s", name, tc.name)
		}
	}
	require.Zero(t, srv.Requests(), "a request reached the emulator")
}
