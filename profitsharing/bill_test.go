package profitsharing_test

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gowechatpay/wechatpay/profitsharing"
)

func readRows(t *testing.T, file string) ([]profitsharing.BillRow, error) {
	t.Helper()
	br := profitsharing.NewBillReader(strings.NewReader(file))
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

const billRow = "`2025-10-09 10:00:00,`1900016681,`1900016681,`1900000109,`4208450740201411110007820472,`710001,`P20251009000001,`720001,`86693852,`8.88,`CNY,`8.88,`CNY,`1.00000000,`DISTRIBUTE_TO_OTHERS,`SUCCESS,`分给商户A\n"

func TestBillReader(t *testing.T) {
	want := profitsharing.BillRow{
		CreateTime: time.Date(2025, 10, 9, 10, 0, 0, 0, time.FixedZone("CST", 8*3600)), Initiator: "1900016681",
		Sponsor: "1900016681", SubMchID: "1900000109", TransactionID: "4208450740201411110007820472", OrderID: "710001",
		OutOrderNo: "P20251009000001", DetailID: "720001", ReceiverAccount: "86693852", Amount: 888, Currency: "CNY",
		SettlementAmount: 888, SettlementCurrency: "CNY", ExchangeRate: "1.00000000", BusinessType: "DISTRIBUTE_TO_OTHERS",
		Status: "SUCCESS", Description: "分给商户A",
	}
	header := "create_time,initiator,sponsor,sub_mchid,transaction_id,order_id,out_order_no,detail_id,receiver_account,amount,currency,settlement_amount,settlement_currency,exchange_rate,business_type,status,description\n"
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
	rows, err := readRows(t, "amount,out_order_no\n`0.5,`P1\n`12,`P2\n")
	require.NoError(t, err)
	require.Equal(t, []int64{50, 1200}, []int64{rows[0].Amount, rows[1].Amount})
	require.Equal(t, "P2", rows[1].OutOrderNo)

	rows, err = readRows(t, "")
	require.NoError(t, err)
	require.Empty(t, rows)

	for _, bad := range []string{"8.888", "1e3", "八", "8.-8", "+1", "99999999999999999999"} {
		_, err := readRows(t, "amount\n`"+bad+"\n")
		require.ErrorContains(t, err, "amount is not an amount in yuan", bad)
		require.NotContains(t, err.Error(), bad, "the value is not echoed")
	}
	_, err = readRows(t, "create_time\n`yesterday\n")
	require.ErrorContains(t, err, "bill line 2: create_time")
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
