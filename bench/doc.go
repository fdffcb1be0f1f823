// Package bench holds the SDK's benchmarks against the physical floor: the
// RSA signature and verification every v3 call needs, and a raw net/http
// round trip to the same loopback server. Its benchmarks are in the test
// files; run them with bench/run.sh, which prints each SDK figure as a
// ratio of its floor from the same run. docs/performance.md explains the
// figures and holds the current table.
package bench
