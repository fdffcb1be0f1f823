package v2xml

import (
	"encoding/xml"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
	"github.com/gowechatpay/wechatpay/internal/testvectors"
	"github.com/stretchr/testify/require"
)

// loadVectors reads the shared vectors, which hold the v2 request and
// replies this package encodes and decodes.
func loadVectors(tb testing.TB) *testvectors.Vectors {
	tb.Helper()
	v := testvectors.Load(tb)
	require.NotEmpty(tb, v.V2.RequestXML.XML)
	require.NotEmpty(tb, v.V2.Responses)
	return v
}

func TestEncodeVector(t *testing.T) {
	v := loadVectors(t)
	got, err := Encode(v.V2.RequestXML.Params)
	require.NoError(t, err)
	require.Equal(t, v.V2.RequestXML.XML, string(got))

	// AppendEncode appends and keeps the prefix.
	got, err = AppendEncode([]byte("prefix:"), v.V2.RequestXML.Params)
	require.NoError(t, err)
	require.Equal(t, "prefix:"+v.V2.RequestXML.XML, string(got))
}

// TestAppendEncodeParams writes the vector from its parameters sorted as
// pairs, the sign apart: the same bytes as Encode.
func TestAppendEncodeParams(t *testing.T) {
	v := loadVectors(t)
	var ps []wxcrypto.V2Param
	for k, val := range v.V2.RequestXML.Params {
		if k != "sign" {
			ps = append(ps, wxcrypto.V2Param{Key: k, Value: val})
		}
	}
	wxcrypto.SortV2Params(ps)
	got, err := AppendEncodeParams([]byte("prefix:"), ps, v.V2.RequestXML.Params["sign"])
	require.NoError(t, err)
	require.Equal(t, "prefix:"+v.V2.RequestXML.XML, string(got))

	_, err = AppendEncodeParams(nil, []wxcrypto.V2Param{{Key: "a", Value: "x"}}, "S\x00")
	require.ErrorIs(t, err, ErrMalformed, "a sign that is no XML text")
	_, err = AppendEncodeParams(nil, []wxcrypto.V2Param{{Key: "1a", Value: "x"}}, "S")
	require.ErrorIs(t, err, ErrMalformed, "an invalid name")
}

func TestDecodeVectors(t *testing.T) {
	v := loadVectors(t)
	for _, r := range v.V2.Responses {
		t.Run(r.Name, func(t *testing.T) {
			got, err := Decode([]byte(r.XML))
			require.NoError(t, err)
			if r.Fields != nil {
				require.Equal(t, r.Fields, got)
			} else {
				require.NotEmpty(t, got)
			}
		})
	}
}

func TestEncodeOrderAndSplit(t *testing.T) {
	got, err := Encode(map[string]string{
		"sign": "S", "b": "2", "a": "1", "Z": "0", "a_b": "x", "a.b": "y", "empty": "",
		"cd": "a]]>b]]>", "x": "]]]>",
	})
	require.NoError(t, err)
	require.Equal(t, "<xml>"+
		"<Z><![CDATA[0]]></Z>"+
		"<a><![CDATA[1]]></a>"+
		"<a.b><![CDATA[y]]></a.b>"+
		"<a_b><![CDATA[x]]></a_b>"+
		"<b><![CDATA[2]]></b>"+
		"<cd><![CDATA[a]]]]><![CDATA[>b]]]]><![CDATA[>]]></cd>"+
		"<empty><![CDATA[]]></empty>"+
		"<x><![CDATA[]]]]]><![CDATA[>]]></x>"+
		"<sign><![CDATA[S]]></sign>"+
		"</xml>", string(got))

	got, err = Encode(nil)
	require.NoError(t, err)
	require.Equal(t, "<xml></xml>", string(got))
}

func TestEncodeSizeExact(t *testing.T) {
	params := map[string]string{"a": "x]]>y]]>", "sign": "S", "long_key": strings.Repeat("中", 100), "e": ""}
	want, err := Encode(params)
	require.NoError(t, err)

	// Exactly enough capacity: the precomputed size must not exceed it
	// (slices.Grow would reallocate) ...
	buf := make([]byte, 0, len(want))
	got, err := AppendEncode(buf, params)
	require.NoError(t, err)
	require.Equal(t, string(want), string(got))
	require.Same(t, &buf[:1][0], &got[0], "AppendEncode reallocated a buffer of the exact size")

	// ... nor fall short of it (a second allocation would happen).
	if raceEnabled {
		t.Skip("allocation counts differ under the race detector")
	}
	allocs := testing.AllocsPerRun(100, func() { _, _ = Encode(params) })
	require.Equal(t, 1.0, allocs)
}

