// Package svc holds what the typed service packages share: the check that a
// service has a client, and the wait on its client-side rate limiters.
package svc

import (
	"context"
	"fmt"

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
