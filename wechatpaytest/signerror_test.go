package wechatpaytest_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/sdktest"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// signErrorAnswer is a 401 SIGN_ERROR body in WeChat Pay's shape.
type signErrorAnswer struct {
	Code   string `json:"code"`
	Detail struct {
		Field           string `json:"field"`
		Issue           string `json:"issue"`
		Location        string `json:"location"`
		SignInformation *struct {
			Method               string `json:"method"`
			URL                  string `json:"url"`
			TruncatedSignMessage string `json:"truncated_sign_message"`
			SignMessageLength    int    `json:"sign_message_length"`
		} `json:"sign_information"`
	} `json:"detail"`
}

// signErrorOf sends a request that must be answered 401 SIGN_ERROR and
// decodes the answer.
func (rc *rawClient) signErrorOf(t *testing.T, method, uri string, body []byte, header http.Header) signErrorAnswer {
	t.Helper()
	status, data := rc.do(t, method, uri, body, header)
	require.Equal(t, http.StatusUnauthorized, status, string(data))
	var a signErrorAnswer
	require.NoError(t, json.Unmarshal(data, &a))
	require.Equal(t, "SIGN_ERROR", a.Code)
	require.Equal(t, "authorization", a.Detail.Location)
	return a
}

func TestSignErrorSignInformation(t *testing.T) {
	var log sdktest.Buffer
	srv := wechatpaytest.Start(t, wechatpaytest.WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
	rc := newRawClient(t, srv)
	path := "/v3/aggracct-bc/wb-channel/control-orders/punish"
	sent := []byte(`{"out_request_no":"N1","sub_mchid":"1900000109","reason":"a body longer than eight bytes"}`)
	signed := []byte(`{"out_request_no":"N2"}`)
	ts := time.Now().Unix()
	params := rc.authorization(t, http.MethodPost, path, signed, ts)
	h := http.Header{"Authorization": {wechatpay.AuthScheme + " " + strings.Join(params, ",")}, "Content-Type": {"application/json"}}
	a := rc.signErrorOf(t, http.MethodPost, path, sent, h)
	require.Equal(t, "signature", a.Detail.Field)
	require.Equal(t, "sign not match", a.Detail.Issue)
	si := a.Detail.SignInformation
	require.NotNil(t, si)
	head := "POST\n" + path + "\n" + strconv.FormatInt(ts, 10) + "\nNONCE0123456789\n"
	require.Equal(t, http.MethodPost, si.Method)
	require.Equal(t, path, si.URL)
	require.Equal(t, len(head)+len(sent)+1, si.SignMessageLength)
	require.Equal(t, head+string(sent[:8])+"\n", si.TruncatedSignMessage, "the body cut to 8 bytes, as WeChat Pay does")

	// A GET: the empty body line is whole.
	uri := "/v3/aggracct-bc/wb-channel/account/balance?sub_mchid=1900000109"
	params = rc.authorization(t, http.MethodGet, "/v3/aggracct-bc/wb-channel/account/balance?sub_mchid=1900000110", nil, ts)
	a = rc.signErrorOf(t, http.MethodGet, uri, nil, http.Header{"Authorization": {wechatpay.AuthScheme + " " + strings.Join(params, ",")}})
	want := "GET\n" + uri + "\n" + strconv.FormatInt(ts, 10) + "\nNONCE0123456789\n\n"
	require.Equal(t, want, a.Detail.SignInformation.TruncatedSignMessage)
	require.Equal(t, len(want), a.Detail.SignInformation.SignMessageLength)

	// The log says the same, without the Authorization or more of the body.
	out := log.String()
	require.Contains(t, out, `verdict="sign_error: signature does not verify"`)
	require.Contains(t, out, "sign_method=POST sign_url="+path+" sign_message_length="+strconv.Itoa(si.SignMessageLength))
	require.Contains(t, out, "truncated_sign_message=")
	require.NotContains(t, out, "signature=")
	require.NotContains(t, out, string(sent[:9]))
}

func TestSignErrorIssues(t *testing.T) {
	srv := wechatpaytest.Start(t)
	rc := newRawClient(t, srv)
	uri := "/v3/aggracct-bc/wb-channel/account/balance?sub_mchid=1900000109"
	now := time.Now().Unix()
	auth := func(ts int64, edit func(string) string) http.Header {
		v := edit(strings.Join(rc.authorization(t, http.MethodGet, uri, nil, ts), ","))
		return http.Header{"Authorization": {wechatpay.AuthScheme + " " + v}}
	}
	same := func(s string) string { return s }
	tests := []struct {
		name         string
		header       http.Header
		field, issue string
	}{
		{"unknown serial", auth(now, func(s string) string {
			return strings.Replace(s, srv.MerchantSerial(), "0102030405060708090A0B0C0D0E0F1011121314", 1)
		}), "serial_no", "serial_no is not the serial of the merchant API certificate"},
		{"wrong mchid", auth(now, func(s string) string {
			return strings.Replace(s, wechatpaytest.TestMchID, "1900000001", 1)
		}), "mchid", "mchid is not the merchant's"},
		{"stale timestamp", auth(now-3600, same), "timestamp", "stale timestamp"},
		{"malformed timestamp", auth(now, func(s string) string {
			return strings.Replace(s, strconv.FormatInt(now, 10), "soon", 1)
		}), "timestamp", "malformed timestamp"},
		{"malformed header", auth(now, func(s string) string { return s + `,extra="1"` }),
			"authorization", "authorization has an unknown parameter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := rc.signErrorOf(t, http.MethodGet, uri, nil, tt.header)
			require.Equal(t, tt.field, a.Detail.Field)
			require.Equal(t, tt.issue, a.Detail.Issue)
			require.Nil(t, a.Detail.SignInformation, "only a signature that does not verify carries it")
		})
	}
}
