package aggracct

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
	"github.com/gowechatpay/wechatpay/internal/sdktest"
	"github.com/gowechatpay/wechatpay/internal/testvectors"
	"github.com/gowechatpay/wechatpay/internal/wire"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func loadCiphertexts(t *testing.T) map[string]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "oaep_ciphertexts.json"))
	require.NoError(t, err)
	var m map[string]string
	require.NoError(t, json.Unmarshal(data, &m))
	return m
}

// vectorClient builds a client with the committed test keys, its clock at
// now, sending through rt.
func vectorClient(t *testing.T, v *testvectors.Vectors, now time.Time, opts ...wechatpay.Option) *wechatpay.Client {
	t.Helper()
	key, err := wxcrypto.LoadPrivateKeyFile(filepath.Join("..", "testdata", "merchant_test_key.pem"))
	require.NoError(t, err)
	pub, err := wxcrypto.LoadPublicKeyFile(filepath.Join("..", "testdata", "wechatpay_pubkey_test.pem"))
	require.NoError(t, err)
	all := append([]wechatpay.Option{
		wechatpay.WithMerchant(v.Identities.Merchant.MchID, v.Identities.Merchant.Serial, key),
		wechatpay.WithPublicKey(v.Identities.PublicKey.ID, pub),
		wechatpay.WithClock(func() time.Time { return now }),
	}, opts...)
	c, err := wechatpay.NewClient(all...)
	require.NoError(t, err)
	return c
}

// countingTransport fails every request and counts them: a client built on
// it proves that validation happens before any I/O.
type countingTransport struct{ n atomic.Int64 }

func (c *countingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	c.n.Add(1)
	return nil, errors.New("no I/O expected")
}

// sentBody returns the body that send made a service send through a
// transport that answers nothing, with the ciphertext of each encrypted
// field (bal_account_no, card_no) replaced by cipher[plaintext], once it is
// shown to decrypt to that plaintext with the WeChat Pay test key.
func sentBody(t *testing.T, cipher map[string]string, send func(*Service) error) string {
	t.Helper()
	var body []byte
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		body, _ = io.ReadAll(r.Body)
		return nil, errors.New("no answer")
	})
	c := vectorClient(t, testvectors.Load(t), time.Now(), wechatpay.WithTransport(rt), wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 1}))
	require.Error(t, send(New(c)))
	key, err := wxcrypto.LoadPrivateKeyFile(filepath.Join("..", "testdata", "wechatpay_pubkey_test_key.pem"))
	require.NoError(t, err)
	var fields map[string]any
	require.NoError(t, json.Unmarshal(body, &fields))
	out := string(body)
	for _, name := range []string{"bal_account_no", "card_no"} {
		if ct, ok := fields[name].(string); ok {
			plain, err := wxcrypto.DecryptOAEP(key, ct)
			require.NoError(t, err, name)
			require.Contains(t, cipher, string(plain), name)
			out = strings.Replace(out, ct, cipher[string(plain)], 1)
		}
	}
	return out
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestPunishBodyMatchesVector(t *testing.T) {
	v := testvectors.Load(t)
	ct := loadCiphertexts(t)
	var want string
	for _, s := range v.Signing {
		if s.Name == "post_punish_encrypted_body" {
			want = s.Body
		}
	}
	require.NotEmpty(t, want)
	const ledger = "8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f"
	req := &PunishRequest{
		OutRequestNo:  "WBPUNISH20251009000001",
		MchID:         "1900016681",
		BalAccountNo:  ledger,
		PunishScene:   1,
		PunishReason:  "测试用管控原因",
		PunishEndTime: time.Date(2025, 12, 31, 23, 59, 59, 0, time.FixedZone("CST", 8*3600)),
	}
	require.NoError(t, req.Validate())
	got := sentBody(t, map[string]string{ledger: ct["bal_account_no_for_wechatpay_pubkey"]}, func(s *Service) error {
		_, err := s.Punish(t.Context(), req)
		return err
	})
	require.Equal(t, want, got)
}

