package crypto_test

import (
	"fmt"

	wxcrypto "github.com/gowechatpay/wechatpay/crypto"
)

// ExampleSignV2 reproduces the known answer of the official APIv2 signing
// documentation.
func ExampleSignV2() {
	params := map[string]string{
		"appid":       "wxd930ea5d5a258f4f",
		"mch_id":      "10000100",
		"device_info": "1000",
		"body":        "test",
		"nonce_str":   "ibuaiVcKdpRxkhJA",
	}
	const apiKey = "192006250b4c09247ec02edce69f6a2d"

	fmt.Println(wxcrypto.V2StringToSign(params, apiKey))
	sign, err := wxcrypto.SignV2(params, apiKey, wxcrypto.SignTypeMD5)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(sign)
	fmt.Println(wxcrypto.VerifyV2(params, apiKey, wxcrypto.SignTypeMD5, sign))
	// Output:
	// appid=wxd930ea5d5a258f4f&body=test&device_info=1000&mch_id=10000100&nonce_str=ibuaiVcKdpRxkhJA&key=192006250b4c09247ec02edce69f6a2d
	// 9A0A8659F005D6984697E2CA0A9CF3B7
	// true
}

// ExampleOpenAESGCM seals and opens a callback resource with an APIv3 key.
func ExampleOpenAESGCM() {
	key := []byte("TestOnlyApiV3Key0123456789abcdef") // test value, 32 bytes
	nonce := []byte("Nc3xT9vQ2mLp")
	ct, err := wxcrypto.SealAESGCM(key, nonce, []byte("transaction"), []byte(`{"trade_state":"SUCCESS"}`))
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	pt, err := wxcrypto.OpenAESGCM(key, nonce, []byte("transaction"), ct)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(string(pt))
	// Output: {"trade_state":"SUCCESS"}
}

// ExampleSignWorkWx computes the workwx_sign of a WeCom red packet, then
// the ordinary sign over every field, workwx_sign included (the vector of
// this project's protocol notes, with its test secrets).
func ExampleSignWorkWx() {
	params := map[string]string{
		"act_name": "猜灯谜抢红包活动", "mch_billno": "10000098201411111234567890", "mch_id": "10000098",
		"nonce_str": "5K8264ILTKCH16CQ2502SI8ZNMTM67VS", "re_openid": "oxTWIuGaIt6gTKsQRLau2M0yL16E",
		"total_amount": "1000", "wxappid": "wx8888888888888888",
		"sender_name": "XX活动", "wishing": "感谢您参加猜灯谜活动，祝您元宵节快乐！", "remark": "猜越多得越多，快来抢！",
		"scene_id": "PRODUCT_8", "sender_header_media_id": "1G6nrLmr5EC3MMb_-zK1dDdzmd0p7cNliYu9V5w7o8K0",
	}
	ws, err := wxcrypto.SignWorkWx(params, "TestOnlyWeComPaySecret0123456789")
	if err != nil {
		fmt.Println(err)
		return
	}
	params["workwx_sign"] = ws
	sign, err := wxcrypto.SignV2(params, "TestOnlyApiV2Key9876543210fedcba", wxcrypto.SignTypeMD5)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ws)
	fmt.Println(sign)
	// Output:
	// 76B0A5F114A82B6BF438E2FB6FFA59EC
	// D92AB73D020B9A1D73B34C3696974BEB
}
