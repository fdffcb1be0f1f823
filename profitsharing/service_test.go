package profitsharing_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/internal/sdktest"
	"github.com/gowechatpay/wechatpay/profitsharing"
	"github.com/gowechatpay/wechatpay/wechatpaytest"
)

var (
	cst  = time.FixedZone("CST", 8*3600)
	seed = profitsharing.QueryOrderRequest{OutOrderNo: "P20150806125346", SubMchID: "1900000109", TransactionID: "4208450740201411110007820472"}
)

func TestQueryOrderSeed(t *testing.T) {
	srv := wechatpaytest.Start(t)
	req := seed
	got, err := profitsharing.New(srv.Client()).QueryOrder(t.Context(), &req)
	require.NoError(t, err)
	require.Equal(t, "1900000109", got.SubMchID)
	require.Equal(t, seed.TransactionID, got.TransactionID)
	require.Equal(t, seed.OutOrderNo, got.OutOrderNo)
	require.Equal(t, "7100000751202203238026613597498", got.OrderID)
	require.Equal(t, profitsharing.StateProcessing, got.State)
	require.Len(t, got.Receivers, 3)
	created := time.Date(2022, 3, 23, 17, 10, 13, 0, cst)
	sponsor := got.Receivers[0]
	require.True(t, sponsor.CreateTime.Equal(created))
	sponsor.CreateTime = profitsharing.Time{}
	require.Equal(t, profitsharing.Receiver{
		Currency: "CNY", Amount: 797, Description: "Unfreeze the remaining funds to sponsor",
		Type: profitsharing.ReceiverTypeMerchantID, Account: "999952224", Result: profitsharing.ResultPending,
		DetailID: "7200000751202203238026613597602", DetailType: profitsharing.DetailTypeUnfreezeToSponsor,
		SettlementCurrency: "HKD", SettlementAmount: 952, RateValue: 83640300,
	}, sponsor)
	require.Equal(t, profitsharing.ReceiverTypePersonalOpenID, got.Receivers[1].Type)
	require.Equal(t, profitsharing.DetailTypeDistributeToOthers, got.Receivers[2].DetailType)
	require.Zero(t, got.Receivers[2].RateValue)
	require.True(t, got.Receivers[2].FinishTime.IsZero())
	require.NotEmpty(t, got.Meta.RequestID)
	require.Equal(t, 1, got.Meta.Attempts)
}

func TestQueryOrderEnums(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := profitsharing.New(srv.Client())
	created := time.Date(2025, 10, 9, 10, 0, 0, 0, cst)
	finished := time.Date(2025, 10, 9, 10, 5, 0, 0, cst)
	var receivers []wechatpaytest.ProfitSharingReceiver
	add := func(typ, result, reason, detailType string, finish time.Time) {
		receivers = append(receivers, wechatpaytest.ProfitSharingReceiver{
			Currency: "CNY", Amount: int64(100 + len(receivers)), Description: fmt.Sprintf("detail %d", len(receivers)),
			Type: typ, Account: fmt.Sprintf("acct%d", len(receivers)), Result: result, FailReason: reason,
			CreateTime: created, FinishTime: finish, DetailID: fmt.Sprintf("D%03d", len(receivers)), DetailType: detailType,
		})
	}
	for _, typ := range []string{"MERCHANT_ID", "PERSONAL_OPENID", "PERSONAL_SUB_OPENID", "PERSONAL_WECHATID"} {
		add(typ, "SUCCESS", "", "DISTRIBUTE_TO_OTHERS", finished)
	}
	add("MERCHANT_ID", "PENDING", "", "DISTRIBUTE_TO_OTHERS", time.Time{})
	add("MERCHANT_ID", "REVOKED", "", "DISTRIBUTE_TO_OTHERS", finished)
	reasons := []string{"NO_RELATION", "SUB_MERCHANT_FRONEN", "MCH_CONTRACT_SETTLE_OFF", "MCH_CONTRACT_FROZEN",
		"ACCOUNT_ABNORMAL", "RECEIVER_HIGH_RISK", "RECEIVER_REAL_NAME_NOT_VERIFIED", "NO_AUTH", "DEFAULT_ERROR", "SUB_MERCHANT_FROZEN"}
	for _, r := range reasons {
		add("PERSONAL_OPENID", "CLOSED", r, "DISTRIBUTE_TO_OTHERS", finished)
	}
	add("MERCHANT_ID", "SUCCESS", "", "SOMETHING_NEW", finished)
	sponsor := wechatpaytest.ProfitSharingReceiver{
		Currency: "USD", Amount: 1000, Description: "Unfreeze", Type: "MERCHANT_ID", Account: "999952224",
		Result: "SUCCESS", CreateTime: created, FinishTime: finished, DetailID: "DSPONSOR",
		DetailType: "UNFREEZE_TO_SPONSOR", SettlementCurrency: "CNY", SettlementAmount: 6500, RateValue: 650000000,
	}
	receivers = append(receivers, sponsor)

	for _, state := range []string{"PROCESSING", "FINISHED", "CANCELLED"} {
		t.Run(state, func(t *testing.T) {
			no := "ORDER_" + state
			srv.AddProfitSharingOrder(wechatpaytest.ProfitSharingOrder{
				TransactionID: "4200000000000000000000000000" + fmt.Sprint(len(state)), OutOrderNo: no,
				OrderID: "O-" + state, State: state, Receivers: receivers,
			})
			got, err := svc.QueryOrder(t.Context(), &profitsharing.QueryOrderRequest{
				OutOrderNo: no, TransactionID: "4200000000000000000000000000" + fmt.Sprint(len(state)),
			})
			require.NoError(t, err)
			require.Empty(t, got.SubMchID, "common mode")
			require.Equal(t, profitsharing.State(state), got.State)
			require.Equal(t, state != "CANCELLED", got.State.Known())
			require.Len(t, got.Receivers, len(receivers))
			for i, want := range receivers {
				r := got.Receivers[i]
				require.Equal(t, want.Currency, r.Currency)
				require.Equal(t, want.Amount, r.Amount)
				require.Equal(t, want.Description, r.Description)
				require.Equal(t, profitsharing.ReceiverType(want.Type), r.Type)
				require.Equal(t, want.Type != "PERSONAL_WECHATID", r.Type.Known())
				require.Equal(t, want.Account, r.Account)
				require.Equal(t, profitsharing.Result(want.Result), r.Result)
				require.Equal(t, want.Result != "REVOKED", r.Result.Known())
				require.Equal(t, profitsharing.FailReason(want.FailReason), r.FailReason)
				if want.FailReason != "" {
					require.Equal(t, want.FailReason != "SUB_MERCHANT_FROZEN", r.FailReason.Known(), want.FailReason)
				}
				require.True(t, r.CreateTime.Equal(want.CreateTime))
				require.True(t, r.FinishTime.Equal(want.FinishTime))
				require.Equal(t, want.DetailID, r.DetailID)
				require.Equal(t, profitsharing.DetailType(want.DetailType), r.DetailType)
				require.Equal(t, want.DetailType != "SOMETHING_NEW", r.DetailType.Known())
				require.Equal(t, want.SettlementCurrency, r.SettlementCurrency)
				require.Equal(t, want.SettlementAmount, r.SettlementAmount)
				require.Equal(t, want.RateValue, r.RateValue)
			}
		})
	}
}

