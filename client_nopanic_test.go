package wechatpay_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// This file holds the house rule "bad input is a typed error, never a
// panic" over the root package's own types: the exported methods of
// *Client, *Verifier and *Signer are found by reflection, so that a new
// one is called badly without a line here, or fails the test by name until
// rootNoError or rootSentinels says what it answers.

// rootReceivers are the root types whose methods are checked, each taken
// from a client.
var rootReceivers = []struct {
	name string
	of   func(c *wechatpay.Client) any
	// nilChecked says whether a nil receiver is a case: a nil *Client is
	// refused as the domain services refuse one; a *Verifier or *Signer
	// comes from a client or its constructor, never nil.
	nilChecked bool
}{
	{"Client", func(c *wechatpay.Client) any { return c }, true},
	{"Verifier", func(c *wechatpay.Client) any { return c.Verifier() }, false},
	{"Signer", func(c *wechatpay.Client) any { return c.Signer() }, false},
}

// rootCall is one way of calling a root method wrongly: on the receiver
// recv picks (of a working client, a closed one, or nil), with the context
// ctx and each other argument made by arg.
type rootCall struct {
	name    string
	recv    func(real, closed reflect.Value) reflect.Value
	ctx     context.Context
	arg     func(reflect.Type) reflect.Value
	applies func(in []reflect.Type) bool
	// field is the Field of the *wechatpay.FieldError every method that
	// returns an error answers, "" when it depends on the method.
	field string
}

// rootCalls are the cases every root method is called with.
var rootCalls = []rootCall{
	{name: "nil arguments", recv: realService, ctx: context.Background(), arg: reflect.Zero, applies: takesNillable},
	{name: "empty arguments", recv: realService, ctx: context.Background(), arg: emptyArg, applies: takesArguments},
	{name: "hollow arguments", recv: realService, ctx: context.Background(), arg: hollow, applies: takesArguments},
	{name: "nil context", recv: realService, ctx: nil, arg: emptyArg, applies: takesContext},
	{name: "closed client", recv: closedReceiver, ctx: context.Background(), arg: emptyArg, applies: takesArguments},
	{name: "nil receiver", recv: nilService, ctx: context.Background(), arg: emptyArg, applies: always},
}

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
	// "In public-key mode ... an error matching ErrInvalidConfig" (the
	// emulator's client), before it looks at its context.
	"Client.DownloadCertificates": {wechatpay.ErrInvalidConfig},
	"Client.RefreshCertificates":  {wechatpay.ErrInvalidConfig},
}

// rootEmptyIsGood are the methods for which the empty arguments are a good
// call, with the doc comment that says so.
var rootEmptyIsGood = map[string]string{
	"Client.EncryptSensitive": "An empty value stays empty.",
	"Client.DecryptSensitive": "An empty value stays empty.",
	// A signer signs what it is given: DoV3, DownloadV3 and the services
	// refuse a bad method or path before they sign.
	"Signer.Authorization": "Authorization returns the value of the Authorization header",
	// A verifier over the emulator's key has one to give.
	"Verifier.EncryptionKey": "EncryptionKey returns the WeChat Pay key that the mode prefers",
}

// rootMethodsNeverPanic calls every exported method of *Client, *Verifier
// and *Signer with each of rootCalls: no panic, no request that reaches
// the emulator, a zero answer with an error that is a
// *wechatpay.FieldError or a sentinel its doc comment names, and no
// secret in that error.
func rootMethodsNeverPanic(t *testing.T) {
	srv := wechatpaytest.Start(t)
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
					if rc.name == "nil receiver" && !rt.nilChecked {
						continue
					}
					before := srv.Requests()
					recv := rc.recv(real, shut)
					if check, ok := rootNoError[m.Name]; ok {
						check(t, recv, m)
					} else if err := callRootBadly(t, name, rc, recv, m); err != nil {
						requireNoSecret(t, err, secrets, name+", "+rc.name)
					}
					require.Equal(t, before, srv.Requests(), "%s, %s: a request reached the emulator", name, rc.name)
				}
			})
		}
	}
	t.Logf("%d methods of %d root types called %d ways", methods, len(rootReceivers), len(rootCalls))
}

// callRootBadly calls method m of recv, named name, as rc says, and checks
// its answer; it returns the error.
func callRootBadly(t *testing.T, name string, rc rootCall, recv reflect.Value, m reflect.Method) error {
	t.Helper()
	ft := m.Type
	in := make([]reflect.Type, ft.NumIn()-1)
	for i := range in {
		in[i] = ft.In(i + 1)
	}
	if !rc.applies(in) {
		return nil
	}
	require.True(t, ft.NumOut() > 0 && ft.Out(ft.NumOut()-1) == errorType,
		"%s returns no error: handle it in rootNoError, with a comment", name)
	args := []reflect.Value{recv}
	for _, at := range in {
		if at == ctxType {
			args = append(args, reflect.ValueOf(&rc.ctx).Elem())
		} else {
			args = append(args, rc.arg(at))
		}
	}
	call := m.Func.Call
	if ft.IsVariadic() {
		call = m.Func.CallSlice
	}
	var out []reflect.Value
	require.NotPanics(t, func() { out = call(args) }, "%s, %s", name, rc.name)
	err, _ := out[len(out)-1].Interface().(error)
	if _, good := rootEmptyIsGood[name]; good && err == nil && !recv.IsNil() {
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

// requireTypedRefusal fails unless err is a *wechatpay.FieldError (for
// rc's field, when it names one; for the receiver, on a nil one) or
// matches a sentinel name documents.
func requireTypedRefusal(t *testing.T, err error, name string, rc rootCall) {
	t.Helper()
	var fe *wechatpay.FieldError
	if errors.As(err, &fe) {
		want := rc.field
		if rc.name == "nil receiver" { // only a *Client's: rootReceivers
			want = "client"
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
