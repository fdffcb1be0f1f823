package profitsharing

import (
	"encoding/json"
	"time"

	"github.com/gowechatpay/wechatpay/internal/wire"
)

// Time is a time of an answer: a time.Time, whose methods it has, that
// decodes WeChat Pay's RFC 3339 times with or without a fraction of a
// second (absent, null or "" is the zero time) and encodes as RFC 3339.
// Use its Time field where a time.Time is wanted.
//
// It decodes the field on its own, so that an answer's struct needs no
// UnmarshalJSON of its own (which would make encoding/json scan each of
// its objects three more times). A malformed time in an answer is
// wechatpay.ErrMalformedResponse naming the field, never its value.
type Time struct {
	time.Time
}

// UnmarshalJSON decodes an RFC 3339 string, null or "".
func (t *Time) UnmarshalJSON(data []byte) error {
	return wire.TimeField("", json.RawMessage(data), &t.Time)
}
