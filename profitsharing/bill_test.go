package profitsharing_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/profitsharing"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

func readRows(t *testing.T, file string) ([]profitsharing.BillRow, error) {
	t.Helper()
	return readBill(strings.NewReader(file))
}

// readBill reads the rows of a bill file as the docs show.
func readBill(file io.Reader) ([]profitsharing.BillRow, error) {
	br := profitsharing.NewBillReader(file)
	var rows []profitsharing.BillRow
	for {
		row, err := br.Next()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return rows, err
		}
		rows = append(rows, *row)
	}
}

const billHeader = "create_time,initiator,sponsor,sub_mchid,transaction_id,order_id,out_order_no,detail_id,receiver_account,amount,currency,settlement_amount,settlement_currency,exchange_rate,business_type,status,description\n"

const billRow = "`2025-10-09 10:00:00,`1900016681,`1900016681,`1900000109,`4208450740201411110007820472,`710001,`P20251009000001,`720001,`86693852,`8.88,`CNY,`8.88,`CNY,`1.00000000,`DISTRIBUTE_TO_OTHERS,`SUCCESS,`分给商户A\n"

func TestBillReader(t *testing.T) {
	want := profitsharing.BillRow{
		CreateTime: time.Date(2025, 10, 9, 10, 0, 0, 0, time.FixedZone("CST", 8*3600)), Initiator: "1900016681",
		Sponsor: "1900016681", SubMchID: "1900000109", TransactionID: "4208450740201411110007820472", OrderID: "710001",
		OutOrderNo: "P20251009000001", DetailID: "720001", ReceiverAccount: "86693852", Amount: 888, Currency: "CNY",
		SettlementAmount: 888, SettlementCurrency: "CNY", ExchangeRate: "1.00000000", BusinessType: "DISTRIBUTE_TO_OTHERS",
		Status: "SUCCESS", Description: "分给商户A",
	}
	header := billHeader
	for name, file := range map[string]string{
		"documented":          header + billRow,
		"2025 spelling":       strings.Replace(header, "detail_id", "detaill_id", 1) + billRow,
		"with a BOM":          "\ufeff" + header + billRow,
		"unknown header":      strings.Repeat("x,", 16) + "x\n" + billRow,
		"then a summary part": header + billRow + "total_count,total_amount\n`1,`8.88\n",
		"crlf":                strings.ReplaceAll(header+billRow, "\n", "\r\n"),
	} {
		rows, err := readRows(t, file)
		require.NoError(t, err, name)
		require.Len(t, rows, 1, name)
		require.True(t, want.CreateTime.Equal(rows[0].CreateTime), name)
		got := rows[0]
		got.CreateTime = want.CreateTime
		require.Equal(t, want, got, name)
	}

	// Columns found by name, in another order.
	rows, err := readRows(t, reordered(map[string]string{"amount": "`0.5", "out_order_no": "`P1"},
		map[string]string{"amount": "`12", "out_order_no": "`P2"}))
	require.NoError(t, err)
	require.Equal(t, []int64{50, 1200}, []int64{rows[0].Amount, rows[1].Amount})
	require.Equal(t, "P2", rows[1].OutOrderNo)

	rows, err = readRows(t, "")
	require.NoError(t, err)
	require.Empty(t, rows)

	for _, bad := range []string{"8.888", "1e3", "八", "8.-8", "+1", "99999999999999999999"} {
		_, err := readRows(t, reordered(map[string]string{"amount": "`" + bad}))
		require.ErrorContains(t, err, "amount is not an amount in yuan", bad)
		require.NotContains(t, err.Error(), bad, "the value is not echoed")
	}
	_, err = readRows(t, reordered(map[string]string{"create_time": "`yesterday"}))
	require.ErrorContains(t, err, "bill line 2: create_time")
}

// reordered is a bill whose header lists the documented columns in reverse
// order, with one row per map: the documented row's values, with the
// map's values in place of theirs.
func reordered(rows ...map[string]string) string {
	names := strings.Split(strings.TrimSuffix(billHeader, "\n"), ",")
	values := strings.Split(strings.TrimSuffix(billRow, "\n"), ",")
	slices.Reverse(names)
	slices.Reverse(values)
	lines := []string{strings.Join(names, ",")}
	for _, row := range rows {
		line := slices.Clone(values)
		for i, name := range names {
			if v, ok := row[name]; ok {
				line[i] = v
			}
		}
		lines = append(lines, strings.Join(line, ","))
	}
	return strings.Join(lines, "\n") + "\n"
}

func FuzzBillReader(f *testing.F) {
	f.Add("create_time,amount\n`2025-10-09 10:00:00,`8.88\n")
	f.Add("amount\n`-0.01\n")
	f.Fuzz(func(t *testing.T, file string) {
		br := profitsharing.NewBillReader(strings.NewReader(file))
		for range 1000 {
			if _, err := br.Next(); err != nil {
				return
			}
		}
	})
}

