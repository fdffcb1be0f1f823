// Command wechatpay is a debugging tool for WeChat Pay merchants: it signs
// and sends v3 requests, encrypts and decrypts sensitive fields, verifies
// saved callbacks, downloads platform certificates and computes v2 signs,
// all with the credentials file that the SDK and the sandbox use.
//
// Usage:
//
//	wechatpay sign -config FILE -method M -url PATH_AND_QUERY [-body FILE|-] [-timestamp N] [-nonce S]
//	wechatpay call -config FILE METHOD PATH_AND_QUERY [-body FILE|-] [-header 'Name: value']...
//	wechatpay call -config FILE POST V2PATH [-sign-type T] [-nested NAME] [-workwx-sign] [-unsigned-reply] key=value...
//	wechatpay encrypt -config FILE < plaintext
//	wechatpay decrypt -config FILE < base64
//	wechatpay notify -config FILE -headers FILE -body FILE [-time N]
//	wechatpay certificates -config FILE -out DIR
//	wechatpay v2sign -config FILE [-sign-type MD5|HMAC-SHA256] key=value...
//
// call sends a -body with any method but GET and HEAD: a DELETE with a JSON
// body (such as DELETE /v3/global/profit-sharing/receivers) is signed over
// that body, and its 204 answer is verified like any other. Paths under
// /v3/global/ go to the cross-border domain. A path outside /v3/ is an
// APIv2 call: its key=value parameters are signed with the APIv2 key
// (mch_id filled in from the credentials), sent as XML with the merchant
// certificate, and the verified reply printed as a JSON object; it is never
// retried. -workwx-sign adds the workwx_sign of sendworkwxredpack.
//
// notify -time verifies a saved callback as if at that Unix time, and a
// stale timestamp is then reported as its distance from -time.
//
// Results go to stdout, errors to stderr with a non-zero exit status (a
// command-line mistake prints one line and where the help is, status 2).
// Keys, the APIv3 and APIv2 keys are never printed.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gowechatpay/wechatpay"
	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// errUsage marks a command-line mistake (exit status 2); its message has
// already been printed with the usage.
var errUsage = errors.New("usage")

// command is one subcommand.
type command struct {
	name, synopsis, example string
	run                     func(env *env, fs *flag.FlagSet, args []string) error
}

var commands = []command{
	{"sign", "print the Authorization header of a v3 request",
		"wechatpay sign -config credentials.json -method GET -url '/v3/certificates'",
		runSign},
	{"call", "send a signed v3 or APIv2 request, verify the reply and print it",
		"wechatpay call -config credentials.json GET '/v3/global/profit-sharing/orders/P20150806125346?sub_mchid=1900000109&transaction_id=4208450740201411110007820472'\n" +
			"  wechatpay call -config credentials.json -nested hblist -unsigned-reply POST /mmpaymkttransfers/gethbinfo mch_billno=0010010404201411170000046545 appid=wxe062425f740d30d8 bill_type=MCHT",
		runCall},
	{"encrypt", "encrypt stdin for a sensitive request field (RSA-OAEP, WeChat Pay key)",
		"printf %s 8609cb22e1774a50 | wechatpay encrypt -config credentials.json",
		runEncrypt},
	{"decrypt", "decrypt a base64 sensitive response field on stdin (merchant key)",
		"echo 'UDJLSAG...==' | wechatpay decrypt -config credentials.json",
		runDecrypt},
	{"notify", "verify and decrypt a saved callback and print its resource JSON",
		"wechatpay notify -config credentials.json -headers headers.txt -body body.json",
		runNotify},
	{"certificates", "download the platform certificates into a directory",
		"wechatpay certificates -config credentials.json -out ./certs",
		runCertificates},
	{"v2sign", "print the APIv2 sign of key=value parameters",
		"wechatpay v2sign -config credentials.json mch_id=10000098 mch_billno=10000098201411111234567890 appid=wxe062425f740d30d8 nonce_str=5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
		runV2Sign},
}

type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	config         string
}

// run is the whole program: it returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	var cmd *command
	for i := range commands {
		if commands[i].name == args[0] {
			cmd = &commands[i]
		}
	}
	if cmd == nil {
		fmt.Fprintf(stderr, "wechatpay: unknown command %q\nRun 'wechatpay -h' for the commands.\n", args[0])
		return 2
	}
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	fs := flag.NewFlagSet("wechatpay "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&e.config, "config", "", "credentials `FILE` (JSON, paths relative to it)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "wechatpay %s: %s\n\nExample:\n  %s\n\nFlags:\n", cmd.name, cmd.synopsis, cmd.example)
		fs.PrintDefaults()
	}
	err := cmd.run(e, fs, args[1:])
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	fmt.Fprintf(stderr, "wechatpay %s: %s\n", cmd.name, errorText(err))
	return 1
}

