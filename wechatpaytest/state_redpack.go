package wechatpaytest

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// TestWeComPaymentSecret is the emulator's secret of the WeCom 企业支付
// application, with which sendworkwxredpack checks workwx_sign (test value,
// protocol/apis-domains.md C1).
const TestWeComPaymentSecret = "TestOnlyWeComPaySecret0123456789"

// DefaultRedPacketBalance is the merchant's red-packet balance a server
// starts with, in fen (1,000,000 yuan).
const DefaultRedPacketBalance = 100_000_000

// RedPacketRefundAfter is how long after sending an unopened red packet is
// refunded (REFUND) by the emulator. The real period is unconfirmed (older
// texts say 72 hours); the emulator takes 24 hours.
const RedPacketRefundAfter = 24 * time.Hour

// redpackState is the emulator's red-packet state: the WeCom packets
// (queryworkwxredpack answers them), the cash packets of sendredpack
// (queried with gethbinfo), the bills every send saw (for re-entrancy),
// and the merchant's balance. Server.mu guards it.
type redpackState struct {
	workwx  map[redPacketKey]WorkWxRedPacket
	cash    map[redPacketKey]CashRedPacket
	bills   map[redPacketKey]*redPacketBill
	order   []redPacketKey // bills in the order first seen
	balance int64
	seq     int64
}

// redPacketBill is what a send did with one bill number: the parameters
// that must repeat for a re-entrant send, the reply it got, and how many
// requests named it.
type redPacketBill struct {
	api         string
	fingerprint string
	reply       map[string]string
	sent        SentRedPacket
}

func newRedpackState() *redpackState {
	return &redpackState{
		workwx:  map[redPacketKey]WorkWxRedPacket{},
		cash:    map[redPacketKey]CashRedPacket{},
		bills:   map[redPacketKey]*redPacketBill{},
		balance: DefaultRedPacketBalance,
	}
}

// sendFingerprint is the business content of a send: every parameter but
// nonce_str, sign and workwx_sign (which changes with the nonce).
func sendFingerprint(params map[string]string) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(params)) {
		switch k {
		case "nonce_str", "sign", "sign_type", "workwx_sign":
			continue
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(params[k])
		b.WriteByte('\n')
	}
	return b.String()
}

// sendRedPacket runs the state transition of a validated send (s.mu held):
// a re-entrant repeat answers the first reply, another body FATAL_ERROR;
// a new bill is refused NOTENOUGH (and kept failed) when the balance is
// short (create records the failed packet, failed set), else the balance
// pays for it and create records the packet. It returns the reply fields.
func (s *Server) sendRedPacket(api string, params map[string]string, amount int64, create func(detailID string, now time.Time, failed bool)) map[string]string {
	st := s.redpack
	key := redPacketKey{params["mch_id"], params["mch_billno"]}
	fp := sendFingerprint(params)
	if b, ok := st.bills[key]; ok {
		b.sent.Requests++
		if b.api != api || b.fingerprint != fp {
			return V2Error("FATAL_ERROR", "该商户单号已使用其他参数发放,请使用原参数重试")
		}
		return maps.Clone(b.reply)
	}
	b := &redPacketBill{api: api, fingerprint: fp, sent: SentRedPacket{
		API: api, MchID: key.mchID, MchBillNo: key.billNo, AppID: params["wxappid"],
		ReOpenID: params["re_openid"], TotalAmount: amount, Requests: 1,
	}}
	st.bills[key] = b
	st.order = append(st.order, key)
	now := s.now()
	st.seq++
	detailID := "100004170" + now.In(beijing).Format("20060102") + strconv.FormatInt(1_000_000_000_000+st.seq, 10)
	if st.balance < amount {
		b.reply = V2Error("NOTENOUGH", "帐号余额不足，请到商户平台充值后再重试")
		b.sent.Failed = true
		create(detailID, now, true)
		return maps.Clone(b.reply)
	}
	st.balance -= amount
	b.sent.SendListID = detailID
	create(detailID, now, false)
	b.reply = map[string]string{
		"return_code": "SUCCESS", "return_msg": "发放成功", "result_code": "SUCCESS",
		"mch_billno": key.billNo, "mch_id": key.mchID, "wxappid": params["wxappid"],
		"re_openid": params["re_openid"], "total_amount": strconv.FormatInt(amount, 10),
		"send_listid": detailID,
	}
	return maps.Clone(b.reply)
}

// redPacketState points at what a query checks and moves on in a packet.
type redPacketState struct {
	appID, detailID string
	status          *string
	sendTime        time.Time
	total           int64
	refundTime      *time.Time
	refund          *int64
}

