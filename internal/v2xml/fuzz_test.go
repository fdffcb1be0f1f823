package v2xml

import (
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
		enc, err := Encode(got)
		require.NoError(t, err)
		again, err := Decode(enc)
		require.NoError(t, err)
		require.Equal(t, got, again)
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
		enc, err := EncodeNested(got, "hblist")
		require.NoError(t, err)
		again, err := DecodeNested(enc, "hblist")
		require.NoError(t, err)
		require.Equal(t, got, again)
	})
}
