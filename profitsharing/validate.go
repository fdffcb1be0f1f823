package profitsharing

import (
	"errors"
	"slices"

	"github.com/gowechatpay/wechatpay"
)

// needApps reports the appid and sub_appid that receivers of the given
// types need: a PERSONAL_OPENID receiver is an openid under AppID, a
// PERSONAL_SUB_OPENID one under SubAppID.
func needApps(appID, subAppID string, types ...ReceiverType) error {
	var errs []error
	if appID == "" && slices.Contains(types, ReceiverTypePersonalOpenID) {
		errs = append(errs, &wechatpay.FieldError{Field: "appid", GoField: "AppID", Reason: "is required for a PERSONAL_OPENID receiver", Missing: true})
	}
	if subAppID == "" && slices.Contains(types, ReceiverTypePersonalSubOpenID) {
		errs = append(errs, &wechatpay.FieldError{Field: "sub_appid", GoField: "SubAppID", Reason: "is required for a PERSONAL_SUB_OPENID receiver", Missing: true})
	}
	return errors.Join(errs...)
}
