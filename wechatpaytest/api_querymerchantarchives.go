package wechatpaytest

import (
	"maps"
	"net/http"
	"slices"
)

// MerchantArchives is a merchant's subject profile (商户资料) that GET
// /v3/aggracct-bc/wb-channel/account/mch_archives answers for its ledger.
// The seed fixtures hold one for the seed ledger.
type MerchantArchives struct {
	// MchID and BalAccountNo (plaintext) name the ledger.
	MchID, BalAccountNo string
	// Fields are the other top-level fields by wire name (merchant_type,
	// merchant_name, expire_date, card_no, ...), answered as they are but
	// merchant_name, merchant_id_no and card_no, which are encrypted for
	// the merchant on each answer.
	Fields map[string]string
	// LegalRepresentative and BeneficialOwners are people, their fields by
	// wire name without the legal_representative_ or beneficial_owner_
	// prefix (id_type, name, id_no, address, img_front_id, ...); name,
	// id_no and address are encrypted on each answer.
	LegalRepresentative map[string]string
	BeneficialOwners    []map[string]string
}

// AddMerchantArchives adds or replaces the profile of a.MchID and
// a.BalAccountNo.
func (s *Server) AddMerchantArchives(a MerchantArchives) {
	a.Fields, a.LegalRepresentative = maps.Clone(a.Fields), maps.Clone(a.LegalRepresentative)
	a.BeneficialOwners = slices.Clone(a.BeneficialOwners)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.agg.archives[ledgerKey{a.MchID, a.BalAccountNo}] = a
}

// seedArchives is the profile of the seed ledger; its
// merchant_img_front_id is the seed image's media id.
func seedArchives() MerchantArchives {
	return MerchantArchives{MchID: TestMchID, BalAccountNo: SeedBalAccountNo,
		Fields: map[string]string{"merchant_type": "2", "merchant_id_type": "12", "merchant_name": "测试商户有限公司",
			"merchant_id_no": "91440300MA5TEST001", "effective_date": "2020-01-01", "expire_date": "长期",
			"merchant_img_front_id": SeedMediaID, "register_address": "深圳市南山区", "business_scope": "零售"},
		LegalRepresentative: map[string]string{"id_type": "01", "name": "张三", "id_no": "440300199001011234",
			"effective_date": "2020-01-01", "expire_date": "2040-01-01", "address": "深圳市南山区"},
		BeneficialOwners: []map[string]string{{"no": "1", "id_type": "01", "name": "张三", "id_no": "440300199001011234"}},
	}
}

// archivesSecrets are the profile fields WeChat Pay encrypts.
var archivesSecrets = map[string]bool{"bal_account_no": true, "merchant_name": true, "merchant_id_no": true,
	"card_no": true, "name": true, "id_no": true, "address": true}

// serveQueryMerchantArchives answers a profile query: mchid and
// bal_account_no (decrypted) name the ledger; an unknown one is 404
// RESOURCE_NOT_EXISTS.
func (s *Server) serveQueryMerchantArchives(r *V3Request) (int, any) {
	k, e := queryLedger(r, 1024)
	if e != nil {
		return e.Answer()
	}
	s.mu.Lock()
	a, ok := s.agg.archives[k]
	s.mu.Unlock()
	if !ok {
		return notFound("merchant archives").Answer()
	}
	answer, e := sealed(r, "", a.Fields, map[string]string{"mchid": a.MchID, "bal_account_no": a.BalAccountNo})
	if e == nil && a.LegalRepresentative != nil {
		answer["legal_representative"], e = sealed(r, "legal_representative_", a.LegalRepresentative)
	}
	owners := make([]map[string]any, len(a.BeneficialOwners))
	for i := 0; e == nil && i < len(owners); i++ {
		owners[i], e = sealed(r, "beneficial_owner_", a.BeneficialOwners[i])
	}
	if e != nil {
		return e.Answer()
	}
	answer["beneficial_owner"] = owners
	return http.StatusOK, answer
}

// sealed returns the fields of each of sets with prefix added to each
// name, the secret ones encrypted for the merchant.
func sealed(r *V3Request, prefix string, sets ...map[string]string) (map[string]any, *ErrorAnswer) {
	out := map[string]any{}
	for _, fields := range sets {
		for k, v := range fields {
			if archivesSecrets[k] {
				var e *ErrorAnswer
				if v, e = r.EncryptForMerchant(v); e != nil {
					return nil, e
				}
			}
			out[prefix+k] = v
		}
	}
	return out, nil
}
