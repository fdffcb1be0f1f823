package profitsharing

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/gowechatpay/wechatpay"
)

// ErrBillDigestMismatch is returned by the reader of DownloadBill, in
// place of io.EOF, when the file does not match the hash_value of its
// download URL answer.
var ErrBillDigestMismatch = errors.New("profitsharing: the bill does not match its hash_value")

// WithMaxBillBytes bounds the bill file DownloadBill reads, after
// decompression (default wechatpay.DefaultMaxDownloadBytes): a longer file
// is an error matching wechatpay.ErrResponseTooLarge, never a cut file.
func WithMaxBillBytes(n int64) Option {
	return func(s *Service) { s.maxBill = n }
}

// DownloadBill fetches the bill file of a QueryBillDownloadURL answer
// (下载分账账单), streaming: read the returned reader (with NewBillReader
// for its rows) and close it. The URL is valid for 30 seconds; after that
// ask QueryBillDownloadURL again.
//
// GET {download_url}: the request is signed by the merchant over the URL's
// path and query; the answer, the raw CSV file, is not signed by WeChat Pay
// and is not verified (only its status: a 4xx/5xx is a
// *wechatpay.APIError). A gzip answer is decompressed. The URL must be on a
// WeChat Pay domain or the client's base URL (else a *wechatpay.FieldError
// before any I/O), and the file is bounded by WithMaxBillBytes.
//
// The global API gives no digest of the file today. When bill carries
// hash_type (SHA1 or SHA256) and hash_value, the reader checks the
// decompressed file against them and returns ErrBillDigestMismatch instead
// of io.EOF on a mismatch; another hash_type is an error before any I/O.
// The download is not retried.
func (s *Service) DownloadBill(ctx context.Context, bill *BillDownloadURL) (io.ReadCloser, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	if bill == nil {
		return nil, &wechatpay.FieldError{Field: "bill", Reason: "is nil", Missing: true}
	}
	var h hash.Hash
	var want []byte
	if bill.HashType != "" || bill.HashValue != "" {
		switch strings.ToUpper(bill.HashType) {
		case "SHA1":
			h = sha1.New()
		case "SHA256":
			h = sha256.New()
		default:
			return nil, &wechatpay.FieldError{Field: "hash_type", Reason: "is not SHA1 or SHA256"}
		}
		var err error
		if want, err = hex.DecodeString(bill.HashValue); err != nil || len(want) != h.Size() {
			return nil, &wechatpay.FieldError{Field: "hash_value", Reason: "is not the hex digest of " + strings.ToUpper(bill.HashType)}
		}
	}
	if err := s.wait(ctx); err != nil {
		return nil, err
	}
	rc, _, err := s.c.DownloadV3(ctx, bill.DownloadURL, s.maxBill)
	if err != nil {
		return nil, err
	}
	if h == nil {
		return rc, nil
	}
	return &digestReader{rc: rc, h: h, want: want}, nil
}

// digestReader checks the file against its digest at the end.
type digestReader struct {
	rc   io.ReadCloser
	h    hash.Hash
	want []byte
}

func (d *digestReader) Read(p []byte) (int, error) {
	n, err := d.rc.Read(p)
	d.h.Write(p[:n])
	if err == io.EOF && subtle.ConstantTimeCompare(d.h.Sum(nil), d.want) != 1 {
		err = ErrBillDigestMismatch
	}
	return n, err
}

func (d *digestReader) Close() error { return d.rc.Close() }

// BillRow is one row of the detail part of a distribution bill. Amounts
// are converted from the file's yuan to fen.
type BillRow struct {
	// CreateTime is when the request was accepted (or the overdue
	// unfreeze started), read as UTC+08:00.
	CreateTime time.Time
	// Initiator is the requesting merchant id, or "system".
	Initiator string
	// Sponsor is the merchant that funds the distribution.
	Sponsor string
	// SubMchID, TransactionID, OrderID, OutOrderNo and DetailID identify
	// the detail.
	SubMchID, TransactionID, OrderID, OutOrderNo, DetailID string
	// ReceiverAccount is the receiver's account.
	ReceiverAccount string
	// Amount is the distributed amount, in fen.
	Amount int64
	// Currency is the distribution currency.
	Currency string
	// SettlementAmount is the settled amount, in the smallest unit of
	// SettlementCurrency.
	SettlementAmount int64
	// SettlementCurrency is the settlement currency.
	SettlementCurrency string
	// ExchangeRate is the exchange rate as written, e.g. "1.00000000".
	ExchangeRate string
	// BusinessType and Status are as written (their values are not
	// documented).
	BusinessType, Status string
	// Description is the distribution description.
	Description string
}