func TestEncodeRefuses(t *testing.T) {
	for _, k := range []string{"", "1a", "-a", ".a", "a b", "a<b", "a>", "a:b", "中文", "a/b", "a&b", "a\x00"} {
		_, err := Encode(map[string]string{"ok": "1", k: "v"})
		require.ErrorIs(t, err, ErrMalformed, "key %q", k)
	}
	for _, v := range []string{"a\x00b", "\x01", "\x1f", "\xff", "a\xc3", "\uFFFE", "\uFFFF"} {
		_, err := Encode(map[string]string{"k": v})
		require.ErrorIs(t, err, ErrMalformed, "value %q", v)
	}
	dst := []byte("keep")
	out, err := AppendEncode(dst, map[string]string{"bad key": "v"})
	require.ErrorIs(t, err, ErrMalformed)
	require.Equal(t, "keep", string(out))
}

func TestRoundTrip(t *testing.T) {
	params := map[string]string{
		"cdata_end":  "a]]>b",
		"cdata_end2": "]]>]]>]]]>]]",
		"lt":         "<a href=\"x\">&amp;</a>",
		"amp":        "a&b&&c;&lt;",
		"chinese":    "新年红包，恭喜发财！",
		"newlines":   "\nline1\nline2\n",
		"spaces":     "  padded  ",
		"tab":        "\tx\t",
		"empty":      "",
		"emoji":      "🧧",
		"sign":       "ABCDEF",
	}
	requireRoundTrip(t, params)
}

// requireRoundTrip requires params to survive Encode → Decode unchanged
// or, with nested children, EncodeNested → DecodeNested.
func requireRoundTrip(t testing.TB, params map[string]string, nested ...string) {
	t.Helper()
	encode, decode := Encode, Decode
	if len(nested) > 0 {
		encode = func(p map[string]string) ([]byte, error) { return EncodeNested(p, nested...) }
		decode = func(d []byte) (map[string]string, error) { return DecodeNested(d, nested...) }
	}
	enc, err := encode(params)
	require.NoError(t, err)
	got, err := decode(enc)
	require.NoError(t, err)
	require.Equal(t, params, got)
}

func TestDecodeForms(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want map[string]string
	}{
		{"plain trimmed", "<xml><a>\n5000\n</a></xml>", map[string]string{"a": "5000"}},
		{"cdata verbatim", "<xml><a><![CDATA[ x \n]]></a></xml>", map[string]string{"a": " x \n"}},
		{"whitespace around cdata", "<xml><a>\n  <![CDATA[ x ]]>\n</a></xml>", map[string]string{"a": " x "}},
		{"mixed", "<xml><a> 1 <![CDATA[2]]> 3 </a></xml>", map[string]string{"a": "1 2 3"}},
		{"split cdata", "<xml><a><![CDATA[a]]]]><![CDATA[>b]]></a></xml>", map[string]string{"a": "a]]>b"}},
		{"entities", "<xml><a>&lt;&amp;&gt;&quot;&apos;&#20013;&#x6587;</a></xml>", map[string]string{"a": "<&>\"'中文"}},
		{"empty element", "<xml><a></a><b/><c>  </c></xml>", map[string]string{"a": "", "b": "", "c": ""}},
		{"attributes ignored", `<xml id="1"><a x="y">v</a></xml>`, map[string]string{"a": "v"}},
		{"comments ignored", "<!-- c --><xml><!-- c --><a>1<!-- c -->2</a></xml>", map[string]string{"a": "12"}},
		{"declaration", `<?xml version="1.0" encoding="UTF-8"?>` + "\n<xml><a>1</a></xml>\n", map[string]string{"a": "1"}},
		{"declaration lower", `<?xml version="1.0" encoding="utf-8"?><xml><a>1</a></xml>`, map[string]string{"a": "1"}},
		{"declaration no encoding", `<?xml version="1.0"?><xml><a>1</a></xml>`, map[string]string{"a": "1"}},
		{"bom", "\xEF\xBB\xBF<xml><a>1</a></xml>", map[string]string{"a": "1"}},
		{"crlf", "<xml>\r\n<a><![CDATA[x\r\ny]]></a>\r\n</xml>\r\n", map[string]string{"a": "x\ny"}},
		{"empty root", "<xml></xml>", map[string]string{}},
		{"self-closing root", "<xml/>", map[string]string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Decode([]byte(c.in))
			require.NoError(t, err)
			require.Equal(t, c.want, got)
		})
	}
}

