package redpack_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/sdktest"
	"github.com/gowechatpay/wechatpay/redpack"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

const seedBillNo = "10000098201411111234567890"

var (
	cst       = time.FixedZone("CST", 8*3600)
	fastRetry = wechatpaytest.FastRetry()
)

func newServer(t *testing.T) *wechatpaytest.Server {
	t.Helper()
	return wechatpaytest.Start(t)
}

func requireV2Error(t *testing.T, err error, errCode string) *wechatpay.APIError {
	t.Helper()
	var apiErr *wechatpay.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, errCode, apiErr.ErrCode)
	require.Equal(t, errCode, apiErr.Code)
	require.Equal(t, "SUCCESS", apiErr.ReturnCode)
	require.Equal(t, "FAIL", apiErr.ResultCode)
	return apiErr
}

// requireV2Retries requires call, a read of api through the client it is
// given, to succeed after two SYSTEMERRORs (3 attempts), one FREQ_LIMIT (2)
// and one dropped connection (2), and to fail with a temporary SYSTEMERROR
// and FREQ_LIMIT after three of each, the retry budget.
func requireV2Retries(t *testing.T, srv *wechatpaytest.Server, api wechatpaytest.API, call func(t *testing.T, c *wechatpay.Client) (attempts int, err error)) {
	t.Helper()
	for _, f := range []struct {
		name     string
		kind     wechatpaytest.FaultKind
		count    int
		attempts int    // when the call succeeds
		code     string // when it fails
	}{
		{"SYSTEMERROR retried then succeeds", wechatpaytest.FaultSystemError, 2, 3, ""},
		{"SYSTEMERROR after the retry budget", wechatpaytest.FaultSystemError, 3, 0, "SYSTEMERROR"},
		{"FREQ_LIMIT retried with back-off", wechatpaytest.FaultRateLimited, 1, 2, ""},
		{"FREQ_LIMIT past the retry budget", wechatpaytest.FaultRateLimited, 3, 0, "FREQ_LIMIT"},
		{"dropped connection retried", wechatpaytest.FaultDropConnection, 1, 2, ""},
	} {
		t.Run(f.name, func(t *testing.T) {
			srv.InjectFault(wechatpaytest.Fault{API: api, Kind: f.kind, Count: f.count})
			attempts, err := call(t, srv.Client(fastRetry))
			if f.code != "" {
				require.True(t, requireV2Error(t, err, f.code).Temporary())
				return
			}
			require.NoError(t, err)
			require.Equal(t, f.attempts, attempts)
		})
	}
}

func TestQueryWorkWxSeed(t *testing.T) {
	srv := newServer(t)
	svc := redpack.New(srv.Client())
	for _, mchID := range []string{"", "10000098"} { // "" means the client's
		t.Run("mch_id="+mchID, func(t *testing.T) {
			got, err := svc.QueryWorkWx(t.Context(), &redpack.QueryWorkWxRequest{MchBillNo: seedBillNo, MchID: mchID})
			require.NoError(t, err)
			wantMchID := mchID
			if wantMchID == "" {
				wantMchID = srv.MchID()
			}
			require.Equal(t, seedBillNo, got.MchBillNo)
			require.Equal(t, wantMchID, got.MchID)
			require.Equal(t, "1000041701202510090000000000001", got.DetailID)
			require.Equal(t, redpack.StatusReceived, got.Status)
			require.Equal(t, redpack.SendTypeAPI, got.SendType)
			require.Equal(t, int64(5000), got.TotalAmount)
			require.Equal(t, time.Date(2025, 10, 9, 16, 0, 0, 0, cst).Unix(), got.SendTime.Unix())
			_, off := got.SendTime.Zone()
			require.Equal(t, 8*3600, off)
			require.Equal(t, "新年快乐", got.Wishing)
			require.Equal(t, "新年红包", got.Remark)
			require.Equal(t, "新年红包", got.ActName)
			require.Equal(t, "ohO4GtzOAAYMp2yapORH3dQB3W18", got.OpenID)
			require.Equal(t, int64(5000), got.Amount)
			require.True(t, got.RcvTime.Equal(time.Date(2025, 10, 9, 16, 1, 30, 0, cst)))
			require.Equal(t, "XX活动", got.SenderName)
			require.Equal(t, "1G6nrLmr5EC3MMb_-zK1dDdzmd0p7cNliYu9V5w7o8K0", got.SenderHeaderMediaID)
			require.True(t, got.RefundTime.IsZero())
			require.Zero(t, got.RefundAmount)
			require.Empty(t, got.Reason)
			require.Nil(t, got.Extra)
			require.Equal(t, 1, got.Meta.Attempts)
		})
	}
}