// billColumns are the documented detail columns, in order.
var billColumns = []string{"create_time", "initiator", "sponsor", "sub_mchid", "transaction_id", "order_id",
	"out_order_no", "detail_id", "receiver_account", "amount", "currency", "settlement_amount",
	"settlement_currency", "exchange_rate", "business_type", "status", "description"}

// BillReader reads the rows of the detail part of a bill file (UTF-8 CSV,
// every value prefixed with '`', which it strips). Columns are found by
// their header names (detaill_id, a documented misspelling, is accepted),
// else by their documented positions. The detail part ends at the first
// row of another width (the summary part, whose format is not
// documented).
type BillReader struct {
	r      *csv.Reader
	index  []int // column of each of billColumns; -1 when absent
	width  int
	line   int
	header bool
	done   bool
}

// NewBillReader returns a reader of the bill file r.
func NewBillReader(r io.Reader) *BillReader {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	return &BillReader{r: cr}
}

// Next returns the next detail row, or io.EOF after the last one. An error
// names the line and column, never a value.
func (b *BillReader) Next() (*BillRow, error) {
	if b.done {
		return nil, io.EOF
	}
	if !b.header {
		if err := b.readHeader(); err != nil {
			return nil, err
		}
	}
	rec, err := b.r.Read()
	b.line++
	if err == io.EOF || (err == nil && (len(rec) != b.width || (len(rec) == 1 && strings.TrimSpace(rec[0]) == ""))) {
		b.done = true
		return nil, io.EOF
	}
	if err != nil {
		return nil, fmt.Errorf("profitsharing: bill line %d: %w", b.line, err)
	}
	get := func(col int) string {
		if i := b.index[col]; i >= 0 && i < len(rec) {
			return strings.TrimPrefix(strings.TrimSpace(rec[i]), "`")
		}
		return ""
	}
	row := &BillRow{
		Initiator: get(1), Sponsor: get(2), SubMchID: get(3), TransactionID: get(4), OrderID: get(5),
		OutOrderNo: get(6), DetailID: get(7), ReceiverAccount: get(8), Currency: get(10),
		SettlementCurrency: get(12), ExchangeRate: get(13), BusinessType: get(14), Status: get(15), Description: get(16),
	}
	if v := get(0); v != "" {
		if row.CreateTime, err = time.ParseInLocation(time.DateTime, v, beijing); err != nil {
			return nil, fmt.Errorf("profitsharing: bill line %d: create_time is not a YYYY-MM-DD HH:MM:SS time", b.line)
		}
	}
	for _, f := range []struct {
		col int
		dst *int64
	}{{9, &row.Amount}, {11, &row.SettlementAmount}} {
		if v := get(f.col); v != "" {
			if *f.dst, err = parseYuan(v); err != nil {
				return nil, fmt.Errorf("profitsharing: bill line %d: %s is not an amount in yuan", b.line, billColumns[f.col])
			}
		}
	}
	return row, nil
}

var beijing = time.FixedZone("CST", 8*3600)

func (b *BillReader) readHeader() error {
	b.header = true
	rec, err := b.r.Read()
	b.line++
	if err == io.EOF {
		b.done = true
		return io.EOF
	}
	if err != nil {
		return fmt.Errorf("profitsharing: bill line %d: %w", b.line, err)
	}
	b.width = len(rec)
	b.index = make([]int, len(billColumns))
	byName := map[string]int{}
	for i, name := range rec {
		name = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(strings.TrimPrefix(name, "\ufeff")), "`"))
		if name == "detaill_id" {
			name = "detail_id"
		}
		byName[name] = i
	}
	named := hasAny(byName)
	for col, name := range billColumns {
		i, ok := byName[name]
		switch {
		case ok:
			b.index[col] = i
		case named:
			b.index[col] = -1 // a named header without this column
		case col < len(rec):
			b.index[col] = col
		default:
			b.index[col] = -1
		}
	}
	return nil
}

// hasAny reports whether the header names any documented column.
func hasAny(byName map[string]int) bool {
	for _, name := range billColumns {
		if _, ok := byName[name]; ok {
			return true
		}
	}
	return false
}

// parseYuan converts a yuan amount with at most two decimals to fen,
// exactly.
func parseYuan(v string) (int64, error) {
	neg := strings.HasPrefix(v, "-")
	v = strings.TrimPrefix(v, "-")
	whole, frac, _ := strings.Cut(v, ".")
	if whole == "" || len(frac) > 2 || strings.ContainsAny(whole+frac, "+-") {
		return 0, errors.New("malformed")
	}
	frac += strings.Repeat("0", 2-len(frac))
	y, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || y > (1<<63-1)/100-1 {
		return 0, errors.New("malformed")
	}
	f, err := strconv.ParseUint(frac, 10, 8)
	if err != nil {
		return 0, errors.New("malformed")
	}
	fen := y*100 + int64(f)
	if neg {
		fen = -fen
	}
	return fen, nil
}
