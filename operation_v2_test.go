package wechatpay_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
	"github.com/gowechatpay/wechatpay/internal/v2xml"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// v2ApplyRequest is a request of a v2 endpoint the SDK has no type for,
// declared the way redpack declares its own.
type v2ApplyRequest struct {
	MchID  string `xml:"mch_id" wx:"required,id,max=32,default=mchid"`
	AppID  string `xml:"appid" wx:"required,id,max=32,default=appid"`
	BillNo string `xml:"bill_no" wx:"required,alnum,max=8"`
	Amount int64  `xml:"amount" wx:"required,min=1"`
	Note   string `xml:"note" wx:"max=4"`
	Local  string `xml:"-"` // not a parameter
}

type v2ApplyItem struct {
	ID string `xml:"id"`
	N  int64  `xml:"n"`
}

type v2ApplyAnswer struct {
	BillNo string             `xml:"bill_no" wire:"required"`
	Amount int64              `xml:"amount"`
	Items  []v2ApplyItem      `xml:"list>item"`
	Extra  map[string]string  `xml:"-"`
	Meta   wechatpay.Response `xml:"-"`
}

var v2ApplyOp = wechatpay.V2Operation[v2ApplyRequest, v2ApplyAnswer]{
	Name: "example.Apply", Path: "/example/apply", Secure: true, SignType: wxcrypto.SignTypeHMACSHA256,
	Repeat: wechatpay.RepeatReentrant, Params: map[string]string{"kind": "A"},
}

func TestV2OperationSendsTheDeclaredRequest(t *testing.T) {
	srv := wechatpaytest.Start(t)
	var got map[string]string
	srv.HandleV2("/example/apply", wechatpaytest.V2Route{Secure: true, SignTypes: []wxcrypto.SignType{wxcrypto.SignTypeHMACSHA256}, Nested: []string{"list"}},
		func(r *wechatpaytest.V2Request) map[string]string {
			got = r.Params
			return map[string]string{
				"return_code": "SUCCESS", "result_code": "SUCCESS", "bill_no": r.Params["bill_no"], "amount": r.Params["amount"],
				"list": "<item><id>a</id><n>1</n></item><item><id><![CDATA[b]]></id><n> 2 </n></item>", "new_field": "v",
			}
		})
	c := srv.Client()
	t.Cleanup(c.Close)

	req := &v2ApplyRequest{BillNo: "B1", Amount: 5, Local: "x"}
	ans, err := v2ApplyOp.Do(t.Context(), c, req)
	require.NoError(t, err)
	require.Equal(t, "B1", ans.BillNo)
	require.Equal(t, int64(5), ans.Amount)
	require.Equal(t, []v2ApplyItem{{"a", 1}, {"b", 2}}, ans.Items, "the nested list decodes straight into the answer")
	require.Equal(t, map[string]string{"new_field": "v"}, ans.Extra)
	require.Equal(t, 200, ans.Meta.StatusCode)
	require.Equal(t, 1, ans.Meta.Attempts)
	require.Equal(t, &v2ApplyRequest{BillNo: "B1", Amount: 5, Local: "x"}, req, "the caller's request is not modified")

	require.NotEmpty(t, got["nonce_str"])
	require.Equal(t, map[string]string{
		"mch_id": c.MchID(), "appid": c.AppID(), "bill_no": "B1", "amount": "5", "kind": "A",
		"sign_type": "HMAC-SHA256", "nonce_str": got["nonce_str"], "sign": got["sign"],
	}, got, "the non-empty tagged fields, the fixed parameters, nonce_str, sign_type and sign; nothing else")
}

