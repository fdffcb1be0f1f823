package aggracct

import (
	"context"
	"net/http"
	"time"

	"github.com/gowechatpay/wechatpay"
)

// SyncInfoUpdateAuditResultRequest reports to WeChat Pay the audit result
// of an info-update request (资料更新请求) that WeChat Pay submitted to
// WeBank. Its fields are the body, in the documented order.
type SyncInfoUpdateAuditResultRequest struct {
	// OutRequestNo is the number of the info-update request
	// (资料更新请求单号), as issued on WeChat Pay's side; required, at most
	// 64 characters.
	OutRequestNo string `json:"out_request_no" wx:"required,id,max=64"`
	// MchID is the merchant; required.
	MchID string `json:"mchid" wx:"required,id"`
	// AuditResult is the result; required, AuditResultPass or
	// AuditResultReject.
	AuditResult AuditResult `json:"audit_result" wx:"required,oneof=PASS|REJECT"`
	// AuditFinishTime is when the audit finished; optional (the zero time
	// leaves it out). It is sent as RFC 3339 to the second in the time's
	// own location (its year within 1..9999).
	AuditFinishTime time.Time `json:"audit_finish_time,omitzero"`
	// AttachInfo is a business attachment (业务附属信息), such as
	// "updateidcard"; optional.
	AttachInfo string `json:"attach_info,omitempty"`
	// FailCode is the rejection error code, with AuditResultReject;
	// optional, at most 32 characters.
	FailCode string `json:"fail_code,omitempty" wx:"id,max=32"`
	// FailMsg is the rejection reason, with AuditResultReject; optional,
	// at most 1024 characters (checked by WeChat Pay).
	FailMsg string `json:"fail_msg,omitempty"`
	// Scene is the report's scene; optional. It is a field of a 2026
	// community reference only, whose values are sent as they are.
	Scene AuditScene `json:"scene,omitempty" wx:"id"`
}

// AuditSyncResult acknowledges an audit-result report.
type AuditSyncResult struct {
	// RetMsg is a message from WeChat Pay; its values are not documented,
	// so do not interpret it.
	RetMsg string `json:"ret_msg,omitempty"`
	// Meta describes the HTTP exchange (Request-ID, attempts).
	Meta wechatpay.Response `json:"-"`
}

// Validate checks the request as SyncInfoUpdateAuditResult does before
// any I/O, reporting every problem.
func (r *SyncInfoUpdateAuditResultRequest) Validate() error { return wechatpay.ValidateRequest(r) }

var opSyncInfoUpdateAuditResult = wechatpay.Operation[SyncInfoUpdateAuditResultRequest, AuditSyncResult]{
	Name: "aggracct.SyncInfoUpdateAuditResult", Method: http.MethodPost, Repeat: wechatpay.RepeatNever,
	Path: "/v3/aggracct-bc/wb-channel/control-orders/info/update/result/notify",
}

// SyncInfoUpdateAuditResult reports the audit result of an info-update
// request to WeChat Pay (资料更新请求审核结果回调通知; 同步资料更新请求审核结果).
// Despite the official title it is not a callback from WeChat Pay: WeBank,
// the SDK's user here, calls it as an ordinary signed request.
//
// POST /v3/aggracct-bc/wb-channel/control-orders/info/update/result/notify
//
// Rate limit: 200 requests per minute (see WithAuditResultLimiter). The
// documents say nothing of re-entry, so the client does not retry it after
// the request may have left (a 5xx, 429 or transport failure is returned):
// resend the same report yourself if needed.
func (s *Service) SyncInfoUpdateAuditResult(ctx context.Context, req *SyncInfoUpdateAuditResultRequest) (*AuditSyncResult, error) {
	return opSyncInfoUpdateAuditResult.Do(ctx, s.core().Client(), req, s.limits(apiAudit)...)
}
