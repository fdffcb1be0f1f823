// Package aggracct calls the WeChat Pay aggregated-account (聚合账户) APIs of
// the WeBank channel (微众银行渠道): special reductions of a quota ledger
// (特殊减额 CreateSpecialReduction, 查询特殊减额结果 QuerySpecialReduction), the
// ledger's balance (查询渠道额度 QueryBalance), control orders (发起微众台账管控
// Punish, 解管 Recover, 查询控制单 QueryControlOrder) and the audit-result
// report of an info-update request (资料更新请求审核结果
// SyncInfoUpdateAuditResult), a merchant's profile and images (查询商户资料
// QueryMerchantArchives, 查询商户影像件资料 QueryMerchantMedia), and the
// rename of a channel settlement bank account (ApplyRename, QueryRename).
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
// A flow: QueryBalance, CreateSpecialReduction (answered PROCESSING; the
// balance drops once QuerySpecialReduction shows SUCCESS), Punish, then
// QueryControlOrder until the punish order is SUCCESS and ACTIVE, Recover
// naming it by both numbers, and QueryControlOrder until the recover order
// is SUCCESS and the punish order RECOVERED. No notification of control
// results is documented: poll.
//
// The ledger number bal_account_no is a sensitive field: the SDK encrypts it
// with the WeChat Pay key (RSA-OAEP) and sends that key's id as
// Wechatpay-Serial, and returns the response's copy decrypted; so is the
// optional card_no. The optional fields a 2026 community reference added
// (card_no, sgn_no, req_scene, fund_repatriation_strategy) are left out
// unless set. Every response is verified before it is decoded.
//
// Input is checked before any I/O by the request's Validate, which reports
// every problem at once, each a *wechatpay.FieldError naming the Go field
// and its wire name. A 4xx/5xx answer is a *wechatpay.APIError; the core
// client retries 429, 5xx and transport failures with back-off for the
// queries and for the POSTs documented as re-entrant with the same
// out_request_no and body: CreateSpecialReduction, Punish and Recover. It
// does not retry SyncInfoUpdateAuditResult, whose re-entry is not
// documented, nor ApplyRename, which is not idempotent: its failures once
// the request may have left match ErrRenameOutcomeUnknown. The documented
// rate limits are 100 requests per second per target merchant
// (QuerySpecialReduction, CreateSpecialReduction, QueryBalance), 200 per
// minute (Punish, Recover, QueryControlOrder, SyncInfoUpdateAuditResult,
// ApplyRename, QueryRename), 10 per minute per merchant
// (QueryMerchantArchives) and 100 per minute (QueryMerchantMedia), each API
// its own (QueryInterval, PunishInterval, ArchivesInterval,
// MediaInterval): WithLimiter and the per-method options
// (WithQueryLimiter, WithPunishLimiter, WithCreateReductionLimiter, ...)
// take any wechatpay.Limiter to keep a merchant under them on the client
// side, in one process (NewQueryLimiter, NewPunishLimiter) or, with a
// shared limiter, across a fleet.
//
// A verified answer without a field the API always sends (state,
// out_request_no, wxpay_punish_no, control_scene, balance, ...) is
// wechatpay.ErrMalformedResponse.
package aggracct
