package wechatpaytest

import (
	"encoding/json"
	"net/http"
	"slices"
)

// transferAuthorizationRequest is a T10 body.
type transferAuthorizationRequest struct {
	OutAuthorizationNo string `json:"out_authorization_no"`
	AppID              string `json:"appid"`
	OpenID             string `json:"openid"`
	SceneID            string `json:"transfer_scene_id"`
	DisplayName        string `json:"user_display_name"`
	Perception         string `json:"user_recv_perception"`
	NotifyURL          string `json:"authorization_notify_url"`
	SceneInfo          *struct {
		ClientIP   string `json:"client_ip"`
		DeviceID   string `json:"device_id"`
		DeviceType string `json:"device_type"`
	} `json:"scene_info"`
}

// serveTransferCreateAuthorization answers 发起免确认收款授权: the
// documented fields (400 PARAM_ERROR), the appid and scene granted (400
// INVALID_REQUEST). The same number and body answer the stored record (a
// fresh package_info while pending), another body 400 INVALID_REQUEST; a
// user with a pending or effective authorization of the scene under
// another number is 400 INVALID_REQUEST. A new one waits for its user.
func (s *Server) serveTransferCreateAuthorization(r *V3Request) (int, any) {
	var req transferAuthorizationRequest
	if e := r.DecodeJSON(&req); e != nil {
		return e.Answer()
	}
	if e := checkFields("body", field{name: "/out_authorization_no", value: req.OutAuthorizationNo, required: true, max: 32, valid: isAlnum, issue: "only digits and letters, at most 32"},
		field{name: "/appid", value: req.AppID, required: true, max: 32},
		field{name: "/openid", value: req.OpenID, required: true, max: 64},
		field{name: "/transfer_scene_id", value: req.SceneID, required: true, max: 36},
		field{name: "/user_display_name", value: req.DisplayName, required: true, max: 32},
		field{name: "/user_recv_perception", value: req.Perception, max: 256},
		field{name: "/authorization_notify_url", value: req.NotifyURL, required: true, max: 256, valid: isNotifyURL, issue: "must be an https URL without a query string"},
	); e != nil {
		return e.Answer()
	}
	key, _ := json.Marshal(req)
	s.mu.Lock()
	defer s.mu.Unlock()
	m := &s.transfer.merchant
	switch {
	case !slices.Contains(m.AppIDs, req.AppID):
		return invalidRequest("APPID不存在或未与商户号绑定").Answer()
	case !slices.Contains(m.Scenes, req.SceneID):
		return invalidRequest("该转账场景未开通或不可用: " + req.SceneID).Answer()
	}
	if a := s.lookupAuthorization(req.OutAuthorizationNo); a != nil {
		if a.key != string(key) {
			return invalidRequest("out_authorization_no 已存在但请求参数不一致").Answer()
		}
		return http.StatusOK, authorizationCreated(a)
	}
	for no := range s.auths() {
		if a := s.lookupAuthorization(no); a != nil && a.OpenID == req.OpenID && a.SceneID == req.SceneID && a.State != "CLOSED" {
			return invalidRequest("该用户在此场景下的授权数量已达上限, 请使用已有的商户授权单号").Answer()
		}
	}
	a := &transferAuthorization{OutAuthorizationNo: req.OutAuthorizationNo, AppID: req.AppID, OpenID: req.OpenID,
		SceneID: req.SceneID, DisplayName: req.DisplayName, Perception: req.Perception, NotifyURL: req.NotifyURL,
		State: "WAIT_USER_CONFIRM", CreateTime: s.now(), key: string(key)}
	s.auths()[a.OutAuthorizationNo] = a
	return http.StatusOK, authorizationCreated(a)
}

// authorizationCreated is T10's answer of a: a fresh package_info while it
// waits for its user.
func authorizationCreated(a *transferAuthorization) any {
	pkg := ""
	if a.State == "WAIT_USER_CONFIRM" {
		pkg = newPackageInfo()
	}
	return struct {
		OutAuthorizationNo string `json:"out_authorization_no"`
		State              string `json:"state"`
		CreateTime         string `json:"create_time"`
		PackageInfo        string `json:"package_info,omitempty"`
	}{a.OutAuthorizationNo, a.State, rfc3339(a.CreateTime), pkg}
}
