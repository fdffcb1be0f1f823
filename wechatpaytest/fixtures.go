package wechatpaytest

import "time"

// beijing is UTC+08:00, the zone of every time the emulator renders.
var beijing = time.FixedZone("CST", 8*60*60)

// The seed fixtures' numbers (protocol/credentials.md), which a test
// queries and compares with; WithoutSeedFixtures leaves them out.
const (
	// SeedReductionNo is the seed special reduction's out_request_no.
	SeedReductionNo = "htozr8denqegbt6tk6u10iymo7yww5pn"
	// SeedBalAccountNo is the seed quota ledger's bal_account_no
	// (plaintext).
	SeedBalAccountNo = "8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f"
	// SeedOutOrderNo is the seed profit-sharing order's out_order_no.
	SeedOutOrderNo = "P20150806125346"
	// SeedSubMchID is the sub-merchant of the seed profit-sharing order.
	SeedSubMchID = "1900000109"
	// SeedTransactionID is the transaction of the seed profit-sharing
	// order.
	SeedTransactionID = "4208450740201411110007820472"
	// SeedMchBillNo is the seed WeCom red packet's mch_billno.
	SeedMchBillNo = "10000098201411111234567890"
	// SeedRedPacketMchID is the merchant of the seed red packet.
	SeedRedPacketMchID = "10000098"
)

func (s *Server) addSeedFixtures() {
	s.addAggracctSeed()
	s.addProfitSharingSeed()
	s.addRedpackSeed()
}
