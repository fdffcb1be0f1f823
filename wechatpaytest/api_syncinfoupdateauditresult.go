package wechatpaytest

import (
	"net/http"
	"unicode/utf8"
)

// serveSyncInfoUpdateAuditResult answers an audit-result report: the
// documented fields, limits and enums (audit_result PASS or REJECT; scene
// 01, 02 or 03 when present), then the report is stored as the last one of
// its (mchid, out_request_no) (see AuditReports) and answered
// {"ret_msg":"success"}.
func (s *Server) serveSyncInfoUpdateAuditResult(r *V3Request) (int, any) {
	var a AuditReport
	if e := r.DecodeJSON(&a); e != nil {
		return e.Answer()
	}
	if e := checkFields("body",
		field{name: "/out_request_no", value: a.OutRequestNo, required: true, max: 64},
		field{name: "/mchid", value: a.MchID, required: true},
		field{name: "/audit_result", value: a.AuditResult, required: true, valid: oneOf("PASS", "REJECT"), issue: "must be PASS or REJECT"},
		field{name: "/scene", value: a.Scene, valid: oneOf("01", "02", "03"), issue: "must be 01, 02 or 03"},
		field{name: "/fail_code", value: a.FailCode, max: 32},
		field{name: "/fail_msg", value: a.FailMsg, max: 1024, valid: utf8.ValidString, issue: "at most 1024 UTF-8 characters"},
		field{name: "/audit_finish_time", value: a.AuditFinishTime, valid: isRFC3339, issue: "not an RFC 3339 time"},
	); e != nil {
		return e.Answer()
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
