// Package redpack calls the WeChat Pay WeCom red-packet (企业微信红包) APIv2
// endpoints: XML, MD5 sign with the APIv2 key, and the merchant client
// certificate (mTLS).
//
// The client needs the APIv2 key and the merchant certificate:
//
//	client, err := wechatpay.NewClient(
//		wechatpay.WithMerchantPEM(mchID, serial, keyPEM),
//		wechatpay.WithMerchantCertificate(cert),
//		wechatpay.WithPublicKey(pubKeyID, pubKey),
//		wechatpay.WithAPIv2Key(apiV2Key),
//		wechatpay.WithAppID(corpID),
//	)
//	svc := redpack.New(client)
//	p, err := svc.QueryWorkWx(ctx, &redpack.QueryWorkWxRequest{MchBillNo: billNo})
//	var apiErr *wechatpay.APIError
//	if errors.As(err, &apiErr) && apiErr.ErrCode == "NOT_FOUND" {
//		// maybe still processing: query again later; never re-send under a new bill number
//	}
//
// A successful reply must carry a valid sign (its fields, including ones
// this SDK does not know, are covered by it); unknown fields are kept in
// WorkWxRedPacket.Extra; one without a field every successful reply
// carries (detail_id, status, send_type, send_time, ...) is
// wechatpay.ErrMalformedResponse. Amounts are int64 fen and times are time.Time in
// Beijing time (UTC+08:00).
package redpack
