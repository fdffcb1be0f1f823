package wechatpaytest_test

import (
	"context"
	"fmt"
	"time"

	"github.com/gowechatpay/wechatpay/redpack"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// ExampleServer_SentRedPackets shows a send retried after the emulator
// dropped the connection once it had sent the packet: two requests with the
// same mch_billno, one packet.
func ExampleServer_SentRedPackets() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	srv.InjectFault(wechatpaytest.Fault{API: wechatpaytest.APISendCashRedPacket, Kind: wechatpaytest.FaultDropAfterHandling, Count: 1})

	res, err := redpack.New(srv.Client()).Send(context.Background(), &redpack.SendRequest{
		MchBillNo: "10000098202612010000000001", SendName: "天虹百货", ReOpenID: "o1", TotalAmount: 1000,
		Wishing: "w", ClientIP: "192.168.0.1", ActName: "a", Remark: "r",
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	for _, p := range srv.SentRedPackets() {
		fmt.Println(p.API, p.MchBillNo, "requests:", p.Requests, "same packet:", p.SendListID == res.SendListID)
	}
	fmt.Println("attempts:", res.Meta.Attempts)
	// Output:
	// sendredpack 10000098202612010000000001 requests: 2 same packet: true
	// attempts: 2
}

// ExampleServer_OpenRedPacket sends a cash red packet, lets the user open
// it, and shows the balance the send paid from.
func ExampleServer_OpenRedPacket() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	srv.SetRedPacketBalance(5000)
	svc := redpack.New(srv.Client())
	ctx := context.Background()

	res, err := svc.Send(ctx, &redpack.SendRequest{
		MchBillNo: "10000098202612010000000002", SendName: "天虹百货", ReOpenID: "o1", TotalAmount: 1000,
		Wishing: "w", ClientIP: "192.168.0.1", ActName: "a", Remark: "r",
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println("balance:", srv.RedPacketBalance())
	fmt.Println("opened:", srv.OpenRedPacket(srv.MchID(), res.MchBillNo, "o1"))
	p, err := svc.Query(ctx, &redpack.QueryRequest{MchBillNo: res.MchBillNo})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(p.Status, p.Receipts[0].OpenID, p.Receipts[0].Amount)
	// Output:
	// balance: 4000
	// opened: true
	// RECEIVED o1 1000
}

// ExampleServer_AddCashRedPacket answers gethbinfo with a fixture: a fission
// packet opened twice, once without rcv_time, as WeChat Pay sometimes
// answers.
func ExampleServer_AddCashRedPacket() {
	srv := wechatpaytest.NewServer()
	defer srv.Close()
	sent := time.Date(2025, 10, 9, 16, 0, 0, 0, time.FixedZone("CST", 8*3600))
	srv.AddCashRedPacket(wechatpaytest.CashRedPacket{
		MchBillNo: "G1", MchID: srv.MchID(), AppID: srv.AppID(), DetailID: "D1", Status: "RECEIVED",
		SendType: "API", HBType: "GROUP", TotalNum: 2, TotalAmount: 300, SendTime: sent,
		Receipts: []wechatpaytest.CashReceipt{{OpenID: "o1", Amount: 100, RcvTime: sent.Add(time.Minute)}, {OpenID: "o2", Amount: 200}},
	})
	p, err := redpack.New(srv.Client()).Query(context.Background(), &redpack.QueryRequest{MchBillNo: "G1"})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	for _, r := range p.Receipts {
		fmt.Println(r.OpenID, r.Amount, r.RcvTime.IsZero())
	}
	// Output:
	// o1 100 false
	// o2 200 true
}
