package crypto

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var (
	testAPIv3Key = []byte("TestOnlyApiV3Key0123456789abcdef")
	testNonce    = []byte("Nc3xT9vQ2mLp")
)

func TestAESGCMRoundTrip(t *testing.T) {
	for _, tc := range []struct{ aad, pt string }{
		{"", ""},
		{"transaction", `{"out_trade_no":"1217752501201407033233368018"}`},
		{"certificate", "-----BEGIN CERTIFICATE-----\n中文\n"},
		{"", strings.Repeat("x", 10000)},
	} {
		ct, err := SealAESGCM(testAPIv3Key, testNonce, []byte(tc.aad), []byte(tc.pt))
		require.NoError(t, err)
		raw, err := base64.StdEncoding.DecodeString(ct)
		require.NoError(t, err)
		require.Len(t, raw, len(tc.pt)+16)

		pt, err := OpenAESGCM(testAPIv3Key, testNonce, []byte(tc.aad), ct)
		require.NoError(t, err)
		require.Equal(t, tc.pt, string(pt))

		_, err = OpenAESGCM(testAPIv3Key, testNonce, []byte(tc.aad+"x"), ct)
		require.ErrorIs(t, err, ErrAuthFailed)
		_, err = OpenAESGCM(testAPIv3Key, []byte("Nc3xT9vQ2mLq"), []byte(tc.aad), ct)
		require.ErrorIs(t, err, ErrAuthFailed)
	}
	// nil and empty associated data are the same.
	ct, err := SealAESGCM(testAPIv3Key, testNonce, nil, []byte("p"))
	require.NoError(t, err)
	pt, err := OpenAESGCM(testAPIv3Key, testNonce, []byte{}, ct)
	require.NoError(t, err)
	require.Equal(t, "p", string(pt))
}

func TestAESGCMBadLengths(t *testing.T) {
	ct, err := SealAESGCM(testAPIv3Key, testNonce, nil, []byte("plain"))
	require.NoError(t, err)

	for _, n := range [][]byte{nil, {}, []byte("short"), []byte("Nc3xT9vQ2mL"), []byte("Nc3xT9vQ2mLpX"), make([]byte, 16)} {
		require.NotPanics(t, func() {
			_, err := OpenAESGCM(testAPIv3Key, n, nil, ct)
			require.ErrorIs(t, err, ErrInvalidNonce)
			_, err = SealAESGCM(testAPIv3Key, n, nil, []byte("x"))
			require.ErrorIs(t, err, ErrInvalidNonce)
		})
	}
	for _, k := range [][]byte{nil, {}, testAPIv3Key[:16], testAPIv3Key[:24], testAPIv3Key[:31], append(append([]byte{}, testAPIv3Key...), 'x')} {
		_, err := OpenAESGCM(k, testNonce, nil, ct)
		require.ErrorIs(t, err, ErrInvalidKeyLength)
		require.NotContains(t, err.Error(), "TestOnly")
		_, err = SealAESGCM(k, testNonce, nil, []byte("x"))
		require.ErrorIs(t, err, ErrInvalidKeyLength)
	}
	// Key length is checked before the nonce.
	_, err = OpenAESGCM(nil, nil, nil, ct)
	require.ErrorIs(t, err, ErrInvalidKeyLength)
}

func TestOpenAESGCMMalformedCiphertext(t *testing.T) {
	for _, ct := range []string{
		"",
		"%%%",
		"QQ==",
		base64.StdEncoding.EncodeToString(make([]byte, 15)),
		base64.StdEncoding.EncodeToString(make([]byte, 16)),
		base64.StdEncoding.EncodeToString(make([]byte, 64)),
	} {
		pt, err := OpenAESGCM(testAPIv3Key, testNonce, nil, ct)
		require.ErrorIs(t, err, ErrAuthFailed, "%q", ct)
		require.Nil(t, pt)
	}
	// Truncating the tag fails without plaintext.
	ct, err := SealAESGCM(testAPIv3Key, testNonce, nil, []byte("secret plaintext"))
	require.NoError(t, err)
	raw, _ := base64.StdEncoding.DecodeString(ct)
	pt, err := OpenAESGCM(testAPIv3Key, testNonce, nil, base64.StdEncoding.EncodeToString(raw[:len(raw)-1]))
	require.ErrorIs(t, err, ErrAuthFailed)
	require.Nil(t, pt)
	require.NotContains(t, err.Error(), "secret")
}

func BenchmarkOpenAESGCM(b *testing.B) {
	ct, err := SealAESGCM(testAPIv3Key, testNonce, []byte("transaction"), []byte(strings.Repeat(`{"k":"v"}`, 60)))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := OpenAESGCM(testAPIv3Key, testNonce, []byte("transaction"), ct); err != nil {
			b.Fatal(err)
		}
	}
}
