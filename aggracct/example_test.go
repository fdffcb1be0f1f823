package aggracct_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/aggracct"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func ExampleService_QuerySpecialReduction() {
	srv := wechatpaytest.NewServer() // in production: wechatpay.NewClient(...)
	defer srv.Close()
	svc := aggracct.New(srv.Client(), aggracct.WithQueryLimiter(aggracct.NewQueryLimiter()))

	r, err := svc.QuerySpecialReduction(context.Background(), &aggracct.QuerySpecialReductionRequest{
		OutRequestNo: "htozr8denqegbt6tk6u10iymo7yww5pn",
		BalAccountNo: "8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f", // encrypted by the SDK
	})
	var apiErr *wechatpay.APIError
	switch {
	case errors.Is(err, wechatpay.ErrInvalidSignature):
		fmt.Println("answer not from WeChat Pay:", err)
		return
	case errors.As(err, &apiErr) && apiErr.Code == "RESOURCE_NOT_EXISTS":
		fmt.Println("no such reduction")
		return
	case err != nil:
		fmt.Println("error:", err)
		return
	}
	fmt.Println(r.State, r.ReductionType, r.Amount, "fen")
	fmt.Println(r.BalAccountNo[:8], r.SuccessTime.Format(time.RFC3339))
	// Output:
	// SUCCESS JUDICIAL_DEDUCTION 1 fen
	// 8609cb22 2015-05-20T13:29:35+08:00
}

func ExampleService_Punish() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	svc := aggracct.New(srv.Client(), aggracct.WithPunishLimiter(aggracct.NewPunishLimiter()))

	req := &aggracct.PunishRequest{
		OutRequestNo:  "WBPUNISH20251009000001", // the idempotency key: reuse it to retry
		MchID:         "1900016681",
		BalAccountNo:  "8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f",
		PunishScene:   1,
		PunishReason:  "测试用管控原因",
		PunishEndTime: time.Date(2025, 12, 31, 23, 59, 59, 0, time.FixedZone("CST", 8*3600)),
	}
	first, err := svc.Punish(context.Background(), req)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	again, err := svc.Punish(context.Background(), req) // re-entrant for a year
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(first.OutRequestNo, first.WxpayPunishNo == again.WxpayPunishNo)
	fmt.Println(srv.Punishments()[0].PunishEndTime)
	// Output:
	// WBPUNISH20251009000001 true
	// 2025-12-31T23:59:59+08:00
}

func ExampleService_CreateSpecialReduction() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	svc := aggracct.New(srv.Client(), aggracct.WithCreateReductionLimiter(aggracct.NewQueryLimiter()))
	ctx := context.Background()
	const ledger = "8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f" // encrypted by the SDK

	req := &aggracct.CreateSpecialReductionRequest{
		BalAccountNo:  ledger,
		OutRequestNo:  "RED20251009000001", // the idempotency key: reuse it to retry
		ReductionType: aggracct.ReductionTypeJudicialDeduction,
		Amount:        100,
		Reason:        "司法案件号:202508080009",
	}
	r, err := svc.CreateSpecialReduction(ctx, req)
	var apiErr *wechatpay.APIError
	switch {
	case errors.As(err, &apiErr) && apiErr.Code == "NOT_ENOUGH":
		fmt.Println("balance insufficient: the order is closed")
		return
	case err != nil:
		fmt.Println("error:", err)
		return
	}
	fmt.Println(r.OutRequestNo, r.State)

	done, err := svc.QuerySpecialReduction(ctx, &aggracct.QuerySpecialReductionRequest{OutRequestNo: req.OutRequestNo, BalAccountNo: ledger})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(done.State, done.Amount, "fen")
	// Output:
	// RED20251009000001 PROCESSING
	// SUCCESS 100 fen
}

