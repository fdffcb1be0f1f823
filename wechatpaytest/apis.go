package wechatpaytest

// API names one emulated endpoint by its route pattern, method and path as
// registered, to aim a Fault at it: one of the constants below for a
// built-in API, or the pattern of a route registered with HandleV3
// (API("POST /v3/pay/transactions/jsapi")) or HandleV2 (API("POST " +
// path)). Each constant's value is its route.
type API string

// APIAny aims a Fault at every API.
const APIAny API = ""

// The WeBank channel of aggregated accounts (aggracct, 微众银行渠道), each
// emulated in its api_*.go file.

// APIQuerySpecialReduction is 查询特殊减额结果, the special-reduction query.
const APIQuerySpecialReduction API = "GET /v3/aggracct-bc/wb-channel/special-reduction/{out_request_no}"

// APICreateSpecialReduction is 特殊减额, the creation of a special reduction.
const APICreateSpecialReduction API = "POST /v3/aggracct-bc/wb-channel/special-reduction"

// APIPunish is 处置, the punish of a ledger (a control order).
const APIPunish API = "POST /v3/aggracct-bc/wb-channel/control-orders/punish"

// APIRecover is 解管, the recover that lifts a punish.
const APIRecover API = "POST /v3/aggracct-bc/wb-channel/control-orders/recover"

// APIQueryControlOrder is 查询控制单, the punish or recover order query.
const APIQueryControlOrder API = "GET /v3/aggracct-bc/wb-channel/control-orders/{out_request_no}"

// APISyncInfoUpdateAuditResult is 资料更新请求审核结果, the report of
// an info-update audit.
const APISyncInfoUpdateAuditResult API = "POST /v3/aggracct-bc/wb-channel/control-orders/info/update/result/notify"

// APIQueryBalance is 查询渠道额度, the ledger balance query.
const APIQueryBalance API = "GET /v3/aggracct-bc/wb-channel/account/balance"

// APIQueryMerchantArchives is 查询商户资料, a ledger's merchant profile.
const APIQueryMerchantArchives API = "GET /v3/aggracct-bc/wb-channel/account/mch_archives"

// APIQueryMerchantMedia is 查询商户影像件资料, an image of a merchant.
const APIQueryMerchantMedia API = "GET /v3/aggracct-bc/wb-channel/account/mch_media"

// APIApplyRename is 受理渠道结算银行账户更名申请, a rename application.
const APIApplyRename API = "POST /v3/aggracct-bc/wb-channel/bank-channel-account/rename"

// APIQueryRename is 查询渠道结算银行账户更名申请, its query.
const APIQueryRename API = "GET /v3/aggracct-bc/wb-channel/bank-channel-account/rename/{application_id}"

// aggracctRoutes is the WeBank channel's route table.
func (s *Server) aggracctRoutes() []route {
	return []route{
		{pattern: string(APIQuerySpecialReduction), v3: s.serveQuerySpecialReduction},
		{pattern: string(APICreateSpecialReduction), v3: s.serveCreateSpecialReduction},
		{pattern: string(APIPunish), v3: s.servePunish},
		{pattern: string(APIRecover), v3: s.serveRecover},
		{pattern: string(APIQueryControlOrder), v3: s.serveQueryControlOrder},
		{pattern: string(APISyncInfoUpdateAuditResult), v3: s.serveSyncInfoUpdateAuditResult},
		{pattern: string(APIQueryBalance), v3: s.serveQueryBalance},
		{pattern: string(APIQueryMerchantArchives), v3: s.serveQueryMerchantArchives},
		{pattern: string(APIQueryMerchantMedia), v3: s.serveQueryMerchantMedia},
		{pattern: string(APIApplyRename), v3: s.serveApplyRename},
		{pattern: string(APIQueryRename), v3: s.serveQueryRename},
	}
}

// Global profit sharing (profitsharing, 跨境分账) on apihk, each emulated in
// its api_profitsharing_*.go file.

