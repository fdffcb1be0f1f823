package wechatpay

import (
	"context"
	"fmt"
	"net/http"
	"slices"
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
// err_code_des; a bad or missing sign matches ErrV2Sign; a reply whose
// return_code is missing or neither SUCCESS nor FAIL matches
// ErrMalformedResponse. V2Operation is the typed form of the same call.
func (c *Client) DoV2(ctx context.Context, req *V2Request) (map[string]string, *Response, error) {
	if !c.built() {
		return nil, nil, nilClientError()
	}
	if req == nil {
		return nil, nil, &FieldError{Field: "request", Reason: "nil", Missing: true}
	}
	r := &v2Fields{nested: req.Nested}
	call := &v2Call{path: req.Path, secure: req.Secure, retryable: req.Idempotent, unsigned: req.UnsignedReply, signType: req.SignType, params: sortedParams(req.Params), reply: r}
	meta, err := c.exchangeV2(ctx, call)
	if err != nil {
		return nil, meta, err
	}
	return r.fields, meta, nil
}

// v2Fields reads a reply into its fields, for DoV2.
type v2Fields struct {
	nested []string
	fields map[string]string
}

func (r *v2Fields) read(data []byte) (map[string]string, error) {
	f, err := v2xml.DecodeNested(data, r.nested...)
	r.fields = f
	return f, err
}

// v2Call is one APIv2 call: its endpoint, its parameters and how its
// replies are read.
type v2Call struct {
	path                        string
	secure, retryable, unsigned bool
	signType                    wxcrypto.SignType
	params                      []wxcrypto.V2Param // in key order, without sign
	reply                       v2Reader
}

// v2Reader reads a 200 reply: it returns the reply's fields (nil when the
// reply is malformed) and keeps what else it decodes of it.
type v2Reader interface {
	read(data []byte) (map[string]string, error)
}

// sortedParams are the parameters of p but "sign", in key order.
func sortedParams(p map[string]string) []wxcrypto.V2Param {
	ps := make([]wxcrypto.V2Param, 0, len(p))
	for k, v := range p {
		if k != "sign" {
			ps = append(ps, wxcrypto.V2Param{Key: k, Value: v})
		}
	}
	wxcrypto.SortV2Params(ps)
	return ps
}

// exchangeV2 checks the call, then posts its parameters signed afresh on
// every attempt (see signV2) and judges each reply (see judgeV2Reply).
func (c *Client) exchangeV2(ctx context.Context, call *v2Call) (*Response, error) {
	if c.apiV2Key() == "" {
		return nil, &FieldError{Field: "apiv2_key", Reason: "not configured (WithAPIv2Key)", Missing: true}
	}
	if !strings.HasPrefix(call.path, "/") {
		return nil, &FieldError{Field: "path", Reason: "must start with /"}
	}
	switch call.signType {
	case "", wxcrypto.SignTypeMD5, wxcrypto.SignTypeHMACSHA256:
	default:
		return nil, &FieldError{Field: "sign_type", Reason: "must be MD5 or HMAC-SHA256"}
	}
	return c.postV2(ctx, call)
}

// judgeV2Reply judges one answer to call: a status other than 200 is an
// *APIError; a 200 reply is read, then judged by its fields (judgeV2).
func (c *Client) judgeV2Reply(call *v2Call, resp *http.Response, data []byte) error {
	if resp.StatusCode != http.StatusOK {
		return &APIError{StatusCode: resp.StatusCode, Code: http.StatusText(resp.StatusCode), Message: truncate(string(data), maxPeerText)}
	}
	fields, err := call.reply.read(data)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrMalformedResponse, err)
	}
	return c.judgeV2(fields, call)
}

// signV2 is the body of one attempt: params (in key order, without sign)
// with nonce_str (fresh unless params hold one), sign_type when signType
// is not "", and the sign; params is not modified. Both are put in their
// place: the sign and the XML take the parameters in the one order.
func (c *Client) signV2(params []wxcrypto.V2Param, signType wxcrypto.SignType) ([]byte, error) {
	var buf [32]wxcrypto.V2Param
	ps := append(buf[:0], params...)
	if i, ok := findParam(ps, "nonce_str"); !ok {
		ps = slices.Insert(ps, i, wxcrypto.V2Param{Key: "nonce_str", Value: NewNonce()})
	} else if ps[i].Value == "" {
		ps[i].Value = NewNonce()
	}
	algo := wxcrypto.SignTypeMD5
	if signType != "" {
		algo = signType
		if i, ok := findParam(ps, "sign_type"); ok {
			ps[i].Value = string(signType)
		} else {
			ps = slices.Insert(ps, i, wxcrypto.V2Param{Key: "sign_type", Value: string(signType)})
		}
	}
	s, err := wxcrypto.SignV2Params(ps, c.apiV2Key(), algo)
	if err != nil {
		return nil, err
	}
	return v2xml.AppendEncodeParams(nil, ps, s)
}

// findParam is where key is, or would go, in ps (in key order).
func findParam(ps []wxcrypto.V2Param, key string) (int, bool) {
	return slices.BinarySearchFunc(ps, key, func(p wxcrypto.V2Param, k string) int { return strings.Compare(p.Key, k) })
}

// judgeV2 judges the fields of a 200 reply: a sign present must verify; a
// return_code FAIL and a result_code other than SUCCESS are *APIError; a
// return_code missing or neither SUCCESS nor FAIL (padded, in another case)
// is ErrMalformedResponse, not a rejection; a success must be signed unless
// the endpoint's replies are documented unsigned.
func (c *Client) judgeV2(fields map[string]string, call *v2Call) error {
	sign, signed := fields["sign"]
	if signed && !c.checkV2Sign(fields, call.signType, sign) {
		return fmt.Errorf("%w: the reply sign does not verify", ErrV2Sign)
	}
	switch fields["return_code"] {
	case "SUCCESS":
	case "FAIL":
		// A FAIL reply is not signed: what it says is cut short.
		return &APIError{StatusCode: http.StatusOK, Code: "FAIL", Message: truncate(fields["return_msg"], maxPeerText), ReturnCode: "FAIL"}
	default:
		return fmt.Errorf("%w: return_code is missing or neither SUCCESS nor FAIL", ErrMalformedResponse)
	}
	if rc := fields["result_code"]; rc != "SUCCESS" {
		code, des := truncate(fields["err_code"], maxPeerID), truncate(fields["err_code_des"], maxPeerText)
		e := &APIError{
			StatusCode: http.StatusOK, Code: code, Message: des,
			ErrCode: code, ErrCodeDes: des,
			ReturnCode: "SUCCESS", ResultCode: truncate(rc, maxPeerID),
		}
		if e.Code == "" {
			e.Code = "FAIL"
		}
		if e.Message == "" {
			e.Message = truncate(fields["return_msg"], maxPeerText)
		}
		return e
	}
	if !signed && !call.unsigned {
		return fmt.Errorf("%w: a successful reply carries no sign", ErrV2Sign)
	}
	return nil
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