// errorText is err's message with the package prefixes of the layers it
// went through said once (the command's name already says wechatpay):
// "wechatpay: invalid configuration: wechatpay: invalid apiv3_key: ..."
// reads "invalid configuration: invalid apiv3_key: ...".
func errorText(err error) string {
	msg := err.Error()
	for _, prefix := range []string{"wechatpay/crypto: ", "wechatpay: "} {
		msg = strings.ReplaceAll(msg, ": "+prefix, ": ")
		msg = strings.TrimPrefix(msg, prefix)
	}
	return msg
}

// unixSeconds is a flag holding Unix seconds, whose parse error says what
// is wanted.
type unixSeconds int64

func (u *unixSeconds) String() string { return strconv.FormatInt(int64(*u), 10) }

func (u *unixSeconds) Set(s string) error {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return errors.New("want Unix seconds, a decimal integer such as " + strconv.FormatInt(time.Now().Unix(), 10) + " (date +%s prints the current one)")
	}
	*u = unixSeconds(n)
	return nil
}

// duration is a time.Duration flag whose parse error says what is wanted.
type duration time.Duration

func (d *duration) String() string { return time.Duration(*d).String() }

func (d *duration) Set(s string) error {
	v, err := time.ParseDuration(s)
	if err != nil || v <= 0 {
		return errors.New("want a positive duration with a unit, such as 30s or 2m")
	}
	*d = duration(v)
	return nil
}

// headerList is a repeatable 'Name: value' flag.
type headerList struct{ h http.Header }

func (l *headerList) String() string { return "" }

func (l *headerList) Set(s string) error {
	name, value, ok := strings.Cut(s, ":")
	name, value = strings.TrimSpace(name), strings.TrimSpace(value)
	if !ok || name == "" || value == "" {
		return errors.New("want 'Name: value', e.g. -header 'Wechatpay-Serial: PUB_KEY_ID_...'")
	}
	if l.h == nil {
		l.h = http.Header{}
	}
	l.h.Add(name, value)
	return nil
}

// checkTarget checks a PATH_AND_QUERY argument; the error says how to fix
// it.
func checkTarget(what, target string) string {
	switch {
	case target == "":
		return what + " is required: the path and query exactly as sent, e.g. /v3/certificates"
	case strings.HasPrefix(target, "http://") || strings.HasPrefix(target, "https://"):
		return what + " " + strconv.Quote(target) + " is a URL: give only its path and query, e.g. /v3/certificates (the domain comes from the credentials' base_url)"
	case !strings.HasPrefix(target, "/"):
		return what + " " + strconv.Quote(target) + " must start with /: " + strconv.Quote("/"+target)
	}
	return ""
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: wechatpay COMMAND -config FILE [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-13s %s\n", c.name, c.synopsis)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'wechatpay COMMAND -h' for a command's flags and an example.")
}

