package wechatpay

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// SignInformation is WeChat Pay's view of a request whose signature it
// could not verify: the detail.sign_information of a 401 SIGN_ERROR
// (README §7). It comes from an unsigned error answer: use it to find what
// differs, never as data.
type SignInformation struct {
	// Method is the HTTP method WeChat Pay put in the message.
	Method string
	// URL is the request-target (path and query) WeChat Pay put in it.
	URL string
	// TruncatedSignMessage is the message WeChat Pay verified, its body
	// line cut short (to 8 bytes in the answers seen).
	TruncatedSignMessage string
	// SignMessageLength is the length in bytes of the whole message; -1
	// when the answer gives none.
	SignMessageLength int
}

// SignInformation returns the sign_information of a v3 SIGN_ERROR answer's
// detail, or nil when the detail carries none or not in WeChat Pay's shape.
func (e *APIError) SignInformation() *SignInformation {
	if e.Code != "SIGN_ERROR" || len(e.Detail) == 0 {
		return nil
	}
	var d struct {
		Info *struct {
			Method    string      `json:"method"`
			URL       string      `json:"url"`
			Truncated string      `json:"truncated_sign_message"`
			Length    json.Number `json:"sign_message_length"` // a number, or a string holding one
		} `json:"sign_information"`
	}
	if json.Unmarshal(e.Detail, &d) != nil || d.Info == nil {
		return nil
	}
	n, err := strconv.Atoi(d.Info.Length.String())
	if err != nil || n < 0 {
		n = -1 // unknown: no length comparison
	}
	return &SignInformation{Method: d.Info.Method, URL: d.Info.URL, TruncatedSignMessage: d.Info.Truncated, SignMessageLength: n}
}

// SignPart names the part of the signed message (README §2.1) in which a
// SignDifference lies.
type SignPart string

// The parts a SignDifference can name.
const (
	// SignPartClock: the signed timestamp is outside the 5-minute window
	// of WeChat Pay's clock (the answer's Date header).
	SignPartClock SignPart = "clock"
	// SignPartMethod: WeChat Pay verified another HTTP method.
	SignPartMethod SignPart = "method"
	// SignPartURL: WeChat Pay verified another request-target (path, its
	// encoding, or the query's order, encoding or content).
	SignPartURL SignPart = "url"
	// SignPartTimestamp: WeChat Pay verified another timestamp: the
	// Authorization header was changed after signing.
	SignPartTimestamp SignPart = "timestamp"
	// SignPartNonce: WeChat Pay verified another nonce_str: the
	// Authorization header was changed after signing.
	SignPartNonce SignPart = "nonce"
	// SignPartBody: WeChat Pay verified another body.
	SignPartBody SignPart = "body"
	// SignPartLength: the messages' lengths differ and the answer shows no
	// more of WeChat Pay's message to tell where.
	SignPartLength SignPart = "length"
	// SignPartKey: WeChat Pay verified the very message the SDK signed, so
	// the signature itself is wrong: the private key does not belong to
	// the certificate the serial names.
	SignPartKey SignPart = "key"
)

// SignDifference is one finding of the SDK's comparison of a 401
// SIGN_ERROR's sign_information with the message it signed: a part to
// branch on and a text for people. The text shows only the request line,
// lengths, offsets and parameter names, never a value or the body.
type SignDifference struct {
	Part SignPart
	Text string
}

// SignDifferences returns what the SDK found when it compared the message
// it signed with the one a v3 401 SIGN_ERROR shows WeChat Pay verified, in
// the order Error() says them; nil for any other error, or when the answer
// showed nothing to compare and the clock was within the window.
func (e *APIError) SignDifferences() []SignDifference { return e.signDiffs }

// signedMessage is what an attempt signed (README §2.1), kept to explain a
// SIGN_ERROR: it is never logged, and an explanation shows only the request
// line, lengths and offsets of it.
type signedMessage struct {
	method, url string
	timestamp   int64
	nonce       string
}

// head is the four first lines of the message, each with its "\n".
func (m *signedMessage) head() string {
	return m.method + "\n" + m.url + "\n" + strconv.FormatInt(m.timestamp, 10) + "\n" + m.nonce + "\n"
}

