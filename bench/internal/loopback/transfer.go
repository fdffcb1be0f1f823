package loopback

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
)

// The transfer bill (商家转账) of the fixture: CreateBill and
// QueryBillByOutBillNo.
const (
	// PathTransferBills is the bill-creation path (CreateBill), a POST.
	PathTransferBills = "/v3/fund-app/mch-transfer/transfer-bills"
	// OutBillNo is the merchant's bill number.
	OutBillNo = "plfk2020042013"
	// PathTransferBillByOutNo is the bill query by the merchant's number
	// (QueryBillByOutBillNo), a GET.
	PathTransferBillByOutNo = PathTransferBills + "/out-bill-no/" + OutBillNo
	// TransferOpenID is the receiving user.
	TransferOpenID = "o-MYE42l80oelYMDE34nYD456Xoy"
	// TransferUserName is the receiver's real name, sent encrypted for
	// WeChat Pay and answered encrypted for the merchant.
	TransferUserName = "张三"
)

// createBillBody is the documented example answer of a bill creation:
// WAIT_USER_CONFIRM with the front end's package.
const createBillBody = `{"out_bill_no":"` + OutBillNo + `","transfer_bill_no":"1330000071100999991182020050700019480001",` +
	`"create_time":"2025-01-15T10:00:00+08:00","state":"WAIT_USER_CONFIRM",` +
	`"package_info":"affffddafdfafddffda==affffddafdfafddffda==affffddafdfafddffda==affffddafdfafddffda=="}`

// QueryBillBody is the answer of the bill query: a SUCCESS bill whose
// user_name is TransferUserName encrypted (RSA-OAEP, SHA-1) for the
// merchant key, so a client really decrypts it.
func QueryBillBody(td *Testdata) ([]byte, error) {
	ct, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, &td.MerchantKey.PublicKey, []byte(TransferUserName), nil)
	if err != nil {
		return nil, fmt.Errorf("loopback: encrypting user_name: %w", err)
	}
	return []byte(`{"mch_id":"` + td.MchID + `","out_bill_no":"` + OutBillNo +
		`","transfer_bill_no":"1330000071100999991182020050700019480001","appid":"` + td.AppID +
		`","state":"SUCCESS","transfer_amount":400000,"transfer_remark":"新会员开户有礼","openid":"` + TransferOpenID +
		`","user_name":"` + base64.StdEncoding.EncodeToString(ct) +
		`","create_time":"2025-01-15T10:00:00+08:00","update_time":"2025-01-15T10:05:00+08:00"}`), nil
}
