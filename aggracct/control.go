package aggracct

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"time"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/wire"
)

// QueryControlOrderRequest asks for a punish order or a recover order.
type QueryControlOrderRequest struct {
	// OutRequestNo is the WeBank punish or recover number; required, at
	// most 64 characters. It must be of the kind ControlType says.
	OutRequestNo string `json:"-" path:"out_request_no" wx:"required,id,max=64"`
	// ControlType says which kind of order OutRequestNo names; required,
	// ControlTypePunish or ControlTypeRecover.
	ControlType ControlType `json:"-" query:"control_type" wx:"required,oneof=PUNISH|RECOVER"`
	// MchID is the target merchant of that punish or recover; required.
	MchID string `json:"-" query:"mchid" wx:"required,id"`
}

// Validate checks the request as QueryControlOrder does before any I/O,
// reporting every problem.
func (r *QueryControlOrderRequest) Validate() error { return wechatpay.ValidateRequest(r) }

// ControlOrder is a punish order or a recover order: ControlScene says
// which of PunishOrder and RecoverOrder is set. A verified answer without
// control_scene, or without the object it names, is
// wechatpay.ErrMalformedResponse.
type ControlOrder struct {
	// ControlScene is the kind of order that follows.
	ControlScene ControlType `json:"control_scene" wire:"required"`
	// PunishOrder is the punish order (ControlScene PUNISH).
	PunishOrder *PunishOrder `json:"punish_order,omitempty"`
	// RecoverOrder is the recover order (ControlScene RECOVER).
	RecoverOrder *RecoverOrder `json:"recover_order,omitempty"`
	// Meta describes the HTTP exchange (Request-ID, attempts).
	Meta wechatpay.Response `json:"-"`
}

// PunishOrder is a punish order (管控单) as QueryControlOrder reads it.
// The fields tagged wire:"required" are in every answer; times absent are
// the zero time. It carries no ledger number.
type PunishOrder struct {
	// WxpayPunishNo is WeChat Pay's punish number.
	WxpayPunishNo string `json:"wxpay_punish_no" wire:"required"`
	// OutRequestNo is the WeBank punish number.
	OutRequestNo string `json:"out_request_no" wire:"required"`
	// MchID is the controlled merchant.
	MchID string `json:"mchid" wire:"required"`
	// PunishScene is the control scene (sent as a number or a string).
	PunishScene PunishScene `json:"punish_scene" wire:"required"`
	// PunishRuleVersion is the version of the scene's rule (sent as a
	// number or a string).
	PunishRuleVersion int64 `json:"punish_rule_version" wire:"required"`
	// PunishReason is the reason, as sent.
	PunishReason string `json:"punish_reason,omitempty"`
	// PunishStartTime is when the control started.
	PunishStartTime time.Time `json:"punish_start_time,omitzero"`
	// PunishEndTime is the end, as sent; zero for long-term.
	PunishEndTime time.Time `json:"punish_end_time,omitzero"`
	// PunishAcceptTime is when the punish was accepted.
	PunishAcceptTime time.Time `json:"punish_accept_time" wire:"required"`
	// PunishFinishTime is when execution finished.
	PunishFinishTime time.Time `json:"punish_finish_time,omitzero"`
	// PunishState is the execution state.
	PunishState ControlState `json:"punish_state" wire:"required"`
	// EffectState says whether the control is in force; "" while the
	// punish executes.
	EffectState EffectState `json:"effect_state,omitempty"`
	// ControlAction lists what the control disables.
	ControlAction []ControlAction `json:"control_action,omitempty"`
	// ErrorCode and ErrorMessage say why execution failed.
	ErrorCode    string `json:"error_code,omitempty"`
	ErrorMessage string `json:"error_message,omitempty"`
}

// UnmarshalJSON decodes a punish order with encoding/json: punish_scene
// and punish_rule_version from a JSON number or string, the times as
// RFC 3339 (absent, "" or null is the zero time).
func (o *PunishOrder) UnmarshalJSON(data []byte) error {
	type plain PunishOrder
	w := struct {
		*plain
		PunishScene       json.RawMessage `json:"punish_scene"`
		PunishRuleVersion json.RawMessage `json:"punish_rule_version"`
		PunishStartTime   json.RawMessage `json:"punish_start_time"`
		PunishEndTime     json.RawMessage `json:"punish_end_time"`
		PunishAcceptTime  json.RawMessage `json:"punish_accept_time"`
		PunishFinishTime  json.RawMessage `json:"punish_finish_time"`
	}{plain: (*plain)(o)}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	return errors.Join(
		punishRule(w.PunishScene, w.PunishRuleVersion, &o.PunishScene, &o.PunishRuleVersion),
		wire.TimeField("punish_start_time", w.PunishStartTime, &o.PunishStartTime),
		wire.TimeField("punish_end_time", w.PunishEndTime, &o.PunishEndTime),
		wire.TimeField("punish_accept_time", w.PunishAcceptTime, &o.PunishAcceptTime),
		wire.TimeField("punish_finish_time", w.PunishFinishTime, &o.PunishFinishTime))
}

