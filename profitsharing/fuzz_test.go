package profitsharing

import (
	"encoding/json"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay/internal/wire"
)

// decodeErr is the form of every decoding error: fixed text, an offset, a
// field path from the struct tags; never a piece of the answer. readRate
// puts its package and ErrMalformedResponse before it.
var decodeErr = regexp.MustCompile(`^(profitsharing: wechatpay: malformed response body: )?json: (not valid JSON at offset \d+|field "[a-z_.() ]+": want [A-Za-z0-9 ]+)$`)

// FuzzOrderUnmarshal decodes random answers as the order operations do
// (encoding/json into Order, the times by Time, then readRate): it must
// never panic, accept only valid JSON, give errors that carry no value,
// and what it accepts must encode to JSON that decodes and encodes to the
// same bytes again.
func FuzzOrderUnmarshal(f *testing.F) {
	f.Add([]byte(seedOrder))
	for _, s := range []string{
		`{"receivers":[{"rate":1,"rate_value":2,"create_time":"2022-03-23T17:10:13.1+08:00"}]}`,
		`{"receivers":[{"create_time":""},null,{}]}`,
		`{"receivers":[{"rate_value":1,"rate_value":null,"rate":3}]}`,
		`{"receivers":[{"create_time":"bad","create_time":"2022-03-23T17:10:13Z"}]}`,
		`{"ORDER_ID":"x","order_id":"y","Order_Id":"z","receivers":[],"receivers":null}`,
		`{"state":"\u0050ROCESSING","order_id":"a\ud800b\xff","sub_mchid":null,"x":[1,{"y":[true,false,null,-0.5e+3]}]}`,
		`{"receivers":[{"amount":1.0}]}`,
		`{"receivers":[{"amount":9223372036854775808}]}`,
		`{"receivers":{}}`,
		`null`,
		`{} x`,
		`{"a":1,}`,
		`[`,
		`{"receivers":[{"create_time":"2022-03-23T17:10:13+00:00","finish_time":"2022-03-23T17:10:13-07:00"}]}`,
		`{"receivers":[{"rate":"1"},{"rate":2}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := decodeOrder(data)
		if err != nil {
			require.Regexp(t, decodeErr, err.Error())
			return
		}
		require.True(t, json.Valid(data), "accepted a body that is not JSON")
		enc, err := json.Marshal(&o)
		require.NoError(t, err)
		again, err := decodeOrder(enc)
		require.NoError(t, err, "%s", enc)
		enc2, err := json.Marshal(&again)
		require.NoError(t, err)
		require.Equal(t, string(enc), string(enc2))
		_ = wire.Missing(&o) // never panics
	})
}
