package wechatpaytest

import (
	"context"
	"sync"
	"time"
)

// EchoCallbacks says how the echo endpoint (APISecurityEcho) sends the
// SECURITY_ECHO.SUCCESS callback of a request with a notify_url. The zero
// value is WeChat Pay's behaviour: one callback, sent at once with the
// notification client (WithNotificationClient), redelivered on WeChat
// Pay's schedule until a 2xx answer.
type EchoCallbacks struct {
	// Drop sends no callback at all: the merchant waits in vain, as for a
	// notify_url WeChat Pay cannot reach.
	Drop bool
	// Delay is waited before the first delivery, with the wait function
	// of Options (WithRedeliveryWait) when they set one.
	Delay time.Duration
	// Options apply to each callback after WithRedelivery(1): a smaller
	// WithRedelivery scale, WithSignatureProbe (the first delivery a
	// signature probe), WithRedeliveryWait, WithDeliveryObserver,
	// WithAnswerDeadline.
	Options []NotifyOption
}

// securityState is the echo endpoint's: how callbacks are sent, and the
// callbacks in flight, which Close stops and waits for. Server.mu guards
// callbacks; wg.Go is called under it while the server is open.
type securityState struct {
	callbacks EchoCallbacks
	ctx       context.Context
	stop      context.CancelFunc
	wg        sync.WaitGroup
}

func newSecurityState() *securityState {
	ctx, stop := context.WithCancel(context.Background())
	return &securityState{ctx: ctx, stop: stop}
}

// SetEchoCallbacks sets how the echo endpoint sends the callbacks of the
// requests that follow (see EchoCallbacks).
func (s *Server) SetEchoCallbacks(c EchoCallbacks) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sec.callbacks = c
}
