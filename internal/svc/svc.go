// Package svc holds what the typed service packages share: the check that a
// service has a client, the validation of identifiers, and the wait on its
// client-side rate limiters.
package svc

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/time/rate"

	"github.com/gowechatpay/wechatpay"
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
	return nil
}

// Wait waits on each non-nil limiter in turn, giving up when ctx ends.
func Wait(ctx context.Context, pkg string, limiters ...*rate.Limiter) error {
	for _, l := range limiters {
		if l == nil {
			continue
		}
		if err := l.Wait(ctx); err != nil {
			return fmt.Errorf("%s: waiting for the rate limiter: %w", pkg, err)
		}
	}
	return nil
}

// Query encodes name/value pairs (name, value, name, value, …) as a URL
// query the way url.Values.Encode does, leaving out pairs whose value is
// empty. Callers give the names in byte order, as Encode would sort them.
// It makes one allocation.
func Query(pairs ...string) string {
	size := 0
	for i := 0; i+1 < len(pairs); i += 2 {
		size += len(pairs[i]) + 3*len(pairs[i+1]) + 2
	}
	var b strings.Builder
	b.Grow(size)
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		writeQueryEscaped(&b, pairs[i])
		b.WriteByte('=')
		writeQueryEscaped(&b, pairs[i+1])
	}
	return b.String()
}

// writeQueryEscaped writes s escaped as url.QueryEscape escapes it.
func writeQueryEscaped(b *strings.Builder, s string) {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '~':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
}
