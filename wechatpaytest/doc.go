// Package wechatpaytest is a WeChat Pay emulator for tests, in the manner of
// net/http/httptest: NewServer starts an HTTPS server on 127.0.0.1 with its
// own CA, and (*Server).Client returns a *wechatpay.Client that trusts that
// CA and holds matching credentials.
//
//	srv := wechatpaytest.NewServer()
//	defer srv.Close() // closes the clients too
//	client := srv.Client()
//	// ... call client.DoV3 / DoV2 or a typed service built on client
//
// In a Go test, Start(t) is NewServer closed when the test ends; FastRetry,
// FailAll and the Require checks (RequireAPIError, RequireRetries,
// RequireAnswerFaults, RequireFieldErrors, RequireInvalid) are what the
// SDK's own tests check each typed call with, for an endpoint a merchant
// declares with wechatpay.Operation too (testing.go, require.go);
// ClientWithAnswers gives a client whose requests get answers of the
// test's own making, correctly signed, for what WeChat Pay should never
// send (client_answers.go).
//
// The emulator behaves like WeChat Pay for the APIs of the SDK: each API
// constant (APIPunish, APIQueryWorkWxRedPacket, ...) names one by its
// route, such as "POST /v3/aggracct-bc/wb-channel/control-orders/punish";
// each is emulated in its own file (api_*.go), and each domain's routes
// are registered from one table (apis.go): the WeBank channel of
// aggregated accounts, global profit sharing (with the bill file its
// download_url hands out, unsigned), the red packets of APIv2 (client
// certificate, MD5), GET /v3/certificates and the echo POST
// /v3/security/echo, whose SECURITY_ECHO.SUCCESS callback it sends itself
// (SetEchoCallbacks), the merchant transfer's bills (state_transfer.go:
// funds locked, deducted and released against a TransferMerchant's
// balance, MCHTRANSFER.BILL.FINISHED sent, the user's and WeChat Pay's part
// played by UserConfirmTransfer and FailTransfer, a bill closed 24 hours
// after its creation) and its confirmation-free authorizations
// (state_transfer_authorization.go: MCHTRANSFER.AUTHORIZATION callbacks,
// the user played by UserAuthorizeTransfer, UserRevokeTransferAuthorization
// and UserConfirmTransfer(no, true)), the sandbox's test helpers
// (POST /v3/sandbox/test-helpers/..., api_testhelpers.go: the same actions
// and Advance, for the merchant's signed requests only); and for any
// endpoint a test teaches it. Time-driven transitions follow the clock of
// WithClock, which Advance moves forward, running what is due before it
// returns (clock.go; a state type registers its due transitions with
// onClock). The emulator is a net/http
// ServeMux behind WeChat Pay's verification and signing step: HandleV3
// registers a v3 endpoint by a ServeMux pattern with a method, such as
// "GET /v3/pay/transactions/out-trade-no/{out_trade_no}", and HandleV2 a v2
// XML endpoint by its path, with a V2Route saying whether it needs the
// client certificate, which sign types it takes and whether its reply is
// signed. The built-in APIs are registered the same way. A handler runs
// only for a request that verified; it gets a V3Request (the
// *http.Request, so PathValue works, the verified Body, and helpers to
// decode the JSON body, decrypt a sensitive field and encrypt one for the
// merchant) and returns a status and a body, which the emulator encodes as
// JSON and signs; V3Error builds WeChat Pay's error shape. Faults apply to
// registered routes like built-in ones: aim one at a route with Fault.API
// set to its pattern.
//
// Every v3 request must carry a valid Authorization (merchant number,
// merchant certificate serial, timestamp within ±5 minutes, signature over
// the exact request), else the answer is 401 SIGN_ERROR with WeChat Pay's
// detail: field (mchid, serial_no, timestamp, signature, or authorization
// for a malformed header), issue and location; a signature that does not
// verify adds sign_information (method, url, sign_message_length and
// truncated_sign_message, the message the emulator verified with its body
// cut to 8 bytes, as WeChat Pay cuts it), which the log repeats. Encrypted fields
// (bal_account_no) are decrypted with the WeChat Pay key that the request's
// Wechatpay-Serial names, among the keys of the merchant's key mode; a missing header or a field that does not decrypt
// is 400 PARAM_ERROR. The documented limits are enforced, with 400
// PARAM_ERROR and a detail naming the field: special reduction
// out_request_no and mchid at most 32 characters; profit sharing
// out_order_no 1 to 64 digits, letters, '_' and '-', transaction_id and
// sub_mchid at most 32; punish out_request_no at most 64 and punish_scene a
// positive integer. Errors use WeChat Pay's JSON shape; an unknown id is 404
// RESOURCE_NOT_EXISTS, a wrong method 405, a path no route takes 404
// NOT_FOUND naming the route as not emulated. A handler that panics is
// answered 500 SYSTEM_ERROR (v2: SYSTEMERROR) and the panic is logged.
//
// Every v3 answer carries a Request-ID. Answers are signed, except 401
// SIGN_ERROR and the errors made by FaultSystemError, FaultRateLimited and
// FaultAPIError; the key depends on the merchant's key mode (WithKeyMode):
//
//   - wechatpay.KeyModePublicKey, the default, a merchant of the WeChat Pay
//     public key: the public-key-id key signs every answer and callback,
//     whatever the request's Wechatpay-Serial says, and GET
//     /v3/certificates answers 404 RESOURCE_NOT_EXISTS (无可用的平台证书);
//   - wechatpay.KeyModeCertificates, a merchant of platform certificates:
//     the platform certificate key signs everything;
//   - wechatpay.KeyModeBoth, a merchant in migration: the request's
//     Wechatpay-Serial chooses. Absent (or empty) or naming the platform
//     certificate, the platform certificate key signs, so that a client
//     that holds no WeChat Pay key yet can download GET /v3/certificates
//     and verify that answer with the certificate it decrypted; anything
//     else, the public-key-id key.
//
// The answer's Wechatpay-Serial header names the key used. Client,
// ClientOptions and WriteCredentials give the merchant the keys of the
// mode and no others. Sensitive answer fields are encrypted for the
// merchant.
//
// The APIv2 red-packet query needs the merchant API certificate as TLS
// client certificate: the server asks every client for one and accepts only
// the merchant's, and a query without one is answered (HTTP 200, unsigned)
// with return_code FAIL and a return_msg starting with "CA_ERROR". Signs are
// MD5 with the APIv2 key. The endpoint documents no sign_type, and one sent
// is known to cause signature errors at WeChat Pay: a request carrying a
// non-empty sign_type (any value, however it was signed) is answered like a
// bad sign, return_code FAIL with a return_msg starting with 签名错误
// (unsigned). Parameters over
// their documented lengths (mch_billno 28 characters, mch_id, appid and
// nonce_str 32) get result_code FAIL, err_code PARAM_ERROR. Replies are
// signed with MD5, except failures, which are unsigned as at WeChat Pay,
// and every reply of sendredpack and gethbinfo, which WeChat Pay documents
// unsigned.
//
// The red packets keep state (state_redpack.go). A send (sendredpack or
// sendworkwxredpack; workwx_sign checked with TestWeComPaymentSecret, a bad
// one SIGN_ERROR) creates a SENDING packet with detail_id = its
// send_listid, paid from the merchant's balance (SetRedPacketBalance; short
// is NOTENOUGH, and the bill stays failed). The same mch_billno with the
// same parameters is re-entrant: the same reply, no second packet; with
// other parameters FATAL_ERROR. An amount below 100 or above 20000 fen
// without scene_id is PARAM_ERROR. WeCom packets are found only by
// queryworkwxredpack, cash packets only by gethbinfo. A sent packet is
// answered SENDING once, then SENT; OpenRedPacket is the "user opens" hook
// (RECEIVED); an unopened packet is REFUND after RedPacketRefundAfter (24
// hours, unconfirmed). SentRedPackets lists the bills and how many
// requests named each. The fission packet (sendgroupredpack, offline since
// 2024-06-05) is answered like an unknown path.
//
// The seed examples of the protocol documents are built in (see
// WithoutSeedFixtures); tests add their own with AddSpecialReduction,
// AddProfitSharingOrder, AddWorkWxRedPacket and AddCashRedPacket. Punish keeps real state: the same
// out_request_no with the same fields returns the same wxpay_punish_no, with
// other fields 400 PARAM_ERROR. The WeBank channel keeps state across its
// APIs: a special reduction lowers its ledger's balance (AddLedger; 403
// NOT_ENOUGH closes an order the balance does not cover, and its resend is
// 400 ALREADY_EXISTS), a punish creates the punish order the control-order
// query answers, and a recover of it (which must name it by both numbers,
// else 400 INVALID_REQUEST) turns its effect_state to RECOVERED; orders
// succeed at once unless HoldWeBankOrders, and the re-entrant requests
// (special reduction, punish, recover) follow the rule of punish.
// A ledger's profile (AddMerchantArchives; the seed ledger has one) is
// answered with its personal fields encrypted for the merchant, and images
// (AddMerchantMedia; SeedMediaID) verbatim. Every rename application is a
// new one in PROCESSING, even with a known out_request_no; its first query
// ends it SUCCESS, or FAIL after FailRename; CloseRename answers 403
// NO_AUTH, the grey release.
// Global profit sharing keeps state too
// (fixtures: AddProfitSharingTransaction, AddProfitSharingRelation): a
// distribution request creates a PROCESSING order that its first query
// finishes, taking its amounts from the transaction's unsplit amount; an
// unfreeze returns the rest and finishes the transaction; a receiver is
// INIT when added, EFFECTIVE from its first query, and can be deleted; the
// same out_order_no with the same fields answers the same order, with
// other fields 400 PARAM_ERROR; a bill URL is valid for 30 seconds. A
// mark makes an order paid later with PayProfitSharingTransaction
// shareable (unmarked, it is not; a late mark is 400); the refundable
// amounts follow the transaction's Total and Fee, the advance-refund
// balance is SetProfitSharingRefundableBalance plus today's unfreezes, and
// the refund bill holds the rows of AddProfitSharingRefundBillRow.
// InjectFault makes the server fail on purpose
// (delay, 500, 429, any status and code such as 403 NO_AUTH, dropped
// connection before or after handling the request, tampered body,
// signature probe, stale timestamp); the faults
// that alter a signed answer are used up only by answers the emulator
// signs. SignNotification and SendNotification produce callbacks for a
// merchant's notification handler; a delivery waits for the answer 5 s,
// WeChat Pay's deadline, and redelivers after a failure or a late answer.
//
// By default the server uses a fixed test key set embedded in the package
// (the repository's testdata keys), so starting one is fast; WithFreshKeys
// generates new keys and WithKeyDir keeps them in a directory. All keys are
// test keys: never configure them against the real WeChat Pay.
package wechatpaytest
