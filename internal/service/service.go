// Package service is what the SDK's domain services (aggracct,
// profitsharing, redpack, security, transfer) share: the Core each Service
// is (its client, limiter and own settings), building it from its options,
// waiting on a limiter that may be nil, and telling and decrypting the
// encrypted fields of answers. It does not import the root package.
package service

import (
	"context"
	"fmt"
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
// (or map, func, ...) in it, is no limit and is not called. Nor is l
// given a nil ctx, which it would dereference: the call waiting refuses a
// nil context itself, before any I/O (the client's ctx *FieldError).
func Wait(ctx context.Context, l Limiter) error {
	if ctx == nil || IsNil(l) {
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

// Core is what a domain Service is: the client it calls through, the
// limiter every call waits on (WithLimiter), and X, the package's own
// settings. A domain declares `type Service service.Core[wechatpay.Client,
// X]`, so that none of this is exported, and converts a *Service to a
// *Core to reach it. Every method is safe on a nil *Core, which is what a
// nil *Service converts to.
type Core[C, X any] struct {
	c       *C
	limiter Limiter
	own     X
}

// NewCore returns the Core of a service that calls through c, with no
// limiter and the zero X.
func NewCore[X, C any](c *C) *Core[C, X] { return &Core[C, X]{c: c} }

// Client is the client the service calls through; nil for a nil s, which
// the operations report as a missing client.
func (s *Core[C, X]) Client() *C {
	if s == nil {
		return nil
	}
	return s.c
}

// Limiter is the limiter every call of the service waits on; nil for a nil
// s or when none is set.
func (s *Core[C, X]) Limiter() Limiter {
	if s == nil {
		return nil
	}
	return s.limiter
}

// SetLimiter sets the limiter every call waits on (WithLimiter); nil sets
// none.
func (s *Core[C, X]) SetLimiter(l Limiter) { s.limiter = l }

// Own is the package's own settings; nil for a nil s.
func (s *Core[C, X]) Own() *X {
	if s == nil {
		return nil
	}
	return &s.own
}

// WaitBefore waits on the limiter of s before a call that is no Operation
// (a download), its error marked with the package's name pkg.
func (s *Core[C, X]) WaitBefore(ctx context.Context, pkg string) error {
	if err := Wait(ctx, s.Limiter()); err != nil {
		return fmt.Errorf("%s: waiting for the rate limiter: %w", pkg, err)
	}
	return nil
}
