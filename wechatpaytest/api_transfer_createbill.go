package wechatpaytest

import (
	"cmp"
	"encoding/json"
	"net/http"
	"strconv"
	"unicode/utf8"
)

// transferCreateRequest is a T1 body, user_name decrypted once checked.
type transferCreateRequest struct {
	AppID       string `json:"appid"`
	OutBillNo   string `json:"out_bill_no"`
	SceneID     string `json:"transfer_scene_id"`
	OpenID      string `json:"openid"`
	UserName    string `json:"user_name"`
	Amount      *int64 `json:"transfer_amount"`
	Remark      string `json:"transfer_remark"`
	NotifyURL   string `json:"notify_url"`
	Perception  string `json:"user_recv_perception"`
	ReportInfos []struct {
		InfoType    string `json:"info_type"`
		InfoContent string `json:"info_content"`
	} `json:"transfer_scene_report_infos"`
	RecvStyle *struct {
		Type string `json:"type"`
	} `json:"user_recv_style"`
}

// serveTransferCreateBill answers 发起转账: the documented fields (400
// PARAM_ERROR), the report items (scene 1000's labels checked), user_name
// at or above 200000 fen and decryptable, then the merchant (appid, scene,
// scene 1000's perception and the range: 400 INVALID_REQUEST). The same
// out_bill_no and body answer the stored bill (a fresh package_info while
// WAIT_USER_CONFIRM), another body 400 INVALID_REQUEST; a new bill locks
// its funds (403 NOT_ENOUGH when short, nothing stored) and waits for its
// user in WAIT_USER_CONFIRM.
func (s *Server) serveTransferCreateBill(r *V3Request) (int, any) {
	var req transferCreateRequest
	if e := r.DecodeJSON(&req); e != nil {
		return e.Answer()
	}
	return s.createTransferBill(r, &req, nil, nil)
}

// createTransferBill is serveTransferCreateBill of a decoded body; extra
// (the rest of a T13 body) is part of the re-entrancy key, and onNew is
// called under s.mu with a bill just stored.
func (s *Server) createTransferBill(r *V3Request, req *transferCreateRequest, extra any, onNew func(*transferBill)) (int, any) {
	if e := cmp.Or(checkTransferCreate(req), checkTransferReport(req)); e != nil {
		return e.Answer()
	}
	if req.UserName != "" {
		plain, e := r.DecryptField("/user_name", "body", req.UserName)
		if e != nil {
			return e.Answer()
		}
		req.UserName = plain
	}
	key, _ := json.Marshal([]any{req, extra}) // user_name decrypted: OAEP ciphertexts differ on every try
	s.mu.Lock()
	defer s.mu.Unlock()
	m := &s.transfer.merchant
	if e := m.grants(req.AppID, req.SceneID, *req.Amount); e != nil {
		return e.Answer()
	}
	if req.SceneID == "1000" && req.Perception != "" && req.Perception != "现金奖励" && req.Perception != "活动奖励" {
		return invalidRequest("该转账场景不支持展示此用户收款感知: " + req.Perception).Answer()
	}
	if b, ok := s.transfer.bills[req.OutBillNo]; ok {
		s.lookupBill(b.OutBillNo) // closed when its 24 hours have passed
		if b.key != string(key) {
			return invalidRequest("out_bill_no 已存在但请求参数不一致").Answer()
		}
		return http.StatusOK, transferBillAnswer(b)
	}
	if m.Balance-s.transfer.locked < *req.Amount {
		return V3Error(http.StatusForbidden, "NOT_ENOUGH", "商户运营账户资金不足")
	}
	now := s.now()
	b := &transferBill{OutBillNo: req.OutBillNo, TransferBillNo: s.newTransferBillNo(), AppID: req.AppID, OpenID: req.OpenID,
		UserName: req.UserName, Remark: req.Remark, NotifyURL: req.NotifyURL, State: "WAIT_USER_CONFIRM",
		Amount: *req.Amount, CreateTime: now, UpdateTime: now, key: string(key)}
	s.transfer.locked += b.Amount
	s.transfer.bills[b.OutBillNo], s.transfer.byNo[b.TransferBillNo] = b, b.OutBillNo
	if onNew != nil {
		onNew(b)
	}
	return http.StatusOK, transferBillAnswer(b)
}

