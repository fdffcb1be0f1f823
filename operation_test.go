package wechatpay_test

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// applyRequest is a request of an endpoint the SDK has no type for, declared
// the way the typed services declare theirs.
type applyRequest struct {
	MchID      string   `json:"-" query:"mchid" wx:"default=mchid,id,max=32"`
	OutApplyNo string   `json:"-" path:"out_apply_no" wx:"required,orderno,max=32"`
	Name       string   `json:"name" wx:"required,encrypt"`
	Remark     string   `json:"remark,omitempty" wx:"max=8"`
	Amount     int64    `json:"amount" wx:"required,min=1,max=100"`
	Items      []item   `json:"items" wx:"required,max=2"`
	Tags       []string `json:"tags,omitempty"`
}

type item struct {
	Account string `json:"account" wx:"required,id"`
	Holder  string `json:"holder,omitempty" wx:"encrypt"`
}

type applyAnswer struct {
	OutApplyNo string `json:"out_apply_no" wire:"required"`
	Count      int64  `json:"count" wire:"present"`
	Meta       wechatpay.Response
}

var applyOp = wechatpay.Operation[applyRequest, applyAnswer]{
	Name: "example.Apply", Method: http.MethodPost, Path: "/v3/example/applies/{out_apply_no}", Repeat: wechatpay.RepeatReentrant,
}

func TestOperationSendsTheDeclaredRequest(t *testing.T) {
	srv := wechatpaytest.Start(t)
	var got struct {
		mchID, no, name, holder, serial string
	}
	srv.HandleV3("POST /v3/example/applies/{out_apply_no}", func(r *wechatpaytest.V3Request) (int, any) {
		var body struct {
			Name  string `json:"name"`
			Items []struct {
				Holder string `json:"holder"`
			} `json:"items"`
		}
		if e := r.DecodeJSON(&body); e != nil {
			return e.Answer()
		}
		got.mchID, got.no, got.serial = r.URL.Query().Get("mchid"), r.PathValue("out_apply_no"), r.Header.Get(wechatpay.HeaderSerial)
		var e *wechatpaytest.ErrorAnswer
		if got.name, e = r.DecryptField("name", "body", body.Name); e != nil {
			return e.Answer()
		}
		if got.holder, e = r.DecryptField("items.holder", "body", body.Items[0].Holder); e != nil {
			return e.Answer()
		}
		return 200, map[string]any{"out_apply_no": r.PathValue("out_apply_no"), "count": 0}
	})
	c := srv.Client()

	req := &applyRequest{OutApplyNo: "A-1", Name: "张三", Amount: 5, Items: []item{{Account: "acc", Holder: "李四"}}}
	ans, err := applyOp.Do(t.Context(), c, req)
	require.NoError(t, err)
	require.Equal(t, "A-1", ans.OutApplyNo)
	require.Equal(t, 200, ans.Meta.StatusCode)
	require.NotEmpty(t, ans.Meta.RequestID)
	require.Equal(t, c.MchID(), got.mchID)
	require.Equal(t, "A-1", got.no)
	require.Equal(t, "张三", got.name)
	require.Equal(t, "李四", got.holder)
	require.NotEmpty(t, got.serial)
	// The caller's request is as it was: the defaults and ciphertexts
	// went into a copy.
	require.Equal(t, &applyRequest{OutApplyNo: "A-1", Name: "张三", Amount: 5, Items: []item{{Account: "acc", Holder: "李四"}}}, req)
}

func TestOperationReportsEveryProblemBeforeIO(t *testing.T) {
	var calls atomic.Int32
	srv := wechatpaytest.Start(t)
	srv.HandleV3("POST /v3/example/applies/{out_apply_no}", func(*wechatpaytest.V3Request) (int, any) {
		calls.Add(1)
		return 200, nil
	})
	c := srv.Client()
	t.Cleanup(c.Close)

	_, err := applyOp.Do(t.Context(), c, &applyRequest{
		OutApplyNo: "..", Remark: "123456789", Amount: 101,
		Items: []item{{}, {Account: "a b"}, {Account: "x"}},
	})
	require.ErrorIs(t, err, wechatpay.ErrInvalidInput)
	for _, want := range []string{
		"OutApplyNo (out_apply_no): may hold only digits, letters, '_' and '-'",
		"Name (name): is required",
		"Remark (remark): is 9 characters, at most 8 allowed",
		"Amount (amount): is 101, at most 100 allowed",
		"Items (items): has 3 items, at most 2 allowed",
		"Items[0].Account (items[0].account): is required",
		"Items[1].Account (items[1].account): must be visible ASCII characters only",
	} {
		require.ErrorContains(t, err, want)
	}
	var fe *wechatpay.FieldError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "out_apply_no", fe.Field)
	require.ErrorIs(t, err, wechatpay.ErrMissingField)
	require.Zero(t, calls.Load())

	_, err = applyOp.Do(t.Context(), nil, &applyRequest{})
	require.ErrorContains(t, err, "example.New was given a nil *wechatpay.Client")
	_, err = applyOp.Do(t.Context(), c, nil)
	require.ErrorIs(t, err, wechatpay.ErrMissingField)
}