// APIProfitSharingQueryOrder is 查询分账结果, the order query.
const APIProfitSharingQueryOrder API = "GET /v3/global/profit-sharing/orders/{out_order_no}"

// APIProfitSharingCreateOrder is 请求分账, a distribution.
const APIProfitSharingCreateOrder API = "POST /v3/global/profit-sharing/orders"

// APIProfitSharingUnfreezeOrder is 解冻剩余资金, the unfreeze of the rest.
const APIProfitSharingUnfreezeOrder API = "POST /v3/global/profit-sharing/orders/unfreeze"

// APIProfitSharingAddReceiver is 添加分账接收方.
const APIProfitSharingAddReceiver API = "POST /v3/global/profit-sharing/receivers"

// APIProfitSharingDeleteReceiver is 删除分账接收方: a DELETE with a
// JSON body, answered 204.
const APIProfitSharingDeleteReceiver API = "DELETE /v3/global/profit-sharing/receivers"

// APIProfitSharingQueryReceiver is 查询分账接收方添加结果.
const APIProfitSharingQueryReceiver API = "GET /v3/global/profit-sharing/receivers/{account}"

// APIProfitSharingQueryUnsplitAmount is 查询剩余待分金额.
const APIProfitSharingQueryUnsplitAmount API = "GET /v3/global/profit-sharing/transactions/{transaction_id}/amounts"

// APIProfitSharingQueryBillDownloadURL is 获取分账账单文件下载地址.
const APIProfitSharingQueryBillDownloadURL API = "GET /v3/global/profit-sharing/bill-download-url"

// APIProfitSharingMarkTransaction is 分账标记, the mark before an order
// is placed, answered 204.
const APIProfitSharingMarkTransaction API = "POST /v3/global/profit-sharing/transactions/mark"

// APIProfitSharingQueryRefundableAmounts is 查询订单剩余可退款金额.
const APIProfitSharingQueryRefundableAmounts API = "GET /v3/global/profit-sharing/transactions/{transaction_id}/refundable-amounts"

// APIProfitSharingQueryRefundableBalance is 查询可供垫付退款实时余额.
const APIProfitSharingQueryRefundableBalance API = "GET /v3/global/profit-sharing/refunds/refundable-balance"

// APIProfitSharingQueryRefundBillDownloadURL is 获取分账退款账单下载链接;
// the file is downloaded from APIDownloadBill.
const APIProfitSharingQueryRefundBillDownloadURL API = "GET /v3/global/profit-sharing/refunds/bill-download-url"

// APIDownloadBill is the emulator's download_url: a GET signed by the
// merchant, answered with the file, unsigned, so only the early faults
// apply to it.
const APIDownloadBill API = "GET /v3/bill/downloadurl"

// profitSharingRoutes is global profit sharing's route table.
func (s *Server) profitSharingRoutes() []route {
	return []route{
		{pattern: string(APIProfitSharingQueryOrder), v3: s.serveProfitSharingQueryOrder},
		{pattern: string(APIProfitSharingCreateOrder), v3: s.serveProfitSharingCreateOrder},
		{pattern: string(APIProfitSharingUnfreezeOrder), v3: s.serveProfitSharingUnfreezeOrder},
		{pattern: string(APIProfitSharingAddReceiver), v3: s.serveProfitSharingAddReceiver},
		{pattern: string(APIProfitSharingDeleteReceiver), v3: s.serveProfitSharingDeleteReceiver},
		{pattern: string(APIProfitSharingQueryReceiver), v3: s.serveProfitSharingQueryReceiver},
		{pattern: string(APIProfitSharingQueryUnsplitAmount), v3: s.serveProfitSharingQueryUnsplitAmount},
		{pattern: string(APIProfitSharingQueryBillDownloadURL), v3: s.serveProfitSharingQueryBillDownloadURL},
		{pattern: string(APIDownloadBill), v3: s.serveDownloadBill, fileType: "text/csv; charset=utf-8"},
		{pattern: string(APIProfitSharingMarkTransaction), v3: s.serveProfitSharingMarkTransaction},
		{pattern: string(APIProfitSharingQueryRefundableAmounts), v3: s.serveProfitSharingQueryRefundableAmounts},
		{pattern: string(APIProfitSharingQueryRefundableBalance), v3: s.serveProfitSharingQueryRefundableBalance},
		{pattern: string(APIProfitSharingQueryRefundBillDownloadURL), v3: s.serveProfitSharingQueryRefundBillDownloadURL},
	}
}

