// Package svc holds what the typed service packages share: the check that a
// service has a client, the validation of identifiers, the encryption of
// sensitive request fields, the encoding of request bodies, the wait on its
// client-side rate limiters, and the v3 call that checks the answer.
package svc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"

	"github.com/gowechatpay/wechatpay"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
	"github.com/gowechatpay/wechatpay/internal/wire"
)

// Ready returns an error naming pkg when its service was built without a
// client (or is a nil *Service, for which hasService is false).
func Ready(pkg string, hasService bool, c *wechatpay.Client) error {
	if !hasService || c == nil {
		return &wechatpay.FieldError{Field: "client", Reason: pkg + ".New was given a nil *wechatpay.Client", Missing: true}
	}
	return nil
}

// CheckID validates an ASCII identifier before any I/O: present when
// required, at most maxLen bytes (0 for no documented maximum), visible ASCII
// only. The error names the field and never echoes the value.
func CheckID(field, v string, maxLen int, required bool) error {
	if v == "" {
		if required {
			return &wechatpay.FieldError{Field: field, Reason: "is required", Missing: true}
		}
		return nil
	}
	if maxLen > 0 && len(v) > maxLen {
		return &wechatpay.FieldError{Field: field, Reason: "is " + strconv.Itoa(len(v)) + " characters, at most " + strconv.Itoa(maxLen) + " allowed"}
	}
	for i := 0; i < len(v); i++ {
		if v[i] <= ' ' || v[i] > '~' {
			return &wechatpay.FieldError{Field: field, Reason: "must be visible ASCII characters only"}
		}
	}
	if v == "." || v == ".." {
		// A path segment a proxy would normalise away.
		return &wechatpay.FieldError{Field: field, Reason: "must not be . or .."}
	}
	return nil
}

// Wait waits on each limiter in turn, giving up when ctx ends. A nil
// limiter, or a nil pointer (or map, func, ...) wrapped in the interface,
// is skipped rather than called.
func Wait(ctx context.Context, pkg string, limiters ...wechatpay.Limiter) error {
	for _, l := range limiters {
		if isNil(l) {
			continue
		}
		if err := l.Wait(ctx); err != nil {
			return fmt.Errorf("%s: waiting for the rate limiter: %w", pkg, err)
		}
	}
	return nil
}

func isNil(l wechatpay.Limiter) bool {
	if l == nil {
		return true
	}
	switch v := reflect.ValueOf(l); v.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Func, reflect.Chan, reflect.Slice, reflect.Interface:
		return v.IsNil()
	}
	return false
}

// DoV3 makes a typed service's call with c.DoV3, decoding the verified
// answer into out (a pointer to the answer struct), then checks that the
// answer carries every field tagged `wire:"required"`. An answer without
// one, which includes a body that is "", whitespace, null or {}, is an
// error wrapping wechatpay.ErrMalformedResponse that names the field.
func DoV3(ctx context.Context, pkg string, c *wechatpay.Client, req *wechatpay.Request, out any) (*wechatpay.Response, error) {
	meta, err := c.DoV3(ctx, req, out)
	if err != nil {
		return nil, err
	}
	if err := required(pkg, meta, out); err != nil {
		return nil, err
	}
	return meta, nil
}

// DoV3Via is DoV3 for an answer read through its wire form: the verified
// body is decoded into w, a pointer to a struct of plain fields (times as
// json.RawMessage, say) that encoding/json fills in one pass, and conv
// then builds out from w. A type whose fields have their own UnmarshalJSON
// costs encoding/json three more passes over each of them, which on a list
// such as an order's receivers is most of a typed call's own time. An
// error of conv (a field it cannot read, as wire.TimeField reports it) is
// wechatpay.ErrMalformedResponse naming the field; the fields tagged
// `wire:"required"` are checked on out.
func DoV3Via(ctx context.Context, pkg string, c *wechatpay.Client, req *wechatpay.Request, w any, conv func() error, out any) (*wechatpay.Response, error) {
	meta, err := c.DoV3(ctx, req, w)
	if err != nil {
		return nil, err
	}
	if err := conv(); err != nil {
		return nil, fmt.Errorf("%s: %w%s: %w", pkg, wechatpay.ErrMalformedResponse, requestIDNote(meta), wire.Describe(err))
	}
	if err := required(pkg, meta, out); err != nil {
		return nil, err
	}
	return meta, nil
}

// required is the error for an answer out without one of its required
// fields, or nil.
func required(pkg string, meta *wechatpay.Response, out any) error {
	if field := wire.Missing(out); field != "" {
		return fmt.Errorf("%s: %w: the answer has no %s%s", pkg, wechatpay.ErrMalformedResponse, field, requestIDNote(meta))
	}
	return nil
}

func requestIDNote(meta *wechatpay.Response) string {
	if meta.RequestID == "" {
		return ""
	}
	return " (Request-ID " + meta.RequestID + ")"
}

// Encrypt encrypts the sensitive request field with c's preferred WeChat
// Pay key and returns the ciphertext and the key's id or serial for the
// Wechatpay-Serial header. A value too long for one RSA-OAEP block is a
// *wechatpay.FieldError naming field.
func Encrypt(c *wechatpay.Client, field, plain string) (ciphertext, serial string, err error) {
	ciphertext, serial, err = c.EncryptSensitive(plain)
	if errors.Is(err, wxcrypto.ErrPlaintextTooLong) {
		return "", "", &wechatpay.FieldError{Field: field, Reason: "is too long to encrypt with RSA-OAEP"}
	}
	if err != nil {
		return "", "", err
	}
	return ciphertext, serial, nil
}

// EncodeJSON returns the compact JSON of a request body, raw UTF-8,
// without HTML escaping, as DoV3 encodes a Body. A service encodes its body
// itself, before waiting on its limiters, so that an unencodable body is a
// *wechatpay.FieldError before any I/O or wait.
func EncodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, &wechatpay.FieldError{Field: "body", Reason: err.Error()}
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), nil
}
