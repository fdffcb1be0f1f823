package sdktest

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// RequireKnown requires each of known to be a value its enum type knows,
// and each of unknown not.
func RequireKnown[E interface{ Known() bool }](t testing.TB, known []E, unknown ...E) {
	t.Helper()
	for _, v := range known {
		require.True(t, v.Known(), v)
	}
	for _, v := range unknown {
		require.False(t, v.Known(), v)
	}
}
