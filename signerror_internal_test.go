package wechatpay

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSignInformationShapes(t *testing.T) {
	tests := []struct {
		name, code, detail string
		want               *SignInformation
	}{
		{"WeChat Pay's shape", "SIGN_ERROR", `{"field":"signature","issue":"sign not match","location":"authorization","sign_information":` +
			`{"method":"GET","url":"/v3/x?a=1","truncated_sign_message":"GET\n/v3/x?a=1\n1\nN\n\n","sign_message_length":19}}`,
			&SignInformation{Method: "GET", URL: "/v3/x?a=1", TruncatedSignMessage: "GET\n/v3/x?a=1\n1\nN\n\n", SignMessageLength: 19}},
		{"nested issue, length as a string", "SIGN_ERROR", `{"detail":{"issue":"sign not match"},"sign_information":{"method":"POST","sign_message_length":"349"}}`,
			&SignInformation{Method: "POST", SignMessageLength: 349}},
		{"no length", "SIGN_ERROR", `{"sign_information":{"method":"POST"}}`, &SignInformation{Method: "POST", SignMessageLength: -1}},
		{"no sign_information", "SIGN_ERROR", `{"field":"timestamp","issue":"stale timestamp"}`, nil},
		{"another shape", "SIGN_ERROR", `{"sign_information":"text"}`, nil},
		{"not JSON", "SIGN_ERROR", `{`, nil},
		{"another code", "PARAM_ERROR", `{"sign_information":{"method":"GET"}}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &APIError{StatusCode: 401, Code: tt.code, Detail: json.RawMessage(tt.detail)}
			require.Equal(t, tt.want, e.SignInformation())
		})
	}
}

func TestDifferencesWithoutTheMessage(t *testing.T) {
	m := &signedMessage{method: "POST", url: "/v3/x", timestamp: 1760000000, nonce: "N"}
	body := []byte(`{"a":1}`)
	// A message with fewer than five lines: the total lengths are compared.
	got := m.differences(&SignInformation{Method: "POST", URL: "/v3/x", TruncatedSignMessage: "POST", SignMessageLength: 99}, body, skew{})
	require.Equal(t, []SignDifference{{SignPartLength, "message length: signed 32 bytes, WeChat Pay verified 99"}}, got)
	// A peer's URL with a line break is quoted.
	got = m.differences(&SignInformation{Method: "POST", URL: "/v3/y\nforged", SignMessageLength: -1}, body, skew{})
	require.Equal(t, []SignDifference{{SignPartURL, `URL path: signed POST /v3/x, WeChat Pay verified POST "/v3/y\nforged"`}}, got)
	got = m.differences(&SignInformation{Method: "POST", URL: "/v3/x?\n=1", SignMessageLength: -1}, body, skew{})
	require.Equal(t, []SignDifference{{SignPartURL, `URL query: signed none; WeChat Pay verified "\n"`}}, got)
}

func FuzzSignErrorExplanation(f *testing.F) {
	f.Add("POST", "/v3/x?a=1", "POST\n/v3/x?a=1\n1760000000\nN\n{\"a\":1\n", 40, []byte(`{"a":1,"b":2}`))
	f.Add("GET", "/v3/x?b=1&a=2", "GET\n/v3/x\n1\nN\n\n", -1, []byte(nil))
	f.Fuzz(func(t *testing.T, method, url, msg string, length int, body []byte) {
		m := &signedMessage{method: "POST", url: "/v3/x?a=1", timestamp: 1760000000, nonce: "N"}
		si := &SignInformation{Method: method, URL: url, TruncatedSignMessage: msg, SignMessageLength: length}
		const secret = "SECRET-BODY-PART"
		body = append([]byte(secret), body...)
		diffs := m.differences(si, body, clockSkew(1760000000, "Thu, 09 Oct 2025 08:53:20 GMT"))
		if len(diffs) == 0 {
			t.Fatal("no explanation")
		}
		var out string
		for _, d := range diffs {
			if d.Part == "" || d.Text == "" {
				t.Fatalf("an empty finding in %q", diffs)
			}
			out += d.Text + "; "
		}
		if strings.Contains(out, secret) && !strings.Contains(method+url, secret) {
			t.Fatalf("the body appears in %q", out)
		}
	})
}
