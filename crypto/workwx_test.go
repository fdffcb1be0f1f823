package crypto

import (
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/require"
)

// The computed vector of protocol/apis-domains.md C1 (test secrets of this
// project).
func TestSignWorkWxVector(t *testing.T) {
	params := map[string]string{
		"act_name":               "猜灯谜抢红包活动",
		"mch_billno":             "10000098201411111234567890",
		"mch_id":                 "10000098",
		"nonce_str":              "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
		"re_openid":              "oxTWIuGaIt6gTKsQRLau2M0yL16E",
		"remark":                 "猜越多得越多，快来抢！",
		"scene_id":               "PRODUCT_8",
		"sender_header_media_id": "1G6nrLmr5EC3MMb_-zK1dDdzmd0p7cNliYu9V5w7o8K0",
		"sender_name":            "XX活动",
		"total_amount":           "1000",
		"wishing":                "感谢您参加猜灯谜活动，祝您元宵节快乐！",
		"wxappid":                "wx8888888888888888",
	}
	const secret, apiKey = "TestOnlyWeComPaySecret0123456789", "TestOnlyApiV2Key9876543210fedcba"
	require.Equal(t, "act_name=猜灯谜抢红包活动&mch_billno=10000098201411111234567890&mch_id=10000098&nonce_str=5K8264ILTKCH16CQ2502SI8ZNMTM67VS&re_openid=oxTWIuGaIt6gTKsQRLau2M0yL16E&total_amount=1000&wxappid=wx8888888888888888&secret=TestOnlyWeComPaySecret0123456789",
		WorkWxStringToSign(params, secret))
	ws, err := SignWorkWx(params, secret)
	require.NoError(t, err)
	require.Equal(t, "76B0A5F114A82B6BF438E2FB6FFA59EC", ws)
	require.True(t, VerifyWorkWx(params, secret, "76b0a5f114a82b6bf438e2fb6ffa59ec"))
	require.False(t, VerifyWorkWx(params, "other", ws))
	require.False(t, VerifyWorkWx(params, secret, ""))
	params["workwx_sign"] = ws
	sign, err := SignV2(params, apiKey, SignTypeMD5)
	require.NoError(t, err)
	require.Equal(t, "D92AB73D020B9A1D73B34C3696974BEB", sign)
	// Fields outside the seven do not change it.
	params["agentid"] = "1000002"
	again, err := SignWorkWx(params, secret)
	require.NoError(t, err)
	require.Equal(t, ws, again)
}

// TestSignWorkWxFIPSOnly: under GODEBUG=fips140=only SignWorkWx returns an
// error, not a panic, and VerifyWorkWx verifies nothing.
func TestSignWorkWxFIPSOnly(t *testing.T) {
	if os.Getenv("WECHATPAY_FIPS_CHILD") == "1" {
		_, err := SignWorkWx(map[string]string{"act_name": "a"}, "s")
		require.ErrorIs(t, err, ErrNotAllowedInFIPSMode)
		require.False(t, VerifyWorkWx(map[string]string{"act_name": "a"}, "s", "00"))
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSignWorkWxFIPSOnly$", "-test.count=1")
	cmd.Env = append(os.Environ(), "WECHATPAY_FIPS_CHILD=1", "GODEBUG=fips140=only")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "child under fips140=only:\n%s", out)
	require.Contains(t, string(out), "PASS")
}
