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
//	wechatpay doctor -config FILE [-notify-url URL [-listen ADDR [-tls-cert FILE -tls-key FILE]] [-wait D]]
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
// doctor diagnoses the credentials step by step with WeChat Pay's echo
// endpoint (POST /v3/security/echo), one line per step (pass, FAIL or
// skipped, with the Request-ID of each call): 0 offline checks of the
// files, 1 sign, 2 verify, 3 echo, 4 encrypt out, 5 decrypt in, 6 both
// key families (a migration), 7 the callback to -notify-url, which with
// -listen the doctor receives and checks itself (the APIv3 key). Each
// failure names the field or file to change; the exit status is 1 when a
// step fails.
//
// Results go to stdout, errors to stderr with a non-zero exit status (a
// command-line mistake prints one line and where the help is, status 2).
// Keys, the APIv3 and APIv2 keys are never printed.
package main

import (
	"bytes"
	"context"
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
	{"doctor", "diagnose the credentials step by step against WeChat Pay's echo endpoint",
		"wechatpay doctor -config credentials.json -notify-url https://merchant.example/wxpay/doctor -listen 127.0.0.1:8080",
		runDoctor},
}

// env is what a command runs with: the standard streams, -config and the
// command's help.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	config         string
	help           func()
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
	// parse prints the mistakes and the help, which the flag package would
	// print together.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&e.config, "config", "", "credentials `FILE` (JSON, paths relative to it)")
	e.help = func() {
		fmt.Fprintf(stderr, "wechatpay %s: %s\n\nExample:\n  %s\n\nFlags:\n", cmd.name, cmd.synopsis, cmd.example)
		fs.SetOutput(stderr)
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
// and returns flag.ErrHelp; a mistake is a usage error.
func (e *env) parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
			e.help()
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

func runEncrypt(e *env, fs *flag.FlagSet, args []string) error {
	return e.withStdin(fs, args, func(c *wechatpay.Client, in []byte) error {
		ct, serial, err := c.EncryptSensitive(string(trimNewline(in)))
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "encrypted for %s: %s (wechatpay call and DoV3 send this header themselves)\n", wechatpay.HeaderSerial, serial)
		_, err = fmt.Fprintln(e.stdout, ct)
		return err
	})
}

func runDecrypt(e *env, fs *flag.FlagSet, args []string) error {
	return e.withStdin(fs, args, func(c *wechatpay.Client, in []byte) error {
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
	})
}

// withStdin runs a command that takes no arguments and reads stdin: f gets
// a client of the credentials and the whole of stdin.
func (e *env) withStdin(fs *flag.FlagSet, args []string, f func(c *wechatpay.Client, in []byte) error) error {
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
	return f(c, in)
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