func TestOperationRefusesAnAnswerWithoutItsRequiredFields(t *testing.T) {
	for name, body := range map[string]any{
		"no required":    map[string]any{"count": 1},
		"no present":     map[string]any{"out_apply_no": "A-1"},
		"present null":   map[string]any{"out_apply_no": "A-1", "count": nil},
		"empty":          nil,
		"not an object":  []int{1},
		"wrong type":     map[string]any{"out_apply_no": 1, "count": 1},
		"count a string": map[string]any{"out_apply_no": "A-1", "count": "1"},
	} {
		t.Run(name, func(t *testing.T) {
			srv := wechatpaytest.Start(t)
			srv.HandleV3("POST /v3/example/applies/{out_apply_no}", func(*wechatpaytest.V3Request) (int, any) { return 200, body })
			c := srv.Client()
			t.Cleanup(c.Close)
			ans, err := applyOp.Do(t.Context(), c, &applyRequest{OutApplyNo: "A-1", Name: "n", Amount: 1, Items: []item{{Account: "a"}}})
			require.ErrorIs(t, err, wechatpay.ErrMalformedResponse)
			require.Nil(t, ans)
		})
	}
}

// limiterFunc is a Limiter from a function.
type limiterFunc func(context.Context) error

func (f limiterFunc) Wait(ctx context.Context) error { return f(ctx) }

func TestOperationWaitsOnEachLimiterAfterValidation(t *testing.T) {
	srv := wechatpaytest.Start(t)
	c := srv.Client()
	t.Cleanup(c.Close)
	var waits []string
	refuse := errors.New("no tokens")
	l := func(name string, err error) wechatpay.Limiter {
		return limiterFunc(func(context.Context) error { waits = append(waits, name); return err })
	}
	var nilLimiter *limiterPtr
	_, err := applyOp.Do(t.Context(), c, &applyRequest{}, l("first", nil))
	require.ErrorIs(t, err, wechatpay.ErrInvalidInput)
	require.Empty(t, waits, "a request that does not validate waits on nothing")

	_, err = applyOp.Do(t.Context(), c, &applyRequest{OutApplyNo: "A-1", Name: "n", Amount: 1, Items: []item{{Account: "a"}}},
		l("first", nil), nil, nilLimiter, l("second", refuse), l("third", nil))
	require.ErrorIs(t, err, refuse)
	require.ErrorContains(t, err, "example: waiting for the rate limiter")
	require.Equal(t, []string{"first", "second"}, waits)
}

type limiterPtr struct{}

func (*limiterPtr) Wait(context.Context) error { panic("a nil limiter is not called") }

// badRequest tags a query field without json:"-", which would also put it
// in the body.
type badRequest struct {
	No string `query:"no"`
}

func TestOperationRefusesAMisdeclaredRequest(t *testing.T) {
	srv := wechatpaytest.Start(t)
	c := srv.Client()
	t.Cleanup(c.Close)
	op := wechatpay.Operation[badRequest, struct{}]{Name: "example.Bad", Method: http.MethodPost, Path: "/v3/x"}
	_, err := op.Do(t.Context(), c, &badRequest{No: "1"})
	require.ErrorContains(t, err, `badRequest.No has a path or query tag but no json:"-"`)
}

func TestValidateRequestNeverEchoesAValue(t *testing.T) {
	secret := "SECRET\x01VALUE-THAT-IS-FAR-TOO-LONG"
	err := wechatpay.ValidateRequest(&applyRequest{OutApplyNo: secret, Name: secret, Remark: secret})
	require.Error(t, err)
	requireNoSecret(t, err, []string{"SECRET"}, "ValidateRequest")
}

// dayRequest has a date in the query, required.
type dayRequest struct {
	Day time.Time `json:"-" query:"day" wx:"required"`
}

type dayAnswer struct {
	Day  string `json:"day" wire:"required"`
	Note string `json:"note"`
}

