package aggracct

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzAnswerDecode checks that the hand-written decoders of the two
// answers accept exactly what json.Unmarshal accepts (the wire types have
// no UnmarshalJSON, so json.Unmarshal is the reflection oracle) and decode
// it to the same values.
func FuzzAnswerDecode(f *testing.F) {
	for _, s := range []string{
		`{"mchid":"1900016681","bal_account_no":"AAAA","out_request_no":"N1","reduction_type":"JUDICIAL_DEDUCTION","amount":1,"state":"SUCCESS","reason":"司法案件号:202508080009","quota_change_no":"q","success_time":"2015-05-20T13:29:35+08:00"}`,
		`{"state":"FAILED","fail_time":"2015-05-20T13:29:35.120+08:00","fail_reason":"X","amount":null,"STATE":"\u0053"}`,
		`{"wxpay_punish_no":"1000000000202510090000000001","out_request_no":"N1","extra":[{"a":null}]}`,
		`{"Wxpay_Punish_No":"x","wxpay_punish_no":"y"}`,
		`{"amount":1.5}`, `{"amount":"1"}`, `null`, `{}`, ``, `{"a":1,}`, `{"mchid":"a\ud800\xff"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var refSR, gotSR specialReductionWire
		refErr := json.Unmarshal(data, &refSR)
		err := gotSR.UnmarshalWire(data)
		require.Equal(t, refErr == nil, err == nil, "special reduction: reference error %v, got %v", refErr, err)
		if refErr == nil {
			require.Equal(t, refSR, gotSR)
		}

		var refP, gotP PunishResult
		refErr = json.Unmarshal(data, &refP)
		err = (*punishAnswer)(&gotP).UnmarshalWire(data)
		require.Equal(t, refErr == nil, err == nil, "punish: reference error %v, got %v", refErr, err)
		if refErr == nil {
			require.Equal(t, refP, gotP)
		}
	})
}