func TestDecodeRefuses(t *testing.T) {
	cases := []struct {
		name string
		in   string
	}{
		{"empty", ""},
		{"whitespace only", " \n\t "},
		{"not xml", "hello"},
		{"json", `{"a":1}`},
		{"wrong root", "<root><a>1</a></root>"},
		{"prefixed root", "<p:xml><a>1</a></p:xml>"},
		{"unclosed", "<xml><a>1</a>"},
		{"unclosed child", "<xml><a>1</xml>"},
		{"mismatched", "<xml><a>1</b></xml>"},
		{"nested", "<xml><a><b>1</b></a></xml>"},
		{"nested empty", "<xml><a><b/></a></xml>"},
		{"duplicate", "<xml><a>1</a><a>2</a></xml>"},
		{"text under root", "<xml>oops<a>1</a></xml>"},
		{"cdata under root", "<xml><![CDATA[x]]><a>1</a></xml>"},
		{"text before root", "x<xml><a>1</a></xml>"},
		{"trailing text", "<xml><a>1</a></xml>x"},
		{"trailing element", "<xml><a>1</a></xml><xml></xml>"},
		{"trailing comment", "<xml><a>1</a></xml><!-- c -->"},
		{"trailing garbage", "<xml><a>1</a></xml>\n<"},
		{"doctype", "<!DOCTYPE xml><xml><a>1</a></xml>"},
		{"doctype inside", "<xml><!DOCTYPE x><a>1</a></xml>"},
		{"entity decl", `<!ENTITY x "y"><xml><a>1</a></xml>`},
		{"undefined entity", "<xml><a>&x;</a></xml>"},
		{"external entity", `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><a>&xxe;</a></xml>`},
		{"other charset", `<?xml version="1.0" encoding="GBK"?><xml><a>1</a></xml>`},
		{"latin1", `<?xml version="1.0" encoding="ISO-8859-1"?><xml><a>1</a></xml>`},
		{"late declaration", ` <?xml version="1.0"?><xml><a>1</a></xml>`},
		{"processing instruction", `<xml><?php echo 1 ?><a>1</a></xml>`},
		{"bad version", `<?xml version="2.0"?><xml></xml>`},
		{"invalid utf8", "<xml><a>\xff</a></xml>"},
		{"control char", "<xml><a>\x01</a></xml>"},
		{"prefixed child", "<xml><p:a>1</p:a></xml>"},
		{"non ascii name", "<xml><中>1</中></xml>"},
		{"unquoted attribute", "<xml><a x=y>1</a></xml>"},
		{"bare ampersand", "<xml><a>a&b</a></xml>"},
		{"end before root", "</xml>"},
		{"root closed by other", "<xml><a>1</a></b>"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Decode([]byte(c.in))
			require.ErrorIs(t, err, ErrMalformed)
			require.Nil(t, got)
		})
	}
}

func TestDecodeBillionLaughs(t *testing.T) {
	doc := `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<xml><return_code>&lol9;</return_code></xml>`
	got, err := Decode([]byte(doc))
	require.ErrorIs(t, err, ErrMalformed)
	require.Nil(t, got)

	ext := `<!DOCTYPE xml SYSTEM "http://attacker.example/evil.dtd"><xml><return_code>&ext;</return_code></xml>`
	_, err = Decode([]byte(ext))
	require.ErrorIs(t, err, ErrMalformed)
}

// fieldsDoc is a document of n children k0…k(n-1).
func fieldsDoc(n int) []byte {
	var b strings.Builder
	b.WriteString("<xml>")
	for i := range n {
		k := "k" + strconv.Itoa(i)
		b.WriteString("<" + k + ">v</" + k + ">")
	}
	b.WriteString("</xml>")
	return []byte(b.String())
}

