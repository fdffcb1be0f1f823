package redpack

import (
	"context"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/svc"
)

// QueryRequest identifies an ordinary cash red packet sent with Send.
type QueryRequest struct {
	// MchBillNo is the bill number used when sending; required, at most
	// 28 characters.
	MchBillNo string
	// MchID is the merchant number; at most 32 characters, empty for the
	// client's.
	MchID string
	// AppID is the public-account appid used when sending; at most 32
	// characters, empty for the client's (wechatpay.WithAppID).
	AppID string
}

// RedPacket is the record of a cash red packet (gethbinfo). Amounts are in
// fen; times are in Beijing time (UTC+08:00), zero when absent. Only the
// fields tagged wire:"required" are in every successful reply: a reply
// without one is wechatpay.ErrMalformedResponse.
type RedPacket struct {
	// MchBillNo is the merchant bill number.
	MchBillNo string `json:"mch_billno" wire:"required"`
	// MchID is the merchant number.
	MchID string `json:"mch_id" wire:"required"`
	// DetailID is the packet number (the send's SendListID).
	DetailID string `json:"detail_id" wire:"required"`
	// Status is the packet's state.
	Status Status `json:"status,omitempty"`
	// SendType is how it was sent.
	SendType SendType `json:"send_type,omitempty"`
	// HBType is NORMAL (ordinary) or GROUP (fission).
	HBType HBType `json:"hb_type,omitempty"`
	// TotalNum is the number of packets.
	TotalNum int64 `json:"total_num,omitempty"`
	// TotalAmount is the total.
	TotalAmount int64 `json:"total_amount,omitempty"`
	// Reason is the failure reason (may come while Status is still
	// SENDING).
	Reason string `json:"reason,omitempty"`
	// SendTime is when it was sent.
	SendTime time.Time `json:"send_time,omitzero"`
	// RefundTime is when it was refunded.
	RefundTime time.Time `json:"refund_time,omitzero"`
	// RefundAmount is the refunded amount.
	RefundAmount int64 `json:"refund_amount,omitempty"`
	// Wishing is the greeting.
	Wishing string `json:"wishing,omitempty"`
	// Remark is the remark.
	Remark string `json:"remark,omitempty"`
	// ActName is the activity name.
	ActName string `json:"act_name,omitempty"`
	// Receipts lists who opened the packet (hblist), once received.
	Receipts []Receipt `json:"hblist,omitempty"`
	// Extra holds the reply fields this SDK does not know; nil when there
	// are none.
	Extra map[string]string `json:"extra,omitempty"`
	// Meta describes the HTTP exchange (attempts).
	Meta wechatpay.Response `json:"-"`
}

// Receipt is one opening of a red packet (hblist/hbinfo).
type Receipt struct {
	// OpenID is the receiver.
	OpenID string `json:"openid"`
	// Amount is the amount received, in fen.
	Amount int64 `json:"amount"`
	// RcvTime is when it was received; zero when the reply leaves it out,
	// which happens even for RECEIVED packets.
	RcvTime time.Time `json:"rcv_time,omitzero"`
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
	if err := s.ready(); err != nil {
		return nil, err
	}
	if req == nil {
		return nil, &wechatpay.FieldError{Field: "request", Reason: "is nil", Missing: true}
	}
	mchID, appID := or(req.MchID, s.c.MchID()), or(req.AppID, s.c.AppID())
	if err := checkBillNo(req.MchBillNo); err != nil {
		return nil, err
	}
	if err := svc.CheckID("mch_id", mchID, 32, true); err != nil {
		return nil, err
	}
	if err := svc.CheckID("appid", appID, 32, true); err != nil {
		return nil, err
	}
	if err := s.wait(ctx); err != nil {
		return nil, err
	}
	fields, meta, err := s.c.DoV2(ctx, &wechatpay.V2Request{
		Path:          "/mmpaymkttransfers/gethbinfo",
		Params:        map[string]string{"mch_billno": req.MchBillNo, "mch_id": mchID, "appid": appID, "bill_type": "MCHT"},
		Secure:        true,
		UnsignedReply: true,
		Idempotent:    true,
		Nested:        []string{"hblist"},
	})
	if err != nil {
		return nil, err
	}
	out, err := decodeRedPacket(fields)
	if err != nil {
		return nil, err
	}
	if err := checkRequired(out); err != nil {
		return nil, err
	}
	if meta != nil {
		out.Meta = *meta
	}
	return out, nil
}

// decodeRedPacket builds the record from the fields of a SUCCESS reply.
func decodeRedPacket(fields map[string]string) (*RedPacket, error) {
	p := &RedPacket{}
	for k, v := range fields {
		var err error
		switch k {
		case "mch_billno":
			p.MchBillNo = v
		case "mch_id":
			p.MchID = v
		case "detail_id":
			p.DetailID = v
		case "status":
			p.Status = Status(v)
		case "send_type":
			p.SendType = SendType(v)
		case "hb_type":
			p.HBType = HBType(v)
		case "reason":
			p.Reason = v
		case "wishing":
			p.Wishing = v
		case "remark":
			p.Remark = v
		case "act_name":
			p.ActName = v
		case "total_num":
			err = parseAmount(k, v, &p.TotalNum)
		case "total_amount":
			err = parseAmount(k, v, &p.TotalAmount)
		case "refund_amount":
			err = parseAmount(k, v, &p.RefundAmount)
		case "send_time":
			err = parseTime(k, v, &p.SendTime)
		case "refund_time":
			err = parseTime(k, v, &p.RefundTime)
		case "hblist":
			p.Receipts, err = decodeReceipts(v)
		default:
			keepExtra(&p.Extra, k, v)
		}
		if err != nil {
			return nil, err
		}
	}
	return p, nil
}

// decodeReceipts decodes the inner XML of hblist: one <hbinfo> per receipt.
func decodeReceipts(inner string) ([]Receipt, error) {
	var list struct {
		Items []struct {
			OpenID  string `xml:"openid"`
			Amount  string `xml:"amount"`
			RcvTime string `xml:"rcv_time"`
		} `xml:"hbinfo"`
	}
	if err := xml.Unmarshal([]byte("<hblist>"+inner+"</hblist>"), &list); err != nil {
		return nil, fmt.Errorf("redpack: %w: hblist is not a list of hbinfo", wechatpay.ErrMalformedResponse)
	}
	out := make([]Receipt, 0, len(list.Items))
	for i, it := range list.Items {
		r := Receipt{OpenID: strings.TrimSpace(it.OpenID)}
		field := "hblist.hbinfo[" + strconv.Itoa(i) + "]."
		if err := parseAmount(field+"amount", strings.TrimSpace(it.Amount), &r.Amount); err != nil {
			return nil, err
		}
		if err := parseTime(field+"rcv_time", strings.TrimSpace(it.RcvTime), &r.RcvTime); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}
