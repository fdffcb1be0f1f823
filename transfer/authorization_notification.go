package transfer

import (
	"fmt"
	"time"

	"github.com/gowechatpay/wechatpay"
)

// The event types of the callbacks sent to an authorization's
// authorization_notify_url.
const (
	// EventAuthorizationConfirmed: the user authorized (TAKING_EFFECT).
	EventAuthorizationConfirmed = "MCHTRANSFER.AUTHORIZATION.CONFIRMED"
	// EventAuthorizationClosed: the authorization was closed (CLOSED).
	EventAuthorizationClosed = "MCHTRANSFER.AUTHORIZATION.CLOSED"
)

// AuthorizationNotification is the decrypted resource of a
// MCHTRANSFER.AUTHORIZATION.CONFIRMED or .CLOSED callback. An authorization
// offered by CreateBillWithAuthorization that the user did not accept
// sends none.
type AuthorizationNotification struct {
	// OutAuthorizationNo is the merchant's number.
	OutAuthorizationNo string `json:"out_authorization_no"`
	// AppID is the authorization's appid.
	AppID string `json:"appid"`
	// OpenID is the user.
	OpenID string `json:"openid"`
	// UserDisplayName is the account shown to the user.
	UserDisplayName string `json:"user_display_name"`
	// AuthorizationID is WeChat Pay's id of the authorization.
	AuthorizationID string `json:"authorization_id"`
	// State is TAKING_EFFECT or CLOSED.
	State AuthorizationState `json:"state"`
	// AuthorizeTime is when the user authorized.
	AuthorizeTime time.Time `json:"authorize_time"`
	// CloseInfo is set with CLOSED (CLOSE_VIA_MCH_API or USER_CLOSE).
	CloseInfo *CloseInfo `json:"close_info,omitempty"`
}

// DecodeAuthorizationNotification reads the resource of a verified
// MCHTRANSFER.AUTHORIZATION.* callback, n from the client's
// ParseNotification or NotificationHandler. Another event type, or a
// resource that does not decode or lacks its number or state, matches
// wechatpay.ErrMalformedNotification.
func (s *Service) DecodeAuthorizationNotification(n *wechatpay.Notification) (*AuthorizationNotification, error) {
	if n == nil || n.EventType != EventAuthorizationConfirmed && n.EventType != EventAuthorizationClosed {
		return nil, fmt.Errorf("transfer: %w: not a MCHTRANSFER.AUTHORIZATION callback", wechatpay.ErrMalformedNotification)
	}
	var out AuthorizationNotification
	if err := n.Decode(&out); err != nil {
		return nil, fmt.Errorf("transfer: %w", err)
	}
	if out.OutAuthorizationNo == "" || out.State == "" {
		return nil, fmt.Errorf("transfer: %w: notification %s lacks out_authorization_no or state", wechatpay.ErrMalformedNotification, n.ID)
	}
	return &out, nil
}
