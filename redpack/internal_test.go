package redpack

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
	"github.com/gowechatpay/wechatpay/internal/testvectors"
	"github.com/gowechatpay/wechatpay/internal/v2xml"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// fakeReplies is a WeChat Pay that answers every call with the reply set
// last, for the decoders to be tested through the calls that use them.
type fakeReplies struct {
	body atomic.Pointer[[]byte]
	svc  *Service
}

func newFakeReplies(t testing.TB) *fakeReplies {
	srv := wechatpaytest.NewServer()
	t.Cleanup(srv.Close)
	f := &fakeReplies{}
	fake := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write(*f.body.Load())
	}))
	t.Cleanup(fake.Close)
	c := srv.Client(wechatpay.WithBaseURL(fake.URL), wechatpay.WithHTTPClient(fake.Client()), wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 1}))
	t.Cleanup(c.Close)
	f.svc = New(c, WithWorkWxSecret("s"))
	return f
}

// reply sets the reply: fields, with hblist as inner XML, signed with the
// APIv2 key when signed. It reports false for fields that no v2 document
// can carry as they are (a fuzzer's key that is not an XML name).
func (f *fakeReplies) reply(fields map[string]string, signed bool) bool {
	for _, v := range fields {
		if strings.Contains(v, "\r") {
			return false // XML reads a CR as LF: the value would not come back as sent
		}
	}
	p := maps.Clone(fields)
	if signed {
		sign, err := wxcrypto.SignV2(p, wechatpaytest.TestAPIv2Key, wxcrypto.SignTypeMD5)
		if err != nil {
			return false
		}
		p["sign"] = sign
	}
	body, err := v2xml.EncodeNested(p, "hblist")
	if err != nil {
		return false
	}
	f.body.Store(&body)
	return true
}

// decodeWorkWx is what QueryWorkWx makes of a signed reply of fields.
func decodeWorkWx(t testing.TB, f *fakeReplies, fields map[string]string) (*WorkWxRedPacket, error) {
	if !f.reply(fields, true) {
		t.Skip("not a v2 document")
	}
	return f.svc.QueryWorkWx(t.Context(), &QueryWorkWxRequest{MchBillNo: "B"})
}

// vectorFields are the fields of the v2_queryworkwxredpack response vector
// name.
func vectorFields(t *testing.T, name string) map[string]string {
	t.Helper()
	for _, r := range testvectors.Load(t).V2.Responses {
		if r.Name == name {
			return r.Fields
		}
	}
	t.Fatalf("no response vector %q", name)
	return nil
}

func TestDecodeWorkWxVector(t *testing.T) {
	fields := vectorFields(t, "success_signed_md5")
	p, err := decodeWorkWx(t, newFakeReplies(t), fields)
	require.NoError(t, err)
	require.True(t, p.SendTime.Equal(time.Date(2025, 10, 9, 8, 0, 0, 0, time.UTC)))
	require.True(t, p.RcvTime.Equal(time.Date(2025, 10, 9, 8, 1, 30, 0, time.UTC)))
	_, off := p.SendTime.Zone()
	require.Equal(t, 8*3600, off)
	require.Equal(t, 200, p.Meta.StatusCode)
	p.Meta = wechatpay.Response{}
	require.Equal(t, &WorkWxRedPacket{
		MchBillNo:           "10000098201411111234567890",
		MchID:               "10000098",
		DetailID:            "1000041701202510090000000000001",
		Status:              StatusReceived,
		SendType:            SendTypeAPI,
		TotalAmount:         5000,
		SendTime:            time.Date(2025, 10, 9, 16, 0, 0, 0, beijing),
		Wishing:             "新年快乐",
		Remark:              "新年红包",
		ActName:             "新年红包",
		OpenID:              "ohO4GtzOAAYMp2yapORH3dQB3W18",
		Amount:              5000,
		RcvTime:             time.Date(2025, 10, 9, 16, 1, 30, 0, beijing),
		SenderName:          "XX活动",
		SenderHeaderMediaID: "1G6nrLmr5EC3MMb_-zK1dDdzmd0p7cNliYu9V5w7o8K0",
	}, p)
	require.Nil(t, p.Extra, "protocol fields are not extra")
	require.True(t, p.RefundTime.IsZero())
}

func TestDecodeWorkWxRefundAndExtra(t *testing.T) {
	fields := maps.Clone(vectorFields(t, "success_signed_md5"))
	fields["status"] = "RFUND_ING"
	fields["send_type"] = "NEW_CHANNEL"
	fields["refund_time"] = "2025-10-10 00:00:01"
	fields["refund_amount"] = "5000"
	fields["reason"] = "余额不足"
	fields["new_field"] = "v"
	p, err := decodeWorkWx(t, newFakeReplies(t), fields)
	require.NoError(t, err)
	require.Equal(t, StatusRefunding, p.Status)
	require.True(t, p.Status.Known())
	require.Equal(t, SendType("NEW_CHANNEL"), p.SendType)
	require.False(t, p.SendType.Known())
	require.True(t, p.RefundTime.Equal(time.Date(2025, 10, 9, 16, 0, 1, 0, time.UTC)))
	require.Equal(t, int64(5000), p.RefundAmount)
	require.Equal(t, "余额不足", p.Reason)
	require.Equal(t, map[string]string{"new_field": "v"}, p.Extra)
}