func TestQueryWorkWxEnums(t *testing.T) {
	srv := newServer(t)
	svc := redpack.New(srv.Client())
	sent := time.Date(2025, 10, 1, 9, 0, 0, 0, cst)
	tests := []struct {
		status, sendType string
		known            bool
		refund           bool
		reason           string
	}{
		{"SENDING", "API", true, false, ""},
		{"SENT", "UPLOAD", true, false, ""},
		{"FAILED", "ACTIVITY", true, false, "余额不足"},
		{"RECEIVED", "API", true, false, ""},
		{"RFUND_ING", "API", true, true, ""},
		{"REFUND", "API", true, true, ""},
		{"REFUND_ING", "API", false, false, ""},
		{"SENT", "SCHEDULED", false, false, ""},
	}
	for i, tt := range tests {
		t.Run(tt.status+"/"+tt.sendType, func(t *testing.T) {
			p := wechatpaytest.WorkWxRedPacket{
				MchBillNo: fmt.Sprintf("BILL%024d", i), MchID: srv.MchID(), AppID: srv.AppID(),
				DetailID: fmt.Sprintf("D%d", i), Status: tt.status, SendType: tt.sendType,
				TotalAmount: 100 + int64(i), Reason: tt.reason, SendTime: sent, Wishing: "w", ActName: "a",
			}
			if tt.refund {
				p.RefundTime = sent.Add(24 * time.Hour)
				p.RefundAmount = p.TotalAmount
			}
			srv.AddWorkWxRedPacket(p)
			got, err := svc.QueryWorkWx(t.Context(), &redpack.QueryWorkWxRequest{MchBillNo: p.MchBillNo})
			require.NoError(t, err)
			require.Equal(t, redpack.Status(tt.status), got.Status)
			require.Equal(t, redpack.SendType(tt.sendType), got.SendType)
			require.Equal(t, tt.known, got.Status.Known() && got.SendType.Known())
			require.Equal(t, p.TotalAmount, got.TotalAmount)
			require.Equal(t, tt.reason, got.Reason)
			require.True(t, got.SendTime.Equal(sent))
			require.True(t, got.RefundTime.Equal(p.RefundTime))
			require.Equal(t, p.RefundAmount, got.RefundAmount)
			require.True(t, got.RcvTime.IsZero())
			require.Zero(t, got.Amount)
			require.Empty(t, got.OpenID)
		})
	}
	require.Equal(t, redpack.Status("RFUND_ING"), redpack.StatusRefunding)
}

// plainTransport trusts the server's CA but is not an *http.Transport, so
// the client cannot add its certificate to it: the call goes without mTLS.
type plainTransport struct{ rt http.RoundTripper }

func (p plainTransport) RoundTrip(r *http.Request) (*http.Response, error) { return p.rt.RoundTrip(r) }

