package wechatpaytest

import "time"

// Advance moves the emulator's clock (the WithClock clock, or the system
// clock) forward by d for a test, then runs, before it returns, every
// time-driven transition that has become due: a transfer bill not
// completed 24 hours after its creation is closed (FAIL, OVERDUE_CLOSE, its
// funds released, MCHTRANSFER.BILL.FINISHED sent), a transfer bill older
// than 30 days is gone, a sent red packet unopened for
// RedPacketRefundAfter is refunded and a PROCESSING profit-sharing order
// is FINISHED. Callbacks are delivered in the background like every
// callback of the emulator (with its redelivery): a test waits for their
// arrival. A d of zero or less moves nothing but still runs what is due.
// Signature timestamps (the ±5 minute window of requests, the timestamps
// of answers and callbacks, the Date header) stay on the clock not
// advanced, so that clients signing with their own clock keep working.
func (s *Server) Advance(d time.Duration) {
	if d > 0 {
		s.advanced.Add(int64(d))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for _, run := range s.due {
		run(now)
	}
}

// onClock registers the due transitions of a state type: run is called by
// Advance, with s.mu held and the emulator's time, and moves on whatever
// is due at now. Record lookups may still apply the same rules lazily.
func (s *Server) onClock(run func(now time.Time)) { s.due = append(s.due, run) }

// advancedClock returns base moved forward by what Advance added.
func (s *Server) advancedClock(base func() time.Time) func() time.Time {
	return func() time.Time { return base().Add(time.Duration(s.advanced.Load())) }
}

// registerClock registers the due transitions of every state type.
func (s *Server) registerClock() {
	s.onClock(s.transferDue)
	s.onClock(s.redpackDue)
	s.onClock(s.profitSharingDue)
}
