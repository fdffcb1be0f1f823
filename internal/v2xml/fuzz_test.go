package v2xml

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

// decodeSeeds seed the fuzz targets of Decode, besides the vectors.
var decodeSeeds = []string{
	"",
	"<xml></xml>",
	"<xml><a><![CDATA[a]]]]><![CDATA[>b]]></a></xml>",
	"<xml><a> 1 <![CDATA[ 2 ]]> 3 </a><b/></xml>",
	`<?xml version="1.0" encoding="UTF-8"?><xml><a>&lt;&#20013;</a></xml>`,
	`<!DOCTYPE xml [<!ENTITY x "y">]><xml><a>&x;</a></xml>`,
	"<xml><a><b>1</b></a></xml>",
}

// addDecodeSeeds adds the vectors' documents and decodeSeeds to f.
func addDecodeSeeds(f *testing.F) {
	v := loadVectors(f)
	f.Add([]byte(v.V2.RequestXML.XML))
	for _, r := range v.V2.Responses {
		f.Add([]byte(r.XML))
	}
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
}

// FuzzDecode checks that Decode never panics and that whatever it accepts
// survives Encode → Decode unchanged.
func FuzzDecode(f *testing.F) {
	addDecodeSeeds(f)

	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Decode(data)
		if err != nil {
			require.ErrorIs(t, err, ErrMalformed)
			require.Nil(t, got)
			return
		}
		require.NotNil(t, got)
		require.LessOrEqual(t, len(got), MaxFields)
		requireRoundTrip(t, got)
	})
}

// FuzzDecodeNested checks that DecodeNested never panics, that Unmarshal
// accepts the same documents with the same fields, that a document
// without the nested child decodes as with Decode, and that whatever it
// accepts survives EncodeNested → DecodeNested unchanged.
func FuzzDecodeNested(f *testing.F) {
	addDecodeSeeds(f)
	f.Add([]byte("<xml><hblist>\n<hbinfo><openid><![CDATA[o]]></openid><amount>1</amount></hbinfo>\n</hblist></xml>"))
	f.Add([]byte("<xml><hblist><![CDATA[x]]></hblist></xml>"))
	f.Add([]byte("<xml><hblist><a><b><c><d/></c></b></a></hblist></xml>"))

	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := DecodeNested(data, "hblist")
		var sink struct {
			Items []struct {
				A int `xml:"a"`
			} `xml:"hblist>hbinfo"`
		}
		if fields, uerr := Unmarshal(data, &sink, "hblist"); err != nil {
			require.ErrorIs(t, uerr, ErrMalformed)
			require.Nil(t, fields, "Unmarshal refuses what DecodeNested refuses")
		} else {
			require.Equal(t, got, fields, "Unmarshal reads the fields DecodeNested reads")
		}
		if err != nil {
			require.ErrorIs(t, err, ErrMalformed)
			require.Nil(t, got)
			return
		}
		if _, ok := got["hblist"]; !ok {
			flat, err := Decode(data)
			require.NoError(t, err)
			require.Equal(t, flat, got)
		}
		requireRoundTrip(t, got, "hblist")
	})
}

// textProbe is a leaf type with UnmarshalText, which refuses "bad".
type textProbe struct{ s string }

func (p *textProbe) UnmarshalText(b []byte) error {
	if string(b) == "bad" {
		return errors.New("bad text")
	}
	p.s = "t:" + string(b)
	return nil
}

// fillProbe has a field of each kind Unmarshal fills itself, time.Time
// aside (read in TimeLayout, not as encoding/xml reads it).
type fillProbe struct {
	A     string    `xml:"a"`
	I     int8      `xml:"i"`
	U     uint16    `xml:"u"`
	F     float32   `xml:"f"`
	B     bool      `xml:"b"`
	Raw   []byte    `xml:"raw"`
	Text  textProbe `xml:"text"`
	Named string
	Skip  string `xml:"-"`
	Items []struct {
		A int `xml:"a"`
	} `xml:"hblist>hbinfo"`
}

// FuzzUnmarshalFill checks that Unmarshal, which fills a flat answer from
// the fields it read, fills it as encoding/xml does over the same tokens.
func FuzzUnmarshalFill(f *testing.F) {
	addDecodeSeeds(f)
	f.Add([]byte("<xml><a> x </a><i>-128</i><u>65535</u><f>1.5</f><b>true</b><raw/><text>t</text><Named>n</Named><Skip>s</Skip></xml>"))
	f.Add([]byte("<xml><i>128</i><u>-1</u><f>x</f><b>yes</b><text>bad</text></xml>"))
	f.Add([]byte("<xml><i><![CDATA[ 7 ]]></i><b><![CDATA[ ]]></b><hblist><hbinfo><a>1</a></hbinfo></hblist></xml>"))

	f.Fuzz(func(t *testing.T, data []byte) {
		var filled, decoded fillProbe
		require.NotNil(t, planOf(&filled))
		fields, err := Unmarshal(data, &filled, "hblist")
		want, werr := decodeTokens(data, &decoded, []string{"hblist"})
		require.Equal(t, want, fields)
		require.Equal(t, werr == nil, err == nil, "Unmarshal: %v; encoding/xml: %v", err, werr)
		if err != nil {
			require.ErrorIs(t, err, ErrMalformed)
			return
		}
		require.Equal(t, decoded, filled)
	})
}
