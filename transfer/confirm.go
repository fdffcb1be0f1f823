package transfer

import "net/url"

// Confirmation is what the merchant server hands its mini program, JSAPI
// page or app so that the user confirms a bill with requestMerchantTransfer.
// There is no signature to compute. Package is valid only while the bill is
// WAIT_USER_CONFIRM (24 h at most): before opening the page again, query
// the bill. The client's success callback means the page closed, not that
// money moved: the result comes from the callback or the queries.
//
// Mini program (base library ≥ 3.3.0):
//
//	if (wx.canIUse('requestMerchantTransfer')) {
//	  wx.requestMerchantTransfer({mchId, appId, package, success, fail})
//	}
//
// H5 in WeChat, after wx.config and wx.checkJsApi:
//
//	WeixinJSBridge.invoke('requestMerchantTransfer', {mchId, appId, package}, cb)
//
// App: open the WeChat business view with businessType
// "requestMerchantTransfer" and the query AppQuery (captured only for the
// mini-program multi-end framework; the native Android and iOS pages are
// Unconfirmed).
type Confirmation struct {
	// MchID is the merchant number that created the bill (mchId).
	MchID string `json:"mchId"`
	// AppID is the bill's appid (appId); for the App route, the mobile
	// app's appid.
	AppID string `json:"appId"`
	// Package is the bill's package_info, unchanged (package).
	Package string `json:"package"`
}

// ConfirmParams returns the values requestMerchantTransfer takes for a bill
// of mchID created with appID whose CreateBill answered packageInfo. It
// makes no network call.
func ConfirmParams(mchID, appID, packageInfo string) Confirmation {
	return Confirmation{MchID: mchID, AppID: appID, Package: packageInfo}
}

// AppQuery is the query string of the App route, each value URL-encoded:
// appId=…&mchId=…&package=….
func (c Confirmation) AppQuery() string {
	return url.Values{"mchId": {c.MchID}, "appId": {c.AppID}, "package": {c.Package}}.Encode()
}