func TestOperationSendsADateAndRunsAfter(t *testing.T) {
	srv := wechatpaytest.Start(t)
	srv.HandleV3("GET /v3/example/days", func(r *wechatpaytest.V3Request) (int, any) {
		return 200, map[string]any{"day": r.URL.Query().Get("day"), "note": "n"}
	})
	c := srv.Client()
	t.Cleanup(c.Close)
	var raws []string
	op := wechatpay.Operation[dayRequest, dayAnswer]{Name: "example.Day", Method: http.MethodGet, Path: "/v3/example/days", Repeat: wechatpay.RepeatRead,
		After: func(got *wechatpay.Client, raw []byte, out *dayAnswer) error {
			require.Same(t, c, got)
			raws = append(raws, string(raw))
			out.Note += " after"
			return nil
		}}
	day := time.Date(2026, 2, 3, 23, 30, 0, 0, time.FixedZone("CST", 8*3600))
	ans, err := op.Do(t.Context(), c, &dayRequest{Day: day})
	require.NoError(t, err)
	require.Equal(t, "2026-02-03", ans.Day, "the date in the time's own location")
	require.Equal(t, "n after", ans.Note)
	require.Len(t, raws, 1)
	require.Contains(t, raws[0], `"2026-02-03"`)

	_, err = op.Do(t.Context(), c, &dayRequest{})
	require.ErrorContains(t, err, "Day (day): is required")
	require.ErrorIs(t, err, wechatpay.ErrMissingField)
	require.Len(t, raws, 1, "After runs only on an answer")

	refuse := errors.New("after refuses")
	op.After = func(*wechatpay.Client, []byte, *dayAnswer) error { return refuse }
	ans, err = op.Do(t.Context(), c, &dayRequest{Day: day})
	require.ErrorIs(t, err, refuse)
	require.Nil(t, ans)
}

// eventRequest has an enum field and time fields.
type eventRequest struct {
	Kind string    `json:"kind" wx:"required,oneof=PUNISH|RECOVER"`
	At   time.Time `json:"at,omitzero" wx:"required"`
	End  time.Time `json:"end,omitzero"`
}

func TestOperationChecksEnumsAndTimesAndSendsWholeSeconds(t *testing.T) {
	srv := wechatpaytest.Start(t)
	var at string
	srv.HandleV3("POST /v3/example/events", func(r *wechatpaytest.V3Request) (int, any) {
		var body struct {
			At string `json:"at"`
		}
		if e := r.DecodeJSON(&body); e != nil {
			return e.Answer()
		}
		at = body.At
		return 200, map[string]any{}
	})
	c := srv.Client()
	t.Cleanup(c.Close)
	op := wechatpay.Operation[eventRequest, struct{}]{Name: "example.Event", Method: http.MethodPost, Path: "/v3/example/events"}

	_, err := op.Do(t.Context(), c, &eventRequest{Kind: "PAUSE", End: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)})
	for _, want := range []string{
		"Kind (kind): must be PUNISH or RECOVER",
		"At (at): is required",
		"End (end): has a year outside 1..9999",
	} {
		require.ErrorContains(t, err, want)
	}
	require.NoError(t, wechatpay.ValidateRequest(&eventRequest{Kind: "RECOVER", At: time.Now()}))

	req := &eventRequest{Kind: "PUNISH", At: time.Date(2025, 12, 31, 23, 59, 59, 999_000_000, time.FixedZone("CST", 8*3600))}
	_, err = op.Do(t.Context(), c, req)
	require.NoError(t, err)
	require.Equal(t, "2025-12-31T23:59:59+08:00", at, "a time is sent in its location, to the second")
	require.Equal(t, 999_000_000, req.At.Nanosecond(), "the caller's request is as it was")
}

// closeRequest has only a path field: its POST goes without a body.
type closeRequest struct {
	No string `json:"-" path:"no" wx:"required,alnum"`
}

func TestOperationWithoutBodyFieldsSendsNoBody(t *testing.T) {
	srv := wechatpaytest.Start(t)
	var body []byte
	var contentType string
	srv.HandleV3("POST /v3/example/{no}/close", func(r *wechatpaytest.V3Request) (int, any) {
		body, contentType = r.Body, r.Header.Get("Content-Type")
		return http.StatusNoContent, nil
	})
	c := srv.Client()
	t.Cleanup(c.Close)
	op := wechatpay.Operation[closeRequest, struct{ Meta wechatpay.Response }]{Name: "example.Close", Method: http.MethodPost, Path: "/v3/example/{no}/close"}
	ans, err := op.Do(t.Context(), c, &closeRequest{No: "A1"})
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, ans.Meta.StatusCode)
	require.Empty(t, body)
	require.Empty(t, contentType)
}