func TestDecodeFieldLimit(t *testing.T) {
	got, err := Decode(fieldsDoc(MaxFields))
	require.NoError(t, err)
	require.Len(t, got, MaxFields)

	_, err = Decode(fieldsDoc(MaxFields + 1))
	require.ErrorIs(t, err, ErrMalformed)
}

func TestDecodeErrorsDoNotEchoInput(t *testing.T) {
	long := strings.Repeat("A", 10000)
	for _, in := range []string{
		"<xml><a" + long + ">1</a" + long + "><a" + long + ">1</a" + long + "></xml>",
		"<xml><a>1</a" + long + "></xml>",
		`<?xml version="1.0" encoding="` + long + `"?><xml></xml>`,
		`<?xml version="` + long + `"?><xml></xml>`,
		"<xml><a>&" + long + ";</a></xml>",
		"<" + long + "></" + long + ">",
		"<xml><a><" + long + "/></a></xml>",
		"<xml>" + long + "</xml>",
		"<xml></xml>" + long,
	} {
		_, err := Decode([]byte(in))
		require.ErrorIs(t, err, ErrMalformed)
		require.Less(t, len(err.Error()), 300, "error too long: %.100s", err.Error())
	}
	for _, k := range []string{long + " ", strings.Repeat("中", 1000)} {
		_, err := Encode(map[string]string{k: "v"})
		require.ErrorIs(t, err, ErrMalformed)
		require.Less(t, len(err.Error()), 300)
		require.True(t, utf8.ValidString(err.Error()), "truncation must not split a rune")
	}
}

func TestErrorsWrapWithPercentW(t *testing.T) {
	_, err := Decode([]byte("<xml><a>1</a><a>2</a></xml>"))
	require.True(t, errors.Is(err, ErrMalformed))
	require.Contains(t, err.Error(), "duplicate")
	require.Contains(t, err.Error(), ErrMalformed.Error())
}

