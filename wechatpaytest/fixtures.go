package wechatpaytest

import (
	"slices"
	"time"
)

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

// SpecialReduction is a special-reduction result (查询特殊减额结果) that the
// emulator answers for GET
// /v3/aggracct-bc/wb-channel/special-reduction/{out_request_no} when the
// query's mchid and decrypted bal_account_no match.
type SpecialReduction struct {
	// OutRequestNo, MchID and BalAccountNo identify the reduction;
	// BalAccountNo is plaintext: the emulator compares it with the
	// decrypted request value and encrypts it for the merchant in answers.
	OutRequestNo, MchID, BalAccountNo string
	// ReductionType, State, Reason, QuotaChangeNo and FailReason are
	// answered as they are; empty ones are left out.
	ReductionType, State, Reason, QuotaChangeNo, FailReason string
	// Amount is answered (in fen) when State is SUCCESS.
	Amount int64
	// SuccessTime and FailTime are answered unless zero.
	SuccessTime, FailTime time.Time
}

// AddSpecialReduction adds or replaces the special reduction with
// r.OutRequestNo. Its ledger (MchID, BalAccountNo) is created with a
// balance of 0 unless it exists (see AddLedger); a PROCESSING reduction
// shows as in transit on the ledger's balance. A special-reduction request
// with that number and the fixture's fields is answered with it (400
// ALREADY_EXISTS when it is FAILED), one with other fields 400 PARAM_ERROR.
func (s *Server) AddSpecialReduction(r SpecialReduction) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.agg.reductions[r.OutRequestNo] = r
	delete(s.agg.reductionReqs, r.OutRequestNo)
	if k := (ledgerKey{r.MchID, r.BalAccountNo}); r.MchID != "" && r.BalAccountNo != "" {
		if _, ok := s.agg.ledgers[k]; !ok {
			s.agg.ledgers[k] = 0
		}
	}
}

// ProfitSharingReceiver is one receiver of a ProfitSharingOrder.
type ProfitSharingReceiver struct {
	// Currency, Amount (smallest unit), Description, Type, Account,
	// Result and FailReason are answered as they are (receivers[] fields
	// of the same names); an empty FailReason is left out.
	Currency    string
	Amount      int64
	Description string
	Type        string
	Account     string
	Result      string
	FailReason  string
	// CreateTime and FinishTime are answered in RFC 3339; a zero
	// FinishTime is left out.
	CreateTime time.Time
	FinishTime time.Time
	// DetailID and DetailType are answered as they are.
	DetailID   string
	DetailType string
	// SettlementCurrency, SettlementAmount and RateValue (× 10^8) are
	// answered for UNFREEZE_TO_SPONSOR entries; empty or zero ones are
	// left out.
	SettlementCurrency string
	SettlementAmount   int64
	RateValue          int64
}

// ProfitSharingOrder is a global profit-sharing order that the emulator
// answers for GET /v3/global/profit-sharing/orders/{out_order_no} when the
// query's transaction_id and sub_mchid (empty for none) match.
type ProfitSharingOrder struct {
	// SubMchID, TransactionID and OutOrderNo identify the order (SubMchID
	// empty for an order without sub-merchant); OrderID and State are
	// answered as they are.
	SubMchID, TransactionID, OutOrderNo, OrderID, State string
	// Receivers are answered in order.
	Receivers []ProfitSharingReceiver
}

// AddProfitSharingOrder adds or replaces the order with o.OutOrderNo.
func (s *Server) AddProfitSharingOrder(o ProfitSharingOrder) {
	o.Receivers = slices.Clone(o.Receivers)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ps.orders[o.OutOrderNo] = o
}

// WorkWxRedPacket is a WeCom red-packet record (查询红包记录) that the emulator
// answers for POST /mmpaymkttransfers/queryworkwxredpack when the request's
// mch_billno, mch_id and appid match. Empty strings and zero amounts and
// times are left out of the answer.
type WorkWxRedPacket struct {
	// MchBillNo, MchID and AppID identify the packet; the other strings
	// are answered under their snake_case names (detail_id, status, ...).
	MchBillNo, MchID, AppID, DetailID, Status, SendType, Reason, Wishing, Remark, ActName, OpenID, SenderName, SenderHeaderMediaID string
	// TotalAmount, RefundAmount and Amount are answered in fen unless zero.
	TotalAmount, RefundAmount, Amount int64
	// SendTime, RefundTime and RcvTime are rendered "2006-01-02 15:04:05"
	// in UTC+8.
	SendTime, RefundTime, RcvTime time.Time
}

type redPacketKey struct{ mchID, billNo string }

// AddWorkWxRedPacket adds or replaces the red packet with p.MchID and p.MchBillNo.
func (s *Server) AddWorkWxRedPacket(p WorkWxRedPacket) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.redpack.workwx[redPacketKey{p.MchID, p.MchBillNo}] = p
}

// Punishment is a punish request (发起微众台账管控) the emulator accepted.
type Punishment struct {
	// OutRequestNo, MchID, PunishScene and PunishReason are the request's
	// (the JSON names of the request).
	OutRequestNo string `json:"out_request_no"`
	MchID        string `json:"mchid"`
	// BalAccountNo is the decrypted ledger number.
	BalAccountNo string `json:"-"`
	PunishScene  int64  `json:"-"`
	PunishReason string `json:"punish_reason"`
	// PunishEndTime is the RFC 3339 text as sent ("" when absent).
	PunishEndTime string `json:"punish_end_time"`
	// WxpayPunishNo is the control-order number the emulator assigned.
	WxpayPunishNo string `json:"-"`
	// CardNo (decrypted), SgnNo, ReqScene and FundRepatriationStrategy are
	// the request's optional community-only fields ("" when absent).
	CardNo                   string `json:"-"`
	SgnNo                    string `json:"sgn_no"`
	ReqScene                 string `json:"req_scene"`
	FundRepatriationStrategy string `json:"fund_repatriation_strategy"`
}

// Punishments returns the accepted punish requests, oldest first; a
// repeated request (same out_request_no and body) is recorded once.
func (s *Server) Punishments() []Punishment {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.agg.punishments)
}

// addSeedFixtures installs the seed examples of protocol/credentials.md,
// domain by domain.
func (s *Server) addSeedFixtures() {
	s.addAggracctSeed()
	s.addProfitSharingSeed()
	s.addRedpackSeed()
}