// RecoverOrder is a recover order (解管单) as QueryControlOrder reads it.
// The fields tagged wire:"required" are in every answer; RecoverFinishTime
// is zero while the recover executes. It carries no ledger number.
type RecoverOrder struct {
	// WxpayRecoverNo is WeChat Pay's recover number.
	WxpayRecoverNo string `json:"wxpay_recover_no" wire:"required"`
	// OutRequestNo is the WeBank recover number.
	OutRequestNo string `json:"out_request_no" wire:"required"`
	// RelatedWxpayPunishNo is the punish it lifts.
	RelatedWxpayPunishNo string `json:"related_wxpay_punish_no" wire:"required"`
	// MchID is the merchant.
	MchID string `json:"mchid" wire:"required"`
	// PunishScene is the scene of the lifted punish (sent as a string or a
	// number).
	PunishScene PunishScene `json:"punish_scene" wire:"required"`
	// PunishRuleVersion is its rule version (sent as a string or a
	// number).
	PunishRuleVersion int64 `json:"punish_rule_version" wire:"required"`
	// RecoverAcceptTime is when the recover was accepted.
	RecoverAcceptTime time.Time `json:"recover_accept_time" wire:"required"`
	// RecoverFinishTime is when it finished; zero while executing.
	RecoverFinishTime time.Time `json:"recover_finish_time,omitzero"`
	// RecoverState is the execution state.
	RecoverState ControlState `json:"recover_state" wire:"required"`
	// RecoverReason is the reason, as sent.
	RecoverReason string `json:"recover_reason,omitempty"`
	// ErrorCode and ErrorMessage say why execution failed.
	ErrorCode    string `json:"error_code,omitempty"`
	ErrorMessage string `json:"error_message,omitempty"`
}

// UnmarshalJSON decodes a recover order with encoding/json: punish_scene
// and punish_rule_version from a JSON string or number, the times as
// RFC 3339 (absent, "" or null is the zero time).
func (o *RecoverOrder) UnmarshalJSON(data []byte) error {
	type plain RecoverOrder
	w := struct {
		*plain
		PunishScene       json.RawMessage `json:"punish_scene"`
		PunishRuleVersion json.RawMessage `json:"punish_rule_version"`
		RecoverAcceptTime json.RawMessage `json:"recover_accept_time"`
		RecoverFinishTime json.RawMessage `json:"recover_finish_time"`
	}{plain: (*plain)(o)}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	return errors.Join(
		punishRule(w.PunishScene, w.PunishRuleVersion, &o.PunishScene, &o.PunishRuleVersion),
		wire.TimeField("recover_accept_time", w.RecoverAcceptTime, &o.RecoverAcceptTime),
		wire.TimeField("recover_finish_time", w.RecoverFinishTime, &o.RecoverFinishTime))
}

var opQueryControlOrder = wechatpay.Operation[QueryControlOrderRequest, ControlOrder]{
	Name: "aggracct.QueryControlOrder", Method: http.MethodGet, Repeat: wechatpay.RepeatRead,
	Path: "/v3/aggracct-bc/wb-channel/control-orders/{out_request_no}",
}

// QueryControlOrder returns a punish order or a recover order of the
// WeBank channel (查询控制单), the way to learn the outcome of Punish and
// Recover: no notification format is documented.
//
// GET /v3/aggracct-bc/wb-channel/control-orders/{out_request_no}?control_type=…&mchid=…
//
// Rate limit: 200 requests per minute (see WithControlQueryLimiter). The
// call is read-only and is retried by the client on transport errors, 429
// and 5xx. An unknown number, or one of the other kind, is a
// *wechatpay.APIError (404 RESOURCE_NOT_EXISTS at the emulator).
func (s *Service) QueryControlOrder(ctx context.Context, req *QueryControlOrderRequest) (*ControlOrder, error) {
	o, err := opQueryControlOrder.Do(ctx, s.core().Client(), req, s.limits(apiControl)...)
	return then(o, err, (*ControlOrder).complete)
}

// complete checks that the answer carries the order its control_scene
// names.
func (o *ControlOrder) complete() error {
	missing := ""
	switch {
	case o.ControlScene == ControlTypePunish && o.PunishOrder == nil:
		missing = "punish_order"
	case o.ControlScene == ControlTypeRecover && o.RecoverOrder == nil:
		missing = "recover_order"
	}
	if missing != "" {
		return fmt.Errorf("aggracct: %w: control_scene %s without %s (Request-ID %s)",
			wechatpay.ErrMalformedResponse, o.ControlScene, missing, o.Meta.RequestID)
	}
	return nil
}

// punishRule decodes the punish_scene and punish_rule_version that punish
// and recover orders both carry, each held raw by the order's
// UnmarshalJSON: WeChat Pay sends them as JSON numbers in one object and
// as JSON strings in the other.
func punishRule(scene, version json.RawMessage, dstScene *PunishScene, dstVersion *int64) error {
	return errors.Join(
		flexInt("punish_scene", scene, (*int64)(dstScene)),
		flexInt("punish_rule_version", version, dstVersion))
}

var int64Type = reflect.TypeFor[int64]()

// flexInt decodes the raw JSON value of an integer that WeChat Pay writes
// as a JSON number in one object and as a JSON string in another
// (punish_scene, punish_rule_version) into dst. Absent, null and "" are 0;
// anything else that is not an integer is an error naming field, never the
// value (named here: see wire.TimeField).
func flexInt(field string, raw json.RawMessage, dst *int64) error {
	s := string(raw)
	if s == "" || s == "null" {
		*dst = 0
		return nil
	}
	if s[0] == '"' {
		if err := json.Unmarshal(raw, &s); err != nil {
			return &json.UnmarshalTypeError{Value: "string", Type: int64Type, Field: field}
		}
		if s == "" {
			*dst = 0
			return nil
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return &json.UnmarshalTypeError{Value: "value", Type: int64Type, Field: field}
	}
	*dst = v
	return nil
}
