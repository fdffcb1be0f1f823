package wire_test

import (
	"encoding/json"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay/internal/wire"
)

type item struct {
	ID   string    `json:"id" wire:"required"`
	N    int64     `json:"n"`
	When time.Time `json:"when"`
}

// UnmarshalJSON is how answer types decode their times: the raw value, then
// wire.TimeField naming the field.
func (it *item) UnmarshalJSON(data []byte) error {
	type plain item
	w := struct {
		*plain
		When json.RawMessage `json:"when"`
	}{plain: (*plain)(it)}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	return wire.TimeField("when", w.When, &it.When)
}

type answer struct {
	State string `json:"state" wire:"required"`
	Small int8   `json:"small"`
	Items []item `json:"items" wire:"required"`
	Opt   *item  `json:"opt"`
	Skip  string `json:"-"`
}

// errForm is every message Unmarshal gives for bad data: fixed text, an
// offset, a field name from the struct tags. No piece of data fits.
var errForm = regexp.MustCompile(`^json: (not valid JSON at offset \d+|field "[a-z_.() ]+": want (an integer that fits [a-z0-9]+|a string|an array|an object|an RFC 3339 time|a boolean))$`)

func TestUnmarshalErrorsNameTheFieldNotTheValue(t *testing.T) {
	// field is the path's last name: inside a type's own UnmarshalJSON
	// (item) Go 1.26 gives the whole path ("items.n") and Go 1.27 the
	// type's own part ("n").
	for _, tt := range []struct{ in, field string }{
		{`{"small":300}`, `small`},
		{`{"small":1.5}`, `small`},
		{`{"items":[{"n":123456789012345678901234567890}]}`, `n`},
		{`{"items":[{"n":"SECRET-VALUE"}]}`, `n`},
		{`{"state":12345678}`, `state`},
		{`{"items":{"id":"x"}}`, `items`},
		{`{"opt":{"when":"SECRET-VALUE"}}`, `when`},
		{`{"opt":{"when":12345678}}`, `when`},
		{`{"items":[{"when":"2022-03-23 17:10:13"}]}`, `when`},
	} {
		var a answer
		err := wire.Unmarshal([]byte(tt.in), &a)
		require.Error(t, err, tt.in)
		require.Regexp(t, errForm, err.Error(), tt.in)
		require.Regexp(t, `field "([a-z_]+\.)*`+tt.field+`"`, err.Error(), tt.in)
		require.NotContains(t, err.Error(), "SECRET")
		require.NotContains(t, err.Error(), "12345678")
	}
	for _, in := range []string{``, ` `, `{`, `{"state":"SECRET-VALUE",}`, `{"state":"a"} x`, `[1,2`, `"SECRET-VALUE`} {
		var a answer
		err := wire.Unmarshal([]byte(in), &a)
		require.Error(t, err, in)
		require.Regexp(t, errForm, err.Error(), in)
		require.NotContains(t, err.Error(), "SECRET")
	}
}

func TestUnmarshalIsEncodingJSON(t *testing.T) {
	in := `{"STATE":"x","state":"SUCCESS","unknown":[{"a":null}],"items":[{"id":"1","n":-5,"when":"2015-05-20T13:29:35.120+08:00"},{"id":"2","when":""},{"id":"3","when":null}],"opt":null}`
	var got answer
	require.NoError(t, wire.Unmarshal([]byte(in), &got))
	var want answer
	require.NoError(t, json.Unmarshal([]byte(in), &want), "the same document decodes with encoding/json")
	require.Equal(t, want, got)
	require.Equal(t, "SUCCESS", got.State, "the last of repeated keys wins")
	require.Len(t, got.Items, 3)
	require.Equal(t, int64(-5), got.Items[0].N)
	require.True(t, got.Items[1].When.IsZero(), `"" is the zero time`)
	require.True(t, got.Items[2].When.IsZero(), "null is the zero time")
	want0 := time.Date(2015, 5, 20, 13, 29, 35, 120e6, time.FixedZone("", 8*3600))
	require.True(t, want0.Equal(got.Items[0].When))
	_, off := got.Items[0].When.Zone()
	require.Equal(t, 8*3600, off)
}

func TestParseTime(t *testing.T) {
	got, err := wire.ParseTime("2022-03-23T17:10:13+08:00")
	require.NoError(t, err)
	want, _ := time.Parse(time.RFC3339, "2022-03-23T17:10:13+08:00")
	require.True(t, want.Equal(got))

	got, err = wire.ParseTime("2022-03-23T17:10:13.5Z")
	require.NoError(t, err)
	require.Equal(t, time.UTC, got.Location())

	got, err = wire.ParseTime("")
	require.NoError(t, err)
	require.True(t, got.IsZero())

	for _, bad := range []string{"2022-03-23 17:10:13", "2022-02-30T17:10:13+08:00", "yesterday"} {
		_, err = wire.ParseTime(bad)
		require.Error(t, err, bad)
	}
	allocs := testing.AllocsPerRun(100, func() { _, _ = wire.ParseTime("2022-03-23T17:10:13+08:00") })
	require.Zero(t, allocs, "a +08:00 time shares one location")
}