func TestPunishBodyOmitsOptionalFields(t *testing.T) {
	got := sentBody(t, map[string]string{"x": "C<>&"}, func(s *Service) error {
		_, err := s.Punish(t.Context(), &PunishRequest{OutRequestNo: "A", MchID: "1", BalAccountNo: "x", PunishScene: 7})
		return err
	})
	require.Equal(t, `{"out_request_no":"A","mchid":"1","bal_account_no":"C<>&","punish_scene":7}`, got)
	got = sentBody(t, map[string]string{"x": "C"}, func(s *Service) error {
		_, err := s.Punish(t.Context(), &PunishRequest{OutRequestNo: "A", MchID: "1", BalAccountNo: "x", PunishScene: 7, PunishReason: "<>&"})
		return err
	})
	require.Equal(t, `{"out_request_no":"A","mchid":"1","bal_account_no":"C","punish_scene":7,"punish_reason":"<>&"}`, got, "no HTML escaping")
}

func TestValidatePunish(t *testing.T) {
	ok := PunishRequest{OutRequestNo: "WB1", MchID: "1900016681", BalAccountNo: "8609", PunishScene: 1}
	tests := []wechatpaytest.Invalid[PunishRequest]{
		{Name: "out_request_no empty", Mutate: func(r *PunishRequest) { r.OutRequestNo = "" }, Field: "out_request_no", Missing: true},
		{Name: "out_request_no 65", Mutate: func(r *PunishRequest) { r.OutRequestNo = strings.Repeat("a", 65) }, Field: "out_request_no"},
		{Name: "out_request_no space", Mutate: func(r *PunishRequest) { r.OutRequestNo = "a b" }, Field: "out_request_no"},
		{Name: "out_request_no non-ASCII", Mutate: func(r *PunishRequest) { r.OutRequestNo = "单号" }, Field: "out_request_no"},
		{Name: "mchid empty", Mutate: func(r *PunishRequest) { r.MchID = "" }, Field: "mchid", Missing: true},
		{Name: "mchid control char", Mutate: func(r *PunishRequest) { r.MchID = "19\n" }, Field: "mchid"},
		{Name: "bal_account_no empty", Mutate: func(r *PunishRequest) { r.BalAccountNo = "" }, Field: "bal_account_no", Missing: true},
		{Name: "punish_scene zero", Mutate: func(r *PunishRequest) { r.PunishScene = 0 }, Field: "punish_scene", Missing: true},
		{Name: "punish_scene negative", Mutate: func(r *PunishRequest) { r.PunishScene = -1 }, Field: "punish_scene"},
		{Name: "punish_reason bad UTF-8", Mutate: func(r *PunishRequest) { r.PunishReason = "\xff" }, Field: "punish_reason"},
		{Name: "punish_end_time year 10000", Mutate: func(r *PunishRequest) { r.PunishEndTime = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, Field: "punish_end_time"},
	}
	require.NoError(t, ok.Validate())
	long := ok
	long.OutRequestNo = strings.Repeat("a", 64)
	require.NoError(t, long.Validate())
	wechatpaytest.RequireInvalid(t, ok, tests)
}

func TestEnums(t *testing.T) {
	sdktest.RequireKnown(t, []ReductionType{ReductionTypeUnknown, ReductionTypeFinancialPenalty, ReductionTypeJudicialDeduction}, "", "ADMINISTRATIVE")
	sdktest.RequireKnown(t, []State{StateUnknown, StateProcessing, StateSuccess, StateFailed}, "CLOSED")
	sdktest.RequireKnown(t, []FailReason{FailReasonUnknown, FailReasonBalanceNotEnough, FailReasonReceiptNotExist, FailReasonReceiptNotExistClosed, FailReasonTimeOutClosed}, "", "NEW_REASON")
	require.Equal(t, FailReasonReceiptNotExist, FailReasonReceiptNotExistClosed.Canonical())
	require.Equal(t, FailReasonReceiptNotExist, FailReasonReceiptNotExist.Canonical())
	require.Equal(t, FailReasonBalanceNotEnough, FailReasonBalanceNotEnough.Canonical())
	require.Equal(t, FailReason("NEW_REASON"), FailReason("NEW_REASON").Canonical())
}

func TestWireDecodesUnknownValues(t *testing.T) {
	var w SpecialReduction
	require.NoError(t, json.Unmarshal([]byte(`{"reduction_type":"NEW_TYPE","state":"NEW_STATE","fail_reason":"RECEIPT_NOT_EXIST_CLOSED","extra":1}`), &w))
	require.Equal(t, ReductionType("NEW_TYPE"), w.ReductionType)
	require.False(t, w.ReductionType.Known())
	require.Equal(t, State("NEW_STATE"), w.State)
	require.True(t, w.FailReason.Known())
	require.Equal(t, FailReasonReceiptNotExist, w.FailReason.Canonical())
}

func TestParseTime(t *testing.T) {
	var got SpecialReduction
	require.NoError(t, json.Unmarshal([]byte(`{"success_time":"2015-05-20T13:29:35.120+08:00","fail_time":"2015-05-20T13:29:35+08:00"}`), &got))
	require.True(t, got.SuccessTime.Equal(time.Date(2015, 5, 20, 5, 29, 35, 120e6, time.UTC)))
	_, off := got.FailTime.Zone()
	require.Equal(t, 8*3600, off)
	got = SpecialReduction{}
	require.NoError(t, json.Unmarshal([]byte(`{"fail_time":"","success_time":null}`), &got))
	require.True(t, got.FailTime.IsZero())
	require.True(t, got.SuccessTime.IsZero())
	err := wire.Unmarshal([]byte(`{"fail_time":"2015-05-20 13:29:35"}`), &got)
	require.ErrorContains(t, err, `"fail_time"`)
	require.NotContains(t, err.Error(), "13:29:35")
}

// TestQuerySpecialReductionSignedVector serves the committed signed answer
// (ok_public_key) over TLS and checks the full path: encrypted query,
// verified response, decrypted bal_account_no.
func TestQuerySpecialReductionSignedVector(t *testing.T) {
	v := testvectors.Load(t)
	var vc = v.Verification.Cases[0]
	for _, c := range v.Verification.Cases {
		if c.Name == "ok_public_key" {
			vc = c
		}
	}
	require.Equal(t, "ok_public_key", vc.Name)
	var got *http.Request
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		for k, val := range vc.Headers {
			w.Header().Set(k, val)
		}
		w.WriteHeader(vc.Status)
		_, _ = w.Write([]byte(vc.Body))
	}))
	t.Cleanup(srv.Close)
	c := vectorClient(t, v, time.Unix(v.Verification.Now, 0), wechatpay.WithBaseURL(srv.URL), wechatpay.WithHTTPClient(srv.Client()))
	res, err := New(c).QuerySpecialReduction(t.Context(), &QuerySpecialReductionRequest{
		OutRequestNo: "htozr8denqegbt6tk6u10iymo7yww5pn",
		BalAccountNo: "8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f",
	})
	require.NoError(t, err)
	require.Equal(t, "/v3/aggracct-bc/wb-channel/special-reduction/htozr8denqegbt6tk6u10iymo7yww5pn", got.URL.Path)
	require.Equal(t, "1900016681", got.URL.Query().Get("mchid"), "mchid defaults to the client's")
	require.NotEqual(t, "8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f", got.URL.Query().Get("bal_account_no"))
	require.Equal(t, v.Identities.PublicKey.ID, got.Header.Get(wechatpay.HeaderSerial))
	require.Equal(t, "8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f", res.BalAccountNo)
	require.Equal(t, "1900016681", res.MchID)
	require.Equal(t, ReductionTypeJudicialDeduction, res.ReductionType)
	require.Equal(t, int64(1), res.Amount)
	require.Equal(t, StateSuccess, res.State)
	require.Equal(t, "司法案件号:202508080009", res.Reason)
	require.Equal(t, "m6a6dx8iit7m932dx03ue2lw2ofo2r88", res.QuotaChangeNo)
	require.True(t, res.SuccessTime.Equal(time.Date(2025, 10, 9, 8, 53, 20, 0, time.UTC)))
	require.True(t, res.FailTime.IsZero())
	require.Equal(t, FailReason(""), res.FailReason)
	require.Equal(t, "08F5B8C2B506102C18FDDFEEA30620BE821E28EDC405-0", res.Meta.RequestID)
}