func BenchmarkEncode(b *testing.B) {
	v := loadVectors(b)
	var resp map[string]string
	for _, r := range v.V2.Responses {
		if r.Fields != nil && len(r.Fields) > len(resp) {
			resp = r.Fields
		}
	}
	b.Run("request", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Encode(v.V2.RequestXML.Params); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("response_fields", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Encode(resp); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("append_reuse", func(b *testing.B) {
		b.ReportAllocs()
		buf := make([]byte, 0, 4096)
		for b.Loop() {
			var err error
			if buf, err = AppendEncode(buf[:0], resp); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	v := loadVectors(b)
	data := []byte(v.V2.Responses[0].XML)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}

func TestDecodeNested(t *testing.T) {
	doc := "<xml><a>1</a>\n<hblist>\n<hbinfo><openid><![CDATA[o1]]></openid><amount>1</amount></hbinfo>\n<hbinfo><openid>o2</openid><rcv_time/></hbinfo>\n</hblist><b><![CDATA[x]]></b></xml>"
	got, err := DecodeNested([]byte(doc), "hblist")
	require.NoError(t, err)
	require.Equal(t, map[string]string{
		"a":      "1",
		"b":      "x",
		"hblist": "<hbinfo><openid><![CDATA[o1]]></openid><amount>1</amount></hbinfo>\n<hbinfo><openid>o2</openid><rcv_time/></hbinfo>",
	}, got)
	// Without the name, the same document is refused.
	_, err = Decode([]byte(doc))
	require.ErrorIs(t, err, ErrMalformed)
	// The round trip through EncodeNested keeps the inner XML.
	requireRoundTrip(t, got, "hblist")

	for name, bad := range map[string]string{
		"mismatched":  "<xml><hblist><hbinfo></hblist></hbinfo></xml>",
		"unclosed":    "<xml><hblist><hbinfo></hblist></xml>",
		"too deep":    "<xml><hblist><a><b><c><d><e/></d></c></b></a></hblist></xml>",
		"prefixed":    "<xml><hblist><x:a/></hblist></xml>",
		"proc inst":   "<xml><hblist><?php x?></hblist></xml>",
		"directive":   "<xml><hblist><!DOCTYPE x></hblist></xml>",
		"other child": "<xml><a><b/></a></xml>",
		"dup in item": "<xml><hblist><hbinfo><openid>a</openid><openid>b</openid></hbinfo></hblist></xml>",
		"dup deeper":  "<xml><hblist><hbinfo><x><y/><y/></x></hbinfo></hblist></xml>",
	} {
		_, err := DecodeNested([]byte(bad), "hblist")
		require.ErrorIs(t, err, ErrMalformed, name)
	}
	_, err = EncodeNested(map[string]string{"hblist": "<a>"}, "hblist")
	require.ErrorIs(t, err, ErrMalformed)
}

func TestUnmarshal(t *testing.T) {
	type item struct {
		OpenID string `xml:"openid"`
		Amount int64  `xml:"amount"`
	}
	type answer struct {
		A     string `xml:"a"`
		B     string `xml:"b"`
		N     int64  `xml:"n"`
		Items []item `xml:"hblist>hbinfo"`
	}
	doc := "<?xml version=\"1.0\"?><xml><a> 1 </a><!-- c -->\n<b><![CDATA[ x ]]></b><n> 7 </n><hblist>\n<hbinfo><openid> o1 </openid><amount>1</amount></hbinfo>\n<hbinfo><openid><![CDATA[o2]]></openid></hbinfo>\n</hblist></xml>"
	var got answer
	fields, err := Unmarshal([]byte(doc), &got, "hblist")
	require.NoError(t, err)
	require.Equal(t, answer{A: "1", B: " x ", N: 7, Items: []item{{"o1", 1}, {"o2", 0}}}, got)
	want, err := DecodeNested([]byte(doc), "hblist")
	require.NoError(t, err)
	require.Equal(t, want, fields, "the fields are those of DecodeNested")

	// A value that does not fit: the fields, and an error naming the element only.
	fields, err = Unmarshal([]byte("<xml><n>seven</n><a>1</a></xml>"), &answer{})
	require.ErrorIs(t, err, ErrMalformed)
	require.ErrorContains(t, err, "n is not a valid number")
	require.NotContains(t, err.Error(), "seven")
	require.Equal(t, map[string]string{"n": "seven", "a": "1"}, fields)
	_, err = Unmarshal([]byte("<xml><hblist><hbinfo><amount>x</amount></hbinfo></hblist></xml>"), &answer{}, "hblist")
	require.ErrorContains(t, err, "hblist.hbinfo.amount")

	// What DecodeNested refuses, Unmarshal refuses, with no fields.
	for name, bad := range map[string]string{
		"duplicate":      "<xml><a>1</a><a>2</a></xml>",
		"dtd":            "<!DOCTYPE xml [<!ENTITY e \"x\">]><xml><a>&e;</a></xml>",
		"entity":         "<xml><a>&e;</a></xml>",
		"nested":         "<xml><a><b/></a></xml>",
		"trailing":       "<xml><a>1</a></xml><x/>",
		"unclosed":       "<xml><hblist><hbinfo></hblist></xml>",
		"dup item field": "<xml><hblist><hbinfo><n>1</n><n>2</n></hbinfo></hblist></xml>",
		"empty":          " ",
	} {
		fields, err := Unmarshal([]byte(bad), &answer{}, "hblist")
		require.ErrorIs(t, err, ErrMalformed, name)
		require.Nil(t, fields, name)
	}
}

// TestDecodeCodesAsSent: the codes that say what became of a call keep
// their whitespace, so that a padded code is not read as the code; other
// plain values are trimmed.
func TestDecodeCodesAsSent(t *testing.T) {
	got, err := Decode([]byte("<xml>\n <return_code> FAIL</return_code>\n <result_code>SUCCESS\n</result_code><err_code>\tX</err_code><a> x </a><return_msg> m </return_msg></xml>"))
	require.NoError(t, err)
	require.Equal(t, map[string]string{"return_code": " FAIL", "result_code": "SUCCESS\n", "err_code": "\tX", "a": "x", "return_msg": "m"}, got)
	got, err = Decode([]byte("<xml><return_code>FAIL</return_code><result_code><![CDATA[FAIL]]></result_code></xml>"))
	require.NoError(t, err)
	require.Equal(t, map[string]string{"return_code": "FAIL", "result_code": "FAIL"}, got)
}

// ownDecoder decodes itself: Unmarshal hands it the whole document.
type ownDecoder struct{ names []string }

func (o *ownDecoder) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			o.names = append(o.names, t.Name.Local)
		case xml.EndElement:
			if t.Name == start.Name {
				return nil
			}
		}
	}
}

// TestUnmarshalTimesAndOwnDecoders: a time.Time field is read in
// TimeLayout as Beijing time (empty is zero; another layout names the
// element, not the value); a type with UnmarshalXML decodes the document
// itself, through the same refusals.
func TestUnmarshalTimesAndOwnDecoders(t *testing.T) {
	type answer struct {
		At   time.Time `xml:"at"`
		None time.Time `xml:"none"`
	}
	var got answer
	_, err := Unmarshal([]byte("<xml><at>2025-10-09 16:00:00</at><none></none></xml>"), &got)
	require.NoError(t, err)
	require.True(t, got.At.Equal(time.Date(2025, 10, 9, 8, 0, 0, 0, time.UTC)), got.At)
	require.True(t, got.None.IsZero())
	_, err = Unmarshal([]byte("<xml><at>2025-10-09T16:00:00+08:00</at></xml>"), &answer{})
	require.ErrorIs(t, err, ErrMalformed)
	require.ErrorContains(t, err, `at is not a time like "2006-01-02 15:04:05"`)
	require.NotContains(t, err.Error(), "T16")

	var own ownDecoder
	fields, err := Unmarshal([]byte("<xml><a>1</a><b>2</b></xml>"), &own)
	require.NoError(t, err)
	require.Equal(t, []string{"a", "b"}, own.names)
	require.Equal(t, map[string]string{"a": "1", "b": "2"}, fields)
	_, err = Unmarshal([]byte("<xml><a>1</a><a>2</a></xml>"), &ownDecoder{})
	require.ErrorIs(t, err, ErrMalformed)
	require.Nil(t, planOf(&own))
	require.Nil(t, planOf(&struct {
		A string `xml:"a,attr"`
	}{}), "an attribute: encoding/xml decodes it")
	var field struct {
		S ownString `xml:"s"`
	}
	require.Nil(t, planOf(&field), "a field with UnmarshalXML: encoding/xml decodes the answer")
	_, err = Unmarshal([]byte("<xml><s>x</s></xml>"), &field)
	require.NoError(t, err)
	require.Equal(t, ownString("own:x"), field.S)
}

// ownString is a string that decodes itself.
type ownString string

func (o *ownString) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	var s string
	err := d.DecodeElement(&s, &start)
	*o = ownString("own:" + s)
	return err
}

// TestParseTimeAsTheStandardLibrary reads times in and around the layout
// both ways: parseTime agrees with time.ParseInLocation on the value and
// on whether it is an error.
func TestParseTimeAsTheStandardLibrary(t *testing.T) {
	cases := []string{
		"2016-08-08 21:49:22", "2024-02-29 00:00:00", "2023-02-29 00:00:00", "2023-02-28 23:59:59",
		"2023-04-31 12:00:00", "2023-13-01 12:00:00", "2023-00-10 12:00:00", "2023-01-00 12:00:00",
		"2023-01-01 24:00:00", "2023-01-01 23:60:00", "2023-01-01 23:59:60", "0000-01-01 00:00:00",
		"9999-12-31 23:59:59", "2023-01-01 12:00:00.5", "2023-1-01 12:00:00", "2023-01-01T12:00:00",
		"2023-01-01 12:00:0a", "+023-01-01 12:00:00", "2023-01-01 1:00:000", "", " 2023-01-01 12:00:0",
	}
	for y := 1999; y <= 2001; y++ { // every day of three years, at a few hours
		for d := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() == y; d = d.AddDate(0, 0, 1) {
			cases = append(cases, d.Add(time.Duration(d.YearDay()*397)*time.Second).Format(TimeLayout))
		}
	}
	for _, s := range cases {
		want, wantErr := time.ParseInLocation(TimeLayout, s, beijing)
		got, err := parseTime(s)
		require.Equal(t, wantErr != nil, err != nil, s)
		require.True(t, want.Equal(got), s)
		require.Equal(t, want.Location(), got.Location(), s)
	}
}
