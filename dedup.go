package wechatpay

import (
	"context"
	"crypto/rand"
	"sync"
	"time"
)

// NotificationDeduplicator makes a notification handler on several
// processes run the merchant's function once per notification id. It is the
// interface of a shared store (the redisfleet module implements it on Redis;
// MemoryDeduplicator is one for a single process) that NotificationHandler
// uses with WithDeduplicator:
//
//  1. Claim, after the callback verified and before the function runs,
//     atomically takes the id for this caller (Redis: SET NX) and says what
//     it found.
//  2. Done, after the function succeeded, records the id as processed for
//     longer than WeChat Pay's redelivery window (about 24 h).
//  3. Release, after the function failed or panicked, gives the id up so
//     that the redelivery is processed.
//
// claim is the value Claim returned with ClaimAcquired; Release and Done
// act only for that claim, so a caller whose claim expired cannot release
// another's. Implementations must be safe for concurrent use.
type NotificationDeduplicator interface {
	// Claim tries to take id. It returns ClaimAcquired and a claim for the
	// caller to pass to Release or Done; ClaimDone when the id was already
	// processed; ClaimBusy when another caller holds it now. An error means
	// the store could not be asked.
	Claim(ctx context.Context, id string) (claim string, state ClaimState, err error)
	// Release gives up claim on id, if still held, so that id may be
	// claimed again.
	Release(ctx context.Context, id, claim string) error
	// Done records id as processed.
	Done(ctx context.Context, id, claim string) error
}

// ClaimState is what NotificationDeduplicator.Claim found.
type ClaimState int

const (
	// ClaimAcquired: the caller holds the id and must process it.
	ClaimAcquired ClaimState = iota + 1
	// ClaimDone: the id was processed already.
	ClaimDone
	// ClaimBusy: another caller holds the id and is processing it.
	ClaimBusy
)

// String returns the state's name.
func (s ClaimState) String() string {
	switch s {
	case ClaimAcquired:
		return "acquired"
	case ClaimDone:
		return "done"
	case ClaimBusy:
		return "busy"
	}
	return "ClaimState(invalid)"
}

// NotificationOption configures NotificationHandler.
type NotificationOption func(*notifyConfig)

type notifyConfig struct {
	dedup NotificationDeduplicator
}

// WithDeduplicator makes NotificationHandler claim each verified
// notification's id in d before running the merchant's function, so that
// one notification delivered twice, to one process or to two, is processed
// once. See NotificationHandler for the replies. A nil d leaves the handler
// without de-duplication.
func WithDeduplicator(d NotificationDeduplicator) NotificationOption {
	return func(c *notifyConfig) { c.dedup = d }
}

// dedupTimeout bounds Release and Done, which run without the request's
// cancellation: a client that hung up must not leave a claim behind.
const dedupTimeout = 5 * time.Second

// MemoryDeduplicator is a NotificationDeduplicator for a single process: it
// makes concurrent and repeated deliveries of one callback to that process
// run the function once, but knows nothing of other replicas (for a fleet,
// use a shared store such as the redisfleet module's). A claim lasts 10
// minutes unless released or done; a done id is kept for 72 hours, longer
// than WeChat Pay's redelivery window; expired ids are swept as new ones
// come. Its zero value is not usable: build it with NewMemoryDeduplicator.
type MemoryDeduplicator struct {
	mu        sync.Mutex
	now       func() time.Time
	lease     time.Duration
	retention time.Duration
	ids       map[string]memoryClaim
	nextSweep time.Time
}

type memoryClaim struct {
	claim   string // "" once done
	expires time.Time
}

// NewMemoryDeduplicator returns an empty MemoryDeduplicator.
func NewMemoryDeduplicator() *MemoryDeduplicator {
	return &MemoryDeduplicator{now: time.Now, lease: 10 * time.Minute, retention: 72 * time.Hour, ids: map[string]memoryClaim{}}
}

// Claim implements NotificationDeduplicator.
func (m *MemoryDeduplicator) Claim(_ context.Context, id string) (string, ClaimState, error) {
	if id == "" {
		return "", 0, &FieldError{Field: "id", Reason: "empty", Missing: true}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if !now.Before(m.nextSweep) {
		for k, e := range m.ids {
			if !now.Before(e.expires) {
				delete(m.ids, k)
			}
		}
		m.nextSweep = now.Add(time.Minute)
	}
	if e, ok := m.ids[id]; ok && now.Before(e.expires) {
		if e.claim == "" {
			return "", ClaimDone, nil
		}
		return "", ClaimBusy, nil
	}
	claim := rand.Text()
	m.ids[id] = memoryClaim{claim: claim, expires: now.Add(m.lease)}
	return claim, ClaimAcquired, nil
}

// Release implements NotificationDeduplicator.
func (m *MemoryDeduplicator) Release(_ context.Context, id, claim string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.ids[id]; ok && e.claim != "" && e.claim == claim {
		delete(m.ids, id)
	}
	return nil
}

// Done implements NotificationDeduplicator.
func (m *MemoryDeduplicator) Done(_ context.Context, id, _ string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ids[id] = memoryClaim{expires: m.now().Add(m.retention)}
	return nil
}