func TestV2OperationValidatesBeforeIO(t *testing.T) {
	srv := wechatpaytest.Start(t)
	c := srv.Client(wechatpay.WithAppID(""))
	t.Cleanup(c.Close)
	before := srv.Requests()

	_, err := v2ApplyOp.Do(t.Context(), c, &v2ApplyRequest{BillNo: "b-1", Note: "12345"})
	require.ErrorIs(t, err, wechatpay.ErrInvalidInput)
	for _, want := range []string{
		"AppID (appid): is required", "BillNo (bill_no): must be ASCII letters and digits only",
		"Amount (amount): is required", "Note (note): is 5 characters, at most 4 allowed",
	} {
		require.ErrorContains(t, err, want)
	}
	require.NotContains(t, err.Error(), "mch_id", "the merchant number defaults to the client's")

	_, err = v2ApplyOp.Do(t.Context(), nil, &v2ApplyRequest{})
	require.ErrorContains(t, err, "example.New was given a nil *wechatpay.Client")
	_, err = v2ApplyOp.Do(t.Context(), c, nil)
	require.ErrorIs(t, err, wechatpay.ErrMissingField)

	op := v2ApplyOp
	op.Complete = func(map[string]string) error { return errors.New("refused") }
	_, err = op.Do(t.Context(), srv.Client(), &v2ApplyRequest{BillNo: "B", Amount: 1})
	require.EqualError(t, err, "refused")
	require.Equal(t, before, srv.Requests())
}

// fakeV2 is a server that answers each attempt with the next of replies
// (the last one repeated) and keeps the bodies it was sent.
type fakeV2 struct {
	mu     sync.Mutex
	bodies [][]byte
}

func newFakeV2(t *testing.T, replies ...string) (*fakeV2, *wechatpay.Client) {
	srv := wechatpaytest.Start(t)
	f := &fakeV2{}
	fake := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.bodies = append(f.bodies, body)
		reply := replies[min(len(f.bodies), len(replies))-1]
		f.mu.Unlock()
		if reply == "500" {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		fmt.Fprint(w, reply)
	}))
	t.Cleanup(fake.Close)
	c := srv.Client(wechatpay.WithBaseURL(fake.URL), wechatpay.WithHTTPClient(fake.Client()), wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 3}))
	t.Cleanup(c.Close)
	return f, c
}

// nonces are the nonce_str of the bodies sent.
func (f *fakeV2) nonces(t *testing.T) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, b := range f.bodies {
		p, err := v2xml.Decode(b)
		require.NoError(t, err)
		out = append(out, p["nonce_str"])
	}
	return out
}

// TestV2OperationSignsEachAttempt: each attempt is a body signed afresh
// (a new nonce_str), unless Complete fixed the nonce for a sign of its own.
func TestV2OperationSignsEachAttempt(t *testing.T) {
	const ok = "<xml><return_code>SUCCESS</return_code><result_code>SUCCESS</result_code><bill_no>B</bill_no></xml>"
	op := v2ApplyOp
	op.SignType, op.UnsignedReply = "", true
	f, c := newFakeV2(t, "500", ok)
	_, err := op.Do(t.Context(), c, &v2ApplyRequest{BillNo: "B", Amount: 1})
	require.NoError(t, err)
	n := f.nonces(t)
	require.Len(t, n, 2)
	require.NotEqual(t, n[0], n[1])

	op.Complete = func(p map[string]string) error {
		p["nonce_str"], p["extra_sign"] = "fixed", "X"
		return nil
	}
	f, c = newFakeV2(t, "500", ok)
	_, err = op.Do(t.Context(), c, &v2ApplyRequest{BillNo: "B", Amount: 1})
	require.NoError(t, err)
	require.Equal(t, []string{"fixed", "fixed"}, f.nonces(t))
}

