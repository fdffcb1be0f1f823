package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gowechatpay/wechatpay"
)

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
