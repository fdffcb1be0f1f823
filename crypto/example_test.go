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
