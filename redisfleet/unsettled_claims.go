package redisfleet

import (
	"sync"
	"time"
)

// maxUnsettled bounds how many unsettled claims a Deduplicator remembers.
const maxUnsettled = 4096

// unsettledClaims remembers, per notification id, the token of a claim
// whose outcome is unknown (Redis may have run it, but its reply was lost),
// until the claim's lease ends, so that the next Claim of the id reuses the
// token and finds the claim its own. The zero value is ready to use.
type unsettledClaims struct {
	mu     sync.Mutex
	claims map[string]unsettledClaim
}

type unsettledClaim struct {
	token string
	until time.Time // the end of the claim's lease, at the latest
}

// take removes id's token and returns it, if one is kept and its lease has
// not ended. The token is then the caller's alone: a second Claim of the id
// meanwhile gets a fresh one, and finds the id busy if the first holds it.
func (u *unsettledClaims) take(id string) (string, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	c, ok := u.claims[id]
	if !ok {
		return "", false
	}
	delete(u.claims, id)
	return c.token, time.Now().Before(c.until)
}

// keep remembers token for id until until. When maxUnsettled claims are
// kept, those whose lease has ended are forgotten first; when none has,
// token is not kept, and the claim, if Redis ran it, ends with its lease.
func (u *unsettledClaims) keep(id, token string, until time.Time) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.claims == nil {
		u.claims = make(map[string]unsettledClaim)
	}
	if _, ok := u.claims[id]; !ok && len(u.claims) >= maxUnsettled {
		now := time.Now()
		for k, c := range u.claims {
			if !now.Before(c.until) {
				delete(u.claims, k)
			}
		}
		if len(u.claims) >= maxUnsettled {
			return
		}
	}
	u.claims[id] = unsettledClaim{token: token, until: until}
}
