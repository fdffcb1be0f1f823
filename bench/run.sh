#!/bin/sh
# Runs the benchmarks of ./bench against the loopback server and prints each
# SDK figure as a ratio of its floor.
#
#   bench/run.sh                       # 6 rounds, -benchtime 1s
#   BENCHTIME=200x COUNT=6 bench/run.sh
#   BENCH='QueryOrder|FloorCombined' bench/run.sh
#
# The test binary is built once, then run COUNT rounds. Each round runs
# every selected SDK benchmark and its floor (floorOf in
# bench/internal/ratio) as two adjacent invocations, the floor first in odd
# rounds and the SDK benchmark first in even ones, and the benchmarks in no
# pair once. BENCH selects a pair when it matches BenchmarkSDK or
# BenchmarkFloor. The ratio printed is the median of the per-round ratios.
# BenchmarkInterleaved, unpaired, runs each sequential pair call by call
# within one invocation (bench/interleaved_test.go); its table comes last.
#   BENCH=Interleaved bench/run.sh     # only that, ≈ 25 s a round
#
# Raw output goes to bench/bench-<UTC time>.txt and bench/latest.txt (both
# git-ignored).
set -eu
cd "$(dirname "$0")/.."

COUNT=${COUNT:-6}
BENCHTIME=${BENCHTIME:-1s}
BENCH=${BENCH:-.}
RAW="bench/bench-$(date -u +%Y%m%dT%H%M%SZ).txt"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/wechatpay-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

go test -c -o "$TMP/bench.test" ./bench
go build -o "$TMP/ratio" ./bench/internal/ratio
"$TMP/ratio" -exec "$TMP/bench.test" -dir bench -count "$COUNT" -benchtime "$BENCHTIME" -bench "$BENCH" -raw "$RAW" || {
	if [ -f "$RAW" ]; then
		echo "bench/run.sh: the benchmarks failed; raw output so far in $RAW" >&2
	else
		echo "bench/run.sh: the benchmarks failed" >&2
	fi
	exit 1
}
cp "$RAW" bench/latest.txt
echo
echo "## Ratios (rounds: $COUNT, benchtime $BENCHTIME; raw: $RAW)"
echo
"$TMP/ratio" "$RAW"
