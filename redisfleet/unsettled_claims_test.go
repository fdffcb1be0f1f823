package redisfleet

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestUnsettledClaims(t *testing.T) {
	var u unsettledClaims
	live := time.Now().Add(time.Hour)
	_, ok := u.take("N")
	require.False(t, ok, "nothing kept")

	u.keep("N", "claim:a", live)
	token, ok := u.take("N")
	require.True(t, ok)
	require.Equal(t, "claim:a", token)
	_, ok = u.take("N")
	require.False(t, ok, "a token is taken once: a concurrent claim gets a fresh one")

	u.keep("N", "claim:old", time.Now().Add(-time.Second))
	_, ok = u.take("N")
	require.False(t, ok, "a token whose lease ended is not reused")

	// Full of live claims: a new id is not kept, a kept id is updated.
	for i := range maxUnsettled {
		u.keep(strconv.Itoa(i), "claim:"+strconv.Itoa(i), live)
	}
	u.keep("extra", "claim:extra", live)
	_, ok = u.take("extra")
	require.False(t, ok, "the bound holds")
	u.keep("0", "claim:again", live)
	token, ok = u.take("0")
	require.True(t, ok)
	require.Equal(t, "claim:again", token)

	// Full, with ended leases among them: those are forgotten first.
	u.keep("0", "claim:ended", time.Now().Add(-time.Second))
	u.keep("extra", "claim:extra", live)
	token, ok = u.take("extra")
	require.True(t, ok)
	require.Equal(t, "claim:extra", token)
	require.Len(t, u.claims, maxUnsettled-1, "the ended lease was forgotten")
}
