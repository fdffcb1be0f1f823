// Package sdktest holds what the tests of the SDK's packages share and a
// merchant has no use for: a goroutine-safe log buffer, a limiter that
// counts its waits, a request held in flight, builders of the calls that
// wechatpaytest.RequireFieldErrors checks, and the check of an enum's
// Known.
//
// Only tests import it. Like the rest of internal/, it imports neither the
// root package nor the emulator: the checks that need them (a server
// closed when the test ends, WeChat Pay errors, retried faults, answers
// that do not verify, validation before any I/O) are wechatpaytest's
// (Start, RequireAPIError, RequireRetries, ...), for merchants too.
package sdktest
