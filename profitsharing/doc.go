// Package profitsharing calls the WeChat Pay cross-border profit-sharing
// (跨境分账) APIs on the global domain (apihk.mch.weixin.qq.com).
//
// Build a Service on a shared *wechatpay.Client and query the result of a
// distribution request:
//
//	svc := profitsharing.New(client)
//	order, err := svc.QueryOrder(ctx, &profitsharing.QueryOrderRequest{
//		OutOrderNo:    "P20150806125346",
//		SubMchID:      "1900000109", // institutional mode only
//		TransactionID: "4208450740201411110007820472",
//	})
//	if err != nil { ... }
//	for _, r := range order.Receivers {
//		if r.Result == profitsharing.ResultClosed { log.Print(r.FailReason) }
//	}
//
// The package covers the whole flow: MarkTransaction (before the order is
// placed, answered 204), AddReceiver and QueryReceiver (the receiver must
// be EFFECTIVE), CreateOrder (re-entrant per out_order_no, retried),
// QueryOrder, UnfreezeOrder, QueryUnsplitAmount, QueryBillDownloadURL then
// DownloadBill (a stream, bounded by WithMaxBillBytes, read with
// NewBillReader), and DeleteReceiver (a DELETE with a JSON body, answered
// 204). For refunds: QueryRefundableAmounts, QueryRefundableBalance, and
// QueryRefundBillDownloadURL, whose file DownloadBill fetches too.
// Receiver names are encrypted by the SDK and decrypted in answers.
//
// Enums are typed strings: values this SDK does not know decode without
// error and report Known() == false. Answer times are Time, a time.Time
// that reads WeChat Pay's RFC 3339 forms. The exchange rate is decoded from
// either rate_value or rate. Each request type has a Validate method, run
// before any I/O, that reports every problem at once (errors.Join of
// *wechatpay.FieldError, each naming the Go field and its wire name:
// "OutOrderNo (out_order_no): is required"); a 4xx/5xx answer is a
// *wechatpay.APIError, and 429 and 5xx are retried by the core client.
package profitsharing