// explainSignError adds to a 401 SIGN_ERROR of a v3 attempt where the
// message the attempt signed and the one WeChat Pay verified differ, and
// the clock difference the answer's Date header shows.
func (x *exchange) explainSignError(err error, resp *http.Response) {
	if x.v2 != nil || x.try.signed.method == "" || err == nil {
		return // only a signed v3 attempt that failed has anything to explain
	}
	e, ok := errors.AsType[*APIError](err)
	if !ok || e.StatusCode != http.StatusUnauthorized || e.Code != "SIGN_ERROR" {
		return
	}
	var diffs []SignDifference
	skew := clockSkew(x.try.signed.timestamp, resp.Header.Get("Date"))
	if skew.known && max(skew.s, -skew.s) > int64(Window/time.Second) {
		diffs = append(diffs, SignDifference{SignPartClock, "clock: the signed timestamp is " + skew.String() + ": set the clock right"})
	}
	if si := e.SignInformation(); si != nil {
		diffs = append(diffs, x.try.signed.differences(si, x.try.sent, skew)...)
	}
	e.signDiffs = diffs
}

// skew is how far a signed timestamp is from WeChat Pay's clock, in
// seconds, as the answer's Date header shows it.
type skew struct {
	s     int64
	known bool // the answer had a Date header
}

// clockSkew reads the skew of timestamp from an answer's Date header.
func clockSkew(timestamp int64, date string) skew {
	t, err := http.ParseTime(date)
	if err != nil {
		return skew{}
	}
	return skew{s: timestamp - t.Unix(), known: true}
}

// String says the skew in words.
func (k skew) String() string {
	if k.s < 0 {
		return strconv.FormatInt(-k.s, 10) + " s behind WeChat Pay's clock (the answer's Date header)"
	}
	return strconv.FormatInt(k.s, 10) + " s ahead of WeChat Pay's clock (the answer's Date header)"
}

// differences lists where m and body differ from the message si shows:
// the method, the URL, the timestamp, the nonce, the body. Without a
// difference the messages agree and the key is wrong.
func (m *signedMessage) differences(si *SignInformation, body []byte, clock skew) []SignDifference {
	var out []SignDifference
	if si.Method != "" && si.Method != m.method {
		out = append(out, SignDifference{SignPartMethod, "method: signed " + m.method + ", WeChat Pay verified " + peerText(si.Method, maxPeerID)})
	}
	if si.URL != "" && si.URL != m.url {
		out = append(out, SignDifference{SignPartURL, urlDifference(m.method, m.url, si.URL)})
	}
	lines := strings.SplitN(si.TruncatedSignMessage, "\n", 5)
	if len(lines) == 5 {
		if ts := strconv.FormatInt(m.timestamp, 10); lines[2] != ts {
			note := "timestamp: signed " + ts + ", WeChat Pay verified " + peerText(lines[2], maxPeerID) +
				" (the Authorization header was changed after signing)"
			if clock.known {
				note += "; the signed timestamp is " + clock.String()
			}
			out = append(out, SignDifference{SignPartTimestamp, note})
		}
		if lines[3] != m.nonce {
			out = append(out, SignDifference{SignPartNonce, "nonce: WeChat Pay verified another nonce_str (the Authorization header was changed after signing)"})
		}
		theirHead := len(lines[0]) + len(lines[1]) + len(lines[2]) + len(lines[3]) + 4
		if note := bodyDifference(body, lines[4], si.SignMessageLength-theirHead-1); note != "" {
			out = append(out, SignDifference{SignPartBody, note})
		}
	} else if ours := len(m.head()) + len(body) + 1; si.SignMessageLength >= 0 && ours != si.SignMessageLength {
		out = append(out, SignDifference{SignPartLength, "message length: signed " + strconv.Itoa(ours) + " bytes, WeChat Pay verified " + strconv.Itoa(si.SignMessageLength)})
	}
	if len(out) == 0 {
		return []SignDifference{{SignPartKey, "WeChat Pay verified the message the SDK signed (method, URL, timestamp, nonce, body length): " +
			"the signature is wrong: the merchant private key does not belong to the certificate merchant_serial_no names"}}
	}
	return out
}

