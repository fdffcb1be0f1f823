package aggracct

import (
	"context"
	"net/http"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/service"
)

// QueryMerchantArchivesRequest asks for the latest subject profile of a
// merchant's ledger.
type QueryMerchantArchivesRequest struct {
	// MchID is the target merchant; required, at most 32 characters.
	MchID string `json:"-" query:"mchid" wx:"required,id,max=32"`
	// BalAccountNo is the quota ledger number in plaintext; required. The
	// SDK encrypts it (RSA-OAEP) and never logs it.
	BalAccountNo string `json:"-" query:"bal_account_no" wx:"required,id,encrypt"`
	// CardNo is the card number in plaintext; optional, encrypted by the
	// SDK. CardNo, SgnNo and ReqScene are in a community reference only.
	CardNo string `json:"-" query:"card_no" wx:"id,encrypt"`
	// SgnNo is the sub-account agreement number; optional.
	SgnNo string `json:"-" query:"sgn_no" wx:"id"`
	// ReqScene is the request scene; optional, left out unless set.
	ReqScene ReqScene `json:"-" query:"req_scene" wx:"id"`
}

// Validate checks the request as QueryMerchantArchives does before any
// I/O, reporting every problem.
func (r *QueryMerchantArchivesRequest) Validate() error { return wechatpay.ValidateRequest(r) }

// MerchantArchives is a merchant's subject profile (商户资料). Its fields
// are a community reference's; the dates are strings as sent (their format
// is not documented). The fields WeChat Pay encrypts are returned
// decrypted: they are personal data, never log them.
type MerchantArchives struct {
	// MchID is the merchant; in every answer.
	MchID string `json:"mchid" wire:"required"`
	// BalAccountNo is the ledger, decrypted.
	BalAccountNo string `json:"bal_account_no,omitempty"`
	// MerchantType is the subject type, "1", "2" or "3" (meanings not
	// documented); MerchantIDType its certificate type ("12").
	MerchantType   string `json:"merchant_type,omitempty"`
	MerchantIDType string `json:"merchant_id_type,omitempty"`
	// MerchantName and MerchantIDNo are the registered name and the
	// certificate number, decrypted.
	MerchantName string `json:"merchant_name,omitempty"`
	MerchantIDNo string `json:"merchant_id_no,omitempty"`
	// EffectiveDate and ExpireDate bound the certificate's validity.
	EffectiveDate string `json:"effective_date,omitempty"`
	ExpireDate    string `json:"expire_date,omitempty"`
	// MerchantImgFrontID is the media id of the certificate's front image
	// (see QueryMerchantMedia).
	MerchantImgFrontID string `json:"merchant_img_front_id,omitempty"`
	// RegisterAddress and BusinessScope are as registered.
	RegisterAddress string `json:"register_address,omitempty"`
	BusinessScope   string `json:"business_scope,omitempty"`
	// LegalRepresentative is the legal representative; nil when absent.
	LegalRepresentative *LegalRepresentative `json:"legal_representative,omitempty"`
	// BeneficialOwner lists the beneficial owners.
	BeneficialOwner []BeneficialOwner `json:"beneficial_owner,omitempty"`
	// CardNo is the card number, decrypted; SgnNo the sub-account
	// agreement number.
	CardNo string `json:"card_no,omitempty"`
	SgnNo  string `json:"sgn_no,omitempty"`
	// Meta describes the HTTP exchange (Request-ID, attempts).
	Meta wechatpay.Response `json:"-"`
}

// LegalRepresentative is a merchant's legal representative (法定代表人);
// Name, IDNo and Address are returned decrypted.
type LegalRepresentative struct {
	IDType        string `json:"legal_representative_id_type,omitempty"`
	Name          string `json:"legal_representative_name,omitempty"`
	IDNo          string `json:"legal_representative_id_no,omitempty"`
	EffectiveDate string `json:"legal_representative_effective_date,omitempty"`
	ExpireDate    string `json:"legal_representative_expire_date,omitempty"`
	ImgFrontID    string `json:"legal_representative_img_front_id,omitempty"`
	ImgBackID     string `json:"legal_representative_img_back_id,omitempty"`
	Address       string `json:"legal_representative_address,omitempty"`
	// IssueAuthority and Nation (民族) are in a community reference only.
	IssueAuthority string `json:"legal_representative_issue_authority,omitempty"`
	Nation         string `json:"legal_representative_nation,omitempty"`
}

// BeneficialOwner is a beneficial owner (受益所有人); Name, IDNo and
// Address are returned decrypted.
type BeneficialOwner struct {
	No            string `json:"beneficial_owner_no,omitempty"`
	IDType        string `json:"beneficial_owner_id_type,omitempty"`
	Name          string `json:"beneficial_owner_name,omitempty"`
	IDNo          string `json:"beneficial_owner_id_no,omitempty"`
	EffectiveDate string `json:"beneficial_owner_effective_date,omitempty"`
	ExpireDate    string `json:"beneficial_owner_expire_date,omitempty"`
	ImgFrontID    string `json:"beneficial_owner_img_front_id,omitempty"`
	ImgBackID     string `json:"beneficial_owner_img_back_id,omitempty"`
	Address       string `json:"beneficial_owner_address,omitempty"`
}

var opQueryMerchantArchives = wechatpay.Operation[QueryMerchantArchivesRequest, MerchantArchives]{
	Name: "aggracct.QueryMerchantArchives", Method: http.MethodGet, Repeat: wechatpay.RepeatRead,
	Path: "/v3/aggracct-bc/wb-channel/account/mch_archives", After: openArchives,
}

// QueryMerchantArchives returns the latest subject profile of a merchant's
// ledger (查询商户资料).
//
// GET /v3/aggracct-bc/wb-channel/account/mch_archives?mchid=…&bal_account_no=…
//
// Rate limit: 10 requests per minute per merchant (see
// WithArchivesLimiter). The call is read-only and is retried by the client
// on transport errors, 429 and 5xx. The answer's fields are known from a
// community reference only (the official page ends early); a field
// marked encrypted is decrypted when it is base64 of one RSA block
// (2048, 3072 or 4096 bits) and returned as sent otherwise.
func (s *Service) QueryMerchantArchives(ctx context.Context, req *QueryMerchantArchivesRequest) (*MerchantArchives, error) {
	return opQueryMerchantArchives.Do(ctx, s.core().Client(), req, s.limits(apiArchives)...)
}

// openArchives decrypts the fields of a profile that WeChat Pay encrypts.
func openArchives(c *wechatpay.Client, _ []byte, a *MerchantArchives) error {
	fields := []*string{&a.BalAccountNo, &a.MerchantName, &a.MerchantIDNo, &a.CardNo}
	if p := a.LegalRepresentative; p != nil {
		fields = append(fields, &p.Name, &p.IDNo, &p.Address)
	}
	for i := range a.BeneficialOwner {
		o := &a.BeneficialOwner[i]
		fields = append(fields, &o.Name, &o.IDNo, &o.Address)
	}
	return openMarked(c, a.Meta.RequestID, fields...)
}

// openMarked decrypts each field that holds base64 of one RSA block, an
// RSA-OAEP ciphertext (service.LooksEncrypted), and leaves the others as
// sent.
func openMarked(c *wechatpay.Client, requestID string, fields ...*string) error {
	for _, f := range fields {
		if !service.LooksEncrypted(*f) {
			continue
		}
		if err := service.Decrypt(c.DecryptSensitive, f, "aggracct: an encrypted field", requestID); err != nil {
			return err
		}
	}
	return nil
}
