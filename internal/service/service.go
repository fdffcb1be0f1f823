// Package service is what the SDK's domain services (aggracct,
// profitsharing, redpack, security, transfer) share: building a service from its options and
// waiting on a limiter that may be nil. It does not import the root
// package.
package service

import (
	"context"
	"reflect"
)

// New returns s once each option that is not nil has been applied to it in
// turn: the New of every domain service.
func New[S any, O ~func(*S)](s *S, opts []O) *S {
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	return s
}

// Limiter is the root package's Limiter (this package does not import it).
type Limiter interface {
	Wait(ctx context.Context) error
}

// Wait waits on l, returning its error unchanged. A nil l, or a nil pointer
// (or map, func, ...) in it, is no limit and is not called.
func Wait(ctx context.Context, l Limiter) error {
	if IsNil(l) {
		return nil
	}
	return l.Wait(ctx)
}

// IsNil reports whether l is nil or holds a nil pointer, map, func,
// channel, slice or interface.
func IsNil(l Limiter) bool {
	if l == nil {
		return true
	}
	switch v := reflect.ValueOf(l); v.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Func, reflect.Chan, reflect.Slice, reflect.Interface:
		return v.IsNil()
	}
	return false
}
