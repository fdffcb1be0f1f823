package redpack

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/svc"
	"github.com/gowechatpay/wechatpay/internal/wire"
)

// QueryWorkWxRequest identifies a red packet sent through WeCom.
type QueryWorkWxRequest struct {
	// MchBillNo is the merchant bill number used when sending; required,
	// at most 28 characters.
	MchBillNo string
	// MchID is the merchant number; at most 32 characters. Empty means the
	// client's merchant number.
	MchID string
	// AppID is the appid used for sending (for WeCom, the corp id); at most
	// 32 characters. Empty means the client's appid (wechatpay.WithAppID).
	AppID string
}

// WorkWxRedPacket is the record of a WeCom red packet. Amounts are in fen;
// times are in Beijing time (UTC+08:00), zero when absent. The fields
// tagged wire:"required" are in every successful reply: a verified reply
// without one is wechatpay.ErrMalformedResponse.
type WorkWxRedPacket struct {
	// MchBillNo is the merchant bill number.
	MchBillNo string `json:"mch_billno" wire:"required"`
	// MchID is the merchant number.
	MchID string `json:"mch_id" wire:"required"`
	// DetailID is the red-packet number assigned by WeChat Pay.
	DetailID string `json:"detail_id" wire:"required"`
	// Status is the red-packet state.
	Status Status `json:"status" wire:"required"`
	// SendType is how the packet was sent.
	SendType SendType `json:"send_type" wire:"required"`
	// TotalAmount is the red-packet amount.
	TotalAmount int64 `json:"total_amount"`
	// Reason is the failure reason when sending failed.
	Reason string `json:"reason,omitempty"`
	// SendTime is when the packet was sent.
	SendTime time.Time `json:"send_time,omitzero" wire:"required"`
	// RefundTime is when the packet was refunded.
	RefundTime time.Time `json:"refund_time,omitzero"`
	// RefundAmount is the refunded amount.
	RefundAmount int64 `json:"refund_amount,omitempty"`
	// Wishing is the greeting.
	Wishing string `json:"wishing,omitempty"`
	// Remark is the activity description.
	Remark string `json:"remark,omitempty"`
	// ActName is the activity name.
	ActName string `json:"act_name,omitempty"`
	// OpenID is the receiver's openid, once received.
	OpenID string `json:"openid,omitempty"`
	// Amount is the amount received.
	Amount int64 `json:"amount,omitempty"`
	// RcvTime is when the packet was received.
	RcvTime time.Time `json:"rcv_time,omitzero"`
	// SenderName is the sender name shown on the packet.
	SenderName string `json:"sender_name,omitempty"`
	// SenderHeaderMediaID is the media id of the sender's avatar.
	SenderHeaderMediaID string `json:"sender_header_media_id,omitempty"`
	// Extra holds the reply fields this SDK does not know (they are covered
	// by the verified sign); nil when there are none.
	Extra map[string]string `json:"extra,omitempty"`
	// Meta describes the HTTP exchange (attempts).
	Meta wechatpay.Response `json:"-"`
}

// beijing is the fixed UTC+08:00 zone of v2 red-packet times.
var beijing = time.FixedZone("CST", 8*60*60)

// v2TimeLayout is the layout of v2 red-packet times, without a zone.
const v2TimeLayout = "2006-01-02 15:04:05"

// protocolFields are reply fields that describe the call, not the packet.
var protocolFields = map[string]bool{
	"return_code": true, "return_msg": true, "result_code": true,
	"err_code": true, "err_code_des": true, "sign": true,
}

// keepExtra puts a reply field that no typed field holds into *extra,
// unless it is one of protocolFields.
func keepExtra(extra *map[string]string, k, v string) {
	if protocolFields[k] {
		return
	}
	if *extra == nil {
		*extra = make(map[string]string)
	}
	(*extra)[k] = v
}

// checkRequired is the error for a decoded reply out without one of its
// fields tagged wire:"required", or nil.
func checkRequired(out any) error {
	if f := wire.Missing(out); f != "" {
		return fmt.Errorf("redpack: %w: the reply has no %s", wechatpay.ErrMalformedResponse, f)
	}
	return nil
}

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
	if err := s.ready(); err != nil {
		return nil, err
	}
	if req == nil {
		return nil, &wechatpay.FieldError{Field: "request", Reason: "is nil", Missing: true}
	}
	mchID, appID := req.MchID, req.AppID
	if mchID == "" {
		mchID = s.c.MchID()
	}
	if appID == "" {
		appID = s.c.AppID()
	}
	for _, f := range [...]struct {
		name, v string
		max     int
	}{{"mch_billno", req.MchBillNo, 28}, {"mch_id", mchID, 32}, {"appid", appID, 32}} {
		if err := svc.CheckID(f.name, f.v, f.max, true); err != nil {
			return nil, err
		}
	}
	if err := s.wait(ctx); err != nil {
		return nil, err
	}
	fields, meta, err := s.c.DoV2(ctx, &wechatpay.V2Request{
		Path:       "/mmpaymkttransfers/queryworkwxredpack",
		Params:     map[string]string{"mch_billno": req.MchBillNo, "mch_id": mchID, "appid": appID},
		Secure:     true,
		Idempotent: true,
	})
	if err != nil {
		return nil, err
	}
	out, err := decodeWorkWx(fields)
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

// decodeWorkWx builds the typed record from the fields of a verified
// SUCCESS reply. A non-integer amount or an unparsable time is an error
// wrapping wechatpay.ErrMalformedResponse that names the field.
func decodeWorkWx(fields map[string]string) (*WorkWxRedPacket, error) {
	p := &WorkWxRedPacket{}
	for k, v := range fields {
		var err error
		switch k {
		case "mch_billno":
			p.MchBillNo = v
		case "mch_id":
			p.MchID = v
		case "detail_id":
			p.DetailID = v
		case "reason":
			p.Reason = v
		case "wishing":
			p.Wishing = v
		case "remark":
			p.Remark = v
		case "act_name":
			p.ActName = v
		case "openid":
			p.OpenID = v
		case "sender_name":
			p.SenderName = v
		case "sender_header_media_id":
			p.SenderHeaderMediaID = v
		case "status":
			p.Status = Status(v)
		case "send_type":
			p.SendType = SendType(v)
		case "total_amount":
			err = parseAmount(k, v, &p.TotalAmount)
		case "refund_amount":
			err = parseAmount(k, v, &p.RefundAmount)
		case "amount":
			err = parseAmount(k, v, &p.Amount)
		case "send_time":
			err = parseTime(k, v, &p.SendTime)
		case "refund_time":
			err = parseTime(k, v, &p.RefundTime)
		case "rcv_time":
			err = parseTime(k, v, &p.RcvTime)
		default:
			keepExtra(&p.Extra, k, v)
		}
		if err != nil {
			return nil, err
		}
	}
	return p, nil
}

// parseAmount sets *dst from an integer field; empty means absent.
func parseAmount(field, v string, dst *int64) error {
	if v == "" {
		return nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return fmt.Errorf("redpack: %w: %s is not an integer", wechatpay.ErrMalformedResponse, field)
	}
	*dst = n
	return nil
}

// parseTime sets *dst from a Beijing-time field; empty means absent.
func parseTime(field, v string, dst *time.Time) error {
	if v == "" {
		return nil
	}
	t, err := time.ParseInLocation(v2TimeLayout, v, beijing)
	if err != nil {
		return fmt.Errorf("redpack: %w: %s is not a time like %q", wechatpay.ErrMalformedResponse, field, v2TimeLayout)
	}
	*dst = t
	return nil
}
