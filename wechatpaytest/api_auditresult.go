package wechatpaytest

import (
	"net/http"
	"time"
	"unicode/utf8"
)

// serveSyncInfoUpdateAuditResult answers an audit-result report: the documented fields,
// limits and enums (audit_result PASS or REJECT; scene 01, 02 or 03 when
// present), then the report is stored as the last one of its (mchid,
// out_request_no) (see AuditReports) and answered {"ret_msg":"success"}.
func (s *Server) serveSyncInfoUpdateAuditResult(r *V3Request) (int, any) {
	var req struct {
		OutRequestNo    *string `json:"out_request_no"`
		MchID           *string `json:"mchid"`
		AuditResult     *string `json:"audit_result"`
		AuditFinishTime *string `json:"audit_finish_time"`
		AttachInfo      *string `json:"attach_info"`
		FailCode        *string `json:"fail_code"`
		FailMsg         *string `json:"fail_msg"`
		Scene           *string `json:"scene"`
	}
	if e := r.DecodeJSON(&req); e != nil {
		return e.Answer()
	}
	a := AuditReport{
		OutRequestNo: str(req.OutRequestNo), MchID: str(req.MchID), AuditResult: str(req.AuditResult),
		AuditFinishTime: str(req.AuditFinishTime), AttachInfo: str(req.AttachInfo),
		FailCode: str(req.FailCode), FailMsg: str(req.FailMsg), Scene: str(req.Scene),
	}
	switch {
	case a.OutRequestNo == "":
		return paramError("/out_request_no", "body", "required").Answer()
	case tooLong(a.OutRequestNo, 64):
		return paramError("/out_request_no", "body", longerThan(64)).Answer()
	case a.MchID == "":
		return paramError("/mchid", "body", "required").Answer()
	case a.AuditResult == "":
		return paramError("/audit_result", "body", "required").Answer()
	case a.AuditResult != "PASS" && a.AuditResult != "REJECT":
		return paramError("/audit_result", "body", "must be PASS or REJECT").Answer()
	case a.Scene != "" && a.Scene != "01" && a.Scene != "02" && a.Scene != "03":
		return paramError("/scene", "body", "must be 01, 02 or 03").Answer()
	case tooLong(a.FailCode, 32):
		return paramError("/fail_code", "body", longerThan(32)).Answer()
	case tooLong(a.FailMsg, 1024) || !utf8.ValidString(a.FailMsg):
		return paramError("/fail_msg", "body", "at most 1024 UTF-8 characters").Answer()
	}
	if a.AuditFinishTime != "" {
		if _, err := time.Parse(time.RFC3339, a.AuditFinishTime); err != nil {
			return paramError("/audit_finish_time", "body", "not an RFC 3339 time").Answer()
		}
	}
	s.mu.Lock()
	k := auditKey{a.MchID, a.OutRequestNo}
	if i, ok := s.agg.auditIndex[k]; ok {
		s.agg.audits[i] = a
	} else {
		s.agg.auditIndex[k] = len(s.agg.audits)
		s.agg.audits = append(s.agg.audits, a)
	}
	s.mu.Unlock()
	return http.StatusOK, map[string]string{"ret_msg": "success"}
}
