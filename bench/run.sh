#!/bin/sh
# Runs the benchmarks of ./bench against the loopback server and prints each
# SDK figure as a ratio of its floor from the same run (medians of COUNT runs).
#
#   bench/run.sh                       # -count 6, -benchtime 1s
#   BENCHTIME=200x COUNT=6 bench/run.sh
#   BENCH='QueryOrder|FloorCombined' bench/run.sh
#
# Raw output goes to bench/bench-<UTC time>.txt and bench/latest.txt (both
# git-ignored).
set -eu
cd "$(dirname "$0")/.."

COUNT=${COUNT:-6}
BENCHTIME=${BENCHTIME:-1s}
BENCH=${BENCH:-.}
RAW="bench/bench-$(date -u +%Y%m%dT%H%M%SZ).txt"

go test ./bench -run '^$' -bench "$BENCH" -benchmem -count "$COUNT" -benchtime "$BENCHTIME" -timeout 60m | tee "$RAW"
grep -q "^ok" "$RAW" || { echo "bench/run.sh: the benchmarks failed" >&2; exit 1; }
cp "$RAW" bench/latest.txt
echo
echo "## Ratios (medians of $COUNT runs, benchtime $BENCHTIME; raw: $RAW)"
echo
go run ./bench/internal/ratio "$RAW"