// Red packets (redpack, 红包) on APIv2: XML, MD5 sign, the merchant API
// certificate as TLS client certificate, and no sign_type documented.

// APIQueryWorkWxRedPacket is 查询企业微信红包记录, the WeCom
// red-packet query (success replies signed).
const APIQueryWorkWxRedPacket API = "POST /mmpaymkttransfers/queryworkwxredpack"

// APISendWorkWxRedPacket is 发放企业红包, the WeCom red-packet send
// (MD5 plus workwx_sign; success replies signed).
const APISendWorkWxRedPacket API = "POST /mmpaymkttransfers/sendworkwxredpack"

// APISendCashRedPacket is 发放普通红包, the cash red-packet send
// (replies never signed).
const APISendCashRedPacket API = "POST /mmpaymkttransfers/sendredpack"

// APIQueryCashRedPacket is 查询红包记录, the cash red-packet query
// (replies never signed).
const APIQueryCashRedPacket API = "POST /mmpaymkttransfers/gethbinfo"

// redpackRoutes is the red-packet route table.
func (s *Server) redpackRoutes() []route {
	return []route{
		{pattern: string(APIQueryWorkWxRedPacket), v2: s.serveQueryWorkWxRedPacket, v2opts: V2Route{Secure: true}},
		{pattern: string(APISendWorkWxRedPacket), v2: s.serveSendWorkWxRedPacket, v2opts: V2Route{Secure: true}},
		{pattern: string(APISendCashRedPacket), v2: s.serveSendCashRedPacket, v2opts: V2Route{Secure: true, UnsignedReply: true}},
		{pattern: string(APIQueryCashRedPacket), v2: s.serveQueryCashRedPacket,
			v2opts: V2Route{Secure: true, UnsignedReply: true, Nested: []string{"hblist"}}},
	}
}

// APICertificates is 下载平台证书, the platform certificate download.
const APICertificates API = "GET /v3/certificates"

// APISecurityEcho is 商户签名验签/加解密测试, the echo (api_securityecho.go).
const APISecurityEcho API = "POST /v3/security/echo"

// The merchant transfer (transfer, 商家转账), each emulated in its
// api_transfer_*.go file, its state in state_transfer.go.

// APITransferCreateBill is 发起转账, the creation of a transfer bill.
const APITransferCreateBill API = "POST /v3/fund-app/mch-transfer/transfer-bills"

// APITransferQueryByOutBillNo is 商户单号查询转账单.
const APITransferQueryByOutBillNo API = "GET /v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}"

// APITransferQueryByTransferBillNo is 微信单号查询转账单.
const APITransferQueryByTransferBillNo API = "GET /v3/fund-app/mch-transfer/transfer-bills/transfer-bill-no/{transfer_bill_no}"

// APITransferCancelBill is 撤销转账.
const APITransferCancelBill API = "POST /v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}/cancel"

// APITransferApplyReceiptByOutBillNo is 商户单号申请电子回单.
const APITransferApplyReceiptByOutBillNo API = "POST /v3/fund-app/mch-transfer/elecsign/out-bill-no"

// APITransferApplyReceiptByTransferBillNo is 微信单号申请电子回单.
const APITransferApplyReceiptByTransferBillNo API = "POST /v3/fund-app/mch-transfer/elecsign/transfer-bill-no"

// APITransferQueryReceiptByOutBillNo is 商户单号查询电子回单.
const APITransferQueryReceiptByOutBillNo API = "GET /v3/fund-app/mch-transfer/elecsign/out-bill-no/{out_bill_no}"

