package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/examples/internal/exampletest"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// start is the default transfer merchant's operating account, in fen.
const start = 10_000_000

// wants are the lines of a whole run: each step and each callback.
var wants = []string{
	"1. bill", "state:             WAIT_USER_CONFIRM", "confirm package:   true",
	"2. callback after the user's confirmation\nout_bill_no:   TFLOW20261207A\nstate:         SUCCESS\namount (fen):  500\n",
	"3. query by out_bill_no\nstate:         SUCCESS\n",
	"4. query by transfer_bill_no\nout_bill_no:  TFLOW20261207A\nstate:        SUCCESS\n",
	"5. receipt application\nstate:  GENERATING\n",
	"6. receipt\nstate:         FINISHED\n", "pdf:           true",
	"8. cancellation\nstate:  CANCELING\n",
	"9. callback after the cancellation\nout_bill_no:   TFLOW20261207B\nstate:         CANCELLED\namount (fen):  500\nfail_reason:   MCH_CANCEL\n",
	"11. callback after 24 hours\nout_bill_no:   TFLOW20261207C\nstate:         FAIL\namount (fen):  500\nfail_reason:   OVERDUE_CLOSE\n",
}

// balances records the emulator's transfer balance as each callback
// leaves it (after the change the callback reports).
type balances struct {
	srv  *wechatpaytest.Server
	next http.RoundTripper
	mu   sync.Mutex
	seen [][2]int64
}

func (b *balances) RoundTrip(r *http.Request) (*http.Response, error) {
	balance, locked := b.srv.TransferBalance()
	b.mu.Lock()
	b.seen = append(b.seen, [2]int64{balance, locked})
	b.mu.Unlock()
	return b.next.RoundTrip(r)
}

// sandbox starts an emulator whose callbacks trust the example's callback
// server (an httptest certificate) and record the balance, and returns it
// with its credentials file and the record.
func sandbox(t *testing.T) (*wechatpaytest.Server, string, *balances) {
	t.Helper()
	trust := httptest.NewTLSServer(nil) // every httptest server has its certificate
	t.Cleanup(trust.Close)
	rec := &balances{next: trust.Client().Transport}
	srv, path := exampletest.Sandbox(t, wechatpaytest.WithNotificationClient(&http.Client{Transport: rec}))
	rec.srv = srv
	return srv, path, rec
}

func TestRun(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(t.Context(), nil, &out))
	for _, w := range wants {
		require.Contains(t, out.String(), w)
	}
}

// TestRunConfig: against a sandbox's credentials file, the confirmation
// and the clock go through its signed test helpers; each callback leaves
// the balance it reports: the confirmed bill paid, the cancelled and the
// expired ones' funds released.
func TestRunConfig(t *testing.T) {
	srv, path, rec := sandbox(t)
	var out bytes.Buffer
	require.NoError(t, run(t.Context(), []string{"-config", path}, &out))
	for _, w := range wants {
		require.Contains(t, out.String(), w)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	require.Equal(t, [][2]int64{{start - 500, 0}, {start - 500, 0}, {start - 500, 0}}, rec.seen)
	balance, locked := srv.TransferBalance()
	require.Equal(t, int64(start-500), balance)
	require.Zero(t, locked)
}

// TestRunTampered: a tampered answer fails the example closed and nothing
// of it is printed; the bill it created waits, its funds locked.
func TestRunTampered(t *testing.T) {
	out, err := exampletest.RunTampered(t, run, wechatpaytest.APITransferCreateBill)
	require.ErrorIs(t, err, wechatpay.ErrInvalidSignature)
	require.Empty(t, out)

	srv, path, _ := sandbox(t)
	srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APITransferCreateBill, Kind: wechatpaytest.FaultTamperedBody})
	err = run(t.Context(), []string{"-config", path}, &bytes.Buffer{})
	require.ErrorIs(t, err, wechatpay.ErrInvalidSignature)
	balance, locked := srv.TransferBalance()
	require.Equal(t, int64(start), balance)
	require.Equal(t, int64(500), locked)
}

// TestRunTamperedLater: a tampered answer of a test helper or of a query
// in the middle of the flow fails it, and nothing of that answer is
// printed. The user's confirmation happened before its answer was
// tampered with, so that bill is paid.
func TestRunTamperedLater(t *testing.T) {
	for _, tc := range []struct {
		api             wechatpaytest.API
		printed, absent string
	}{
		{wechatpaytest.APITestHelperConfirmTransfer, "1. bill", "2. callback"},
		{wechatpaytest.APITransferQueryByTransferBillNo, "3. query by out_bill_no", "4. query"},
	} {
		t.Run(string(tc.api), func(t *testing.T) {
			srv, path, _ := sandbox(t)
			srv.InjectFault(wechatpaytest.Fault{API: tc.api, Kind: wechatpaytest.FaultTamperedBody})
			var out bytes.Buffer
			err := run(t.Context(), []string{"-config", path}, &out)
			require.ErrorIs(t, err, wechatpay.ErrInvalidSignature)
			require.Contains(t, out.String(), tc.printed)
			require.NotContains(t, out.String(), tc.absent)
			balance, locked := srv.TransferBalance()
			require.Equal(t, int64(start-500), balance)
			require.Zero(t, locked)
		})
	}
}

func TestFlags(t *testing.T) { exampletest.CheckFlags(t, run) }
