package wechatpay

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The types that hold a secret (a private key, the APIv3 or APIv2 key, a
// decrypted callback) format and log themselves redacted, whatever the verb
// (%v, %+v, %#v, %s, %q, %x, ...) and through slog, so that a client or a
// credentials file logged by accident leaks nothing. They describe what is
// useful when debugging: merchant number, serials, key ids, base URL, and
// whether each secret is set. The domain services format through a
// Redaction. A verb fmt reports as bad (%p of a value, %w outside Errorf;
// go vet reports both when it knows the type) prints the top level without
// calling Format: the Client keeps its keys behind a pointer for that, but
// the exported fields of Credentials (the keys) and of a Notification
// (Plaintext) show then, as they would printed one by one.

// redacted is what a set secret is shown as.
const redacted = "[redacted]"

// field is one name/value pair of a redacted description.
type field struct {
	name, value string
}

// description is the redacted form of one value: its type name and fields.
type description struct {
	typ    string
	fields []field
}

// secretState says whether a secret is set, never what it is.
func secretState(set bool) string {
	if set {
		return redacted
	}
	return ""
}

// text is the description as %v and %s print it: Type{Name:value ...},
// empty fields left out.
func (d description) text(goSyntax bool) string {
	if d.fields == nil {
		return d.typ
	}
	var b strings.Builder
	b.WriteString(d.typ)
	b.WriteByte('{')
	first := true
	for _, f := range d.fields {
		if f.value == "" && !goSyntax {
			continue
		}
		if !first {
			if goSyntax {
				b.WriteString(", ")
			} else {
				b.WriteByte(' ')
			}
		}
		first = false
		b.WriteString(f.name)
		b.WriteByte(':')
		if goSyntax {
			b.WriteString(strconv.Quote(f.value))
		} else {
			b.WriteString(f.value)
		}
	}
	b.WriteByte('}')
	return b.String()
}

// format writes the description for any verb: %v and %s as text, %#v in
// Go syntax, %q quoted, %x and %X as hex of the text, anything else in fmt's
// bad-verb form around the text. No verb reaches the secret fields.
func (d description) format(f fmt.State, verb rune) {
	var out string
	switch verb {
	case 'v':
		out = d.text(f.Flag('#'))
	case 's':
		out = d.text(false)
	case 'q':
		out = strconv.Quote(d.text(false))
	case 'x':
		out = hex.EncodeToString([]byte(d.text(false)))
	case 'X':
		out = strings.ToUpper(hex.EncodeToString([]byte(d.text(false))))
	default:
		out = "%!" + string(verb) + "(" + d.text(false) + ")"
	}
	_, _ = f.Write([]byte(out))
}

// logValue is the description as a slog group, empty fields left out.
func (d description) logValue() slog.Value {
	attrs := make([]slog.Attr, 0, len(d.fields))
	for _, f := range d.fields {
		if f.value != "" {
			attrs = append(attrs, slog.String(f.name, f.value))
		}
	}
	return slog.GroupValue(attrs...)
}

// clientKeys holds the client's APIv3 and APIv2 keys. The Client holds it
// behind a pointer: fmt follows no pointer below the top level, and the
// verbs it reports as bad (%p of a value, %w outside Errorf) print the top
// level without calling Format, so no verb reaches the keys.
type clientKeys struct {
	apiV3 []byte
	apiV2 string
}

// apiV3Key is the APIv3 key, nil when not configured.
func (c *Client) apiV3Key() []byte {
	if c.keys == nil {
		return nil
	}
	return c.keys.apiV3
}

// apiV2Key is the APIv2 key, "" when not configured.
func (c *Client) apiV2Key() string {
	if c.keys == nil {
		return ""
	}
	return c.keys.apiV2
}

// describe is the redacted description of a client.
func (c Client) describe() description {
	var pubID string
	var serials []string
	if v := c.verifier; v != nil {
		v.mu.RLock()
		pubID = v.pubID
		for s := range v.certs {
			serials = append(serials, s)
		}
		v.mu.RUnlock()
		slices.Sort(serials)
	}
	var merchantSerial string
	if c.signer != nil {
		merchantSerial = c.signer.serial
	}
	return description{typ: "wechatpay.Client", fields: []field{
		{"MchID", c.mchID},
		{"AppID", c.appID},
		{"MerchantSerial", merchantSerial},
		{"PrivateKey", secretState(c.signer != nil && c.signer.key != nil)},
		{"PublicKeyID", pubID},
		{"PlatformSerials", strings.Join(serials, ",")},
		{"BaseURL", c.primary},
		{"APIv3Key", secretState(len(c.apiV3Key()) > 0)},
		{"APIv2Key", secretState(c.apiV2Key() != "")},
	}}
}

// Format implements fmt.Formatter: every verb prints the merchant number,
// appid, serials, WeChat Pay key ids and base URL; the private key and the
// APIv3 and APIv2 keys show only as [redacted] when set.
func (c Client) Format(f fmt.State, verb rune) { c.describe().format(f, verb) }

// GoString implements fmt.GoStringer with the redacted description.
func (c Client) GoString() string { return c.describe().text(true) }

// String returns the redacted description.
func (c Client) String() string { return c.describe().text(false) }

// LogValue implements slog.LogValuer: the redacted description as a group.
func (c Client) LogValue() slog.Value { return c.describe().logValue() }

// describe is the redacted description of a credentials file.
func (cr Credentials) describe() description {
	return description{typ: "wechatpay.Credentials", fields: []field{
		{"BaseURL", cr.BaseURL},
		{"CAFile", cr.CAFile},
		{"MchID", cr.MchID},
		{"AppID", cr.AppID},
		{"MerchantSerialNo", cr.MerchantSerialNo},
		{"MerchantPrivateKeyFile", cr.MerchantPrivateKeyFile},
		{"MerchantCertificateFile", cr.MerchantCertificateFile},
		{"WechatpayPublicKeyID", cr.WechatpayPublicKeyID},
		{"WechatpayPublicKeyFile", cr.WechatpayPublicKeyFile},
		{"PlatformCertificateFiles", strings.Join(cr.PlatformCertificateFiles, ",")},
		{"APIv3Key", secretState(cr.APIv3Key != "")},
		{"APIv2Key", secretState(cr.APIv2Key != "")},
		{"WeComPaymentSecret", secretState(cr.WeComPaymentSecret != "")},
		{"Dir", cr.Dir},
	}}
}

// Format implements fmt.Formatter: every verb prints the file's fields
// except the APIv3 and APIv2 keys and the WeCom payment secret, which show
// only as [redacted] when set.
// encoding/json still writes the whole file.
func (cr Credentials) Format(f fmt.State, verb rune) { cr.describe().format(f, verb) }

// GoString implements fmt.GoStringer with the redacted description.
func (cr Credentials) GoString() string { return cr.describe().text(true) }

// String returns the redacted description.
func (cr Credentials) String() string { return cr.describe().text(false) }

// LogValue implements slog.LogValuer: the fields without the keys, so that
// slog's JSON handler does not marshal the keys either.
func (cr Credentials) LogValue() slog.Value { return cr.describe().logValue() }

// describe is the redacted description of a signer.
func (s Signer) describe() description {
	return description{typ: "wechatpay.Signer", fields: []field{
		{"MchID", s.mchID},
		{"Serial", s.serial},
		{"PrivateKey", secretState(s.key != nil)},
	}}
}

// Format implements fmt.Formatter: the merchant number and serial; the
// private key shows only as [redacted].
func (s Signer) Format(f fmt.State, verb rune) { s.describe().format(f, verb) }

// GoString implements fmt.GoStringer with the redacted description.
func (s Signer) GoString() string { return s.describe().text(true) }

// LogValue implements slog.LogValuer: the merchant number and serial.
func (s Signer) LogValue() slog.Value { return s.describe().logValue() }

// describe is the description of a notification without its plaintext.
func (n Notification) describe() description {
	created := ""
	if !n.CreateTime.IsZero() {
		created = n.CreateTime.Format(time.RFC3339)
	}
	return description{typ: "wechatpay.Notification", fields: []field{
		{"ID", n.ID},
		{"CreateTime", created},
		{"EventType", n.EventType},
		{"ResourceType", n.ResourceType},
		{"OriginalType", n.Resource.OriginalType},
		{"Plaintext", "(" + strconv.Itoa(len(n.Plaintext)) + " bytes " + redacted + ")"},
	}}
}

// Format implements fmt.Formatter: every verb, %#v included, describes the
// envelope and the plaintext's length, never the plaintext (nor the
// summary or ciphertext, which say nothing useful in a log).
func (n Notification) Format(f fmt.State, verb rune) { n.describe().format(f, verb) }

// GoString implements fmt.GoStringer without the plaintext.
func (n Notification) GoString() string { return n.describe().text(true) }

// MarshalJSON encodes the envelope and the plaintext's length, never the
// plaintext, so that a Notification logged through a JSON encoder (slog's
// JSON handler given a value or a struct holding one) does not leak it.
// Decode the plaintext with Decode; store it, if at all, deliberately.
func (n Notification) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		ID             string    `json:"id"`
		CreateTime     time.Time `json:"create_time,omitzero"`
		EventType      string    `json:"event_type"`
		ResourceType   string    `json:"resource_type"`
		OriginalType   string    `json:"original_type"`
		PlaintextBytes int       `json:"plaintext_bytes"`
	}{n.ID, n.CreateTime, n.EventType, n.ResourceType, n.Resource.OriginalType, len(n.Plaintext)})
}