func TestQueryOrderErrors(t *testing.T) {
	srv := wechatpaytest.Start(t)
	query := func(t *testing.T, c *wechatpay.Client, req profitsharing.QueryOrderRequest) (*profitsharing.Order, error) {
		t.Helper()
		return profitsharing.New(c).QueryOrder(t.Context(), &req)
	}
	t.Run("404 unknown out_order_no", func(t *testing.T) {
		req := seed
		req.OutOrderNo = "P-unknown"
		before := srv.Requests()
		_, err := query(t, srv.Client(wechatpaytest.FastRetry()), req)
		wechatpaytest.RequireAPIError(t, err, http.StatusNotFound, "RESOURCE_NOT_EXISTS")
		require.Equal(t, 1, srv.Requests()-before, "404 is not retried")
	})
	t.Run("404 sub_mchid does not match", func(t *testing.T) {
		req := seed
		req.SubMchID = ""
		_, err := query(t, srv.Client(), req)
		wechatpaytest.RequireAPIError(t, err, http.StatusNotFound, "RESOURCE_NOT_EXISTS")
		require.ErrorContains(t, err, "sub_mchid", "a missing sub_mchid is named")
		req.SubMchID = "1900000999"
		_, err = query(t, srv.Client(), req)
		wechatpaytest.RequireAPIError(t, err, http.StatusNotFound, "RESOURCE_NOT_EXISTS")
		require.ErrorContains(t, err, "with this sub_mchid", "a wrong sub_mchid is named")
		req = seed
		req.OutOrderNo = "P-unknown"
		_, err = query(t, srv.Client(), req)
		require.NotContains(t, err.Error(), "sub_mchid", "an unknown order is not blamed on sub_mchid")
	})
	t.Run("401 SIGN_ERROR clock 10 minutes off", func(t *testing.T) {
		_, err := query(t, srv.Client(wechatpay.WithClock(func() time.Time { return time.Now().Add(-10 * time.Minute) })), seed)
		wechatpaytest.RequireAPIError(t, err, http.StatusUnauthorized, "SIGN_ERROR")
	})
	for _, e := range []struct {
		status int
		code   string
		hits   int
	}{
		{http.StatusBadRequest, "PARAM_ERROR", 1},
		{http.StatusForbidden, "NO_AUTH", 1},
		{http.StatusInternalServerError, "SYSTEM_ERROR", 3},
	} {
		t.Run(fmt.Sprintf("%d %s from a fake server", e.status, e.code), func(t *testing.T) {
			c, hits := wechatpaytest.FailAll(t, srv, e.status, e.code)
			_, err := query(t, c, seed)
			wechatpaytest.RequireAPIError(t, err, e.status, e.code)
			require.Equal(t, e.hits, hits())
		})
	}
	wechatpaytest.RequireFaults(t, srv, wechatpaytest.APIProfitSharingQueryOrder, func(t *testing.T, c *wechatpay.Client) (*profitsharing.Order, error) {
		return query(t, c, seed)
	})
}

