package jsonwire

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// valid reads one value with Skip and checks the end, like json.Valid.
func valid(data []byte) error {
	var r Reader
	r.Reset(data)
	if err := r.Skip(); err != nil {
		return err
	}
	return r.End()
}

func TestValidity(t *testing.T) {
	for _, s := range []string{
		`{}`, `[]`, `""`, `0`, `-0`, `1.5e-3`, `1E+2`, `true`, `false`, `null`, " \t\r\n{} ",
		`{"a":[1,{"b":null}],"c":"\u00e9\n\"\\\/\b\f\r\t"}`, `"中文"`, `[[[]]]`,
	} {
		require.NoError(t, valid([]byte(s)), s)
		require.True(t, json.Valid([]byte(s)), s)
	}
	for _, s := range []string{
		``, ` `, `{`, `}`, `[1,]`, `{"a":1,}`, `{"a"}`, `{"a":}`, `{a:1}`, `01`, `1.`, `.5`, `1e`, `-`, `+1`,
		`tru`, `nul`, `"abc`, `"\x"`, `"\u12"`, "\"\x01\"", `{} {}`, `[1 2]`, `{"a":1 "b":2}`, `'a'`,
	} {
		require.Error(t, valid([]byte(s)), s)
		require.False(t, json.Valid([]byte(s)), s)
	}
}

func TestDepthLimit(t *testing.T) {
	ok := strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth)
	require.NoError(t, valid([]byte(ok)))
	deep := "[" + ok + "]"
	err := valid([]byte(deep))
	require.ErrorContains(t, err, "exceeded max depth")
}

type pair struct {
	A string
	N int64
}

func decodePair(data []byte) (pair, error) {
	var p pair
	var r Reader
	r.Reset(data)
	err := r.Object([]string{"a", "n"}, func(name string) error {
		if name == "a" {
			return r.String(&p.A)
		}
		return r.Int64(&p.N)
	})
	if err == nil {
		err = r.End()
	}
	return p, err
}

func TestObjectRules(t *testing.T) {
	cases := []struct {
		in   string
		want pair
	}{
		{`{"a":"x","n":5}`, pair{"x", 5}},
		{`{"A":"x","N":-5}`, pair{"x", -5}},                 // case-insensitive
		{`{"A":"x","a":"y","A":"z"}`, pair{A: "z"}},         // the last repeated key wins
		{`{"a":"x","a":null,"n":1,"n":null}`, pair{"x", 1}}, // null leaves values
		{`{"\u0061":"esc"}`, pair{A: "esc"}},                // escaped key
		{`{"other":{"a":"no"},"a":"yes"}`, pair{A: "yes"}},  // unknown keys skipped whole
		{`null`, pair{}},
	}
	for _, c := range cases {
		got, err := decodePair([]byte(c.in))
		require.NoError(t, err, c.in)
		require.Equal(t, c.want, got, c.in)

		var ref struct {
			A string `json:"a"`
			N int64  `json:"n"`
		}
		require.NoError(t, json.Unmarshal([]byte(c.in), &ref), c.in)
		require.Equal(t, c.want, pair(ref), "encoding/json disagrees on %s", c.in)
	}
}

func TestTypeErrors(t *testing.T) {
	for _, in := range []string{
		`{"a":1}`, `{"n":"1"}`, `{"n":1.5}`, `{"n":1e2}`, `{"n":9223372036854775808}`, `{"a":{}}`, `[]`, `"x"`,
	} {
		_, err := decodePair([]byte(in))
		var e *Error
		require.ErrorAs(t, err, &e, in)
	}
	_, err := decodePair([]byte(`{"n":"secret-value"}`))
	require.EqualError(t, err, `json: field "n": want a number at offset 5`)
	require.NotContains(t, err.Error(), "secret")
}

func TestStringsShareOneCopy(t *testing.T) {
	data := []byte(`{"a":"value","n":1}`)
	p, err := decodePair(data)
	require.NoError(t, err)
	copy(data, strings.Repeat("#", len(data))) // the caller reuses its buffer
	require.Equal(t, "value", p.A)

	doc := []byte(`{"a":["x",{"b":1}],"c":"y"}`)
	allocs := testing.AllocsPerRun(100, func() {
		var r Reader
		r.Reset(doc)
		if r.Skip() != nil {
			panic("invalid")
		}
	})
	require.LessOrEqual(t, allocs, 1.0, "one copy of the document")
}