// checkTransferCreate checks the documented fields of a T1 body.
func checkTransferCreate(req *transferCreateRequest) *ErrorAnswer {
	if e := checkFields("body", field{name: "/appid", value: req.AppID, required: true, max: 32},
		field{name: "/out_bill_no", value: req.OutBillNo, required: true, max: 32, valid: isAlnum, issue: "only digits and letters, at most 32"},
		field{name: "/transfer_scene_id", value: req.SceneID, required: true, max: 36},
		field{name: "/openid", value: req.OpenID, required: true, max: 64},
		field{name: "/transfer_remark", value: req.Remark, required: true, max: 32},
		field{name: "/notify_url", value: req.NotifyURL, max: 256, valid: isNotifyURL, issue: "must be an https URL without a query string"},
	); e != nil {
		return e
	}
	switch {
	case req.Amount == nil || *req.Amount <= 0:
		return paramError("/transfer_amount", "body", "must be a positive integer")
	case *req.Amount >= 200000 && req.UserName == "":
		return paramError("/user_name", "body", "required when transfer_amount is at least 200000")
	case req.RecvStyle != nil && req.RecvStyle.Type == "":
		return paramError("/user_recv_style/type", "body", "required")
	}
	return nil
}

// checkTransferReport checks the report items: present, each label once,
// within 15 and 32 characters, and for scene 1000 (the one official page)
// exactly 活动名称 and 奖励说明; 400 PARAM_ERROR.
func checkTransferReport(req *transferCreateRequest) *ErrorAnswer {
	if len(req.ReportInfos) == 0 {
		return paramError("/transfer_scene_report_infos", "body", "报备信息必填")
	}
	seen := map[string]bool{}
	for i, in := range req.ReportInfos {
		f := "/transfer_scene_report_infos/" + strconv.Itoa(i)
		switch n := utf8.RuneCountInString(in.InfoType); {
		case n == 0 || n > 15 || seen[in.InfoType]:
			return paramError(f+"/info_type", "body", "报备信息不完整或与场景不匹配")
		case in.InfoContent == "" || utf8.RuneCountInString(in.InfoContent) > 32:
			return paramError(f+"/info_content", "body", "1 to 32 characters")
		case req.SceneID == "1000" && in.InfoType != "活动名称" && in.InfoType != "奖励说明":
			return paramError(f+"/info_type", "body", "报备信息不完整或与场景不匹配")
		}
		seen[in.InfoType] = true
	}
	if req.SceneID == "1000" && len(seen) != 2 {
		return paramError("/transfer_scene_report_infos", "body", "报备信息不完整或与场景不匹配")
	}
	return nil
}

// transferBillAnswer is T1's answer of b: a fresh package_info while it
// waits for its user.
func transferBillAnswer(b *transferBill) transferBillJSON {
	pkg := ""
	if b.State == "WAIT_USER_CONFIRM" {
		pkg = newPackageInfo()
	}
	return transferBillJSON{b.OutBillNo, b.TransferBillNo, rfc3339(b.CreateTime), b.State, b.FailReason, pkg}
}

// transferBillJSON is T1's answer on the wire.
type transferBillJSON struct {
	OutBillNo      string `json:"out_bill_no"`
	TransferBillNo string `json:"transfer_bill_no"`
	CreateTime     string `json:"create_time"`
	State          string `json:"state"`
	FailReason     string `json:"fail_reason,omitempty"`
	PackageInfo    string `json:"package_info,omitempty"`
}