func TestQueryOrderValidationBeforeIO(t *testing.T) {
	srv := wechatpaytest.Start(t)
	wechatpaytest.RequireRefused(t, srv, profitsharing.New(srv.Client()).QueryOrder, map[string]*profitsharing.QueryOrderRequest{
		"request":              nil,
		"out_order_no":         {TransactionID: seed.TransactionID},
		"out_order_no#charset": {OutOrderNo: "P.1", TransactionID: seed.TransactionID},
		"out_order_no#long":    {OutOrderNo: strings.Repeat("P", 65), TransactionID: seed.TransactionID},
		"sub_mchid#long":       {OutOrderNo: "P1", SubMchID: strings.Repeat("1", 33), TransactionID: seed.TransactionID},
		"transaction_id":       {OutOrderNo: "P1"},
		"transaction_id#long":  {OutOrderNo: "P1", TransactionID: strings.Repeat("4", 33)},
	})
}

func TestQueryOrderLimiter(t *testing.T) {
	srv := wechatpaytest.Start(t)
	var counter sdktest.CountingLimiter
	svc := profitsharing.New(srv.Client(), profitsharing.WithLimiter(&counter))
	for i := range 3 {
		req := seed
		_, err := svc.QueryOrder(t.Context(), &req)
		require.NoError(t, err)
		require.Equal(t, int64(i+1), counter.Waits(), "each call waits on the limiter once")
	}

	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
	defer cancel()
	l := rate.NewLimiter(rate.Every(time.Hour), 1)
	require.True(t, l.Allow()) // use up the burst
	blocked := profitsharing.New(srv.Client(), profitsharing.WithLimiter(l))
	before := srv.Requests()
	req := seed
	_, err := blocked.QueryOrder(ctx, &req)
	require.ErrorContains(t, err, "rate limiter")
	require.Equal(t, before, srv.Requests(), "the wait ends before any I/O")
}

// TestValidationReportsEveryProblem: an empty or wrong request is refused
// before any I/O with every problem at once, each by its Go and wire name.
func TestValidationReportsEveryProblem(t *testing.T) {
	srv := wechatpaytest.Start(t)
	svc := profitsharing.New(srv.Client())
	before := srv.Requests()
	_, err := svc.CreateOrder(t.Context(), &profitsharing.CreateOrderRequest{})
	for _, want := range []string{
		"TransactionID (transaction_id): is required",
		"OutOrderNo (out_order_no): is required",
	} {
		require.ErrorContains(t, err, want)
	}
	require.NotContains(t, err.Error(), "receivers", "receivers are optional (apis-2026.md B1): WeChat Pay decides")
	_, err = svc.CreateOrder(t.Context(), &profitsharing.CreateOrderRequest{
		SubMchID: "19 00", TransactionID: txID, OutOrderNo: "P.1",
		Receivers: []profitsharing.OrderReceiver{
			{Currency: "CNY", Type: profitsharing.ReceiverTypePersonalOpenID, Account: "o1", Amount: 0, Description: "d"},
			{Currency: "CNYX", Type: profitsharing.ReceiverTypePersonalSubOpenID, Account: "o2", Amount: -1},
		},
	})
	for _, want := range []string{
		"SubMchID (sub_mchid): must be visible ASCII characters only",
		"OutOrderNo (out_order_no): may hold only digits, letters, '_' and '-'",
		"Receivers[0].Amount (receivers[0].amount): is required",
		"Receivers[1].Currency (receivers[1].currency): is 4 characters, at most 3 allowed",
		"Receivers[1].Amount (receivers[1].amount): is -1, at least 1 allowed",
		"Receivers[1].Description (receivers[1].description): is required",
		"AppID (appid): is required for a PERSONAL_OPENID receiver",
		"SubAppID (sub_appid): is required for a PERSONAL_SUB_OPENID receiver",
	} {
		require.ErrorContains(t, err, want)
	}
	_, err = svc.AddReceiver(t.Context(), &profitsharing.AddReceiverRequest{RelationType: profitsharing.RelationTypeCustom, ExpectedRatio: -1})
	for _, want := range []string{
		"Type (type): is required",
		"Account (account): is required",
		"CustomRelation (custom_relation): is required for a CUSTOM relation",
		"ExpectedRatio (expected_ratio): is -1, at least 0 allowed",
	} {
		require.ErrorContains(t, err, want)
	}
	_, err = svc.QueryBillDownloadURL(t.Context(), &profitsharing.QueryBillDownloadURLRequest{BillDate: time.Date(10000, 1, 1, 0, 0, 0, 0, cst)})
	require.ErrorContains(t, err, "BillDate (bill_date): has a year outside 1..9999")
	_, err = (*profitsharing.Service)(nil).QueryOrder(t.Context(), &seed)
	require.ErrorContains(t, err, "profitsharing.New was given a nil *wechatpay.Client")
	require.Equal(t, before, srv.Requests())
}