// parse parses flags interspersed with positional arguments and returns
// the positional ones; it requires -config. -h prints the command's help
// (fs.Usage) and returns flag.ErrHelp; a mistake is a usage error.
func (e *env) parse(fs *flag.FlagSet, args []string) ([]string, error) {
	help := fs.Usage
	defer func() { fs.Usage = help; fs.SetOutput(e.stderr) }()
	// The flag package prints its errors and the help: parse prints them
	// itself.
	fs.Usage = func() {}
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(e.stderr)
			help()
			return nil, err
		} else if err != nil {
			return nil, e.usageError(fs, err.Error())
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		if args[0] == "--" {
			pos = append(pos, args[1:]...)
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	if e.config == "" {
		return nil, e.usageError(fs, "-config is required")
	}
	return pos, nil
}

// usageError prints a command-line mistake on one line, followed by where
// the command's help is, and returns errUsage.
func (e *env) usageError(fs *flag.FlagSet, msg string) error {
	fmt.Fprintf(e.stderr, "%s: %s\nRun '%s -h' for its flags and an example.\n", fs.Name(), msg, fs.Name())
	return errUsage
}

func (e *env) client(extra ...wechatpay.Option) (*wechatpay.Client, error) {
	return wechatpay.NewClientFromFile(e.config, extra...)
}

// readBody reads -body: "" for none, "-" for stdin, else a file.
func (e *env) readBody(name string) ([]byte, error) {
	switch name {
	case "":
		return nil, nil
	case "-":
		return io.ReadAll(e.stdin)
	}
	return os.ReadFile(name)
}

func runSign(e *env, fs *flag.FlagSet, args []string) error {
	method := fs.String("method", "GET", "HTTP `METHOD`")
	target := fs.String("url", "", "`PATH_AND_QUERY` exactly as sent, e.g. /v3/certificates")
	bodyFile := fs.String("body", "", "request body `FILE`, or - for stdin")
	var ts unixSeconds
	fs.Var(&ts, "timestamp", "Unix `SECONDS` to sign with (default: now)")
	nonce := fs.String("nonce", "", "nonce `STRING` to sign with (default: random)")
	pos, err := e.parse(fs, args)
	if err != nil {
		return err
	}
	if msg := checkTarget("-url", *target); msg != "" {
		return e.usageError(fs, msg)
	}
	if len(pos) > 0 {
		return e.usageError(fs, fmt.Sprintf("unexpected arguments %q: the request is given with -method, -url and -body", pos))
	}
	body, err := e.readBody(*bodyFile)
	if err != nil {
		return err
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	defer c.Close()
	if ts == 0 {
		ts = unixSeconds(c.Now().Unix())
	}
	if *nonce == "" {
		*nonce = wechatpay.NewNonce()
	}
	auth, err := c.Signer().Authorization(strings.ToUpper(*method), *target, body, int64(ts), *nonce)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(e.stdout, auth)
	return err
}

func runCall(e *env, fs *flag.FlagSet, args []string) error {
	bodyFile := fs.String("body", "", "v3: request body `FILE` (JSON), or - for stdin")
	timeout := duration(30 * time.Second)
	fs.Var(&timeout, "timeout", "bound on the call, retries included")
	var headers headerList
	fs.Var(&headers, "header", "v3: extra request header `'Name: value'` (repeatable); Wechatpay-Serial is set for you to the key encrypt uses")
	signType := fs.String("sign-type", "", "v2: `ALGORITHM` MD5 or HMAC-SHA256, sent as sign_type (default: the sign_type parameter, else MD5 without sign_type)")
	var nested listFlag
	fs.Var(&nested, "nested", "v2: reply element `NAME` that holds elements, printed as its inner XML (repeatable; hblist for gethbinfo)")
	workwx := fs.Bool("workwx-sign", false, "v2: add workwx_sign, keyed with the credentials' wecom_payment_secret (sendworkwxredpack)")
	unsigned := fs.Bool("unsigned-reply", false, "v2: accept a successful reply without a sign (the red-packet sends and gethbinfo often carry none); a sign present must still verify")
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
		if *bodyFile != "" || headers.h != nil {
			return e.usageError(fs, "-body and -header are for v3 paths; an APIv2 call takes key=value parameters")
		}
		return e.callV2(fs, pos, v2CallOptions{signType: *signType, nested: nested, workwx: *workwx, unsigned: *unsigned, timeout: time.Duration(timeout)})
	}
	if len(pos) != 2 {
		return e.usageError(fs, fmt.Sprintf("want METHOD PATH_AND_QUERY for a v3 path, the body with -body; got %d arguments %q", len(pos), pos))
	}
	if *signType != "" || nested != nil || *workwx || *unsigned {
		return e.usageError(fs, "-sign-type, -nested, -workwx-sign and -unsigned-reply are for APIv2 paths")
	}
	body, err := e.readBody(*bodyFile)
	if err != nil {
		return err
	}
	c, err := e.client(wechatpay.WithTimeout(time.Duration(timeout)))
	if err != nil {
		return err
	}
	defer c.Close()
	path, rawQuery, _ := strings.Cut(pos[1], "?")
	// Cross-border APIs live on the global domain (apihk).
	req := &wechatpay.Request{Method: strings.ToUpper(pos[0]), Path: path, RawQuery: rawQuery, Global: strings.HasPrefix(path, "/v3/global/"), Header: headers.h}
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

// v2CallOptions are the APIv2 flags of call.
type v2CallOptions struct {
	signType         string
	nested           []string
	workwx, unsigned bool
	timeout          time.Duration
}

// callV2 is call for an APIv2 path: POST PATH key=value..., signed with
// the APIv2 key (mch_id from the credentials when not given), sent with
// the merchant certificate when the credentials have one, and the reply's
// fields printed as a JSON object once the reply and its sign check out.
// The call is not retried: a v2 write repeated by mistake is not undone.
func (e *env) callV2(fs *flag.FlagSet, pos []string, o v2CallOptions) error {
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
	// sign_type is sent by DoV2 for the algorithm it signs with.
	delete(params, "sign_type")
	if params["mch_id"] == "" {
		params["mch_id"] = cr.MchID
	}
	if o.workwx {
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
	}
	// The file is read once: the client is built from cr.
	opts, err := cr.Options()
	if err != nil {
		return err
	}
	c, err := wechatpay.NewClient(append(opts, wechatpay.WithTimeout(o.timeout), wechatpay.WithRetry(wechatpay.RetryPolicy{MaxAttempts: 1}))...)
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

func runEncrypt(e *env, fs *flag.FlagSet, args []string) error {
	if err := e.noArgs(fs, args); err != nil {
		return err
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	defer c.Close()
	plain, err := io.ReadAll(e.stdin)
	if err != nil {
		return err
	}
	plain = trimNewline(plain)
	ct, serial, err := c.EncryptSensitive(string(plain))
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "encrypted for %s: %s (wechatpay call and DoV3 send this header themselves)\n", wechatpay.HeaderSerial, serial)
	_, err = fmt.Fprintln(e.stdout, ct)
	return err
}

func runDecrypt(e *env, fs *flag.FlagSet, args []string) error {
	if err := e.noArgs(fs, args); err != nil {
		return err
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	defer c.Close()
	in, err := io.ReadAll(e.stdin)
	if err != nil {
		return err
	}
	ct := strings.TrimSpace(string(in))
	if ct == "" {
		return errors.New("no ciphertext on stdin")
	}
	plain, err := c.DecryptSensitive(ct)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(e.stdout, plain)
	return err
}

func (e *env) noArgs(fs *flag.FlagSet, args []string) error {
	pos, err := e.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return e.usageError(fs, "unexpected arguments")
	}
	return nil
}

// trimNewline drops one trailing line ending, as left by echo.
func trimNewline(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

func runNotify(e *env, fs *flag.FlagSet, args []string) error {
	headersFile := fs.String("headers", "", "`FILE` with the callback's headers, one 'Name: value' per line")
	bodyFile := fs.String("body", "", "`FILE` with the callback's exact body")
	var at unixSeconds
	fs.Var(&at, "time", "verify as if at Unix `SECONDS` (to replay an old callback; default: now)")
	if err := e.noArgs(fs, args); err != nil {
		return err
	}
	if *headersFile == "" || *bodyFile == "" {
		return e.usageError(fs, "-headers and -body are required")
	}
	rawHeaders, err := os.ReadFile(*headersFile)
	if err != nil {
		return err
	}
	h, err := parseHeaders(rawHeaders)
	if err != nil {
		return fmt.Errorf("%s: %w", *headersFile, err)
	}
	body, err := os.ReadFile(*bodyFile)
	if err != nil {
		return err
	}
	var opts []wechatpay.Option
	if at != 0 {
		t := time.Unix(int64(at), 0)
		opts = append(opts, wechatpay.WithClock(func() time.Time { return t }))
	}
	c, err := e.client(opts...)
	if err != nil {
		return err
	}
	defer c.Close()
	n, err := c.ParseNotification(h, body)
	if at != 0 && errors.Is(err, wechatpay.ErrStaleTimestamp) {
		return staleError(h.Get(wechatpay.HeaderTimestamp), at)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "verified notification %s (%s, %s, created %s)\n", n.ID, n.EventType, n.Resource.OriginalType, n.CreateTime.Format(time.RFC3339))
	_, err = fmt.Fprintln(e.stdout, string(n.Plaintext))
	return err
}

// staleError says how far the callback's Wechatpay-Timestamp ts is from
// -time, the clock it was verified against (the SDK's error measures from
// the local clock).
func staleError(ts string, at unixSeconds) error {
	signed, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: %s %q is not Unix seconds", wechatpay.ErrStaleTimestamp, wechatpay.HeaderTimestamp, ts)
	}
	when := "before"
	d := int64(at) - signed
	if d < 0 {
		when, d = "after", -d
	}
	return fmt.Errorf("%w: signed %ds %s -time %d (%s %d)", wechatpay.ErrStaleTimestamp, d, when, at, wechatpay.HeaderTimestamp, signed)
}

// parseHeaders reads one "Name: value" per line; blank lines and an HTTP
// request or status line are skipped.
func parseHeaders(data []byte) (http.Header, error) {
	h := http.Header{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "POST ") || strings.HasPrefix(text, "HTTP/") {
			continue
		}
		name, value, ok := strings.Cut(text, ":")
		if !ok || strings.TrimSpace(name) == "" {
			return nil, fmt.Errorf("line %d: want 'Name: value'", line)
		}
		h.Add(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return h, nil
}

func runCertificates(e *env, fs *flag.FlagSet, args []string) error {
	out := fs.String("out", "", "`DIR` to write wechatpay_SERIAL.pem files into (created if needed)")
	if err := e.noArgs(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return e.usageError(fs, "-out is required")
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	defer c.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	certs, err := c.DownloadCertificates(ctx)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	for _, cert := range certs {
		serial := wxcrypto.CertificateSerial(cert)
		path := filepath.Join(*out, "wechatpay_"+serial+".pem")
		data := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s\tserial %s\tvalid %s .. %s\n", path, serial,
			cert.NotBefore.UTC().Format(time.RFC3339), cert.NotAfter.UTC().Format(time.RFC3339))
	}
	return nil
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