func TestValidationBeforeIO(t *testing.T) {
	v := testvectors.Load(t)
	rt := &countingTransport{}
	svc := New(vectorClient(t, v, time.Now(), wechatpay.WithTransport(rt)))
	ctx := t.Context()
	okQuery := QuerySpecialReductionRequest{OutRequestNo: "R1", BalAccountNo: "8609"}
	queries := []struct {
		name  string
		req   *QuerySpecialReductionRequest
		field string
	}{
		{"nil", nil, "request"},
		{"out_request_no empty", &QuerySpecialReductionRequest{BalAccountNo: "8609"}, "out_request_no"},
		{"out_request_no 33", &QuerySpecialReductionRequest{OutRequestNo: strings.Repeat("x", 33), BalAccountNo: "8609"}, "out_request_no"},
		{"mchid 33", &QuerySpecialReductionRequest{OutRequestNo: "R1", MchID: strings.Repeat("1", 33), BalAccountNo: "8609"}, "mchid"},
		{"bal_account_no empty", &QuerySpecialReductionRequest{OutRequestNo: "R1"}, "bal_account_no"},
		{"bal_account_no too long to encrypt", &QuerySpecialReductionRequest{OutRequestNo: "R1", BalAccountNo: strings.Repeat("a", 215)}, "bal_account_no"},
	}
	for _, tt := range queries {
		t.Run("query/"+tt.name, func(t *testing.T) {
			_, err := svc.QuerySpecialReduction(ctx, tt.req)
			var fe *wechatpay.FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, tt.field, fe.Field)
		})
	}
	_, err := svc.Punish(ctx, &PunishRequest{OutRequestNo: "WB1", MchID: "1", BalAccountNo: "8609"})
	var fe *wechatpay.FieldError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "punish_scene", fe.Field)
	_, err = svc.Punish(ctx, nil)
	require.ErrorAs(t, err, &fe)
	require.Equal(t, int64(0), rt.n.Load(), "validation must not reach the network")

	// A valid request does reach the transport, which proves the counter works.
	_, err = svc.QuerySpecialReduction(ctx, &okQuery)
	require.Error(t, err)
	require.Positive(t, rt.n.Load())
}

