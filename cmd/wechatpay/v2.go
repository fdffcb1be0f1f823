package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/gowechatpay/wechatpay"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
)

// callV2 is call for an APIv2 path: POST PATH key=value..., signed with
// the APIv2 key (mch_id from the credentials when not given), sent with
// the merchant certificate when the credentials have one, and the reply's
// fields printed as a JSON object once the reply and its sign check out.
// The call is not retried: a v2 write repeated by mistake is not undone.
func (e *env) callV2(fs *flag.FlagSet, pos []string, cf *callFlags) error {
	o := &cf.v2
	if m := strings.ToUpper(pos[0]); m != http.MethodPost {
		return e.usageError(fs, "APIv2 calls are POST, not "+m)
	}
	path := pos[1]
	if strings.Contains(path, "?") {
		return e.usageError(fs, "an APIv2 path takes no query: give the parameters as key=value")
	}
	params, err := e.v2Params(fs, pos[2:])
	if err != nil {
		return err
	}
	t, err := e.v2SignType(fs, o.signType, params)
	if err != nil {
		return err
	}
	cr, err := wechatpay.LoadCredentials(e.config)
	if err != nil {
		return err
	}
	if err := completeV2Params(params, cr, o.workwx); err != nil {
		return err
	}
	// The file is read once: the client is built from cr.
	opts, err := cr.Options()
	if err != nil {
		return err
	}
	c, err := wechatpay.NewClient(append(opts, wechatpay.WithTimeout(time.Duration(cf.timeout)), wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 1}))...)
	if err != nil {
		return err
	}
	defer c.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	fields, _, err := c.DoV2(ctx, &wechatpay.V2Request{
		Path: path, Params: params, SignType: t, Secure: cr.MerchantCertificateFile != "",
		UnsignedReply: o.unsigned, Nested: o.nested,
	})
	if err != nil {
		return err
	}
	return e.printV2Reply(fields)
}

// completeV2Params fills in what the credentials give: mch_id when not
// given, and with workwx the workwx_sign (over a nonce_str, added when
// absent). sign_type is dropped: DoV2 sends it for the algorithm it signs
// with.
func completeV2Params(params map[string]string, cr *wechatpay.Credentials, workwx bool) error {
	delete(params, "sign_type")
	if params["mch_id"] == "" {
		params["mch_id"] = cr.MchID
	}
	if !workwx {
		return nil
	}
	if cr.WeComPaymentSecret == "" {
		return errors.New("-workwx-sign: the credentials file has no wecom_payment_secret")
	}
	if params["nonce_str"] == "" {
		params["nonce_str"] = wechatpay.NewNonce() // workwx_sign covers it
	}
	ws, err := wxcrypto.SignWorkWx(params, cr.WeComPaymentSecret)
	if err != nil {
		return err
	}
	params["workwx_sign"] = ws
	return nil
}

// printV2Reply prints a verified reply's fields as a JSON object, with a
// note on stderr when the reply carried no sign.
func (e *env) printV2Reply(fields map[string]string) error {
	if _, signed := fields["sign"]; !signed {
		fmt.Fprintln(e.stderr, "note: the reply carries no sign (accepted: -unsigned-reply)")
	}
	out, err := json.MarshalIndent(fields, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(e.stdout, string(out))
	return err
}

// v2Params parses key=value arguments.
func (e *env) v2Params(fs *flag.FlagSet, kvs []string) (map[string]string, error) {
	params := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, e.usageError(fs, "parameter "+strconv.Quote(kv)+" is not key=value")
		}
		params[k] = v
	}
	return params, nil
}

// v2SignType is the algorithm of -sign-type and the sign_type parameter,
// which must agree; "" when neither is given (MD5, no sign_type sent).
func (e *env) v2SignType(fs *flag.FlagSet, flagValue string, params map[string]string) (wxcrypto.SignType, error) {
	t := wxcrypto.SignType(flagValue)
	if st, ok := params["sign_type"]; ok {
		if t != "" && t != wxcrypto.SignType(st) {
			return "", e.usageError(fs, "-sign-type "+string(t)+" disagrees with the parameter sign_type="+st)
		}
		t = wxcrypto.SignType(st)
	}
	if t != "" && t != wxcrypto.SignTypeMD5 && t != wxcrypto.SignTypeHMACSHA256 {
		return "", e.usageError(fs, "-sign-type must be MD5 or HMAC-SHA256")
	}
	return t, nil
}

func runV2Sign(e *env, fs *flag.FlagSet, args []string) error {
	signType := fs.String("sign-type", "", "`ALGORITHM`: MD5 or HMAC-SHA256 (default: the sign_type parameter, else MD5)")
	pos, err := e.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return e.usageError(fs, "want key=value parameters")
	}
	params, err := e.v2Params(fs, pos)
	if err != nil {
		return err
	}
	// sign_type, when sent, is an ordinary signed parameter and names the
	// algorithm WeChat Pay checks with: the flag must agree with it.
	t, err := e.v2SignType(fs, *signType, params)
	if err != nil {
		return err
	}
	if t == "" {
		t = wxcrypto.SignTypeMD5
	}
	if _, ok := params["sign_type"]; !ok && t == wxcrypto.SignTypeHMACSHA256 {
		fmt.Fprintln(e.stderr, "note: no sign_type=HMAC-SHA256 parameter; WeChat Pay checks a request without it as MD5")
	}
	// Only the APIv2 key is used: no key file is loaded.
	cr, err := wechatpay.LoadCredentials(e.config)
	if err != nil {
		return err
	}
	if len(cr.APIv2Key) != 32 {
		return errors.New("the credentials file has no 32-character apiv2_key")
	}
	sign, err := wxcrypto.SignV2(params, cr.APIv2Key, t)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(e.stdout, sign)
	return err
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(s string) error {
	if s == "" {
		return errors.New("want an element name")
	}
	*l = append(*l, s)
	return nil
}