// TestV2ReturnCodeStrict: a reply whose return_code is missing or neither
// SUCCESS nor FAIL is ErrMalformedResponse, never an *APIError (which a
// caller reads as a rejection), for DoV2 and V2Operation alike.
func TestV2ReturnCodeStrict(t *testing.T) {
	cdata := func(k, v string) string { return "<" + k + "><![CDATA[" + v + "]]></" + k + ">" }
	for name, tt := range map[string]struct {
		body      string
		rejection bool
	}{
		"missing":       {"<xml>" + cdata("return_msg", "x") + "</xml>", false},
		"empty":         {"<xml>" + cdata("return_code", "") + "</xml>", false},
		"padded":        {"<xml>" + cdata("return_code", " FAIL") + "</xml>", false},
		"padded plain":  {"<xml><return_code>FAIL </return_code></xml>", false},
		"lower case":    {"<xml>" + cdata("return_code", "fail") + "</xml>", false},
		"lower success": {"<xml>" + cdata("return_code", "success") + cdata("result_code", "SUCCESS") + "</xml>", false},
		"other":         {"<xml>" + cdata("return_code", "OK") + "</xml>", false},
		"twice":         {"<xml>" + cdata("return_code", "FAIL") + cdata("return_code", "FAIL") + "</xml>", false},
		"entity":        {"<!DOCTYPE xml [<!ENTITY f \"FAIL\">]><xml><return_code>&f;</return_code></xml>", false},
		"FAIL":          {"<xml>" + cdata("return_code", "FAIL") + cdata("return_msg", "x") + "</xml>", true},
	} {
		t.Run(name, func(t *testing.T) {
			_, c := newFakeV2(t, tt.body)
			_, _, err := c.DoV2(t.Context(), &wechatpay.V2Request{Path: "/example/apply", Params: map[string]string{"a": "b"}, Secure: true})
			_, opErr := v2ApplyOp.Do(t.Context(), c, &v2ApplyRequest{BillNo: "B", Amount: 1})
			for _, err := range []error{err, opErr} {
				var apiErr *wechatpay.APIError
				if tt.rejection {
					require.ErrorAs(t, err, &apiErr)
					require.Equal(t, "FAIL", apiErr.ReturnCode)
					continue
				}
				require.ErrorIs(t, err, wechatpay.ErrMalformedResponse)
				require.False(t, errors.As(err, &apiErr), "not a rejection: %v", err)
			}
		})
	}
}

// TestV2OperationMalformedAnswers: a success whose values do not fit the
// answer, or that lacks a required field, is ErrMalformedResponse naming
// the field; a sign present is checked before anything is decoded.
func TestV2OperationMalformedAnswers(t *testing.T) {
	op := v2ApplyOp
	op.SignType, op.UnsignedReply = "", true
	const ok = "<return_code>SUCCESS</return_code><result_code>SUCCESS</result_code>"
	for name, tt := range map[string]struct{ body, want string }{
		"no bill_no":     {"<xml>" + ok + "</xml>", "the reply has no bill_no"},
		"bad amount":     {"<xml>" + ok + "<bill_no>B</bill_no><amount>x</amount></xml>", "amount is not a valid number"},
		"bad list":       {"<xml>" + ok + "<bill_no>B</bill_no><list><item><n>x</n></item></list></xml>", "list.item.n is not a valid number"},
		"other nesting":  {"<xml>" + ok + "<bill_no>B</bill_no><other><a/></other></xml>", "element nested in"},
		"bad sign first": {"<xml>" + ok + "<bill_no>B</bill_no><amount>x</amount><sign>00</sign></xml>", "v2 reply sign"},
	} {
		t.Run(name, func(t *testing.T) {
			_, c := newFakeV2(t, tt.body)
			ans, err := op.Do(t.Context(), c, &v2ApplyRequest{BillNo: "B", Amount: 1})
			require.Nil(t, ans)
			require.ErrorContains(t, err, tt.want)
			if name == "bad sign first" {
				require.ErrorIs(t, err, wechatpay.ErrV2Sign)
				return
			}
			require.ErrorIs(t, err, wechatpay.ErrMalformedResponse)
			require.NotContains(t, err.Error(), ">x<")
		})
	}
}

