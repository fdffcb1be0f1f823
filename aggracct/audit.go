package aggracct

import (
	"context"
	"net/http"
	"time"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/svc"
)

// SyncInfoUpdateAuditResultRequest reports to WeChat Pay the audit result
// of an info-update request (资料更新请求) that WeChat Pay submitted to
// WeBank.
type SyncInfoUpdateAuditResultRequest struct {
	// OutRequestNo is the number of the info-update request
	// (资料更新请求单号), as issued on WeChat Pay's side; required, at most
	// 64 characters.
	OutRequestNo string
	// MchID is the merchant; required.
	MchID string
	// AuditResult is the result; required, AuditResultPass or
	// AuditResultReject.
	AuditResult AuditResult
	// AuditFinishTime is when the audit finished; optional (the zero time
	// leaves it out). It is sent as RFC 3339 in the time's own location.
	AuditFinishTime time.Time
	// AttachInfo is a business attachment (业务附属信息), such as
	// "updateidcard"; optional.
	AttachInfo string
	// FailCode is the rejection error code, with AuditResultReject;
	// optional, at most 32 characters.
	FailCode string
	// FailMsg is the rejection reason, with AuditResultReject; optional,
	// at most 1024 characters (checked by WeChat Pay).
	FailMsg string
	// Scene is the report's scene; optional. It is a field of a 2026
	// community reference only, whose values are sent as they are.
	Scene AuditScene
}

// AuditSyncResult acknowledges an audit-result report.
type AuditSyncResult struct {
	// RetMsg is a message from WeChat Pay; its values are not documented,
	// so do not interpret it.
	RetMsg string `json:"ret_msg,omitempty"`
	// Meta describes the HTTP exchange (Request-ID, attempts).
	Meta wechatpay.Response `json:"-"`
}

// auditBody is the request body of SyncInfoUpdateAuditResult, fields in
// the documented order.
type auditBody struct {
	OutRequestNo    string      `json:"out_request_no"`
	MchID           string      `json:"mchid"`
	AuditResult     AuditResult `json:"audit_result"`
	AuditFinishTime string      `json:"audit_finish_time,omitempty"`
	AttachInfo      string      `json:"attach_info,omitempty"`
	FailCode        string      `json:"fail_code,omitempty"`
	FailMsg         string      `json:"fail_msg,omitempty"`
	Scene           AuditScene  `json:"scene,omitempty"`
}

func validateAudit(req *SyncInfoUpdateAuditResultRequest) error {
	if req == nil {
		return &wechatpay.FieldError{Field: "request", Reason: "is nil", Missing: true}
	}
	if err := svc.CheckID("out_request_no", req.OutRequestNo, 64, true); err != nil {
		return err
	}
	if err := svc.CheckID("mchid", req.MchID, 0, true); err != nil {
		return err
	}
	switch req.AuditResult {
	case AuditResultPass, AuditResultReject:
	case "":
		return &wechatpay.FieldError{Field: "audit_result", Reason: "is required", Missing: true}
	default:
		return &wechatpay.FieldError{Field: "audit_result", Reason: "must be PASS or REJECT"}
	}
	if t := req.AuditFinishTime; !t.IsZero() && (t.Year() < 1 || t.Year() > 9999) {
		return &wechatpay.FieldError{Field: "audit_finish_time", Reason: "has a year outside 1..9999"}
	}
	if err := checkText("attach_info", req.AttachInfo, false); err != nil {
		return err
	}
	if err := svc.CheckID("fail_code", req.FailCode, 32, false); err != nil {
		return err
	}
	if err := checkText("fail_msg", req.FailMsg, false); err != nil {
		return err
	}
	return svc.CheckID("scene", string(req.Scene), 0, false)
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
	if err := s.ready(); err != nil {
		return nil, err
	}
	if err := validateAudit(req); err != nil {
		return nil, err
	}
	b := auditBody{
		OutRequestNo: req.OutRequestNo, MchID: req.MchID, AuditResult: req.AuditResult,
		AttachInfo: req.AttachInfo, FailCode: req.FailCode, FailMsg: req.FailMsg, Scene: req.Scene,
	}
	if !req.AuditFinishTime.IsZero() {
		b.AuditFinishTime = req.AuditFinishTime.Format(time.RFC3339)
	}
	body, err := svc.EncodeJSON(&b)
	if err != nil {
		return nil, err
	}
	if err := s.wait(ctx, s.auditLimiter); err != nil {
		return nil, err
	}
	var out AuditSyncResult
	meta, err := svc.DoV3(ctx, "aggracct", s.c, &wechatpay.Request{
		Method: http.MethodPost,
		Path:   "/v3/aggracct-bc/wb-channel/control-orders/info/update/result/notify",
		Body:   body,
	}, &out)
	if err != nil {
		return nil, err
	}
	out.Meta = *meta
	return &out, nil
}
