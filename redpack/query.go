package redpack

import (
	"context"
	"encoding/xml"
	"time"

	"github.com/gowechatpay/wechatpay"
)

// QueryRequest identifies an ordinary cash red packet sent with Send.
type QueryRequest struct {
	// MchBillNo is the bill number used when sending; required, at most
	// 28 characters.
	MchBillNo string `xml:"mch_billno" wx:"required,alnum,max=28"`
	// MchID is the merchant number; at most 32 characters, empty for the
	// client's.
	MchID string `xml:"mch_id" wx:"required,id,max=32,default=mchid"`
	// AppID is the public-account appid used when sending; at most 32
	// characters, empty for the client's (wechatpay.WithAppID).
	AppID string `xml:"appid" wx:"required,id,max=32,default=appid"`
}

// Validate checks the request as Query does before any I/O (MchID and
// AppID are required here; Query fills them from the client first) and
// returns every problem at once.
func (r *QueryRequest) Validate() error { return wechatpay.ValidateRequest(r) }

// RedPacket is the record of a cash red packet (gethbinfo). Amounts are in
// fen; times are in Beijing time (UTC+08:00), zero when absent. Only the
// fields tagged wire:"required" are in every successful reply: a reply
// without one is wechatpay.ErrMalformedResponse.
type RedPacket struct {
	// MchBillNo is the merchant bill number.
	MchBillNo string `xml:"mch_billno" wire:"required"`
	// MchID is the merchant number.
	MchID string `xml:"mch_id" wire:"required"`
	// DetailID is the packet number (the send's SendListID).
	DetailID string `xml:"detail_id" wire:"required"`
	// Status is the packet's state.
	Status Status `xml:"status"`
	// SendType is how it was sent.
	SendType SendType `xml:"send_type"`
	// HBType is NORMAL (ordinary) or GROUP (fission).
	HBType HBType `xml:"hb_type"`
	// TotalNum is the number of packets.
	TotalNum int64 `xml:"total_num"`
	// TotalAmount is the total.
	TotalAmount int64 `xml:"total_amount"`
	// Reason is the failure reason (may come while Status is still
	// SENDING).
	Reason string `xml:"reason"`
	// SendTime is when it was sent.
	SendTime time.Time `xml:"send_time"`
	// RefundTime is when it was refunded.
	RefundTime time.Time `xml:"refund_time"`
	// RefundAmount is the refunded amount.
	RefundAmount int64 `xml:"refund_amount"`
	// Wishing is the greeting.
	Wishing string `xml:"wishing"`
	// Remark is the remark.
	Remark string `xml:"remark"`
	// ActName is the activity name.
	ActName string `xml:"act_name"`
	// Receipts lists who opened the packet (hblist), once received.
	Receipts []Receipt `xml:"hblist>hbinfo"`
	// Extra holds the reply fields this SDK does not know; nil when there
	// are none.
	Extra map[string]string `xml:"-"`
	// Meta describes the HTTP exchange (attempts).
	Meta wechatpay.Response `xml:"-"`
}

// Receipt is one opening of a red packet (hblist/hbinfo).
type Receipt struct {
	// OpenID is the receiver.
	OpenID string `xml:"openid"`
	// Amount is the amount received, in fen.
	Amount int64 `xml:"amount"`
	// RcvTime is when it was received; zero when the reply leaves it out,
	// which happens even for RECEIVED packets.
	RcvTime time.Time `xml:"rcv_time"`
}

// Query returns the record of an ordinary (or fission) cash red packet
// sent in the last 30 days (现金红包 查询红包记录). WeCom packets are
// queried with QueryWorkWx.
//
// POST /mmpaymkttransfers/gethbinfo (APIv2, XML, MD5 sign, mTLS;
// bill_type MCHT)
//
// Closed to new merchants since 2026-06-18, like Send. Rate limit: not
// documented (see WithLimiter). The call is read-only and is retried by
// the client on transport errors, 5xx and SYSTEMERROR. A failure is a
// *wechatpay.APIError, for example NOT_FOUND: the packet may still be
// processing or may never have been created, so query again later or
// resend with the same mch_billno, never under a new number. The replies
// are documented unsigned: a success without a sign is accepted, a sign
// present must verify.
func (s *Service) Query(ctx context.Context, req *QueryRequest) (*RedPacket, error) {
	return opQuery.Do(ctx, s.core().Client(), req, s.wait())
}

var opQuery = wechatpay.V2Operation[QueryRequest, RedPacket]{
	Name: "redpack.Query", Path: "/mmpaymkttransfers/gethbinfo", Secure: true, UnsignedReply: true,
	Repeat: wechatpay.RepeatRead, Params: map[string]string{"bill_type": "MCHT"},
}

// UnmarshalXML decodes an hbinfo; its time is Beijing time.
func (r *Receipt) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	type plain Receipt
	item := struct {
		*plain
		RcvTime beijingTime `xml:"rcv_time"`
	}{plain: (*plain)(r)}
	err := d.DecodeElement(&item, &start)
	r.RcvTime = item.RcvTime.t
	return err
}
