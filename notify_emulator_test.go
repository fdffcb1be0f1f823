package wechatpay_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// transaction is the part of a payment callback resource the tests read.
type transaction struct {
	OutTradeNo string `json:"out_trade_no"`
	TradeState string `json:"trade_state"`
	Amount     struct {
		Total int64 `json:"total"`
	} `json:"amount"`
}

func TestNotificationHandlerWithEmulator(t *testing.T) {
	srv := wechatpaytest.NewServer()
	t.Cleanup(srv.Close)
	c := srv.Client()
	t.Cleanup(c.Close)

	var mu sync.Mutex
	seen := map[string]transaction{}
	hs := httptest.NewServer(notifyHandler(t, c, func(_ context.Context, n *wechatpay.Notification) error {
		var tx transaction
		if err := n.Decode(&tx); err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		seen[n.ID] = tx
		return nil
	}))
	t.Cleanup(hs.Close)

	want := transaction{OutTradeNo: "ORDER-1", TradeState: "SUCCESS"}
	want.Amount.Total = 888
	resp, err := srv.SendNotification(t.Context(), hs.URL, "TRANSACTION.SUCCESS", want)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	mu.Lock()
	require.Len(t, seen, 1)
	for _, got := range seen {
		require.Equal(t, want, got)
	}
	mu.Unlock()

	// A tampered callback is refused with 401 and the FAIL body.
	h, body, err := srv.SignNotification("TRANSACTION.SUCCESS", want)
	require.NoError(t, err)
	n, err := c.ParseNotification(h, body)
	require.NoError(t, err)
	require.Equal(t, "transaction", n.Resource.OriginalType)
	tampered := bytes.Replace(body, []byte(`"event_type":"TRANSACTION.SUCCESS"`), []byte(`"event_type":"TRANSACTION.SUCCESZ"`), 1)
	require.NotEqual(t, body, tampered)
	status, reply := postCallback(t, hs.URL, h, tampered)
	require.Equal(t, http.StatusUnauthorized, status)
	require.Equal(t, "FAIL", reply.Code)

	// So is a probe.
	probe := h.Clone()
	probe.Set(wechatpay.HeaderSignature, wechatpay.ProbePrefix+h.Get(wechatpay.HeaderSignature))
	status, reply = postCallback(t, hs.URL, probe, body)
	require.Equal(t, http.StatusUnauthorized, status)
	require.Equal(t, wechatpay.ErrSignatureProbe.Error(), reply.Message)

	// And a callback signed ten minutes ago.
	old := wechatpaytest.NewServer(wechatpaytest.WithClock(func() time.Time { return time.Now().Add(-10 * time.Minute) }))
	t.Cleanup(old.Close)
	resp, err = old.SendNotification(t.Context(), hs.URL, "TRANSACTION.SUCCESS", want)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	mu.Lock()
	require.Len(t, seen, 1)
	mu.Unlock()
}
