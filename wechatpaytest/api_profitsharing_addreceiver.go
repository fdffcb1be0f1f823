package wechatpaytest

// serveProfitSharingAddReceiver answers an add-receiver request: the
// documented fields, the name decrypted, then a new relationship in state
// INIT (EFFECTIVE on its first query). A relationship that is INIT or
// EFFECTIVE already is 400 INVALID_REQUEST.
func (s *Server) serveProfitSharingAddReceiver(r *V3Request) (int, any) {
	var req struct {
		psParty
		Name              string `json:"name"`
		RelationType      string `json:"relation_type"`
		CustomRelation    string `json:"custom_relation"`
		Scene             string `json:"scene"`
		MajorService      string `json:"major_service"`
		ExpectedRatio     int64  `json:"expected_ratio"`
		ApplicationFileID string `json:"application_file_id"`
		PartnershipFileID string `json:"partnership_file_id"`
		FileID            string `json:"file_id"`
	}
	if e := r.DecodeJSON(&req); e != nil {
		return e.Answer()
	}
	if e := req.check(); e != nil {
		return e.Answer()
	}
	if e := checkFields("body", field{name: "/relation_type", value: req.RelationType, required: true}); e != nil {
		return e.Answer()
	}
	if req.RelationType == "CUSTOM" && req.CustomRelation == "" {
		return paramError("/custom_relation", "body", "required when relation_type is CUSTOM").Answer()
	}
	rel := ProfitSharingRelation{
		SubMchID: req.SubMchID, Type: req.Type, Account: req.Account, RelationType: req.RelationType,
		CustomRelation: req.CustomRelation, Scene: req.Scene, MajorService: req.MajorService,
		ExpectedRatio: req.ExpectedRatio, ApplicationFileID: req.ApplicationFileID,
		PartnershipFileID: req.PartnershipFileID, FileID: req.FileID, State: "INIT",
	}
	if req.Name != "" {
		plain, e := r.DecryptField("/name", "body", req.Name)
		if e != nil {
			return e.Answer()
		}
		rel.Name = plain
	}
	k := psRelationKey{req.SubMchID, req.Account}
	s.mu.Lock()
	if prev, ok := s.ps.relations[k]; ok && (prev.State == "INIT" || prev.State == "EFFECTIVE") {
		s.mu.Unlock()
		return invalidRequest("分账接收方已存在").Answer()
	}
	s.ps.relations[k] = rel
	s.mu.Unlock()
	return psRelationAnswer(r, rel)
}