// ExampleV2Operation declares an APIv2 endpoint the SDK has no method for
// and calls it against the emulator: the parameters and their checks come
// from the request's tags, the answer is decoded by its xml tags.
func ExampleV2Operation() {
	type lookupRequest struct {
		MchID  string `xml:"mch_id" wx:"required,id,max=32,default=mchid"`
		BillNo string `xml:"bill_no" wx:"required,alnum,max=28"`
	}
	type lookupAnswer struct {
		BillNo string             `xml:"bill_no" wire:"required"`
		State  string             `xml:"state"`
		Meta   wechatpay.Response `xml:"-"`
	}
	op := wechatpay.V2Operation[lookupRequest, lookupAnswer]{
		Name: "example.Lookup", Path: "/example/lookup", Secure: true, Repeat: wechatpay.RepeatRead,
	}

	srv := wechatpaytest.NewServer()
	defer srv.Close()
	srv.HandleV2("/example/lookup", wechatpaytest.V2Route{Secure: true}, func(r *wechatpaytest.V2Request) map[string]string {
		return map[string]string{"return_code": "SUCCESS", "result_code": "SUCCESS", "bill_no": r.Params["bill_no"], "state": "DONE"}
	})
	c := srv.Client()
	defer c.Close()

	ans, err := op.Do(context.Background(), c, &lookupRequest{BillNo: "B1"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ans.BillNo, ans.State, ans.Meta.StatusCode)

	_, err = op.Do(context.Background(), c, &lookupRequest{BillNo: "B-1"})
	fmt.Println(err)
	// Output:
	// B1 DONE 200
	// wechatpay: invalid BillNo (bill_no): must be ASCII letters and digits only
}

// v2DupRequest declares one parameter twice (A's wire name is its json
// name, which go vet does not compare with B's xml name): a declaration
// error, found before any I/O.
type v2DupRequest struct {
	A string `json:"a" xml:"x"`
	B string `xml:"a"`
}

func TestV2OperationRefusesARepeatedParameter(t *testing.T) {
	srv := wechatpaytest.Start(t)
	c := srv.Client()
	t.Cleanup(c.Close)
	op := wechatpay.V2Operation[v2DupRequest, v2ApplyAnswer]{Name: "example.Dup", Path: "/example/dup"}
	_, err := op.Do(t.Context(), c, &v2DupRequest{A: "1"})
	require.ErrorContains(t, err, "v2DupRequest.B repeats the parameter a")
}

// TestV2OperationCompleteAddsAndRemoves: what Complete adds, changes or
// removes is what is sent, in key order whatever it did.
func TestV2OperationCompleteAddsAndRemoves(t *testing.T) {
	srv := wechatpaytest.Start(t)
	var got map[string]string
	srv.HandleV2("/example/apply", wechatpaytest.V2Route{Secure: true, SignTypes: []wxcrypto.SignType{wxcrypto.SignTypeHMACSHA256}},
		func(r *wechatpaytest.V2Request) map[string]string {
			got = r.Params
			return map[string]string{"return_code": "SUCCESS", "result_code": "SUCCESS", "bill_no": "B1"}
		})
	c := srv.Client()
	t.Cleanup(c.Close)
	for _, tc := range []struct {
		name     string
		complete func(p map[string]string)
		want     map[string]string
	}{
		{"adds and changes", func(p map[string]string) { p["zz"], p["aa"], p["amount"] = "z", "a", "6" },
			map[string]string{"kind": "A", "bill_no": "B1", "amount": "6", "zz": "z", "aa": "a"}},
		{"removes", func(p map[string]string) { delete(p, "kind"); p["note"] = "n" },
			map[string]string{"bill_no": "B1", "amount": "5", "note": "n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			op := v2ApplyOp
			op.Complete = func(p map[string]string) error { tc.complete(p); return nil }
			_, err := op.Do(t.Context(), c, &v2ApplyRequest{BillNo: "B1", Amount: 5})
			require.NoError(t, err)
			want := map[string]string{"mch_id": c.MchID(), "appid": c.AppID(), "sign_type": "HMAC-SHA256", "nonce_str": got["nonce_str"], "sign": got["sign"]}
			maps.Copy(want, tc.want)
			require.Equal(t, want, got)
		})
	}
}