// urlDifference says how the signed request-target differs from the one
// WeChat Pay verified: the path (both request lines, without the query),
// its encoding, or the query's order, encoding or content, by the names of
// its parameters: no query value appears.
func urlDifference(method, signed, theirs string) string {
	sPath, sQuery, _ := strings.Cut(signed, "?")
	tPath, tQuery, _ := strings.Cut(theirs, "?")
	if sPath != tPath {
		kind := "URL path"
		sp, err1 := url.PathUnescape(sPath)
		tp, err2 := url.PathUnescape(tPath)
		if err1 == nil && err2 == nil && sp == tp {
			kind = "URL path encoding"
		}
		return kind + ": signed " + method + " " + sPath + ", WeChat Pay verified " + method + " " + peerText(tPath, maxPeerText)
	}
	sPairs, tPairs := queryPairs(sQuery), queryPairs(tQuery)
	names := "signed " + paramNames(sPairs) + "; WeChat Pay verified " + paramNames(tPairs)
	slices.Sort(sPairs)
	slices.Sort(tPairs)
	if slices.Equal(sPairs, tPairs) {
		return "URL query order: " + names + " (the same parameters and values)"
	}
	sv, err1 := url.ParseQuery(sQuery)
	tv, err2 := url.ParseQuery(tQuery)
	if err1 == nil && err2 == nil && sv.Encode() == tv.Encode() {
		return "URL query encoding: the same parameters and values, encoded differently in " + paramNames(changedPairs(sPairs, tPairs))
	}
	return "URL query: " + names
}

// queryPairs splits a raw query into its key=value pairs.
func queryPairs(query string) []string {
	if query == "" {
		return nil
	}
	return strings.Split(query, "&")
}

// paramNames lists the raw names of pairs, in their order ("none" for no
// pair), cut short and quoted as a peer's text.
func paramNames(pairs []string) string {
	if len(pairs) == 0 {
		return "none"
	}
	names := make([]string, len(pairs))
	for i, p := range pairs {
		names[i], _, _ = strings.Cut(p, "=")
	}
	return peerText(strings.Join(names, ", "), maxPeerText)
}

// changedPairs is the pairs of the sorted signed that the sorted theirs lacks.
func changedPairs(signed, theirs []string) []string {
	var out []string
	for _, p := range signed {
		if _, found := slices.BinarySearch(theirs, p); !found {
			out = append(out, p)
		}
	}
	return out
}

// bodyDifference compares the signed body with the start of the body line
// WeChat Pay shows (line, cut short unless the message is whole) and its
// length theirLen (negative when unknown): the first differing offset when the shown bytes tell it,
// else the lengths. It is "" when neither shows a difference.
func bodyDifference(body []byte, line string, theirLen int) string {
	shown := strings.TrimSuffix(line, "\n") // the body line's own "\n", or the one after the cut
	// theirLen is negative without a length, or with one shorter than the
	// lines shown.
	if theirLen < 0 {
		theirLen = -1
	} else if len(shown) > theirLen {
		shown = shown[:theirLen]
	}
	lengths := "signed " + strconv.Itoa(len(body)) + " bytes, WeChat Pay verified " + strconv.Itoa(theirLen)
	if theirLen < 0 {
		lengths = "signed " + strconv.Itoa(len(body)) + " bytes"
	}
	n := min(len(shown), len(body))
	for i := range n {
		if shown[i] != body[i] {
			return "body: differs at byte offset " + strconv.Itoa(i) + " (" + lengths + "; re-encoded after signing?)"
		}
	}
	switch {
	case len(shown) > len(body):
		return "body: differs at byte offset " + strconv.Itoa(len(body)) + " (" + lengths + ")"
	case theirLen >= 0 && theirLen != len(body):
		return "body: " + lengths + " (the first " + strconv.Itoa(n) + " bytes agree)"
	}
	return ""
}

// peerText is s, from an unauthenticated peer, cut to n bytes and quoted
// when it holds anything but printable ASCII, so that it cannot forge a
// line of a log.
func peerText(s string, n int) string {
	s = truncate(s, n)
	for i := range len(s) {
		if s[i] < 0x20 || s[i] > 0x7e {
			return strconv.QuoteToASCII(s)
		}
	}
	return s
}
