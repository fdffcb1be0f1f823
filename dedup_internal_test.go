package wechatpay

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestMemoryDeduplicatorExpiry: a claim ends after its lease (a process
// that died mid-run does not block the redelivery for long), a done id
// after its retention, and expired ids are swept.
func TestMemoryDeduplicatorExpiry(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	m := NewMemoryDeduplicator()
	m.now = func() time.Time { return now }
	ctx := t.Context()

	_, state, err := m.Claim(ctx, "held")
	require.NoError(t, err)
	require.Equal(t, ClaimAcquired, state)
	now = now.Add(10*time.Minute - time.Second)
	_, state, _ = m.Claim(ctx, "held")
	require.Equal(t, ClaimBusy, state)
	now = now.Add(time.Second)
	claim, state, _ := m.Claim(ctx, "held")
	require.Equal(t, ClaimAcquired, state, "the lease ended")

	require.NoError(t, m.Done(ctx, "held", claim))
	now = now.Add(72*time.Hour - time.Second)
	_, state, _ = m.Claim(ctx, "held")
	require.Equal(t, ClaimDone, state, "done outlasts the 24 h redelivery window")
	now = now.Add(time.Second)
	_, state, _ = m.Claim(ctx, "held")
	require.Equal(t, ClaimAcquired, state, "the retention ended")

	require.NoError(t, m.Done(ctx, "old", ""))
	now = now.Add(72*time.Hour + time.Minute)
	_, state, _ = m.Claim(ctx, "new") // sweeps
	require.Equal(t, ClaimAcquired, state)
	m.mu.Lock()
	_, kept := m.ids["old"]
	n := len(m.ids)
	m.mu.Unlock()
	require.False(t, kept, "expired ids are swept")
	require.Equal(t, 1, n)
}
