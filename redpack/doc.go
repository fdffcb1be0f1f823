// Package redpack calls the WeChat Pay red-packet APIv2 endpoints: XML, MD5
// sign with the APIv2 key (no sign_type), and the merchant client
// certificate (mTLS).
//
//   - SendWorkWx (发放企业红包, sendworkwxredpack) and QueryWorkWx
//     (queryworkwxredpack): WeCom (企业微信) red packets. SendWorkWx adds
//     workwx_sign, keyed with the secret of the WeCom 企业支付 application
//     (WithWorkWxSecret).
//   - Send (发放普通红包, sendredpack) and Query (查询红包记录, gethbinfo):
//     ordinary cash red packets of a public account, closed to new
//     merchants since 2026-06-18 (community notice).
//
// There is no method for the fission packet (sendgroupredpack): it has been
// offline since 2024-06-05.
//
// The sends are re-entrant on mch_billno: the same number with the same
// parameters sends at most one packet, so the client retries them, and
// the right reaction to any doubt is to resend with the same number. A
// send whose outcome the SDK cannot know (a transport failure once the
// request may have left, SYSTEMERROR, an unknown err_code, a return_code or
// result_code that is missing or not exactly SUCCESS or FAIL, a reply that
// will not parse or whose sign does not verify) is an *UnknownOutcomeError
// matching ErrUnknownOutcome: only a readable, documented rejection is a
// definite failure. Never resend under a new number unless the
// old one is known to have failed.
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
//	svc := redpack.New(client, redpack.WithWorkWxSecret(wecomPaySecret)) // the secret only for SendWorkWx
//	p, err := svc.QueryWorkWx(ctx, &redpack.QueryWorkWxRequest{MchBillNo: billNo})
//	var apiErr *wechatpay.APIError
//	if errors.As(err, &apiErr) && apiErr.ErrCode == "NOT_FOUND" {
//		// maybe still processing: query again later; never re-send under a new bill number
//	}
//
// Each method is one wechatpay.V2Operation over its request type, whose
// xml and wx tags say what is sent and how it is checked (Validate reports
// every problem at once), and its answer type, filled by its xml tags
// from the reply as it is read (times in Beijing time).
//
// Reply signs: every sign present is verified. A successful
// queryworkwxredpack reply must carry one (its fields, including ones this
// SDK does not know, are covered by it); unknown fields are kept in
// WorkWxRedPacket.Extra; one without a field every successful reply
// carries (detail_id, status, send_type, send_time, ...) is
// wechatpay.ErrMalformedResponse. The replies of sendredpack and gethbinfo
// are documented unsigned and those of sendworkwxredpack are commonly
// so: a success without a sign is accepted (SendResult.Signed tells). Amounts are int64 fen and times are time.Time in
// Beijing time (UTC+08:00).
package redpack
