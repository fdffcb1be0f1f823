package aggracct

import (
	"encoding/json"
	"reflect"
	"strconv"
	"unicode/utf8"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/svc"
)

// encryptPair encrypts the ledger number and the optional card number
// (card_no, "" for none) with the same WeChat Pay key, whose id or serial
// it returns for the Wechatpay-Serial header.
func (s *Service) encryptPair(balAccountNo, cardNo string) (balCipher, cardCipher, serial string, err error) {
	if balCipher, serial, err = svc.Encrypt(s.c, "bal_account_no", balAccountNo); err != nil {
		return "", "", "", err
	}
	if cardNo != "" {
		if cardCipher, _, err = svc.Encrypt(s.c, "card_no", cardNo); err != nil {
			return "", "", "", err
		}
	}
	return balCipher, cardCipher, serial, nil
}

// checkCommunity validates the optional fields a 2026 community reference
// added to every WeBank-channel API: card_no, sgn_no and req_scene.
func checkCommunity(cardNo, sgnNo string, scene ReqScene) error {
	if err := svc.CheckID("card_no", cardNo, 0, false); err != nil {
		return err
	}
	if err := svc.CheckID("sgn_no", sgnNo, 0, false); err != nil {
		return err
	}
	return svc.CheckID("req_scene", string(scene), 0, false)
}

// checkText validates a free-text field: optional unless required, valid
// UTF-8. Its length is left to the server (the unit of the documented
// limits is not stated).
func checkText(field, v string, required bool) error {
	if v == "" && required {
		return &wechatpay.FieldError{Field: field, Reason: "is required", Missing: true}
	}
	if !utf8.ValidString(v) {
		return &wechatpay.FieldError{Field: field, Reason: "is not valid UTF-8"}
	}
	return nil
}

// checkAlnum validates an identifier limited to ASCII digits and letters.
func checkAlnum(field, v string, maxLen int) error {
	if err := svc.CheckID(field, v, maxLen, true); err != nil {
		return err
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return &wechatpay.FieldError{Field: field, Reason: "must be ASCII digits and letters only"}
		}
	}
	return nil
}

var int64Type = reflect.TypeFor[int64]()

// flexInt decodes the raw JSON value of an integer that WeChat Pay writes
// as a JSON number in one object and as a JSON string in another
// (punish_scene, punish_rule_version) into dst. Absent, null and "" are 0;
// anything else that is not an integer is an error naming field, never the
// value (named here: see wire.TimeField).
func flexInt(field string, raw json.RawMessage, dst *int64) error {
	s := string(raw)
	if s == "" || s == "null" {
		*dst = 0
		return nil
	}
	if s[0] == '"' {
		if err := json.Unmarshal(raw, &s); err != nil {
			return &json.UnmarshalTypeError{Value: "string", Type: int64Type, Field: field}
		}
		if s == "" {
			*dst = 0
			return nil
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return &json.UnmarshalTypeError{Value: "value", Type: int64Type, Field: field}
	}
	*dst = v
	return nil
}