// TestBillReaderRefusesMalformed: every malformed file is an error matching
// wechatpay.ErrMalformedResponse after the rows before the fault, never a
// clean io.EOF that drops the rows after it or a defaulted value.
func TestBillReaderRefusesMalformed(t *testing.T) {
	row2 := strings.Replace(billRow, "P20251009000001", "P20251009000002", 1)
	summary := "total_count,total_amount\n`2,`17.76\n"
	for name, tc := range map[string]struct {
		file string
		rows int    // rows read before the error
		want string // in the error
	}{
		"short row, then rows":            {billHeader + billRow + billRow[:strings.LastIndex(billRow, ",")] + "\n" + row2, 1, "line 3: a row of 16 fields, not the 17"},
		"short last row":                  {billHeader + billRow + billRow[:strings.LastIndex(billRow, ",")] + "\n", 1, "line 3: a row of 16 fields"},
		"short row before the summary":    {billHeader + billRow[:strings.LastIndex(billRow, ",")] + "\n" + summary, 0, "line 2: a row of 16 fields"},
		"unquoted comma":                  {billHeader + strings.Replace(billRow, "分给商户A", "分给商户A,B", 1) + row2, 0, "line 2: a row of 18 fields"},
		"unquoted comma, backticked":      {billHeader + strings.Replace(billRow, "`分给商户A", "`分给,`商户A", 1) + row2, 0, "line 2: a row of 18 fields"},
		"blank line":                      {billHeader + billRow + "  \n" + row2, 1, "line 3: a row of 1 fields"},
		"blank line at the end":           {billHeader + billRow + "\t\n", 1, "line 3: a row of 1 fields"},
		"unterminated quote":              {billHeader + strings.Replace(billRow, "`分给商户A", "\"`分给商户A", 1) + row2, 0, "extraneous or missing \" in quoted-field"},
		"bare quote":                      {billHeader + strings.Replace(billRow, "分给商户A", "分给\"商户A", 1) + row2, 0, "bare \" in non-quoted-field"},
		"summary header without a row":    {billHeader + billRow + "total_count,total_amount\n", 1, "a summary header without a row"},
		"summary row of another width":    {billHeader + billRow + summary + "`1,`2,`3\n", 1, "wrong number of fields"},
		"detail rows after the summary":   {billHeader + billRow + summary + row2, 1, "wrong number of fields"},
		"no amount column":                {strings.Replace(billHeader, ",amount,", ",amount_yuan,", 1) + billRow, 0, "line 1: the header has no column amount"},
		"a column twice":                  {strings.Replace(billHeader, "initiator", "amount", 1) + billRow, 0, "line 1: the header names amount twice"},
		"no header":                       {billRow + row2, 0, "line 1: the file begins with a row, not a header"},
		"unknown header of another width": {strings.Repeat("x,", 15) + "x\n" + billRow, 0, "has 16 columns, not 17"},
		"empty amount":                    {billHeader + strings.Replace(billRow, "`8.88,`CNY,`8.88", "`,`CNY,`8.88", 1), 0, "line 2: amount is not an amount"},
		"empty settlement amount":         {billHeader + strings.Replace(billRow, "`CNY,`8.88,`CNY", "`CNY,,`CNY", 1), 0, "line 2: settlement_amount is not an amount"},
		"empty create_time":               {billHeader + strings.Replace(billRow, "`2025-10-09 10:00:00", "`", 1), 0, "line 2: create_time"},
	} {
		t.Run(name, func(t *testing.T) {
			br := profitsharing.NewBillReader(strings.NewReader(tc.file))
			for range tc.rows {
				_, err := br.Next()
				require.NoError(t, err)
			}
			_, err := br.Next()
			require.ErrorIs(t, err, wechatpay.ErrMalformedResponse)
			require.NotErrorIs(t, err, io.EOF)
			require.ErrorContains(t, err, tc.want)
			require.NotContains(t, err.Error(), "8.88", "no value is echoed")
			_, again := br.Next()
			require.Equal(t, err, again, "the error sticks")
		})
	}

	// An empty line is no row: csv skips it, and the rows after it are read.
	rows, err := readRows(t, billHeader+billRow+"\n\r\n"+row2+summary)
	require.NoError(t, err)
	require.Len(t, rows, 2)
}

// TestBillReaderChecksTheDigest: reading a downloaded bill row by row, as
// the docs show, reads the summary part too, so a changed amount is
// ErrBillDigestMismatch, never a clean io.EOF.
func TestBillReaderChecksTheDigest(t *testing.T) {
	srv := wechatpaytest.Start(t)
	file := billHeader + billRow + "total_count,total_amount\n`1,`8.88\n"
	var served atomic.Pointer[string] // the file the route serves
	served.Store(&file)
	srv.HandleV3("GET /v3/test/bill", func(*wechatpaytest.V3Request) (int, any) { return 0, []byte(*served.Load()) })
	sum := sha256.Sum256([]byte(file))
	bill := &profitsharing.BillDownloadURL{DownloadURL: srv.URL + "/v3/test/bill?token=t", HashType: "SHA256", HashValue: hex.EncodeToString(sum[:])}
	svc := profitsharing.New(srv.Client())

	read := func() ([]profitsharing.BillRow, error) {
		rc, err := svc.DownloadBill(t.Context(), bill)
		require.NoError(t, err)
		defer rc.Close()
		return readBill(rc)
	}
	rows, err := read()
	require.NoError(t, err)
	require.Len(t, rows, 1)
	require.Equal(t, int64(888), rows[0].Amount)

	for _, tampered := range []string{
		strings.Replace(file, "`8.88,`CNY,`8.88", "`9.88,`CNY,`8.88", 1), // in the detail part
		strings.Replace(file, "`1,`8.88", "`1,`9.88", 1),                 // in the summary part
		file + "`2,`0.01\n", // a row added
	} {
		served.Store(&tampered)
		_, err := read()
		require.ErrorIs(t, err, profitsharing.ErrBillDigestMismatch)
	}
}
