// Package wechatpaytest is a WeChat Pay emulator for tests, in the manner of
// net/http/httptest: NewServer starts an HTTPS server on 127.0.0.1 with its
// own CA, and (*Server).Client returns a *wechatpay.Client that trusts that
// CA and holds matching credentials.
//
//	srv := wechatpaytest.NewServer()
//	defer srv.Close()
//	client := srv.Client()
//	// ... call client.DoV3 / DoV2 or a typed service built on client
//
// The emulator behaves like WeChat Pay for the APIs of the SDK:
//
//   - GET /v3/aggracct-bc/wb-channel/special-reduction/{out_request_no}
//   - POST /v3/aggracct-bc/wb-channel/control-orders/punish
//   - GET /v3/global/profit-sharing/orders/{out_order_no}
//   - POST /mmpaymkttransfers/queryworkwxredpack (APIv2, client certificate)
//   - GET /v3/certificates
//
// Every v3 request must carry a valid Authorization (merchant number,
// merchant certificate serial, timestamp within ±5 minutes, signature over
// the exact request), else the answer is 401 SIGN_ERROR. Encrypted fields
// (bal_account_no) are decrypted with the WeChat Pay key that the request's
// Wechatpay-Serial names; a missing header or a field that does not decrypt
// is 400 PARAM_ERROR. Answers are signed with the public-key-id key, or with
// the platform certificate key when Wechatpay-Serial names the platform
// certificate, and carry a Request-ID; sensitive answer fields are encrypted
// for the merchant. Errors use WeChat Pay's JSON shape; an unknown id is 404
// RESOURCE_NOT_EXISTS, a wrong method 405, an unknown path 404.
//
// The APIv2 red-packet query needs the merchant API certificate as TLS
// client certificate: the server asks every client for one and accepts only
// the merchant's, and a query without one is answered (HTTP 200, unsigned)
// with return_code FAIL and a return_msg starting with "CA_ERROR". Signs are
// checked with the APIv2 key (MD5, or the sign_type sent); replies are
// signed likewise, except failures, which are unsigned as at WeChat Pay.
//
// The seed examples of the protocol documents are built in (see
// WithoutSeedFixtures); tests add their own with AddSpecialReduction,
// AddProfitSharingOrder and AddRedPacket. Punish keeps real state: the same
// out_request_no with the same fields returns the same wxpay_punish_no, with
// other fields 400 PARAM_ERROR. InjectFault makes the server fail on purpose
// (delay, 500, 429, any status and code such as 403 NO_AUTH, dropped
// connection, tampered body, signature probe, stale timestamp), and SignNotification and SendNotification produce
// callbacks for a merchant's notification handler.
//
// By default the server uses a fixed test key set embedded in the package
// (the repository's testdata keys), so starting one is fast; WithFreshKeys
// generates new keys and WithKeyDir keeps them in a directory. All keys are
// test keys: never configure them against the real WeChat Pay.
package wechatpaytest