func TestNilClient(t *testing.T) {
	_, err := New(nil).QuerySpecialReduction(t.Context(), &QuerySpecialReductionRequest{})
	require.ErrorIs(t, err, wechatpay.ErrMissingField)
	_, err = New(nil).Punish(t.Context(), &PunishRequest{})
	require.ErrorIs(t, err, wechatpay.ErrMissingField)
}

func TestNilClientNeighbours(t *testing.T) {
	var nilSvc *Service
	for _, s := range []*Service{New(nil), nilSvc} {
		for name, call := range map[string]func() error{
			"CreateSpecialReduction":    sdktest.Call(t, s.CreateSpecialReduction, &CreateSpecialReductionRequest{}),
			"QueryBalance":              sdktest.Call(t, s.QueryBalance, &QueryBalanceRequest{}),
			"Recover":                   sdktest.Call(t, s.Recover, &RecoverRequest{}),
			"QueryControlOrder":         sdktest.Call(t, s.QueryControlOrder, &QueryControlOrderRequest{}),
			"SyncInfoUpdateAuditResult": sdktest.Call(t, s.SyncInfoUpdateAuditResult, &SyncInfoUpdateAuditResultRequest{}),
			"QueryMerchantArchives":     sdktest.Call(t, s.QueryMerchantArchives, &QueryMerchantArchivesRequest{}),
			"QueryMerchantMedia":        sdktest.Call(t, s.QueryMerchantMedia, &QueryMerchantMediaRequest{}),
			"ApplyRename":               sdktest.Call(t, s.ApplyRename, &ApplyRenameRequest{}),
			"QueryRename":               sdktest.Call(t, s.QueryRename, &QueryRenameRequest{}),
		} {
			var fe *wechatpay.FieldError
			require.ErrorAs(t, call(), &fe, name)
			require.Equal(t, "client", fe.Field, name)
		}
	}
}