func TestQueryWorkWxErrors(t *testing.T) {
	srv := newServer(t)
	seed := redpack.QueryWorkWxRequest{MchBillNo: seedBillNo}
	query := func(t *testing.T, c *wechatpay.Client, req redpack.QueryWorkWxRequest) (*redpack.WorkWxRedPacket, error) {
		t.Helper()
		return redpack.New(c).QueryWorkWx(t.Context(), &req)
	}
	t.Run("NOT_FOUND unknown bill", func(t *testing.T) {
		before := srv.Requests()
		req := seed
		req.MchBillNo = "10000098201411111234567899"
		_, err := query(t, srv.Client(fastRetry), req)
		apiErr := requireV2Error(t, err, "NOT_FOUND")
		require.Equal(t, http.StatusOK, apiErr.StatusCode)
		require.False(t, apiErr.Temporary())
		require.Equal(t, 1, srv.Requests()-before, "NOT_FOUND is not retried")
	})
	t.Run("NOT_FOUND other appid", func(t *testing.T) {
		req := seed
		req.AppID = "wx8888888888888888"
		_, err := query(t, srv.Client(), req)
		requireV2Error(t, err, "NOT_FOUND")
	})
	requireV2Retries(t, srv, wechatpaytest.APIQueryWorkWxRedPacket, func(t *testing.T, c *wechatpay.Client) (int, error) {
		got, err := query(t, c, seed)
		if err != nil {
			return 0, err
		}
		return got.Meta.Attempts, nil
	})
	t.Run("sign error with a wrong APIv2 key", func(t *testing.T) {
		_, err := query(t, srv.Client(wechatpay.WithAPIv2Key(strings.Repeat("k", 32))), seed)
		var apiErr *wechatpay.APIError
		require.ErrorAs(t, err, &apiErr)
		require.Equal(t, "FAIL", apiErr.ReturnCode)
		require.Equal(t, "FAIL", apiErr.Code)
		require.NotEmpty(t, apiErr.Message)
	})
	t.Run("CA_ERROR without a client certificate", func(t *testing.T) {
		roots := x509.NewCertPool()
		roots.AddCert(srv.CACertificate())
		hc := &http.Client{Transport: plainTransport{&http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}}
		_, err := query(t, srv.Client(wechatpay.WithHTTPClient(hc)), seed)
		var apiErr *wechatpay.APIError
		require.ErrorAs(t, err, &apiErr)
		require.Equal(t, "FAIL", apiErr.ReturnCode)
		require.True(t, strings.HasPrefix(apiErr.Message, "CA_ERROR"), apiErr.Message)
	})
	for _, f := range []wechatpaytest.FaultKind{wechatpaytest.FaultTamperedBody, wechatpaytest.FaultProbeSignature} {
		t.Run(f.String(), func(t *testing.T) {
			srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIQueryWorkWxRedPacket, Kind: f, Count: 1})
			got, err := query(t, srv.Client(fastRetry), seed)
			require.Nil(t, got)
			require.ErrorIs(t, err, wechatpay.ErrV2Sign)
		})
	}
	t.Run("stale timestamp does not apply to v2", func(t *testing.T) {
		// v2 replies carry no timestamp; the emulator leaves them as they are.
		srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APIQueryWorkWxRedPacket, Kind: wechatpaytest.FaultStaleTimestamp, Count: 1})
		_, err := query(t, srv.Client(fastRetry), seed)
		require.NoError(t, err)
	})
}

// TestQueryWorkWxErrorCodes covers the documented err_codes the emulator
// does not produce, and a non-200 HTTP status, with a fake v2 server.
func TestQueryWorkWxErrorCodes(t *testing.T) {
	srv := newServer(t)
	for _, tt := range []struct {
		errCode string
		status  int
		hits    int64
	}{
		{"PARAM_ERROR", http.StatusOK, 1},
		{"SIGN_ERROR", http.StatusOK, 1},
		{"CA_ERROR", http.StatusOK, 1},
		{"NO_AUTH", http.StatusOK, 1},
		{"XML_ERROR", http.StatusOK, 1},
		{"", http.StatusInternalServerError, 3},
	} {
		t.Run(fmt.Sprint(tt.errCode, tt.status), func(t *testing.T) {
			var hits atomic.Int64
			fake := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				w.Header().Set("Content-Type", "text/xml")
				w.WriteHeader(tt.status)
				fmt.Fprintf(w, "<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[x]]></return_msg>"+
					"<result_code><![CDATA[FAIL]]></result_code><err_code><![CDATA[%s]]></err_code><err_code_des><![CDATA[描述]]></err_code_des></xml>", tt.errCode)
			}))
			t.Cleanup(fake.Close)
			c := srv.Client(wechatpay.WithBaseURL(fake.URL), wechatpay.WithHTTPClient(fake.Client()), fastRetry)
			_, err := redpack.New(c).QueryWorkWx(t.Context(), &redpack.QueryWorkWxRequest{MchBillNo: seedBillNo})
			var apiErr *wechatpay.APIError
			require.ErrorAs(t, err, &apiErr)
			require.Equal(t, tt.status, apiErr.StatusCode)
			if tt.errCode != "" {
				require.Equal(t, tt.errCode, apiErr.ErrCode)
				require.Equal(t, "描述", apiErr.ErrCodeDes)
			}
			require.Equal(t, tt.hits, hits.Load())
		})
	}
}

