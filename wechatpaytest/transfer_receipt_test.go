package wechatpaytest_test

import (
	"net/http"
	"testing"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// TestTransferReceiptRefusals sends the applications the typed SDK never
// sends and requires 400 PARAM_ERROR.
func TestTransferReceiptRefusals(t *testing.T) {
	c := wechatpaytest.Start(t).Client()
	for name, body := range map[string]any{
		"no number":         map[string]any{},
		"a number as int":   map[string]any{"out_bill_no": 12},
		"a dashed number":   map[string]any{"out_bill_no": "T-1"},
		"a number too long": map[string]any{"out_bill_no": "123456789012345678901234567890123"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := c.DoV3(t.Context(), &wechatpay.Request{Method: http.MethodPost, Path: string(wechatpaytest.APITransferApplyReceiptByOutBillNo)[5:], Body: body}, nil)
			wechatpaytest.RequireAPIError(t, err, http.StatusBadRequest, "PARAM_ERROR")
		})
	}
}
