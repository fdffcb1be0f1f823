package aggracct_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/aggracct"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// TestDotSegmentIDsRefusedBeforeIO: an out_request_no of . or .. would be
// sent as a path segment that a normalising proxy routes elsewhere; it is a
// FieldError and the emulator sees no request.
func TestDotSegmentIDsRefusedBeforeIO(t *testing.T) {
	srv := wechatpaytest.NewServer()
	t.Cleanup(srv.Close)
	svc := aggracct.New(srv.Client())
	for _, id := range []string{".", ".."} {
		_, err := svc.QuerySpecialReduction(t.Context(), &aggracct.QuerySpecialReductionRequest{OutRequestNo: id, BalAccountNo: "acct"})
		var fe *wechatpay.FieldError
		require.ErrorAs(t, err, &fe, "out_request_no %q", id)
		require.Equal(t, "out_request_no", fe.Field)
	}
	require.Zero(t, srv.Requests())
}
