package wechatpaytest

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const sdkAuthorization = `WECHATPAY2-SHA256-RSA2048 mchid="1900016681",nonce_str="NONCE",timestamp="1760000000",serial_no="1A2B",signature="c2ln"`

func TestParseAuthorization(t *testing.T) {
	want := authorization{MchID: "1900016681", NonceStr: "NONCE", Timestamp: "1760000000", SerialNo: "1A2B", Signature: "c2ln"}
	ok := []string{
		sdkAuthorization,
		`WECHATPAY2-SHA256-RSA2048 signature="c2ln",serial_no="1A2B",timestamp="1760000000",nonce_str="NONCE",mchid="1900016681"`,
		`WECHATPAY2-SHA256-RSA2048   timestamp="1760000000", mchid="1900016681",  signature="c2ln",serial_no="1A2B", nonce_str="NONCE"`,
	}
	for _, h := range ok {
		got, err := parseAuthorization(h)
		require.NoError(t, err, h)
		require.Equal(t, want, got)
	}
	bad := []struct {
		name, header string
		want         error
	}{
		{"empty", "", errAuthScheme},
		{"scheme only", "WECHATPAY2-SHA256-RSA2048", errAuthScheme},
		{"lower-case scheme", strings.Replace(sdkAuthorization, "WECHATPAY2", "wechatpay2", 1), errAuthScheme},
		{"no space", strings.Replace(sdkAuthorization, " ", "", 1), errAuthScheme},
		{"duplicate", sdkAuthorization + `,mchid="1900016681"`, errAuthDuplicate},
		{"missing", strings.Replace(sdkAuthorization, `,signature="c2ln"`, "", 1), errAuthMissing},
		{"unknown", sdkAuthorization + `,extra="1"`, errAuthUnknown},
		{"empty value", strings.Replace(sdkAuthorization, `nonce_str="NONCE"`, `nonce_str=""`, 1), errAuthEmpty},
		{"unquoted", strings.Replace(sdkAuthorization, `"1760000000"`, `1760000000`, 1), errAuthSyntax},
		{"unterminated", strings.TrimSuffix(sdkAuthorization, `"`), errAuthSyntax},
		{"trailing comma", sdkAuthorization + ",", errAuthSyntax},
		{"semicolon", strings.Replace(sdkAuthorization, `",nonce_str`, `";nonce_str`, 1), errAuthSyntax},
		{"space before comma", strings.Replace(sdkAuthorization, `",nonce_str`, `" ,nonce_str`, 1), errAuthSyntax},
		{"space around =", strings.Replace(sdkAuthorization, `mchid="`, `mchid = "`, 1), errAuthSyntax},
		{"no key", strings.Replace(sdkAuthorization, `mchid=`, `=`, 1), errAuthSyntax},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseAuthorization(tt.header)
			require.ErrorIs(t, err, tt.want)
			require.Equal(t, authorization{}, got)
		})
	}
}

func FuzzParseAuthorization(f *testing.F) {
	f.Add(sdkAuthorization)
	f.Add(`WECHATPAY2-SHA256-RSA2048 signature="c2ln", serial_no="1A2B", timestamp="1", nonce_str="n", mchid="1"`)
	f.Add(`WECHATPAY2-SHA256-RSA2048 mchid="1",mchid="1"`)
	f.Add(`WECHATPAY2-SHA256-RSA2048 ,`)
	f.Fuzz(func(t *testing.T, h string) {
		a, err := parseAuthorization(h)
		if err != nil {
			if a != (authorization{}) {
				t.Fatalf("error %v with a non-empty result %+v", err, a)
			}
			for _, known := range []error{errAuthScheme, errAuthSyntax, errAuthUnknown, errAuthDuplicate, errAuthMissing, errAuthEmpty} {
				if errors.Is(err, known) {
					return
				}
			}
			t.Fatalf("unexpected error %v", err)
		}
		fields := []string{a.MchID, a.NonceStr, a.Timestamp, a.SerialNo, a.Signature}
		for _, v := range fields {
			if v == "" || strings.Contains(v, `"`) {
				t.Fatalf("bad value %q in %+v", v, a)
			}
			if !strings.Contains(h, `"`+v+`"`) {
				t.Fatalf("value %q not quoted in the input", v)
			}
		}
		// The canonical form of what was parsed parses to the same values.
		canonical := `WECHATPAY2-SHA256-RSA2048 mchid="` + a.MchID + `",nonce_str="` + a.NonceStr +
			`",timestamp="` + a.Timestamp + `",serial_no="` + a.SerialNo + `",signature="` + a.Signature + `"`
		b, err := parseAuthorization(canonical)
		if err != nil || b != a {
			t.Fatalf("canonical form %q parsed to %+v, %v; want %+v", canonical, b, err, a)
		}
	})
}
