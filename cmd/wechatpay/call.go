package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/gowechatpay/wechatpay"
)

// callFlags are the flags of call: -body and -header for v3 paths, the v2
// options for APIv2 paths, -timeout for both.
type callFlags struct {
	bodyFile string
	timeout  duration
	headers  headerList
	v2       v2CallOptions
}

// v2CallOptions are the APIv2 flags of call.
type v2CallOptions struct {
	signType         string
	nested           listFlag
	workwx, unsigned bool
}

// given reports whether any APIv2 flag was given.
func (o *v2CallOptions) given() bool {
	return o.signType != "" || o.nested != nil || o.workwx || o.unsigned
}

// newCallFlags declares the flags of call on fs.
func newCallFlags(fs *flag.FlagSet) *callFlags {
	cf := &callFlags{timeout: duration(30 * time.Second)}
	fs.StringVar(&cf.bodyFile, "body", "", "v3: request body `FILE` (JSON), or - for stdin")
	fs.Var(&cf.timeout, "timeout", "bound on the call, retries included")
	fs.Var(&cf.headers, "header", "v3: extra request header `'Name: value'` (repeatable); Wechatpay-Serial is set for you to the key encrypt uses")
	fs.StringVar(&cf.v2.signType, "sign-type", "", "v2: `ALGORITHM` MD5 or HMAC-SHA256, sent as sign_type (default: the sign_type parameter, else MD5 without sign_type)")
	fs.Var(&cf.v2.nested, "nested", "v2: reply element `NAME` that holds elements, printed as its inner XML (repeatable; hblist for gethbinfo)")
	fs.BoolVar(&cf.v2.workwx, "workwx-sign", false, "v2: add workwx_sign, keyed with the credentials' wecom_payment_secret (sendworkwxredpack)")
	fs.BoolVar(&cf.v2.unsigned, "unsigned-reply", false, "v2: accept a successful reply without a sign (the red-packet sends and gethbinfo often carry none); a sign present must still verify")
	return cf
}

func runCall(e *env, fs *flag.FlagSet, args []string) error {
	cf := newCallFlags(fs)
	pos, err := e.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		return e.usageError(fs, fmt.Sprintf("want METHOD PATH_AND_QUERY, e.g. GET /v3/certificates, or POST PATH key=value... for APIv2; got %d arguments %q", len(pos), pos))
	}
	if msg := checkTarget("PATH_AND_QUERY", pos[1]); msg != "" {
		return e.usageError(fs, msg)
	}
	if !strings.HasPrefix(pos[1], "/v3/") {
		if cf.bodyFile != "" || cf.headers.h != nil {
			return e.usageError(fs, "-body and -header are for v3 paths; an APIv2 call takes key=value parameters")
		}
		return e.callV2(fs, pos, cf)
	}
	if len(pos) != 2 {
		return e.usageError(fs, fmt.Sprintf("want METHOD PATH_AND_QUERY for a v3 path, the body with -body; got %d arguments %q", len(pos), pos))
	}
	if cf.v2.given() {
		return e.usageError(fs, "-sign-type, -nested, -workwx-sign and -unsigned-reply are for APIv2 paths")
	}
	return e.callV3(pos[0], pos[1], cf)
}

// callV3 is call for a v3 path: the request signed, sent (retried as the
// client retries) and its verified answer printed with its status and
// Request-ID.
func (e *env) callV3(method, target string, cf *callFlags) error {
	body, err := e.readBody(cf.bodyFile)
	if err != nil {
		return err
	}
	c, err := e.client(wechatpay.WithTimeout(time.Duration(cf.timeout)))
	if err != nil {
		return err
	}
	defer c.Close()
	path, rawQuery, _ := strings.Cut(target, "?")
	// Cross-border APIs live on the global domain (apihk).
	req := &wechatpay.Request{Method: strings.ToUpper(method), Path: path, RawQuery: rawQuery, Global: strings.HasPrefix(path, "/v3/global/"), Header: cf.headers.h}
	if body != nil {
		req.Body = body
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var out []byte
	resp, err := c.DoV3(ctx, req, &out)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "HTTP %d %s\nRequest-ID: %s\n\n", resp.StatusCode, http.StatusText(resp.StatusCode), resp.RequestID)
	if len(out) > 0 {
		_, err = fmt.Fprintln(e.stdout, string(out))
	}
	return err
}
