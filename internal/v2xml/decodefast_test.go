package v2xml

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Where a fastCases input goes.
const (
	takenFast  = iota // decodeFast takes it
	stdAccepts        // left to decodeStd, which accepts it
	stdRefuses        // left to decodeStd, which refuses it
)

// fastCases sit on the edges of the subset decodeFast handles; want is the
// result of the inputs takenFast. FuzzDecodeFastMatchesStd is seeded with all
// of them.
var fastCases = []struct {
	name string
	in   string
	path int
	want map[string]string
}{
	// Taken by the fast path.
	{"empty root", "<xml></xml>", takenFast, map[string]string{}},
	{"plain", "<xml><a>1</a></xml>", takenFast, map[string]string{"a": "1"}},
	{"plain trimmed", "<xml><a>\n\t 5000 \t\n</a></xml>", takenFast, map[string]string{"a": "5000"}},
	{"plain inner space kept", "<xml><a> x  y </a></xml>", takenFast, map[string]string{"a": "x  y"}},
	{"whitespace only value", "<xml><a> \t\n </a></xml>", takenFast, map[string]string{"a": ""}},
	{"empty value", "<xml><a></a></xml>", takenFast, map[string]string{"a": ""}},
	{"cdata verbatim", "<xml><a><![CDATA[ x \n\t]]></a></xml>", takenFast, map[string]string{"a": " x \n\t"}},
	{"empty cdata", "<xml><a><![CDATA[]]></a></xml>", takenFast, map[string]string{"a": ""}},
	{"whitespace around cdata", "<xml><a>\n \t<![CDATA[ x ]]>\t \n</a></xml>", takenFast, map[string]string{"a": " x "}},
	{"markup in cdata", "<xml><a><![CDATA[<b>&amp;</b>]]]></a></xml>", takenFast, map[string]string{"a": "<b>&amp;</b>]"}},
	{"brackets in text", "<xml><a>]]x]</a></xml>", takenFast, map[string]string{"a": "]]x]"}},
	{"gt in text", "<xml><a>a>b</a></xml>", takenFast, map[string]string{"a": "a>b"}},
	{"whitespace everywhere", " \n\t<xml>\n\t <a>1</a> \n<b>2</b>\n</xml>\n\t ", takenFast, map[string]string{"a": "1", "b": "2"}},
	{"bom", "\xEF\xBB\xBF<xml><a>1</a></xml>", takenFast, map[string]string{"a": "1"}},
	{"bom then whitespace", "\xEF\xBB\xBF\n<xml><a>1</a></xml>", takenFast, map[string]string{"a": "1"}},
	{"name charset", "<xml><A_z.0-9>1</A_z.0-9><_>2</_></xml>", takenFast, map[string]string{"A_z.0-9": "1", "_": "2"}},
	{"child named xml", "<xml><xml>1</xml></xml>", takenFast, map[string]string{"xml": "1"}},
	{"prefix names", "<xml><a>1</a><ab>2</ab></xml>", takenFast, map[string]string{"a": "1", "ab": "2"}},
	{"utf8 and edges of the char range", "<xml><a>中\u007f\u0080\uD7FF\uE000\uFFFD\U00010000\U0010FFFF</a></xml>", takenFast,
		map[string]string{"a": "中\u007f\u0080\uD7FF\uE000\uFFFD\U00010000\U0010FFFF"}},
	{"end tag in cdata", "<xml><a><![CDATA[</a>]]></a></xml>", takenFast, map[string]string{"a": "</a>"}},

	// Left to decodeStd, which accepts them.
	{"cr", "<xml>\r\n<a>1</a></xml>", stdAccepts, nil},
	{"cr in cdata", "<xml><a><![CDATA[x\r\ny]]></a></xml>", stdAccepts, nil},
	{"lone cr in text", "<xml><a>x\ry</a></xml>", stdAccepts, nil},
	{"cr after root", "<xml><a>1</a></xml>\r", stdAccepts, nil},
	{"declaration", `<?xml version="1.0" encoding="UTF-8"?><xml><a>1</a></xml>`, stdAccepts, nil},
	{"comment before root", "<!-- c --><xml><a>1</a></xml>", stdAccepts, nil},
	{"comment under root", "<xml><!-- c --><a>1</a></xml>", stdAccepts, nil},
	{"comment in value", "<xml><a>1<!-- c -->2</a></xml>", stdAccepts, nil},
	{"comment after cdata", "<xml><a><![CDATA[1]]><!-- c --></a></xml>", stdAccepts, nil},
	{"entity", "<xml><a>&lt;</a></xml>", stdAccepts, nil},
	{"char reference", "<xml><a>&#20013;</a></xml>", stdAccepts, nil},
	{"root attribute", `<xml id="1"><a>1</a></xml>`, stdAccepts, nil},
	{"root space", "<xml ><a>1</a></xml>", stdAccepts, nil},
	{"child attribute", `<xml><a x="y">1</a></xml>`, stdAccepts, nil},
	{"child space", "<xml><a >1</a></xml>", stdAccepts, nil},
	{"end tag space", "<xml><a>1</a ></xml>", stdAccepts, nil},
	{"root end tag space", "<xml><a>1</a></xml >", stdAccepts, nil},
	{"self-closing root", "<xml/>", stdAccepts, nil},
	{"self-closing child", "<xml><a/></xml>", stdAccepts, nil},
	{"self-closing child space", "<xml><a /></xml>", stdAccepts, nil},
	{"split cdata", "<xml><a><![CDATA[a]]]]><![CDATA[>b]]></a></xml>", stdAccepts, nil},
	{"two cdata", "<xml><a><![CDATA[a]]><![CDATA[b]]></a></xml>", stdAccepts, nil},
	{"text before cdata", "<xml><a>x<![CDATA[y]]></a></xml>", stdAccepts, nil},
	{"text after cdata", "<xml><a><![CDATA[y]]>x</a></xml>", stdAccepts, nil},
	{"mixed", "<xml><a> 1 <![CDATA[2]]> 3 </a></xml>", stdAccepts, nil},
	{"nbsp around cdata", "<xml><a>\u00a0<![CDATA[y]]></a></xml>", stdAccepts, nil},

	// Left to decodeStd, which refuses them.
	{"empty", "", stdRefuses, nil},
	{"whitespace only", " \n\t", stdRefuses, nil},
	{"bom only", "\xEF\xBB\xBF", stdRefuses, nil},
	{"two boms", "\xEF\xBB\xBF\xEF\xBB\xBF<xml></xml>", stdRefuses, nil},
	{"bom after whitespace", " \xEF\xBB\xBF<xml></xml>", stdRefuses, nil},
	{"unclosed root", "<xml><a>1</a>", stdRefuses, nil},
	{"unclosed child", "<xml><a>1", stdRefuses, nil},
	{"unclosed cdata", "<xml><a><![CDATA[1</a></xml>", stdRefuses, nil},
	{"mismatched", "<xml><a>1</b></xml>", stdRefuses, nil},
	{"end tag prefix", "<xml><ab>1</a></xml>", stdRefuses, nil},
	{"end tag longer", "<xml><a>1</ab></xml>", stdRefuses, nil},
	{"nested", "<xml><a><b>1</b></a></xml>", stdRefuses, nil},
	{"duplicate", "<xml><a>1</a><a>2</a></xml>", stdRefuses, nil},
	{"duplicate empty", "<xml><a></a><a></a></xml>", stdRefuses, nil},
	{"text under root", "<xml>x<a>1</a></xml>", stdRefuses, nil},
	{"cdata under root", "<xml><![CDATA[x]]></xml>", stdRefuses, nil},
	{"text after root", "<xml></xml>x", stdRefuses, nil},
	{"element after root", "<xml></xml><xml></xml>", stdRefuses, nil},
	{"wrong root", "<root><a>1</a></root>", stdRefuses, nil},
	{"root prefix", "<xmlx><a>1</a></xmlx>", stdRefuses, nil},
	{"doctype", "<!DOCTYPE xml><xml></xml>", stdRefuses, nil},
	{"doctype under root", "<xml><!DOCTYPE x><a>1</a></xml>", stdRefuses, nil},
	{"processing instruction", "<xml><?php ?><a>1</a></xml>", stdRefuses, nil},
	{"bare ampersand", "<xml><a>a&b</a></xml>", stdRefuses, nil},
	{"cdata end in text", "<xml><a>a]]>b</a></xml>", stdRefuses, nil},
	{"invalid utf8", "<xml><a>\xff</a></xml>", stdRefuses, nil},
	{"truncated utf8", "<xml><a>\xe4\xb8</a></xml>", stdRefuses, nil},
	{"surrogate", "<xml><a>\xed\xa0\x80</a></xml>", stdRefuses, nil},
	{"overlong", "<xml><a>\xc0\xaf</a></xml>", stdRefuses, nil},
	{"invalid utf8 in cdata", "<xml><a><![CDATA[\xff]]></a></xml>", stdRefuses, nil},
	{"U+FFFE", "<xml><a>\uFFFE</a></xml>", stdRefuses, nil},
	{"U+FFFF in cdata", "<xml><a><![CDATA[\uFFFF]]></a></xml>", stdRefuses, nil},
	{"nul", "<xml><a>\x00</a></xml>", stdRefuses, nil},
	{"control char", "<xml><a>\x01</a></xml>", stdRefuses, nil},
	{"control char in cdata", "<xml><a><![CDATA[\x1f]]></a></xml>", stdRefuses, nil},
	{"control char between children", "<xml>\x0b<a>1</a></xml>", stdRefuses, nil},
	{"form feed after root", "<xml></xml>\f", stdRefuses, nil},
	{"prefixed child", "<xml><p:a>1</p:a></xml>", stdRefuses, nil},
	{"digit name", "<xml><1>1</1></xml>", stdRefuses, nil},
	{"non ascii name", "<xml><中>1</中></xml>", stdRefuses, nil},
	{"empty name", "<xml><>1</></xml>", stdRefuses, nil},
	{"no gt", "<xml><a", stdRefuses, nil},
}

