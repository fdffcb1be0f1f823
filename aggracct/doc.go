// Package aggracct calls the WeChat Pay aggregated-account (聚合账户) APIs of
// the WeBank channel (微众银行渠道): the special-reduction query (查询特殊减额结果)
// and the ledger control order (发起微众台账管控).
//
// Build a Service on a shared *wechatpay.Client:
//
//	svc := aggracct.New(client, aggracct.WithPunishLimiter(aggracct.NewPunishLimiter()))
//
//	r, err := svc.QuerySpecialReduction(ctx, &aggracct.QuerySpecialReductionRequest{
//		OutRequestNo: "htozr8denqegbt6tk6u10iymo7yww5pn",
//		BalAccountNo: balAccountNo, // plaintext; the SDK encrypts it
//	})
//	if err != nil { ... }
//	if r.State == aggracct.StateFailed && r.FailReason.Canonical() == aggracct.FailReasonReceiptNotExist { ... }
//
//	res, err := svc.Punish(ctx, &aggracct.PunishRequest{
//		OutRequestNo: "WBPUNISH20251009000001", // reuse it to retry, for up to a year
//		MchID:        "1900016681",
//		BalAccountNo: balAccountNo,
//		PunishScene:  1,
//	})
//
// The ledger number bal_account_no is a sensitive field: the SDK encrypts it
// with the WeChat Pay key (RSA-OAEP) and sends that key's id as
// Wechatpay-Serial, and returns the response's copy decrypted. Every
// response is verified before it is decoded.
//
// Input is checked before any I/O: a bad field is a *wechatpay.FieldError
// naming it. A 4xx/5xx answer is a *wechatpay.APIError; the core client
// retries 429 and 5xx with back-off for the query and for Punish (which is
// re-entrant with the same out_request_no). The documented rate limits are
// 100 queries per second per target merchant and 200 punish calls per
// minute (QueryInterval, PunishInterval): WithLimiter, WithQueryLimiter
// and WithPunishLimiter take any wechatpay.Limiter to keep a merchant under
// them on the client side, in one process (NewQueryLimiter,
// NewPunishLimiter) or, with a shared limiter, across a fleet.
//
// A verified answer without a field the API always sends (state,
// out_request_no, wxpay_punish_no, ...) is wechatpay.ErrMalformedResponse.
package aggracct