// TestDecodeWorkWxEmptyAndAbsent decodes with the answer's own decoder,
// before the check of the required fields.
func TestDecodeWorkWxEmptyAndAbsent(t *testing.T) {
	body, err := v2xml.Encode(map[string]string{"return_code": "SUCCESS", "result_code": "SUCCESS", "amount": "", "rcv_time": ""})
	require.NoError(t, err)
	p := &WorkWxRedPacket{}
	_, err = v2xml.Unmarshal(body, p)
	require.NoError(t, err)
	require.Zero(t, p.Amount)
	require.True(t, p.RcvTime.IsZero())
	require.Equal(t, Status(""), p.Status)
}

func TestDecodeWorkWxMalformed(t *testing.T) {
	f := newFakeReplies(t)
	for field, value := range map[string]string{
		"total_amount":  "50.00",
		"refund_amount": "x",
		"amount":        "99999999999999999999",
		"send_time":     "2025-10-09T16:00:00+08:00",
		"refund_time":   "2025-13-09 16:00:00",
		"rcv_time":      "2025-10-09",
	} {
		t.Run(field, func(t *testing.T) {
			fields := maps.Clone(vectorFields(t, "success_signed_md5"))
			fields[field] = value
			_, err := decodeWorkWx(t, f, fields)
			require.ErrorIs(t, err, wechatpay.ErrMalformedResponse)
			require.ErrorContains(t, err, field)
		})
	}
}

func TestEnums(t *testing.T) {
	for _, s := range []Status{StatusSending, StatusSent, StatusFailed, StatusReceived, StatusRefunding, StatusRefunded} {
		require.True(t, s.Known(), s)
	}
	require.Equal(t, Status("RFUND_ING"), StatusRefunding)
	require.False(t, Status("REFUND_ING").Known())
	require.False(t, Status("").Known())
	for _, s := range []SendType{SendTypeAPI, SendTypeUpload, SendTypeActivity} {
		require.True(t, s.Known(), s)
	}
	require.False(t, SendType("api").Known())
}

func TestNilClient(t *testing.T) {
	_, err := New(nil).QueryWorkWx(t.Context(), &QueryWorkWxRequest{})
	require.ErrorIs(t, err, wechatpay.ErrMissingField)
}

func TestRiskInfoEncoding(t *testing.T) {
	text, err := (&RiskInfo{Mobile: "1"}).MarshalText()
	require.NoError(t, err)
	require.Equal(t, "mobile%3D1", string(text))
	r := &RiskInfo{PostTime: time.Unix(1700000000, 0), Mobile: "86-138", DeviceID: "AA:BB", ClientVersion: "8.0"}
	if got, want := r.encode(), "clientversion%3D8.0%26deviceid%3DAA%253ABB%26mobile%3D86-138%26posttime%3D1700000000"; got != want {
		t.Fatalf("risk_info = %q, want %q", got, want)
	}
	if got := (&RiskInfo{}).encode(); got != "" {
		t.Fatalf("empty risk_info = %q", got)
	}
	if got := (*RiskInfo)(nil).encode(); got != "" {
		t.Fatalf("nil risk_info = %q", got)
	}
}

// TestValidateReportsEverything: an empty request reports every missing
// field at once, by its Go and wire names.
func TestValidateReportsEverything(t *testing.T) {
	err := (&SendRequest{}).Validate()
	for _, want := range []string{
		"MchBillNo (mch_billno): is required", "MchID (mch_id): is required", "WxAppID (wxappid): is required",
		"SendName (send_name): is required", "ReOpenID (re_openid): is required", "TotalAmount (total_amount): is required",
		"Wishing (wishing): is required", "ClientIP (client_ip): is required", "ActName (act_name): is required",
		"Remark (remark): is required",
	} {
		require.ErrorContains(t, err, want)
	}
	err = (&SendWorkWxRequest{TotalAmount: 50}).Validate()
	require.ErrorContains(t, err, "SceneID (scene_id): is required for an amount below 100")
	require.ErrorContains(t, err, "SenderName (sender_name): or agentid is required")
	require.ErrorContains(t, err, "ActName (act_name): is required")
	require.ErrorContains(t, (&QueryRequest{MchBillNo: "a-b"}).Validate(), "MchBillNo (mch_billno): must be ASCII letters and digits only")
	require.ErrorContains(t, (&QueryWorkWxRequest{}).Validate(), "AppID (appid): is required")
	require.NoError(t, (&QueryWorkWxRequest{MchBillNo: "B", MchID: "1", AppID: "wx1"}).Validate())
}
