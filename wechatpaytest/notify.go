package wechatpaytest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gowechatpay/wechatpay"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
)

// summaries of well-known event types; others get a generic summary.
var summaries = map[string]string{
	"TRANSACTION.SUCCESS": "支付成功",
	"REFUND.SUCCESS":      "退款成功",
	"REFUND.ABNORMAL":     "退款异常",
	"REFUND.CLOSED":       "退款关闭",
}

// SignNotification builds a callback notification as WeChat Pay would POST
// it and returns its headers and exact body. resource is the plaintext
// object: []byte or json.RawMessage are used as they are, anything else is
// encoded with encoding/json. The envelope carries a fresh unique id,
// create_time (now, UTC+8), eventType, resource_type "encrypt-resource" and
// a summary; resource is AEAD_AES_256_GCM-encrypted with the APIv3 key under
// a fresh 12-character nonce, with original_type and associated_data set to
// the lower-cased part of eventType before its first dot (TRANSACTION.SUCCESS
// → "transaction"). The body is signed with the WeChat Pay public-key-id key
// (Wechatpay-Serial is PublicKeyID), or in KeyModeCertificates with the
// platform certificate key (PlatformSerial).
func (s *Server) SignNotification(eventType string, resource any) (http.Header, []byte, error) {
	if eventType == "" {
		return nil, nil, fmt.Errorf("wechatpaytest: SignNotification: empty event type")
	}
	var plain []byte
	switch r := resource.(type) {
	case []byte:
		plain = r
	case json.RawMessage:
		plain = r
	default:
		var err error
		if plain, err = marshalJSON(resource); err != nil {
			return nil, nil, fmt.Errorf("wechatpaytest: SignNotification: encoding the resource: %w", err)
		}
	}
	originalType, _, _ := strings.Cut(eventType, ".")
	originalType = strings.ToLower(originalType)
	nonce := wechatpay.NewNonce()[:wxcrypto.GCMNonceSize]
	ct, err := wxcrypto.SealAESGCM([]byte(TestAPIv3Key), []byte(nonce), []byte(originalType), plain)
	if err != nil {
		return nil, nil, fmt.Errorf("wechatpaytest: SignNotification: %w", err)
	}
	summary, ok := summaries[eventType]
	if !ok {
		summary = "通知 " + eventType
	}
	type encResource struct {
		OriginalType   string `json:"original_type"`
		Algorithm      string `json:"algorithm"`
		Ciphertext     string `json:"ciphertext"`
		AssociatedData string `json:"associated_data"`
		Nonce          string `json:"nonce"`
	}
	now := s.now()
	body, err := marshalJSON(struct {
		ID           string      `json:"id"`
		CreateTime   string      `json:"create_time"`
		ResourceType string      `json:"resource_type"`
		EventType    string      `json:"event_type"`
		Summary      string      `json:"summary"`
		Resource     encResource `json:"resource"`
	}{
		ID:           newNotificationID(),
		CreateTime:   rfc3339(now),
		ResourceType: "encrypt-resource",
		EventType:    eventType,
		Summary:      summary,
		Resource:     encResource{originalType, "AEAD_AES_256_GCM", ct, originalType, nonce},
	})
	if err != nil {
		return nil, nil, fmt.Errorf("wechatpaytest: SignNotification: %w", err)
	}
	ts := strconv.FormatInt(now.Unix(), 10)
	sigNonce := wechatpay.NewNonce()
	key, serial := s.notificationKey()
	sig, err := signMessage(key, ts, sigNonce, body)
	if err != nil {
		return nil, nil, fmt.Errorf("wechatpaytest: SignNotification: %w", err)
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set(wechatpay.HeaderTimestamp, ts)
	h.Set(wechatpay.HeaderNonce, sigNonce)
	h.Set(wechatpay.HeaderSignature, sig)
	h.Set(wechatpay.HeaderSerial, serial)
	h.Set(wechatpay.HeaderSignatureType, wechatpay.AuthScheme)
	return h, body, nil
}

// newNotificationID returns a random UUID-shaped id (36 characters).
func newNotificationID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails since Go 1.24
	x := hex.EncodeToString(b[:])
	return x[:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:]
}

// SendNotification signs a notification like SignNotification and POSTs it
// to url (http or https) with the client set by WithNotificationClient. The
// caller closes the response body.
func (s *Server) SendNotification(ctx context.Context, url, eventType string, resource any) (*http.Response, error) {
	h, body, err := s.SignNotification(eventType, resource)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("wechatpaytest: SendNotification: %w", err)
	}
	req.Header = h
	resp, err := s.notifyClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("wechatpaytest: SendNotification: %w", err)
	}
	return resp, nil
}
