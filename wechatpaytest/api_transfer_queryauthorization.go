package wechatpaytest

import "net/http"

// serveTransferQueryAuthorization answers 商户单号查询授权结果: the
// authorization, with a package_info while pending (community reference);
// an unknown number is 404 NOT_FOUND.
func (s *Server) serveTransferQueryAuthorization(r *V3Request) (int, any) {
	a, e := s.transferAuthorizationByPath(r)
	if e != nil {
		return e.Answer()
	}
	v := authorizationView(a)
	if a.State == "WAIT_USER_CONFIRM" {
		v.PackageInfo = newPackageInfo()
	}
	return http.StatusOK, v
}

// transferAuthorizationByPath checks the path's out_authorization_no (400
// PARAM_ERROR) and returns a copy of its authorization, else 404
// NOT_FOUND.
func (s *Server) transferAuthorizationByPath(r *V3Request) (*transferAuthorization, *ErrorAnswer) {
	no := r.PathValue("out_authorization_no")
	if e := checkFields("path", alnumNo("out_authorization_no", no, 32)); e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.lookupAuthorization(no)
	if a == nil {
		_, e := V3Error(http.StatusNotFound, "NOT_FOUND", "授权记录不存在")
		return nil, e
	}
	cp := *a
	return &cp, nil
}