func TestDecodeFastVectors(t *testing.T) {
	v := loadVectors(t)
	docs := map[string]string{"request": v.V2.RequestXML.XML}
	for _, r := range v.V2.Responses {
		docs[r.Name] = r.XML
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			got, ok := decodeFast([]byte(doc))
			require.True(t, ok, "a typical document must take the fast path")
			want, err := decodeStd([]byte(doc))
			require.NoError(t, err)
			require.Equal(t, want, got)
		})
	}
}

func TestDecodeFastCases(t *testing.T) {
	for _, c := range fastCases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := decodeFast([]byte(c.in))
			require.Equal(t, c.path == takenFast, ok)
			want, wantErr := decodeStd([]byte(c.in))
			if c.path == stdRefuses {
				require.Error(t, wantErr)
			} else {
				require.NoError(t, wantErr)
			}
			if ok {
				require.Equal(t, c.want, got)
				require.Equal(t, want, got)
			}
			requireSameDecode(t, []byte(c.in), want, wantErr)
		})
	}
}

// TestFastChars puts each kind of byte at each place of the words fastChars
// reads eight at a time, and compares it with validValue minus '\r'.
func TestFastChars(t *testing.T) {
	base := strings.Repeat("x", 20)
	for _, c := range []string{
		"\x00", "\x01", "\t", "\n", "\x0b", "\r", "\x1f", " ", "~", "\x7f",
		"\x80", "\xc3", "\xff", "é", "中", "\U0001F9E7", "\uFFFD", "\uFFFE", "\uFFFF", "\xed\xa0\x80",
	} {
		for i := range len(base) + 1 {
			s := base[:i] + c + base[i:]
			want := !strings.Contains(s, "\r") && validValue(s)
			require.Equal(t, want, fastChars([]byte(s)), "%q", s)
		}
	}
}

// requireSameDecode checks that Decode gives decodeStd's result (want,
// wantErr) for data: the same map, or the same error.
func requireSameDecode(t *testing.T, data []byte, want map[string]string, wantErr error) {
	t.Helper()
	got, err := Decode(data)
	if wantErr != nil {
		require.ErrorIs(t, wantErr, ErrMalformed)
		require.EqualError(t, err, wantErr.Error())
		require.Nil(t, got)
		return
	}
	require.NoError(t, err)
	require.Equal(t, want, got)
}