// Redaction is the redacted description of a value that holds a client or
// a secret, for the fmt and slog methods of such types outside this
// package: a domain service's Format, String, GoString and LogValue return
// what its Redaction's do, so that no verb reaches its client's keys or its
// own secrets. It shows the type, the client as Client formats itself, and
// the names of the secrets the value holds, as [redacted].
type Redaction struct {
	// Type is the type's name, such as "aggracct.Service".
	Type string
	// Client is the client the value holds; nil for none.
	Client *Client
	// Secrets names the secrets the value holds and are set, such as
	// "WorkWxSecret".
	Secrets []string
}

// describe is the redacted description: the client's own description,
// then the secrets.
func (r Redaction) describe() description {
	d := description{typ: r.Type, fields: []field{}}
	if r.Client != nil {
		d.fields = append(d.fields, field{"Client", r.Client.describe().text(false)})
	}
	for _, name := range r.Secrets {
		d.fields = append(d.fields, field{name, redacted})
	}
	return d
}

// Format implements fmt.Formatter with the redacted description, under
// every verb.
func (r Redaction) Format(f fmt.State, verb rune) { r.describe().format(f, verb) }

// GoString implements fmt.GoStringer with the redacted description.
func (r Redaction) GoString() string { return r.describe().text(true) }

// String returns the redacted description.
func (r Redaction) String() string { return r.describe().text(false) }

// LogValue implements slog.LogValuer: the client's group and the
// secrets' names.
func (r Redaction) LogValue() slog.Value {
	var attrs []slog.Attr
	if r.Client != nil {
		attrs = append(attrs, slog.Any("client", r.Client.describe().logValue()))
	}
	for _, name := range r.Secrets {
		attrs = append(attrs, slog.String(name, redacted))
	}
	return slog.GroupValue(attrs...)
}
