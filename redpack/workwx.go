package redpack

import (
	"context"
	"encoding/xml"
	"fmt"
	"time"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/v2xml"
)

// QueryWorkWxRequest identifies a red packet sent through WeCom.
type QueryWorkWxRequest struct {
	// MchBillNo is the merchant bill number used when sending; required,
	// at most 28 characters.
	MchBillNo string `xml:"mch_billno" wx:"required,id,max=28"`
	// MchID is the merchant number; at most 32 characters. Empty means the
	// client's merchant number.
	MchID string `xml:"mch_id" wx:"required,id,max=32,default=mchid"`
	// AppID is the appid used for sending (for WeCom, the corp id); at most
	// 32 characters. Empty means the client's appid (wechatpay.WithAppID).
	AppID string `xml:"appid" wx:"required,id,max=32,default=appid"`
}

// Validate checks the request as QueryWorkWx does before any I/O (MchID
// and AppID are required here; QueryWorkWx fills them from the client
// first) and returns every problem at once.
func (r *QueryWorkWxRequest) Validate() error { return wechatpay.ValidateRequest(r) }

// WorkWxRedPacket is the record of a WeCom red packet. Amounts are in fen;
// times are in Beijing time (UTC+08:00), zero when absent. The fields
// tagged wire:"required" are in every successful reply: a verified reply
// without one is wechatpay.ErrMalformedResponse.
type WorkWxRedPacket struct {
	// MchBillNo is the merchant bill number.
	MchBillNo string `xml:"mch_billno" wire:"required"`
	// MchID is the merchant number.
	MchID string `xml:"mch_id" wire:"required"`
	// DetailID is the red-packet number assigned by WeChat Pay.
	DetailID string `xml:"detail_id" wire:"required"`
	// Status is the red-packet state.
	Status Status `xml:"status" wire:"required"`
	// SendType is how the packet was sent.
	SendType SendType `xml:"send_type" wire:"required"`
	// TotalAmount is the red-packet amount.
	TotalAmount int64 `xml:"total_amount"`
	// Reason is the failure reason when sending failed.
	Reason string `xml:"reason"`
	// SendTime is when the packet was sent.
	SendTime time.Time `xml:"send_time" wire:"required"`
	// RefundTime is when the packet was refunded.
	RefundTime time.Time `xml:"refund_time"`
	// RefundAmount is the refunded amount.
	RefundAmount int64 `xml:"refund_amount"`
	// Wishing is the greeting.
	Wishing string `xml:"wishing"`
	// Remark is the activity description.
	Remark string `xml:"remark"`
	// ActName is the activity name.
	ActName string `xml:"act_name"`
	// OpenID is the receiver's openid, once received.
	OpenID string `xml:"openid"`
	// Amount is the amount received.
	Amount int64 `xml:"amount"`
	// RcvTime is when the packet was received.
	RcvTime time.Time `xml:"rcv_time"`
	// SenderName is the sender name shown on the packet.
	SenderName string `xml:"sender_name"`
	// SenderHeaderMediaID is the media id of the sender's avatar.
	SenderHeaderMediaID string `xml:"sender_header_media_id"`
	// Extra holds the reply fields this SDK does not know (they are covered
	// by the verified sign); nil when there are none.
	Extra map[string]string `xml:"-"`
	// Meta describes the HTTP exchange (attempts).
	Meta wechatpay.Response `xml:"-"`
}

// beijing is the fixed UTC+08:00 zone of v2 red-packet times.
var beijing = time.FixedZone("CST", 8*60*60)

// v2TimeLayout is the layout of v2 red-packet times, without a zone: the
// one in which the answers' time.Time fields are read.
const v2TimeLayout = v2xml.TimeLayout

// QueryWorkWx returns the record of a red packet sent through WeCom in the
// last 30 days (企业微信红包 查询红包记录).
//
// POST /mmpaymkttransfers/queryworkwxredpack (APIv2, XML, MD5 sign, mTLS)
//
// Rate limit: not documented (see WithLimiter). The call is read-only and is
// retried by the client on transport errors, 5xx and err_code SYSTEMERROR.
// A failure reply is an *wechatpay.APIError whose ErrCode is, for example,
// NOT_FOUND: the packet may still be processing or may never have been
// created, so query again a few minutes later or re-send with the same
// mch_billno, and never re-send under a new bill number (that can pay
// twice).
func (s *Service) QueryWorkWx(ctx context.Context, req *QueryWorkWxRequest) (*WorkWxRedPacket, error) {
	return opQueryWorkWx.Do(ctx, s.core().Client(), req, s.wait())
}

var opQueryWorkWx = wechatpay.V2Operation[QueryWorkWxRequest, WorkWxRedPacket]{
	Name: "redpack.QueryWorkWx", Path: "/mmpaymkttransfers/queryworkwxredpack", Secure: true,
	Repeat: wechatpay.RepeatRead,
}

// beijingTime is a v2 red-packet time inside a list (hblist), which
// encoding/xml decodes; empty is the zero time.
type beijingTime struct{ t time.Time }

func (b *beijingTime) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	var s string
	if err := d.DecodeElement(&s, &start); err != nil || s == "" {
		return err
	}
	t, err := time.ParseInLocation(v2TimeLayout, s, beijing)
	if err != nil {
		return fmt.Errorf("%s is not a time like %q", start.Name.Local, v2TimeLayout)
	}
	b.t = t
	return nil
}
