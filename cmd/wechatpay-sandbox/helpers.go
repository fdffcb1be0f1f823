package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

// helperUsage is the help of the test-helper subcommands.
const helperUsage = `Usage:
  wechatpay-sandbox transfer confirm [-dir DIR] OUT_BILL_NO
  wechatpay-sandbox transfer fail [-dir DIR] -reason REASON OUT_BILL_NO
  wechatpay-sandbox transfer authorize [-dir DIR] OUT_AUTHORIZATION_NO
  wechatpay-sandbox transfer revoke [-dir DIR] OUT_AUTHORIZATION_NO
  wechatpay-sandbox advance [-dir DIR] DURATION        (e.g. 24h)

Does, on the sandbox serving DIR, what only the user or WeChat Pay can do:
the user confirms a transfer bill, WeChat Pay fails one (REASON is a
fail_reason such as ACCOUNT_FROZEN), the user grants or revokes a
confirmation-free authorization, or time
passes (bills not confirmed within 24 hours close OVERDUE_CLOSE, with
their callback). It POSTs a test-helper request
(/v3/sandbox/test-helpers/...) signed with the merchant key of
DIR/credentials.json: the sandbox refuses one that is not the merchant's.
It prints the sandbox's answer (JSON) and exits 0, or 1 when refused.

Flags:
`

// helperAction is one test-helper subcommand: its route and how its
// argument fills the request.
type helperAction struct {
	api   wechatpaytest.API
	param string // the path parameter the argument fills; "" for a body
}

var helperActions = map[string]helperAction{
	"transfer confirm":   {wechatpaytest.APITestHelperConfirmTransfer, "out_bill_no"},
	"transfer fail":      {wechatpaytest.APITestHelperFailTransfer, "out_bill_no"},
	"transfer authorize": {wechatpaytest.APITestHelperAuthorizeTransfer, "out_authorization_no"},
	"transfer revoke":    {wechatpaytest.APITestHelperRevokeTransfer, "out_authorization_no"},
	"advance":            {wechatpaytest.APITestHelperAdvance, ""},
}

// runHelper runs the test-helper subcommand named by name (args are what
// follows it) against the sandbox of -dir.
func runHelper(ctx context.Context, name string, args []string, stdout, stderr io.Writer) error {
	action, ok := helperActions[name]
	fs := newFlagSet("wechatpay-sandbox "+name, helperUsage, stderr)
	dir := fs.String("dir", "sandbox", "the sandbox's directory `DIR` (its credentials.json signs the request)")
	reason := fs.String("reason", "", "transfer fail: the fail_reason, e.g. ACCOUNT_FROZEN")
	if !ok {
		return usageError(flag.NewFlagSet("wechatpay-sandbox", flag.ContinueOnError), stderr, fmt.Sprintf("unknown action %q", name))
	}
	if err := parseFlags(fs, args, 1, stderr); err != nil {
		return err
	}
	if name == "transfer fail" && *reason == "" {
		return usageError(fs, stderr, "-reason is required, e.g. ACCOUNT_FROZEN")
	}
	req := &wechatpay.Request{Method: http.MethodPost, Path: strings.TrimPrefix(string(action.api), "POST ")}
	switch {
	case action.param != "":
		req.PathParams = map[string]string{action.param: fs.Arg(0)}
		if name == "transfer fail" {
			req.Body = map[string]string{"reason": *reason}
		}
	default:
		req.Body = map[string]string{"duration": fs.Arg(0)}
	}
	c, err := wechatpay.NewClientFromFile(filepath.Join(*dir, wechatpay.CredentialsFileName))
	if err != nil {
		return err
	}
	var answer json.RawMessage
	if _, err := c.DoV3(ctx, req, &answer); err != nil {
		return err
	}
	fmt.Fprintln(stdout, string(answer))
	return nil
}