// lookupRedPacket finds the packet of the query's mch_id, mch_billno and
// appid in packets and moves it on as advanceRedPacket says, through the
// fields state points at; it returns the packet with the status to answer,
// or the NOT_FOUND reply.
func lookupRedPacket[P any](s *Server, packets map[redPacketKey]P, params map[string]string, state func(*P) redPacketState) (P, map[string]string) {
	key := redPacketKey{params["mch_id"], params["mch_billno"]}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := packets[key]
	if !ok || state(&p).appID != params["appid"] {
		var none P
		return none, redPacketNotFound(key)
	}
	answer := s.advanceRedPacket(key, state(&p))
	packets[key] = p
	*state(&p).status = answer
	return p, nil
}

// advanceRedPacket moves a packet a send created on when it is queried
// (s.mu held): a SENDING packet is answered SENDING once, then is SENT; a
// SENT packet unopened for RedPacketRefundAfter is REFUND, its amount back
// in the balance. It sets the status, refund time and refund st points at
// to what is kept and returns the status to answer. Fixtures
// (AddWorkWxRedPacket, AddCashRedPacket) are answered as they are.
func (s *Server) advanceRedPacket(key redPacketKey, st redPacketState) string {
	if b := s.redpack.bills[key]; b == nil || b.sent.SendListID == "" || b.sent.SendListID != st.detailID {
		return *st.status
	}
	switch *st.status {
	case "SENDING":
		*st.status = "SENT"
		return "SENDING"
	case "SENT":
		if due := st.sendTime.Add(RedPacketRefundAfter); !st.sendTime.IsZero() && !s.now().Before(due) {
			s.redpack.balance += st.total
			*st.status, *st.refundTime, *st.refund = "REFUND", due, st.total
		}
	}
	return *st.status
}

// redPacketNotFound is the reply to a query of an unknown bill.
func redPacketNotFound(key redPacketKey) map[string]string {
	fields := V2Error("NOT_FOUND", "指定单号数据不存在")
	fields["mch_billno"], fields["mch_id"] = key.billNo, key.mchID
	return fields
}

// v2Param is a documented parameter of a red-packet request: its maximum
// length in characters and whether it is required.
type v2Param struct {
	name     string
	max      int
	required bool
}

// checkV2Params answers PARAM_ERROR for the first missing or too long
// parameter, nil when all are well.
func checkV2Params(params map[string]string, lists ...[]v2Param) map[string]string {
	for _, list := range lists {
		for _, l := range list {
			v := params[l.name]
			if v == "" {
				if l.required {
					return V2Error("PARAM_ERROR", "参数错误: "+l.name+" 不能为空")
				}
				continue
			}
			if utf8.RuneCountInString(v) > l.max {
				return V2Error("PARAM_ERROR", "参数错误: "+l.name+" 长度超过"+strconv.Itoa(l.max))
			}
		}
	}
	return nil
}

// redpackDue refunds, when the clock is advanced (Advance; s.mu held),
// every sent packet left unopened for RedPacketRefundAfter, its amount back
// in the balance, as its next query would.
func (s *Server) redpackDue(time.Time) {
	refundDue(s, s.redpack.workwx, workWxRedPacketState)
	refundDue(s, s.redpack.cash, cashRedPacketState)
}

// workWxRedPacketState points at the fields of a WeCom packet that a query
// checks and moves on.
func workWxRedPacketState(p *WorkWxRedPacket) redPacketState {
	return redPacketState{p.AppID, p.DetailID, &p.Status, p.SendTime, p.TotalAmount, &p.RefundTime, &p.RefundAmount}
}

// cashRedPacketState points at the fields of a cash packet that a query
// checks and moves on.
func cashRedPacketState(p *CashRedPacket) redPacketState {
	return redPacketState{p.AppID, p.DetailID, &p.Status, p.SendTime, p.TotalAmount, &p.RefundTime, &p.RefundAmount}
}

// refundDue runs advanceRedPacket on the SENDING and SENT packets of
// packets, through the fields state points at: a SENDING packet is SENT
// (its SENDING answer is not owed to a query any more), then refunded when
// due. s.mu is held.
func refundDue[P any](s *Server, packets map[redPacketKey]P, state func(*P) redPacketState) {
	for key, p := range packets {
		st := state(&p)
		if *st.status == "SENDING" {
			s.advanceRedPacket(key, st)
		}
		if *st.status == "SENT" {
			s.advanceRedPacket(key, st)
		}
		packets[key] = p
	}
}
