package wechatpay

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"strings"

	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
	"github.com/gowechatpay/wechatpay/internal/v2xml"
)

// V2Request is one APIv2 (XML) call for DoV2.
type V2Request struct {
	// Path is the endpoint's path, e.g. "/mmpaymkttransfers/queryworkwxredpack".
	Path string
	// Params are the request parameters without sign. nonce_str is added
	// (fresh on every attempt) when absent.
	Params map[string]string
	// SignType selects the sign: "" signs with MD5 and sends no sign_type
	// (as red-packet endpoints require); MD5 or HMAC-SHA256 are sent as
	// sign_type and signed.
	SignType wxcrypto.SignType
	// Secure marks an endpoint that requires the merchant client
	// certificate (mTLS).
	Secure bool
	// UnsignedReply marks an endpoint documented to answer without a sign;
	// otherwise a successful reply without a valid sign is rejected.
	UnsignedReply bool
	// Idempotent marks a call that is safe to repeat with the same
	// business number (queries; sends with the same mch_billno).
	Idempotent bool
	// Nested names the reply elements that hold elements rather than text
	// (the list <hblist> of the red-packet query gethbinfo); their value
	// in the reply fields is their inner XML, to decode with encoding/xml.
	// Any other nested element is ErrMalformedResponse.
	Nested []string
}

// DoV2 makes an APIv2 call: it signs the parameters with the APIv2 key,
// posts them as XML (over mTLS for secure endpoints), and returns the reply
// fields once return_code and result_code are SUCCESS and the reply sign
// verifies. A FAIL is an *APIError carrying return_msg, err_code and
// err_code_des; a bad or missing sign matches ErrV2Sign.
func (c *Client) DoV2(ctx context.Context, req *V2Request) (map[string]string, *Response, error) {
	if req == nil {
		return nil, nil, &FieldError{Field: "request", Reason: "nil", Missing: true}
	}
	if c.apiV2Key() == "" {
		return nil, nil, &FieldError{Field: "apiv2_key", Reason: "not configured (WithAPIv2Key)", Missing: true}
	}
	if !strings.HasPrefix(req.Path, "/") {
		return nil, nil, &FieldError{Field: "path", Reason: "must start with /"}
	}
	signType := req.SignType
	switch signType {
	case "", wxcrypto.SignTypeMD5, wxcrypto.SignTypeHMACSHA256:
	default:
		return nil, nil, &FieldError{Field: "sign_type", Reason: "must be MD5 or HMAC-SHA256"}
	}
	sign := func() ([]byte, error) {
		params := make(map[string]string, len(req.Params)+3)
		maps.Copy(params, req.Params)
		delete(params, "sign")
		if params["nonce_str"] == "" {
			params["nonce_str"] = NewNonce()
		}
		algo := wxcrypto.SignTypeMD5
		if signType != "" {
			params["sign_type"] = string(signType)
			algo = signType
		}
		s, err := wxcrypto.SignV2(params, c.apiV2Key(), algo)
		if err != nil {
			return nil, err
		}
		params["sign"] = s
		return v2xml.Encode(params)
	}
	var fields map[string]string
	meta, err := c.postV2(ctx, req.Path, req.Secure, req.Idempotent, sign, func(resp *http.Response, data []byte) error {
		f, err := c.handleV2(resp, data, signType, req.UnsignedReply, req.Nested)
		fields = f
		return err
	})
	if err != nil {
		return nil, meta, err
	}
	return fields, meta, nil
}

func (c *Client) handleV2(resp *http.Response, data []byte, signType wxcrypto.SignType, unsigned bool, nested []string) (map[string]string, error) {
	if resp.StatusCode != http.StatusOK {
		return nil, &APIError{StatusCode: resp.StatusCode, Code: http.StatusText(resp.StatusCode), Message: truncate(string(data), maxPeerText)}
	}
	fields, err := v2xml.DecodeNested(data, nested...)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformedResponse, err)
	}
	sign, signed := fields["sign"]
	if signed && !c.checkV2Sign(fields, signType, sign) {
		return nil, fmt.Errorf("%w: the reply sign does not verify", ErrV2Sign)
	}
	if rc := fields["return_code"]; rc != "SUCCESS" {
		// A FAIL reply is not signed: what it says is cut short.
		return nil, &APIError{StatusCode: resp.StatusCode, Code: "FAIL", Message: truncate(fields["return_msg"], maxPeerText), ReturnCode: truncate(rc, maxPeerID)}
	}
	if rc := fields["result_code"]; rc != "SUCCESS" {
		code, des := truncate(fields["err_code"], maxPeerID), truncate(fields["err_code_des"], maxPeerText)
		e := &APIError{
			StatusCode: resp.StatusCode, Code: code, Message: des,
			ErrCode: code, ErrCodeDes: des,
			ReturnCode: fields["return_code"], ResultCode: truncate(rc, maxPeerID),
		}
		if e.Code == "" {
			e.Code = "FAIL"
		}
		if e.Message == "" {
			e.Message = truncate(fields["return_msg"], maxPeerText)
		}
		return nil, e
	}
	if !signed && !unsigned {
		return nil, fmt.Errorf("%w: a successful reply carries no sign", ErrV2Sign)
	}
	return fields, nil
}

// checkV2Sign verifies a reply sign with the request's algorithm; a sign of
// 64 hex digits is HMAC-SHA256 whatever the request used.
func (c *Client) checkV2Sign(fields map[string]string, signType wxcrypto.SignType, sign string) bool {
	algo := wxcrypto.SignTypeMD5
	if signType == wxcrypto.SignTypeHMACSHA256 || len(sign) == 64 {
		algo = wxcrypto.SignTypeHMACSHA256
	}
	return wxcrypto.VerifyV2(fields, c.apiV2Key(), algo, sign)
}