func ExampleService_QueryBalance() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	svc := aggracct.New(srv.Client(), aggracct.WithBalanceLimiter(aggracct.NewQueryLimiter()))

	b, err := svc.QueryBalance(context.Background(), &aggracct.QueryBalanceRequest{
		BalAccountNo: "8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f", // encrypted by the SDK
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(b.Balance, "fen; reduction in transit:", b.InTransitReductionExist)
	// Output:
	// 99999 fen; reduction in transit: false
}

func ExampleService_Recover() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	svc := aggracct.New(srv.Client(), aggracct.WithRecoverLimiter(aggracct.NewPunishLimiter()))
	ctx := context.Background()
	const ledger = "8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f"

	punish, err := svc.Punish(ctx, &aggracct.PunishRequest{
		OutRequestNo: "WBPUNISH20251009000001", MchID: "1900016681", BalAccountNo: ledger, PunishScene: 1,
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	r, err := svc.Recover(ctx, &aggracct.RecoverRequest{
		OutRequestNo:          "WBRECOVER20251010000001", // the idempotency key: reuse it to retry
		RelatedWebankPunishNo: "WBPUNISH20251009000001",
		RelatedWxpayPunishNo:  punish.WxpayPunishNo,
		MchID:                 "1900016681",
		BalAccountNo:          ledger,
		RecoverReason:         "核验已通过,解除管控",
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(r.OutRequestNo, r.WxpayRecoverNo != "")
	// Output:
	// WBRECOVER20251010000001 true
}

func ExampleService_QueryControlOrder() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	svc := aggracct.New(srv.Client(), aggracct.WithControlQueryLimiter(aggracct.NewPunishLimiter()))
	ctx := context.Background()

	if _, err := svc.Punish(ctx, &aggracct.PunishRequest{
		OutRequestNo: "WBPUNISH20251009000001", MchID: "1900016681",
		BalAccountNo: "8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f", PunishScene: 1,
	}); err != nil {
		fmt.Println("error:", err)
		return
	}
	o, err := svc.QueryControlOrder(ctx, &aggracct.QueryControlOrderRequest{
		OutRequestNo: "WBPUNISH20251009000001",
		ControlType:  aggracct.ControlTypePunish,
		MchID:        "1900016681",
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	p := o.PunishOrder
	fmt.Println(o.ControlScene, p.PunishState, p.EffectState, p.ControlAction)
	// Output:
	// PUNISH SUCCESS ACTIVE [DISABLE_WITHDRAWAL]
}

func ExampleService_SyncInfoUpdateAuditResult() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	svc := aggracct.New(srv.Client(), aggracct.WithAuditResultLimiter(aggracct.NewPunishLimiter()))

	_, err := svc.SyncInfoUpdateAuditResult(context.Background(), &aggracct.SyncInfoUpdateAuditResultRequest{
		OutRequestNo:    "htozr8denqegbt6tk6u10iymo7yww5pn",
		MchID:           "1900016681",
		AuditResult:     aggracct.AuditResultReject,
		AuditFinishTime: time.Date(2015, 5, 20, 13, 29, 35, 0, time.FixedZone("CST", 8*3600)),
		AttachInfo:      "updateidcard",
		FailCode:        "1001",
		FailMsg:         "IDCARD_ILLEGAL",
	})
	if err != nil { // not retried by the client: the API documents no re-entry
		fmt.Println("error:", err)
		return
	}
	r := srv.AuditReports()[0]
	fmt.Println(r.AuditResult, r.FailCode, r.AuditFinishTime)
	// Output:
	// REJECT 1001 2015-05-20T13:29:35+08:00
}

func ExampleService_QueryMerchantArchives() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	svc := aggracct.New(srv.Client())

	a, err := svc.QueryMerchantArchives(context.Background(), &aggracct.QueryMerchantArchivesRequest{
		MchID:        "1900016681",
		BalAccountNo: "8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f", // encrypted by the SDK
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	// Decrypted personal data: show it to whoever needs it, never log it.
	fmt.Println(a.MerchantType, a.MerchantName, a.LegalRepresentative.Name, len(a.BeneficialOwner))
	fmt.Println(a.MerchantImgFrontID) // QueryMerchantMedia reads the image
	// Output:
	// 2 测试商户有限公司 张三 1
	// MEDIA_ID_SEED_0001
}

func ExampleService_QueryMerchantMedia() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	svc := aggracct.New(srv.Client())

	m, err := svc.QueryMerchantMedia(context.Background(), &aggracct.QueryMerchantMediaRequest{
		BusinessScene: aggracct.MediaSceneGetByMediaID,
		MchID:         "1900016681",
		MediaID:       "MEDIA_ID_SEED_0001", // from QueryMerchantArchives
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(m.MediaID, m.MediaType, len(m.MediaContent) > 0) // raw: encoding not documented
	// Output:
	// MEDIA_ID_SEED_0001 jpg true
}

func ExampleService_ApplyRename() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	svc := aggracct.New(srv.Client(), aggracct.WithRenameLimiter(aggracct.NewPunishLimiter()))
	const ledger = "8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f"

	app, err := svc.ApplyRename(context.Background(), &aggracct.ApplyRenameRequest{
		OutRequestNo: "WBRENAME20260401000001",
		MchID:        "1900016681",
		BalAccountNo: ledger,
		ChangeScene:  aggracct.ChangeSceneSubjectInfoRename,
	})
	switch {
	case errors.Is(err, aggracct.ErrRenameOutcomeUnknown):
		fmt.Println("an application may exist: do not resend blindly:", err)
		return
	case err != nil: // a definite rejection, or nothing was sent
		fmt.Println("error:", err)
		return
	}
	fmt.Println(app.ApplicationState, app.NewAccountName)
	// Output:
	// PROCESSING 测试商户有限公司
}

func ExampleService_QueryRename() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	svc := aggracct.New(srv.Client())
	ctx := context.Background()
	const ledger = "8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f"

	app, err := svc.ApplyRename(ctx, &aggracct.ApplyRenameRequest{OutRequestNo: "WBRENAME20260401000002",
		MchID: "1900016681", BalAccountNo: ledger, ChangeScene: aggracct.ChangeSceneSubjectInfoRename})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	r, err := svc.QueryRename(ctx, &aggracct.QueryRenameRequest{
		ApplicationID: app.ApplicationID, // the only key: out_request_no cannot be looked up
		MchID:         "1900016681",
		BalAccountNo:  ledger,
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(r.ApplicationState, r.NewAccountName, r.FinishTime.IsZero())
	// Output:
	// SUCCESS 测试商户有限公司 false
}
