package wechatpaytest

import "time"

// beijing is UTC+08:00, the zone of every time the emulator renders.
var beijing = time.FixedZone("CST", 8*60*60)

// Seed fixture values (protocol/credentials.md).
const (
	seedReductionNo    = "htozr8denqegbt6tk6u10iymo7yww5pn"
	seedBalAccountNo   = "8609cb22e1774a50a930e414cc71eca06121bcd266335cda230d24a7886a8d9f"
	seedOutOrderNo     = "P20150806125346"
	seedSubMchID       = "1900000109"
	seedTransactionID  = "4208450740201411110007820472"
	seedMchBillNo      = "10000098201411111234567890"
	seedRedPacketMchID = "10000098"
)

func (s *Server) addSeedFixtures() {
	s.addAggracctSeed()
	s.addProfitSharingSeed()
	s.addRedpackSeed()
}
