// Package transfer pays WeChat users through the upgraded merchant transfer
// (商家转账, /v3/fund-app/mch-transfer/): the merchant creates a transfer
// bill (CreateBill), hands its package_info to the user's WeChat client
// (ConfirmParams, requestMerchantTransfer), the user confirms, and WeChat
// Pay sends MCHTRANSFER.BILL.FINISHED (DecodeBillNotification) when the
// bill is SUCCESS, FAIL or CANCELLED; QueryBillByOutBillNo and
// QueryBillByTransferBillNo read it, CancelBill cancels it before the user
// confirms.
//
//	svc := transfer.New(client)
//	bill, err := svc.CreateBill(ctx, &transfer.CreateBillRequest{
//		OutBillNo: "plfk2020042013", SceneID: transfer.SceneCashMarketing,
//		OpenID: openid, Amount: 400, Remark: "新会员开户有礼",
//		SceneReportInfos: []transfer.SceneReportInfo{
//			{InfoType: "活动名称", InfoContent: "新会员有礼"},
//			{InfoType: "奖励说明", InfoContent: "注册会员抽奖一等奖"},
//		},
//	})
//	// bill.State == transfer.BillWaitUserConfirm: send
//	// transfer.ConfirmParams(client.MchID(), client.AppID(), bill.PackageInfo)
//	// to the front end.
//
// Never change out_bill_no after an answer other than 200: query the bill
// first; only a bill known to be FAIL or CANCELLED justifies a new number.
// A SUCCESS bill sent with user_name has an electronic receipt (电子回单):
// ApplyReceiptByOutBillNo, QueryReceiptByOutBillNo until FINISHED, then
// DownloadReceipt, which checks the file's digest. A user who grants a
// confirmation-free authorization (免确认收款授权: CreateAuthorization, or
// CreateBillWithAuthorization's offer; callbacks read by
// DecodeAuthorizationNotification) is then paid by
// TransferWithAuthorization without a confirmation page.
package transfer