func TestQueryWorkWxValidationBeforeIO(t *testing.T) {
	requireQueryRefusals(t, func(s *redpack.Service) func(context.Context, *redpack.QueryWorkWxRequest) (*redpack.WorkWxRedPacket, error) {
		return s.QueryWorkWx
	}, func(billNo, mchID, appID string) *redpack.QueryWorkWxRequest {
		return &redpack.QueryWorkWxRequest{MchBillNo: billNo, MchID: mchID, AppID: appID}
	})
}

// requireQueryRefusals checks the refusals, before any I/O, that both
// queries make of a request built by mk from mch_billno, mch_id and appid:
// query gives the query method of a service.
func requireQueryRefusals[R, T any](t *testing.T, query func(*redpack.Service) func(context.Context, *R) (T, error),
	mk func(billNo, mchID, appID string) *R,
) {
	t.Helper()
	srv := newServer(t)
	wechatpaytest.RequireRefused(t, srv, query(redpack.New(srv.Client())), map[string]*R{
		"request":         nil,
		"mch_billno":      mk("", "", ""),
		"mch_billno#long": mk(strings.Repeat("1", 29), "", ""),
		"mch_billno#cjk":  mk("单号", "", ""),
		"mch_id":          mk("1", strings.Repeat("1", 33), ""),
		"appid":           mk("1", "", "wx 1"),
	})
	noAppID := redpack.New(srv.Client(wechatpay.WithAppID("")))
	wechatpaytest.RequireRefused(t, srv, query(noAppID), map[string]*R{"appid#none": mk("1", "", "")})
}

func TestQueryWorkWxLimiter(t *testing.T) {
	srv := newServer(t)
	var waits sdktest.CountingLimiter
	svc := redpack.New(srv.Client(), redpack.WithLimiter(&waits))
	for i := range 3 {
		_, err := svc.QueryWorkWx(t.Context(), &redpack.QueryWorkWxRequest{MchBillNo: seedBillNo})
		require.NoError(t, err)
		require.Equal(t, int64(i+1), waits.Waits(), "each call waits on the limiter once")
	}

	l := rate.NewLimiter(rate.Every(time.Hour), 1)
	require.True(t, l.Allow())
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
	defer cancel()
	before := srv.Requests()
	_, err := redpack.New(srv.Client(), redpack.WithLimiter(l)).QueryWorkWx(ctx, &redpack.QueryWorkWxRequest{MchBillNo: seedBillNo})
	require.ErrorContains(t, err, "rate limiter")
	require.Equal(t, before, srv.Requests())
}

// TestQueryWorkWxRequiredFields: a signed SUCCESS reply without a field
// every successful reply carries is ErrMalformedResponse naming it.
func TestQueryWorkWxRequiredFields(t *testing.T) {
	srv := newServer(t)
	svc := redpack.New(srv.Client())
	sent := time.Date(2025, 10, 1, 9, 0, 0, 0, cst)
	full := wechatpaytest.WorkWxRedPacket{
		MchID: srv.MchID(), AppID: srv.AppID(), DetailID: "D1", Status: "SENT", SendType: "API", TotalAmount: 100, SendTime: sent,
	}
	for i, tt := range []struct {
		field string
		strip func(*wechatpaytest.WorkWxRedPacket)
	}{
		{"detail_id", func(p *wechatpaytest.WorkWxRedPacket) { p.DetailID = "" }},
		{"status", func(p *wechatpaytest.WorkWxRedPacket) { p.Status = "" }},
		{"send_type", func(p *wechatpaytest.WorkWxRedPacket) { p.SendType = "" }},
		{"send_time", func(p *wechatpaytest.WorkWxRedPacket) { p.SendTime = time.Time{} }},
	} {
		p := full
		p.MchBillNo = fmt.Sprintf("REQ%025d", i)
		tt.strip(&p)
		srv.AddWorkWxRedPacket(p)
		got, err := svc.QueryWorkWx(t.Context(), &redpack.QueryWorkWxRequest{MchBillNo: p.MchBillNo})
		require.Nil(t, got, tt.field)
		require.ErrorIs(t, err, wechatpay.ErrMalformedResponse, tt.field)
		require.ErrorContains(t, err, "the reply has no "+tt.field)
	}
	full.MchBillNo = "REQ-FULL"
	srv.AddWorkWxRedPacket(full)
	got, err := svc.QueryWorkWx(t.Context(), &redpack.QueryWorkWxRequest{MchBillNo: full.MchBillNo})
	require.NoError(t, err)
	require.Equal(t, redpack.Status("SENT"), got.Status)
}
