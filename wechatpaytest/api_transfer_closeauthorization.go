package wechatpaytest

import "net/http"

// serveTransferCloseAuthorization answers 解除免确认收款授权: any body is
// ignored; a pending or effective authorization becomes CLOSED
// (CLOSE_VIA_MCH_API) and MCHTRANSFER.AUTHORIZATION.CLOSED is sent; a
// closed one answers as it is; an unknown number is 404 NOT_FOUND.
func (s *Server) serveTransferCloseAuthorization(r *V3Request) (int, any) {
	a, e := s.transferAuthorizationByPath(r)
	if e != nil {
		return e.Answer()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch a = s.lookupAuthorization(a.OutAuthorizationNo); {
	case a == nil: // gone between the locks (its 30 days passed)
		return V3Error(http.StatusNotFound, "NOT_FOUND", "授权记录不存在")
	case a.State != "CLOSED":
		s.closeAuthorizationLocked(a, "CLOSE_VIA_MCH_API")
	}
	return http.StatusOK, authorizationView(a)
}
