package bench

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/gowechatpay/wechatpay"
	"github.com/gowechatpay/wechatpay/bench/internal/loopback"
	"github.com/gowechatpay/wechatpay/transfer"
)

// createBillRequest is the documented example bill: scene 1000 with its
// two report items, an amount above the user_name threshold, so the name
// is encrypted on every call.
var createBillRequest = transfer.CreateBillRequest{
	OutBillNo: loopback.OutBillNo, SceneID: transfer.SceneCashMarketing, OpenID: loopback.TransferOpenID,
	UserName: loopback.TransferUserName, Amount: 400000, Remark: "新会员开户有礼",
	NotifyURL: "https://www.weixin.qq.com/wxpay/pay.php", UserRecvPerception: "现金奖励",
	SceneReportInfos: []transfer.SceneReportInfo{
		{InfoType: "活动名称", InfoContent: "新会员有礼"}, {InfoType: "奖励说明", InfoContent: "注册会员抽奖一等奖"},
	},
}

func createBill(c *wechatpay.Client) func(ctx context.Context) error {
	s := transfer.New(c)
	return func(ctx context.Context) error {
		req := createBillRequest
		b, err := s.CreateBill(ctx, &req)
		if err == nil && b.State != transfer.BillWaitUserConfirm {
			err = errors.New("bench: wrong bill decoded")
		}
		return err
	}
}

// BenchmarkCreateBill is the typed transfer bill (发起转账): validation, an
// OAEP-encrypted user_name, a JSON body built from the typed request, a
// re-entrant POST, and typed JSON decoding of the bill; floor:
// FloorCreateBill.
func BenchmarkCreateBill(b *testing.B) { e := getEnv(b); bench(b, e.v3, false, createBill(e.sdk)) }

// plainBill is the creation answer as a standard-library client declares
// it.
type plainBill struct {
	OutBillNo      string    `json:"out_bill_no"`
	TransferBillNo string    `json:"transfer_bill_no"`
	CreateTime     time.Time `json:"create_time"`
	State          string    `json:"state"`
	FailReason     string    `json:"fail_reason"`
	PackageInfo    string    `json:"package_info"`
}

// postCreateBill is the bill creation at the floor: encrypt user_name,
// build the JSON body, sign, POST, verify, decode into plainBill.
func (f *floor) postCreateBill(ctx context.Context) error {
	ct, err := f.encrypt(loopback.TransferUserName)
	if err != nil {
		return err
	}
	body := []byte(`{"appid":"` + f.td.AppID + `","out_bill_no":"` + loopback.OutBillNo + `","transfer_scene_id":"1000","openid":"` +
		loopback.TransferOpenID + `","user_name":"` + ct + `","transfer_amount":400000,"transfer_remark":"新会员开户有礼",` +
		`"notify_url":"https://www.weixin.qq.com/wxpay/pay.php","user_recv_perception":"现金奖励","transfer_scene_report_infos":[` +
		`{"info_type":"活动名称","info_content":"新会员有礼"},{"info_type":"奖励说明","info_content":"注册会员抽奖一等奖"}]}`)
	data, err := f.do(ctx, http.MethodPost, loopback.PathTransferBills, body)
	if err != nil {
		return err
	}
	var b plainBill
	if err := json.Unmarshal(data, &b); err != nil {
		return err
	}
	if b.State != "WAIT_USER_CONFIRM" {
		return errors.New("bench: wrong bill decoded")
	}
	return nil
}

// BenchmarkFloorCreateBill is one OAEP encryption, a JSON body, sign +
// POST + verify, and json.Unmarshal into a plain struct: the floor of
// CreateBill.
func BenchmarkFloorCreateBill(b *testing.B) {
	benchFloor(b, getEnv(b).v3, false, (*floor).postCreateBill)
}

func queryBill(c *wechatpay.Client) func(ctx context.Context) error {
	s := transfer.New(c)
	return func(ctx context.Context) error {
		b, err := s.QueryBillByOutBillNo(ctx, &transfer.QueryBillByOutBillNoRequest{OutBillNo: loopback.OutBillNo})
		if err == nil && b.UserName != loopback.TransferUserName {
			err = errors.New("bench: wrong user_name decrypted")
		}
		return err
	}
}

// BenchmarkQueryBillByOutBillNo is the typed bill query: a GET, typed
// JSON decoding and the answer's user_name decrypted; floor:
// FloorQueryBill.
func BenchmarkQueryBillByOutBillNo(b *testing.B) {
	e := getEnv(b)
	bench(b, e.v3, false, queryBill(e.sdk))
}

// plainBillDetail is the query answer as a standard-library client
// declares it.
type plainBillDetail struct {
	MchID          string    `json:"mch_id"`
	OutBillNo      string    `json:"out_bill_no"`
	TransferBillNo string    `json:"transfer_bill_no"`
	AppID          string    `json:"appid"`
	State          string    `json:"state"`
	Amount         int64     `json:"transfer_amount"`
	Remark         string    `json:"transfer_remark"`
	FailReason     string    `json:"fail_reason"`
	OpenID         string    `json:"openid"`
	UserName       string    `json:"user_name"`
	CreateTime     time.Time `json:"create_time"`
	UpdateTime     time.Time `json:"update_time"`
}

// getBill is the bill query at the floor: sign, GET, verify, decode into
// plainBillDetail, decrypt its user_name.
func (f *floor) getBill(ctx context.Context) error {
	data, err := f.do(ctx, http.MethodGet, loopback.PathTransferBillByOutNo, nil)
	if err != nil {
		return err
	}
	var b plainBillDetail
	if err := json.Unmarshal(data, &b); err != nil {
		return err
	}
	if b.UserName, err = f.decrypt(b.UserName); err != nil {
		return err
	}
	if b.UserName != loopback.TransferUserName {
		return errors.New("bench: wrong user_name decrypted")
	}
	return nil
}

// BenchmarkFloorQueryBill is sign + GET + verify, json.Unmarshal into a
// plain struct and one OAEP decryption: the floor of
// QueryBillByOutBillNo.
func BenchmarkFloorQueryBill(b *testing.B) { benchFloor(b, getEnv(b).v3, false, (*floor).getBill) }