// APITransferQueryReceiptByTransferBillNo is 微信单号查询电子回单.
const APITransferQueryReceiptByTransferBillNo API = "GET /v3/fund-app/mch-transfer/elecsign/transfer-bill-no/{transfer_bill_no}"

// APITransferDownloadReceipt is the emulator's receipt download_url: a
// GET signed by the merchant, answered with the PDF, unsigned.
const APITransferDownloadReceipt API = "GET /v3/transferdownload/elecvoucherfile"

// APITransferCreateAuthorization is 发起免确认收款授权.
const APITransferCreateAuthorization API = "POST /v3/fund-app/mch-transfer/user-confirm-authorization"

// APITransferQueryAuthorization is 商户单号查询授权结果.
const APITransferQueryAuthorization API = "GET /v3/fund-app/mch-transfer/user-confirm-authorization/out-authorization-no/{out_authorization_no}"

// APITransferCloseAuthorization is 解除免确认收款授权.
const APITransferCloseAuthorization API = "POST /v3/fund-app/mch-transfer/user-confirm-authorization/out-authorization-no/{out_authorization_no}/close"

// APITransferCreateBillWithAuthorization is 发起转账并完成免确认收款授权.
const APITransferCreateBillWithAuthorization API = "POST /v3/fund-app/mch-transfer/transfer-bills/pre-transfer-with-authorization"

// APITransferWithAuthorization is 用户授权后转账.
const APITransferWithAuthorization API = "POST /v3/fund-app/mch-transfer/transfer-bills/transfer"

// transferRoutes is the merchant transfer's route table.
func (s *Server) transferRoutes() []route {
	return []route{
		{pattern: string(APITransferCreateBill), v3: s.serveTransferCreateBill},
		{pattern: string(APITransferQueryByOutBillNo), v3: s.serveTransferQueryByOutBillNo},
		{pattern: string(APITransferQueryByTransferBillNo), v3: s.serveTransferQueryByTransferBillNo},
		{pattern: string(APITransferCancelBill), v3: s.serveTransferCancelBill},
		{pattern: string(APITransferApplyReceiptByOutBillNo), v3: s.serveTransferApplyReceiptByOutBillNo},
		{pattern: string(APITransferApplyReceiptByTransferBillNo), v3: s.serveTransferApplyReceiptByTransferBillNo},
		{pattern: string(APITransferQueryReceiptByOutBillNo), v3: s.serveTransferQueryReceiptByOutBillNo},
		{pattern: string(APITransferQueryReceiptByTransferBillNo), v3: s.serveTransferQueryReceiptByTransferBillNo},
		{pattern: string(APITransferDownloadReceipt), v3: s.serveTransferDownloadReceipt, fileType: "application/pdf"},

		{pattern: string(APITransferCreateAuthorization), v3: s.serveTransferCreateAuthorization},
		{pattern: string(APITransferQueryAuthorization), v3: s.serveTransferQueryAuthorization},
		{pattern: string(APITransferCloseAuthorization), v3: s.serveTransferCloseAuthorization},
		{pattern: string(APITransferCreateBillWithAuthorization), v3: s.serveTransferCreateBillWithAuthorization},
		{pattern: string(APITransferWithAuthorization), v3: s.serveTransferWithAuthorization},
	}
}

// handleBuiltins registers the route table of every emulated domain.
func (s *Server) handleBuiltins() {
	tables := [][]route{s.aggracctRoutes(), s.profitSharingRoutes(), s.redpackRoutes(),
		{{pattern: string(APICertificates), v3: s.serveCertificates}},
		{{pattern: string(APISecurityEcho), v3: s.serveSecurityEcho}}, s.transferRoutes(),
		s.testHelperRoutes()}
	for _, table := range tables {
		for _, rt := range table {
			rt.srv = s
			s.handle(&rt)
		}
	}
}
