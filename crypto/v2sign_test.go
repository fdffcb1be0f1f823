package crypto

import (
	"crypto/md5"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var officialV2Params = map[string]string{
	"appid":       "wxd930ea5d5a258f4f",
	"mch_id":      "10000100",
	"device_info": "1000",
	"body":        "test",
	"nonce_str":   "ibuaiVcKdpRxkhJA",
}

const officialV2Key = "192006250b4c09247ec02edce69f6a2d"

func TestV2OfficialKnownAnswers(t *testing.T) {
	require.Equal(t, "appid=wxd930ea5d5a258f4f&body=test&device_info=1000&mch_id=10000100&nonce_str=ibuaiVcKdpRxkhJA&key=192006250b4c09247ec02edce69f6a2d",
		V2StringToSign(officialV2Params, officialV2Key))
	md5Sign, err := SignV2(officialV2Params, officialV2Key, SignTypeMD5)
	require.NoError(t, err)
	require.Equal(t, "9A0A8659F005D6984697E2CA0A9CF3B7", md5Sign)
	hmacSign, err := SignV2(officialV2Params, officialV2Key, SignTypeHMACSHA256)
	require.NoError(t, err)
	require.Equal(t, "6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6", hmacSign)

	require.True(t, VerifyV2(officialV2Params, officialV2Key, SignTypeMD5, md5Sign))
	require.True(t, VerifyV2(officialV2Params, officialV2Key, SignTypeMD5, strings.ToLower(md5Sign)))
	require.True(t, VerifyV2(officialV2Params, officialV2Key, SignTypeHMACSHA256, hmacSign))
	require.False(t, VerifyV2(officialV2Params, officialV2Key, SignTypeHMACSHA256, md5Sign))
	require.False(t, VerifyV2(officialV2Params, officialV2Key, SignTypeMD5, hmacSign))
	require.False(t, VerifyV2(officialV2Params, officialV2Key, SignTypeMD5, ""))
	require.False(t, VerifyV2(officialV2Params, officialV2Key, SignTypeMD5, md5Sign[:31]))
	require.False(t, VerifyV2(officialV2Params, officialV2Key, "SHA1", md5Sign))
}

func TestV2StringToSignRules(t *testing.T) {
	// Byte order: upper case sorts before lower case, "_" (0x5F) before "a".
	p := map[string]string{"b": "2", "B": "1", "a_b": "x", "ab": "y", "a": "0", "sign": "ZZ", "empty": "", "space": " ", "raw": "a&b=c 中"}
	require.Equal(t, "B=1&a=0&a_b=x&ab=y&b=2&raw=a&b=c 中&space= &key=K", V2StringToSign(p, "K"))
	require.Equal(t, "key=K", V2StringToSign(nil, "K"))
	require.Equal(t, "key=K", V2StringToSign(map[string]string{"sign": "x", "e": ""}, "K"))
	require.Equal(t, "a=1&key=", V2StringToSign(map[string]string{"a": "1"}, ""))

	// The sign parameter does not change the sign.
	s1, err := SignV2(map[string]string{"a": "1"}, "K", SignTypeMD5)
	require.NoError(t, err)
	s2, err := SignV2(map[string]string{"a": "1", "sign": s1, "b": ""}, "K", SignTypeMD5)
	require.NoError(t, err)
	require.Equal(t, s1, s2)
	require.Len(t, s1, 32)
	require.Equal(t, strings.ToUpper(s1), s1)
}

func TestSignV2UnknownType(t *testing.T) {
	for _, st := range []SignType{"", "md5", "SHA256", "HMAC-SHA1"} {
		_, err := SignV2(officialV2Params, officialV2Key, st)
		require.ErrorIs(t, err, ErrUnknownSignType)
		require.NotContains(t, err.Error(), officialV2Key)
		require.False(t, VerifyV2(officialV2Params, officialV2Key, st, "9A0A8659F005D6984697E2CA0A9CF3B7"))
	}
}

func TestV2SignDoesNotMutateParams(t *testing.T) {
	p := map[string]string{"a": "1", "sign": "X", "e": ""}
	_, err := SignV2(p, "K", SignTypeHMACSHA256)
	require.NoError(t, err)
	require.Equal(t, map[string]string{"a": "1", "sign": "X", "e": ""}, p)
}

func TestV2ManyParams(t *testing.T) {
	// More parameters than the on-stack key buffer.
	p := map[string]string{}
	var want strings.Builder
	for c := 'A'; c <= 'z'; c++ {
		if c >= '[' && c <= '`' {
			continue
		}
		p[string(c)] = "v"
		want.WriteString(string(c) + "=v&")
	}
	want.WriteString("key=K")
	require.Greater(t, len(p), 32)
	require.Equal(t, want.String(), V2StringToSign(p, "K"))
}

// TestSignV2Params signs the official parameters as sorted pairs: the
// same signs as SignV2 over the map; "sign" and empty values are skipped
// there too, and an unknown type is refused.
func TestSignV2Params(t *testing.T) {
	ps := []V2Param{{"sign", "X"}, {"empty", ""}}
	for k, v := range officialV2Params {
		ps = append(ps, V2Param{k, v})
	}
	SortV2Params(ps)
	require.True(t, slices.IsSortedFunc(ps, func(a, b V2Param) int { return strings.Compare(a.Key, b.Key) }))
	for _, tp := range []SignType{SignTypeMD5, SignTypeHMACSHA256} {
		want, err := SignV2(officialV2Params, officialV2Key, tp)
		require.NoError(t, err)
		got, err := SignV2Params(ps, officialV2Key, tp)
		require.NoError(t, err)
		require.Equal(t, want, got, tp)
	}
	_, err := SignV2Params(ps, officialV2Key, "SHA1")
	require.ErrorIs(t, err, ErrUnknownSignType)

	// A string to sign longer than the stack buffer of the MD5 path.
	long := map[string]string{"a": strings.Repeat("x", 3000), "b": "y"}
	want, err := SignV2(long, "K", SignTypeMD5)
	require.NoError(t, err)
	sum := md5.Sum([]byte("a=" + long["a"] + "&b=y&key=K"))
	require.Equal(t, strings.ToUpper(hex.EncodeToString(sum[:])), want)
}

func BenchmarkSignV2MD5(b *testing.B) {
	p := map[string]string{
		"appid":      "wxe062425f740d30d8",
		"mch_billno": "10000098201411111234567890",
		"mch_id":     "10000098",
		"nonce_str":  "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := SignV2(p, "TestOnlyApiV2Key9876543210fedcba", SignTypeMD5); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSignV2HMACSHA256(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := SignV2(officialV2Params, officialV2Key, SignTypeHMACSHA256); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkV2StringToSign(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = V2StringToSign(officialV2Params, officialV2Key)
	}
}

// TestSignV2FIPSOnly runs the test binary again under GODEBUG=fips140=only,
// where the standard library panics on MD5: SignV2 returns an error there.
func TestSignV2FIPSOnly(t *testing.T) {
	if os.Getenv("WECHATPAY_FIPS_CHILD") == "1" {
		_, err := SignV2(map[string]string{"a": "b"}, "192006250b4c09247ec02edce69f6a2d", SignTypeMD5)
		if !errors.Is(err, ErrNotAllowedInFIPSMode) {
			t.Fatalf("MD5 under fips140=only: err = %v, want ErrNotAllowedInFIPSMode", err)
		}
		if VerifyV2(map[string]string{"a": "b"}, "192006250b4c09247ec02edce69f6a2d", SignTypeMD5, "00") {
			t.Fatal("VerifyV2 verified under fips140=only")
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSignV2FIPSOnly$", "-test.count=1")
	cmd.Env = append(os.Environ(), "WECHATPAY_FIPS_CHILD=1", "GODEBUG=fips140=only")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child under fips140=only failed: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "PASS") {
		t.Fatalf("child ran no test:\n%s", out)
	}
}
