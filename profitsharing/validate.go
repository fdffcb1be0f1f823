package profitsharing

import (
	"strconv"
	"unicode/utf8"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/svc"
)

// checkOrderNo validates an out_order_no: required, 1–64 characters of
// digits, letters, '_' and '-'.
func checkOrderNo(v string) error {
	if err := svc.CheckID("out_order_no", v, 64, true); err != nil {
		return err
	}
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case '0' <= c && c <= '9', 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', c == '_', c == '-':
		default:
			return &wechatpay.FieldError{Field: "out_order_no", Reason: "may hold only digits, letters, '_' and '-'"}
		}
	}
	return nil
}

// checkText validates a free-text field: valid UTF-8, at most maxLen
// characters (0 for no documented maximum), present when required.
func checkText(field, v string, maxLen int, required bool) error {
	switch n := utf8.RuneCountInString(v); {
	case v == "" && required:
		return &wechatpay.FieldError{Field: field, Reason: "is required", Missing: true}
	case !utf8.ValidString(v):
		return &wechatpay.FieldError{Field: field, Reason: "is not valid UTF-8"}
	case maxLen > 0 && n > maxLen:
		return &wechatpay.FieldError{Field: field, Reason: "is " + strconv.Itoa(n) + " characters, at most " + strconv.Itoa(maxLen) + " allowed"}
	}
	return nil
}

// checkParty validates the fields that name a receiver: its type and
// account, and the appid or sub_appid its type needs. prefix is put before
// the field names ("receivers[0]." in a distribution request).
func checkParty(prefix string, typ ReceiverType, account, appID, subAppID string) error {
	if typ == "" {
		return &wechatpay.FieldError{Field: prefix + "type", Reason: "is required", Missing: true}
	}
	if err := svc.CheckID(prefix+"type", string(typ), 32, true); err != nil {
		return err
	}
	if err := svc.CheckID(prefix+"account", account, 64, true); err != nil {
		return err
	}
	switch {
	case typ == ReceiverTypePersonalOpenID && appID == "":
		return &wechatpay.FieldError{Field: "appid", Reason: "is required for a " + string(typ) + " receiver", Missing: true}
	case typ == ReceiverTypePersonalSubOpenID && subAppID == "":
		return &wechatpay.FieldError{Field: "sub_appid", Reason: "is required for a " + string(typ) + " receiver", Missing: true}
	}
	return nil
}

// checkApps validates the optional sub_mchid, appid and sub_appid.
func checkApps(subMchID, appID, subAppID string) error {
	if err := svc.CheckID("sub_mchid", subMchID, 32, false); err != nil {
		return err
	}
	if err := svc.CheckID("appid", appID, 32, false); err != nil {
		return err
	}
	return svc.CheckID("sub_appid", subAppID, 32, false)
}
