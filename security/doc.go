// Package security calls WeChat Pay's signing and encryption test endpoint
// (商户签名验签/加解密测试), POST /v3/security/echo: one call that moves no
// money and tests the merchant's request signature, its verification of
// WeChat Pay's answer, encryption towards WeChat Pay and decryption of
// what WeChat Pay encrypts back, and, with a notify_url, the callback path
// (SECURITY_ECHO.SUCCESS, read with DecodeEchoNotification).
//
//	svc := security.New(client)
//	echo, err := svc.Echo(ctx, &security.EchoRequest{
//		EchoMessage:          "hello",
//		EncryptedEchoMessage: "secret", // plaintext; the SDK encrypts it
//	})
//	// echo.EchoMessage == "hello"; echo.EncryptedEchoMessage == "secret",
//	// decrypted with the merchant key; echo.Family names the key that
//	// signed the answer; echo.Meta.RequestID identifies the call.
//
// The answer's Wechatpay-Serial follows the request's, which the client's
// key mode chooses (wechatpay.WithKeyMode): to test each family of a
// merchant in migration, call once with a client in
// wechatpay.KeyModePublicKey and once in wechatpay.KeyModeCertificates.
package security
