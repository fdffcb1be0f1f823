package wechatpaytest

import (
	"slices"
	"time"
)

// The names SentRedPacket.API gives the two send APIs.
const (
	apiNameSendRedPack = "sendredpack"
	apiNameSendWorkWx  = "sendworkwxredpack"
)

// CashRedPacket is an ordinary (or fission) cash red packet that the
// emulator answers for POST /mmpaymkttransfers/gethbinfo when the request's
// mch_billno, mch_id and appid match. sendredpack creates them; add others
// with AddCashRedPacket. Empty strings and zero amounts and times are left
// out of the answer.
type CashRedPacket struct {
	// MchBillNo, MchID and AppID identify the packet.
	MchBillNo, MchID, AppID string
	// DetailID, Status, SendType, HBType, Reason, Wishing, Remark and
	// ActName are answered under their snake_case names (detail_id, ...).
	DetailID, Status, SendType, HBType, Reason, Wishing, Remark, ActName string
	// ReOpenID is the receiver the packet was sent to (not answered).
	ReOpenID string
	// TotalNum, TotalAmount and RefundAmount are answered unless zero
	// (amounts in fen).
	TotalNum, TotalAmount, RefundAmount int64
	// SendTime and RefundTime are rendered "2006-01-02 15:04:05" in UTC+8.
	SendTime, RefundTime time.Time
	// Receipts are answered as hblist, one hbinfo each.
	Receipts []CashReceipt
}

// CashReceipt is one opening of a CashRedPacket (hblist/hbinfo).
type CashReceipt struct {
	// OpenID is the receiver.
	OpenID string
	// Amount is the amount received, in fen.
	Amount int64
	// RcvTime is when; the zero time leaves rcv_time out, as WeChat Pay
	// sometimes does.
	RcvTime time.Time
}

// AddCashRedPacket adds or replaces the cash red packet with p.MchID and
// p.MchBillNo.
func (s *Server) AddCashRedPacket(p CashRedPacket) {
	p.Receipts = slices.Clone(p.Receipts)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.redpack.cash[redPacketKey{p.MchID, p.MchBillNo}] = p
}

// SentRedPacket is one bill number a send API (sendredpack or
// sendworkwxredpack) was called with.
type SentRedPacket struct {
	// API is "sendredpack" or "sendworkwxredpack".
	API string
	// MchID, MchBillNo, AppID (the wxappid), ReOpenID and TotalAmount are
	// the first request's.
	MchID, MchBillNo, AppID, ReOpenID string
	TotalAmount                       int64
	// SendListID is the packet number assigned; empty when the send
	// failed.
	SendListID string
	// Failed is set when the bill was refused for good (NOTENOUGH).
	Failed bool
	// Requests counts the send requests that named this bill, the
	// re-entrant repeats and those refused FATAL_ERROR included.
	Requests int
}

// SentRedPackets returns the bills the send APIs saw, oldest first: each
// bill once, however many requests named it, so a re-entrant resend shows
// as Requests > 1 on one entry.
func (s *Server) SentRedPackets() []SentRedPacket {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]SentRedPacket, 0, len(s.redpack.order))
	for _, k := range s.redpack.order {
		out = append(out, s.redpack.bills[k].sent)
	}
	return out
}

// SetRedPacketBalance sets the merchant's red-packet balance in fen
// (DefaultRedPacketBalance at start). A send of more than the balance is
// refused NOTENOUGH, and its bill stays failed.
func (s *Server) SetRedPacketBalance(fen int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.redpack.balance = fen
}

// RedPacketBalance returns the merchant's red-packet balance in fen: sends
// lower it, refunds of unopened packets raise it.
func (s *Server) RedPacketBalance() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.redpack.balance
}

// OpenRedPacket is the test hook "the user opens the packet": the red
// packet (cash or WeCom) with mchID and billNo, SENDING or SENT, becomes
// RECEIVED by openID, for its whole amount, now. It reports whether such a
// packet was found.
func (s *Server) OpenRedPacket(mchID, billNo, openID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := redPacketKey{mchID, billNo}
	now := s.now()
	if p, ok := s.redpack.cash[key]; ok && (p.Status == "SENDING" || p.Status == "SENT") {
		p.Status = "RECEIVED"
		p.Receipts = append(slices.Clone(p.Receipts), CashReceipt{OpenID: openID, Amount: p.TotalAmount, RcvTime: now})
		s.redpack.cash[key] = p
		return true
	}
	if p, ok := s.redpack.workwx[key]; ok && (p.Status == "SENDING" || p.Status == "SENT") {
		p.Status, p.OpenID, p.Amount, p.RcvTime = "RECEIVED", openID, p.TotalAmount, now
		s.redpack.workwx[key] = p
		return true
	}
	return false
}

// addRedpackSeed installs the seed WeCom red packet, for the merchant and
// for the mch_id of the documented example.
func (s *Server) addRedpackSeed() {
	packet := WorkWxRedPacket{
		MchBillNo:           SeedMchBillNo,
		AppID:               TestAppID,
		DetailID:            "1000041701202510090000000000001",
		Status:              "RECEIVED",
		SendType:            "API",
		TotalAmount:         5000,
		SendTime:            time.Date(2025, 10, 9, 16, 0, 0, 0, beijing),
		Wishing:             "新年快乐",
		Remark:              "新年红包",
		ActName:             "新年红包",
		OpenID:              "ohO4GtzOAAYMp2yapORH3dQB3W18",
		Amount:              5000,
		RcvTime:             time.Date(2025, 10, 9, 16, 1, 30, 0, beijing),
		SenderName:          "XX活动",
		SenderHeaderMediaID: "1G6nrLmr5EC3MMb_-zK1dDdzmd0p7cNliYu9V5w7o8K0",
	}
	for _, mchID := range []string{SeedRedPacketMchID, TestMchID} {
		p := packet
		p.MchID = mchID
		s.redpack.workwx[redPacketKey{mchID, SeedMchBillNo}] = p
	}
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