func TestStringUnescaping(t *testing.T) {
	for _, raw := range []string{
		`"plain"`, `"中文"`, `"a\"b"`, `"\u00e9\ud83d\ude00"`, `"\ud800"`, "\"\xff\xfe\"", `"\/"`,
	} {
		var r Reader
		r.Reset([]byte(raw))
		var got string
		require.NoError(t, r.String(&got), raw)
		var want string
		require.NoError(t, json.Unmarshal([]byte(raw), &want), raw)
		require.Equal(t, want, got, raw)
	}
}

func TestArray(t *testing.T) {
	var r Reader
	r.Reset([]byte(`[1, 2 ,3]`))
	var sum, n int64
	present, err := r.Array(func() error {
		err := r.Int64(&n)
		sum += n
		return err
	})
	require.NoError(t, err)
	require.True(t, present)
	require.Equal(t, int64(6), sum)

	r.Reset([]byte(`null`))
	present, err = r.Array(func() error { return errors.New("not called") })
	require.NoError(t, err)
	require.False(t, present)

	r.Reset([]byte(`{}`))
	_, err = r.Array(r.Skip)
	require.ErrorContains(t, err, "want an array")
}

func TestParseTime(t *testing.T) {
	got, err := ParseTime("2022-03-23T17:10:13+08:00")
	require.NoError(t, err)
	want, _ := time.Parse(time.RFC3339, "2022-03-23T17:10:13+08:00")
	require.True(t, want.Equal(got))
	_, off := got.Zone()
	require.Equal(t, 8*3600, off)

	got, err = ParseTime("2022-03-23T17:10:13.5Z")
	require.NoError(t, err)
	require.Equal(t, time.UTC, got.Location())

	got, err = ParseTime("")
	require.NoError(t, err)
	require.True(t, got.IsZero())

	_, err = ParseTime("2022-03-23 17:10:13")
	require.Error(t, err)

	allocs := testing.AllocsPerRun(100, func() { _, _ = ParseTime("2022-03-23T17:10:13+08:00") })
	require.Zero(t, allocs, "a +08:00 time reuses one location")
}

// FuzzValid checks that Skip+End accepts exactly what json.Valid accepts,
// and that a string decodes as encoding/json decodes it.
func FuzzValid(f *testing.F) {
	for _, s := range []string{`{"a":[1,-0.5e+3,true,false,null,"\u00e9"]}`, `"a\ud800b\xff"`, `[`, `01`, `{"a":1,}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		err := valid(data)
		require.Equal(t, json.Valid(data), err == nil, "jsonwire: %v", err)

		var r Reader
		r.Reset(data)
		var got string
		if r.String(&got) == nil && r.End() == nil {
			var want string
			require.NoError(t, json.Unmarshal(data, &want))
			require.Equal(t, want, got)
		}
	})
}

// FuzzParseTime checks ParseTime against time.Parse with both RFC 3339
// layouts the SDK used before it: same acceptance, same instant, same
// offset.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{
		"2022-03-23T17:10:13+08:00", "2015-05-20T13:29:35.120+08:00", "2022-03-23T17:10:13Z",
		"2022-03-23T17:10:13,5+08:00", "2022-03-23T24:00:00+08:00", "2022-02-30T17:10:13+08:00", "",
		"2022-03-23T17:10:13-00:00", "2022-03-23T17:10:13+23:59", "2022-03-23t17:10:13z",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseTime(s)
		for _, layout := range []string{time.RFC3339Nano, time.RFC3339} {
			want, werr := time.Parse(layout, s)
			if s == "" {
				require.NoError(t, err)
				require.True(t, got.IsZero())
				continue
			}
			require.Equal(t, werr == nil, err == nil, "%s: %q: time.Parse %v, ParseTime %v", layout, s, werr, err)
			if werr == nil {
				require.True(t, want.Equal(got), "%q", s)
				_, wo := want.Zone()
				_, o := got.Zone()
				require.Equal(t, wo, o, "%q", s)
			}
		}
	})
}