func TestNeighbourEnums(t *testing.T) {
	sdktest.RequireKnown(t, []ReqScene{ReqSceneSJTConvenientSettlementServiceMerchant, ReqSceneSJTMicroMerchant, ReqSceneWxShopConvenientSettlementServiceMerchant}, "OTHER")
	sdktest.RequireKnown(t, []FundRepatriationStrategy{FundRepatriationAllForbidden, FundRepatriationAllAllowedWhenUnique}, "SOME")
	sdktest.RequireKnown(t, []ControlType{ControlTypePunish, ControlTypeRecover}, "")
	sdktest.RequireKnown(t, []ControlState{ControlStateExecuting, ControlStateSuccess, ControlStateFailed}, "PAUSED")
	sdktest.RequireKnown(t, []EffectState{EffectStateActive, EffectStateRecovered}, "")
	sdktest.RequireKnown(t, []ControlAction{ControlActionDisableReceive, ControlActionDisableWithdrawal, ControlActionDisablePay, ControlActionDisableRefund, ControlActionDisableCloseMerchant}, "DISABLE_ALL")
	sdktest.RequireKnown(t, []AuditResult{AuditResultPass, AuditResultReject}, "MAYBE")
	sdktest.RequireKnown(t, []AuditScene{AuditScene01, AuditScene02, AuditScene03}, "04")
}

// TestNeighbourBodies: the request bodies are compact JSON in the
// documented order, raw UTF-8, optional fields left out, and the audit
// time in RFC 3339.
func TestNeighbourBodies(t *testing.T) {
	send := func(cipher map[string]string, call func(s *Service) error) string {
		return sentBody(t, cipher, call)
	}
	b := send(map[string]string{"b": "C<>"}, func(s *Service) error {
		_, err := s.CreateSpecialReduction(t.Context(), &CreateSpecialReductionRequest{MchID: "1", BalAccountNo: "b", OutRequestNo: "R1", ReductionType: ReductionTypeFinancialPenalty, Amount: 5, Reason: "罚"})
		return err
	})
	require.Equal(t, `{"mchid":"1","bal_account_no":"C<>","out_request_no":"R1","reduction_type":"FINANCIAL_PENALTY","amount":5,"reason":"罚"}`, b)
	b = send(map[string]string{"b": "C"}, func(s *Service) error {
		_, err := s.Recover(t.Context(), &RecoverRequest{OutRequestNo: "R", RelatedWebankPunishNo: "P", RelatedWxpayPunishNo: "W", MchID: "1", BalAccountNo: "b", RecoverReason: "ok", ReqScene: ReqSceneSJTMicroMerchant})
		return err
	})
	require.Equal(t, `{"out_request_no":"R","related_webank_punish_no":"P","related_wxpay_punish_no":"W","mchid":"1","bal_account_no":"C","recover_reason":"ok","req_scene":"SJT_MICRO_MERCHANT"}`, b)
	b = send(nil, func(s *Service) error {
		_, err := s.SyncInfoUpdateAuditResult(t.Context(), &SyncInfoUpdateAuditResultRequest{OutRequestNo: "A", MchID: "1", AuditResult: AuditResultPass})
		return err
	})
	require.Equal(t, `{"out_request_no":"A","mchid":"1","audit_result":"PASS"}`, b)
	b = send(map[string]string{"x": "C"}, func(s *Service) error {
		_, err := s.Punish(t.Context(), &PunishRequest{OutRequestNo: "A", MchID: "1", BalAccountNo: "x", PunishScene: 7, SgnNo: "S", FundRepatriationStrategy: FundRepatriationAllForbidden})
		return err
	})
	require.Equal(t, `{"out_request_no":"A","mchid":"1","bal_account_no":"C","punish_scene":7,"sgn_no":"S","fund_repatriation_strategy":"ALL_FORBIDDEN"}`, b)
}
