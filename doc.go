// Package wechatpay is a typed client for the WeChat Pay (微信支付) merchant
// APIs: v3 (JSON, WECHATPAY2-SHA256-RSA2048 signatures) and v2 (XML, MD5 and
// HMAC-SHA256 signs, mTLS).
//
// A Client signs every v3 request over the exact bytes it sends, verifies
// every 2xx v3 response before a byte of it reaches the caller (there is no
// way to turn that off), encrypts sensitive request fields with RSA-OAEP and
// decrypts sensitive response fields, and signs and checks APIv2 XML. Typed
// services live in sub-packages (aggracct, profitsharing, redpack,
// security, transfer) and are thin layers over DoV3 and DoV2, which also call any
// endpoint directly.
//
// Build one Client and share it:
//
//	c, err := wechatpay.NewClient(
//		wechatpay.WithMerchantPEM(mchID, certSerial, keyPEM),
//		wechatpay.WithPublicKey("PUB_KEY_ID_0114232134912410000000000000", wechatpayPubKey),
//		wechatpay.WithAPIv3Key(apiV3Key),
//	)
//
// or load the credentials file that the sandbox writes:
//
//	c, err := wechatpay.NewClientFromFile("sandbox/credentials.json")
//
// Errors: a 4xx/5xx answer, or a v2 FAIL, is an *APIError (errors.As); a
// 401 SIGN_ERROR's text names where the signed message and the one WeChat
// Pay verified differ (APIError.SignInformation has WeChat Pay's view); a
// response that fails verification matches ErrInvalidSignature and a
// narrower sentinel (ErrStaleTimestamp, ErrSignatureProbe, ...); input
// rejected before any I/O is a *FieldError matching ErrInvalidInput.
//
// The wechatpaytest package runs a WeChat Pay emulator for tests.
package wechatpay
