package profitsharing

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/service"
)

// ErrBillDigestMismatch is returned by the reader of DownloadBill, in
// place of io.EOF, when the file does not match the hash_value of its
// download URL answer.
var ErrBillDigestMismatch = errors.New("profitsharing: the bill does not match its hash_value")

// WithMaxBillBytes bounds the bill file DownloadBill reads, after
// decompression (default wechatpay.DefaultMaxDownloadBytes): a longer file
// is an error matching wechatpay.ErrResponseTooLarge, never a cut file.
func WithMaxBillBytes(n int64) Option {
	return func(s *Service) { s.core().Own().maxBill = n }
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
// NewBillReader reads to the end of the file before its io.EOF, so reading
// the rows checks the digest.
// The download is not retried.
func (s *Service) DownloadBill(ctx context.Context, bill *BillDownloadURL) (io.ReadCloser, error) {
	d, err := s.beforeDownload(ctx, bill)
	if err != nil {
		return nil, err
	}
	rc, _, err := s.core().Client().DownloadV3(ctx, bill.DownloadURL, s.core().Own().maxBill)
	switch {
	case err != nil:
		return nil, err
	case d == nil:
		return rc, nil
	}
	return d.Reader(rc, ErrBillDigestMismatch), nil
}

// beforeDownload checks what DownloadBill needs before any I/O (a client,
// a bill, a digest it can check: nil when the answer gave none) and waits
// on the limiter.
func (s *Service) beforeDownload(ctx context.Context, bill *BillDownloadURL) (*service.Digest, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	if bill == nil {
		return nil, &wechatpay.FieldError{Field: "bill", Reason: "is nil", Missing: true}
	}
	var d *service.Digest
	if bill.HashType != "" || bill.HashValue != "" {
		var err error
		switch d, err = service.ParseDigest(bill.HashType, bill.HashValue, "SHA1", "SHA256"); {
		case errors.Is(err, service.ErrHashType):
			return nil, &wechatpay.FieldError{Field: "hash_type", Reason: "is not SHA1 or SHA256"}
		case err != nil:
			return nil, &wechatpay.FieldError{Field: "hash_value", Reason: "is not the hex digest of " + strings.ToUpper(bill.HashType)}
		}
	}
	return d, s.core().WaitBefore(ctx, "profitsharing")
}

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
// RFC 4180 quoting, every value prefixed with '`', which it strips).
//
// The header must name every documented column, in any order (detaill_id,
// a documented misspelling, is accepted); a header that names none of them
// must have exactly the documented 17 columns, taken by position. Every
// detail row has the header's width. The detail part may be followed by a
// summary part (whose columns are not documented): a header row, none of
// whose values begins with '`', then at least one row of its width. Next
// returns io.EOF only once the whole file has been read, so a digest that
// DownloadBill checks has been checked; anything else (a row of another
// width, a bare or unterminated quote, a missing, repeated or empty
// column, a value that does not parse) is an error matching
// wechatpay.ErrMalformedResponse that names the line, never a value. No
// row is skipped and no value is defaulted.
type BillReader struct {
	r     *csv.Reader
	index []int // column of each of billColumns
	err   error // sticky: io.EOF or the first error
}

// NewBillReader returns a reader of the bill file r.
func NewBillReader(r io.Reader) *BillReader {
	cr := csv.NewReader(r) // FieldsPerRecord 0: every row as wide as the header
	return &BillReader{r: cr}
}

// Next returns the next detail row, or io.EOF once the whole file has been
// read. An error names the line and column, never a value; after an error
// or io.EOF, Next returns the same again.
func (b *BillReader) Next() (*BillRow, error) {
	if b.err != nil {
		return nil, b.err
	}
	row, err := b.next()
	if err != nil {
		b.err = err
	}
	return row, err
}

func (b *BillReader) next() (*BillRow, error) {
	if b.index == nil {
		if err := b.readHeader(); err != nil {
			return nil, err
		}
	}
	rec, err := b.r.Read()
	if pe, ok := errors.AsType[*csv.ParseError](err); ok && pe.Err == csv.ErrFieldCount {
		return nil, b.readSummary(rec, pe.StartLine)
	}
	if err != nil {
		return nil, b.readErr(err)
	}
	line, _ := b.r.FieldPos(0)
	return b.row(rec, line)
}

// row converts one detail record.
func (b *BillReader) row(rec []string, line int) (*BillRow, error) {
	get := func(col int) string {
		return strings.TrimPrefix(strings.TrimSpace(rec[b.index[col]]), "`")
	}
	row := &BillRow{
		Initiator: get(1), Sponsor: get(2), SubMchID: get(3), TransactionID: get(4), OrderID: get(5),
		OutOrderNo: get(6), DetailID: get(7), ReceiverAccount: get(8), Currency: get(10),
		SettlementCurrency: get(12), ExchangeRate: get(13), BusinessType: get(14), Status: get(15), Description: get(16),
	}
	var err error
	if row.CreateTime, err = time.ParseInLocation(time.DateTime, get(0), beijing); err != nil {
		return nil, billError(line, "create_time is not a YYYY-MM-DD HH:MM:SS time")
	}
	for _, f := range []struct {
		col int
		dst *int64
	}{{9, &row.Amount}, {11, &row.SettlementAmount}} {
		if *f.dst, err = parseYuan(get(f.col)); err != nil {
			return nil, billError(line, billColumns[f.col]+" is not an amount in yuan")
		}
	}
	return row, nil
}

// readSummary reads the summary part to the end of the file: head, the
// first row of another width than the detail part, must be a header, and
// at least one row of its width must follow.
func (b *BillReader) readSummary(head []string, line int) error {
	for _, v := range head {
		if v = strings.TrimSpace(v); v == "" || strings.HasPrefix(v, "`") {
			return billError(line, fmt.Sprintf("a row of %d fields, not the %d of the header", len(head), b.r.FieldsPerRecord))
		}
	}
	b.r.FieldsPerRecord = len(head)
	for rows := 0; ; rows++ {
		_, err := b.r.Read()
		if err == io.EOF && rows == 0 {
			return billError(line, "a summary header without a row")
		}
		if err != nil {
			return b.readErr(err)
		}
	}
}

var beijing = time.FixedZone("CST", 8*3600)

// readHeader reads the header and finds the documented columns in it.
func (b *BillReader) readHeader() error {
	rec, err := b.r.Read()
	if err != nil {
		return b.readErr(err)
	}
	line, _ := b.r.FieldPos(0)
	index := make([]int, len(billColumns))
	byName := map[string]int{}
	for i, name := range rec {
		name = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(strings.TrimPrefix(name, "\ufeff")), "`"))
		if name == "detaill_id" {
			name = "detail_id"
		}
		if _, dup := byName[name]; dup && slices.Contains(billColumns, name) {
			return billError(line, "the header names "+name+" twice")
		}
		byName[name] = i
	}
	var missing []string
	for col, name := range billColumns {
		i, ok := byName[name]
		if !ok {
			missing, i = append(missing, name), col
		}
		index[col] = i
	}
	switch {
	case len(missing) == len(billColumns) && len(rec) != len(billColumns):
		return billError(line, fmt.Sprintf("the header names no documented column and has %d columns, not %d", len(rec), len(billColumns)))
	case len(missing) == len(billColumns) && slices.ContainsFunc(rec, func(v string) bool { return strings.HasPrefix(v, "`") }):
		return billError(line, "the file begins with a row, not a header")
	case len(missing) > 0 && len(missing) < len(billColumns):
		return billError(line, "the header has no column "+strings.Join(missing, ", "))
	}
	b.index = index
	return nil
}

// readErr is the error of a failed read: a CSV syntax error as a malformed
// bill, anything else (io.EOF, a digest mismatch, a transport error) as it
// is.
func (b *BillReader) readErr(err error) error {
	if pe, ok := errors.AsType[*csv.ParseError](err); ok {
		return fmt.Errorf("profitsharing: bill %w: %w", pe, wechatpay.ErrMalformedResponse)
	}
	return err
}

// billError is a malformed bill at line.
func billError(line int, reason string) error {
	return fmt.Errorf("profitsharing: bill line %d: %s: %w", line, reason, wechatpay.ErrMalformedResponse)
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
