package wechatpaytest

import "net/http"

// serveProfitSharingDeleteReceiver answers a delete-receiver request: the
// body (its signature covered it), then the relationship is removed and
// the answer is 204 No Content, signed over the empty body. An unknown
// receiver is 400 INVALID_REQUEST; later distributions to it are refused,
// and PENDING details for it close with NO_RELATION.
func (s *Server) serveProfitSharingDeleteReceiver(r *V3Request) (int, any) {
	var req psParty
	if e := r.DecodeJSON(&req); e != nil {
		return e.Answer()
	}
	if e := req.check(); e != nil {
		return e.Answer()
	}
	k := psRelationKey{req.SubMchID, req.Account}
	s.mu.Lock()
	rel, ok := s.ps.relations[k]
	if ok && rel.Type == req.Type {
		delete(s.ps.relations, k)
	}
	s.mu.Unlock()
	if !ok || rel.Type != req.Type {
		return invalidRequest("分账接收方不存在").Answer()
	}
	return http.StatusNoContent, nil
}
