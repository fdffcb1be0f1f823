// Package crypto holds the small, pure primitives of the WeChat Pay protocol:
// loading PEM keys and certificates, the APIv3 request and response
// signatures (RSASSA-PKCS1-v1_5 with SHA-256), the RSA-OAEP encryption of
// sensitive fields (SHA-1, MGF1-SHA-1, empty label), AEAD_AES_256_GCM for
// callback resources and platform certificates, and the APIv2 MD5 /
// HMAC-SHA256 signs.
//
// Every function is pure: no global state, no I/O other than the explicit
// *File loaders, and no panics on any input. Errors wrap the exported
// sentinel errors with %w so callers can test them with errors.Is; error
// strings never contain key material or plaintext.
//
// The package name clashes with the standard library's crypto package, so
// callers conventionally import it as wxcrypto:
//
//	import wxcrypto "github.com/gowechatpay/wechatpay/crypto"
package crypto