func TestMissing(t *testing.T) {
	full := answer{State: "S", Items: []item{{ID: "1"}}}
	require.Empty(t, wire.Missing(&full))
	require.Empty(t, wire.Missing(full))

	for _, tt := range []struct {
		a    *answer
		want string
	}{
		{nil, "(answer)"},
		{&answer{}, "state"},
		{&answer{State: "S"}, "items"},
		{&answer{State: "S", Items: []item{}}, "items"},
		{&answer{State: "S", Items: []item{{ID: "1"}, {}}}, "items[1].id"},
		{&answer{State: "S", Items: []item{{ID: "1"}}, Opt: &item{}}, "opt.id"},
	} {
		require.Equal(t, tt.want, wire.Missing(tt.a), "%+v", tt.a)
	}
	for _, body := range []string{`{}`, `null`, `{"state":""}`, `{"state":"S","items":null}`} {
		var a answer
		require.NoError(t, wire.Unmarshal([]byte(body), &a))
		require.NotEmpty(t, wire.Missing(&a), body)
	}
}

// FuzzUnmarshal: Unmarshal never panics, accepts only valid JSON, and every
// error it gives has one of the fixed forms that carry no data.
func FuzzUnmarshal(f *testing.F) {
	for _, s := range []string{
		`{"state":"S","items":[{"id":"1","n":1,"when":"2015-05-20T13:29:35+08:00"}]}`,
		`{"small":300}`, `{"items":[{"when":"x"}]}`, `{"opt":{"when":1}}`, `null`, `{}`, ``, `[`, `{"a":1,}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var a answer
		err := wire.Unmarshal(data, &a)
		if err == nil {
			require.True(t, json.Valid(data), "accepted a body that is not JSON: %q", data)
			return
		}
		require.Regexp(t, errForm, err.Error())
	})
}

// stamp decodes itself, as answer types' time fields do (a small type with
// its own UnmarshalJSON); its error carries no path.
type stamp struct{ time.Time }

func (s *stamp) UnmarshalJSON(data []byte) error { return wire.TimeField("", data, &s.Time) }

type withStamps struct {
	Head  string `json:"head"`
	Lines []struct {
		At    stamp  `json:"at"`
		Until *stamp `json:"until"`
	} `json:"lines"`
}

// TestUnmarshalNamesTheFieldOfAFieldTypesOwnError: an error of a field
// type's own UnmarshalJSON names the field's whole path, on Go 1.26 (where
// encoding/json adds it) and 1.27 (where Unmarshal finds it).
func TestUnmarshalNamesTheFieldOfAFieldTypesOwnError(t *testing.T) {
	for in, field := range map[string]string{
		`{"lines":[{"at":"2022-03-23T17:10:13+08:00"},{"at":"SECRET-VALUE"}]}`:  "lines.at",
		`{"lines":[{"at":""},{"at":null,"until":"2022-03-23 17:10:13"}]}`:       "lines.until",
		`{"head":"h","lines":[{"until":"2022-03-23T17:10:13Z","at":12345678}]}`: "lines.at",
	} {
		var w withStamps
		err := wire.Unmarshal([]byte(in), &w)
		require.EqualError(t, err, `json: field "`+field+`": want an RFC 3339 time`, in)
	}
	var w withStamps
	require.NoError(t, wire.Unmarshal([]byte(`{"lines":[{"at":"2022-03-23T17:10:13.5+08:00","until":""}]}`), &w))
	require.Equal(t, 500*time.Millisecond, time.Duration(w.Lines[0].At.Nanosecond()))
}

// TestUnmarshalHidesTheValueOfAPlainTimeField: a time.Time field (whose
// own UnmarshalJSON quotes the value it refuses) is named, its value not.
func TestUnmarshalHidesTheValueOfAPlainTimeField(t *testing.T) {
	var v struct {
		At    time.Time `json:"at"`
		Close *struct {
			At time.Time `json:"close_at"`
		} `json:"close"`
	}
	for in, field := range map[string]string{
		`{"at":"SECRET-VALUE"}`:                                                 "at",
		`{"close":{"close_at":"SECRET-VALUE"}}`:                                 "close.close_at",
		`{"at":"2022-03-23 17:10:13 SECRET"}`:                                   "at",
		`{"at":"2022-03-23T17:10:13+08:00","close":{"close_at":"0000-SECRET"}}`: "close.close_at",
	} {
		err := wire.Unmarshal([]byte(in), &v)
		require.EqualError(t, err, `json: field "`+field+`": want an RFC 3339 time`, in)
	}
}
