#!/bin/sh
# SPDX-License-Identifier: MIT
# cli_bench.sh - time `loyalty summary` and `loyalty clv` on a
# 10-million-row purchase log against the library doing the same work
# (bench_cli: the same rows, already parsed into arrays, through the same
# library calls), and report the ratios (goal: the tool within 2x).
#
# Usage: bench/cli_bench.sh [BUILD_DIR] [ROWS] [CUSTOMERS]
#   env LOYALTY_BIN / BENCH_CLI override the two programs' paths,
#   env CLV=0 skips the clv comparison (its log takes minutes to generate).
# The log is generated in a temporary directory (about 254 MB for 10M rows)
# and removed afterwards. summary: each side runs 3 times in fresh
# processes, best wall and CPU (user + system) time; the tool always starts
# cold, so the library's first run in its process is the comparable one.
# clv: one run each (the Pareto/NBD fit dominates). On a loaded machine the
# CPU times are the more reliable comparison.
set -eu
BUILD=${1:-build}
ROWS=${2:-10000000}
CUSTOMERS=${3:-200000}
TOOL=${LOYALTY_BIN:-$BUILD/cli/loyalty}
LIB=${BENCH_CLI:-$BUILD/bench/bench_cli}
if [ -z "${LOYALTY_BIN:-}" ] || [ -z "${BENCH_CLI:-}" ]; then
    cmake --build "$BUILD" --target loyalty_cli bench_cli >/dev/null
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
LOG="$TMP/log.csv"
"$LIB" gen "$LOG" "$ROWS" "$CUSTOMERS"
echo "log: $ROWS rows, $CUSTOMERS customers, $(du -m "$LOG" | cut -f1) MB"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

min() { if [ -z "$1" ] || [ "$(echo "$2 < $1" | bc -l)" = 1 ]; then echo "$2"; else echo "$1"; fi; }

tool_time() {   # prints "wall cpu" of one run of the tool
    /usr/bin/time -f "%e %U %S" -o "$TMP/time" "$TOOL" "$@" >/dev/null
    set -- $(cat "$TMP/time")
    echo "$1 $(echo "$2 + $3" | bc -l)"
}

report() {      # what, lib wall, lib cpu, tool wall, tool cpu
    printf '%-8s library: %8.3f s wall %8.3f s cpu | tool: %8.3f s wall %8.3f s cpu' \
        "$1" "$2" "$3" "$4" "$5"
    printf ' | ratio %.2fx wall, %.2fx cpu (goal <= 2x)\n' \
        "$(echo "$4 / $2" | bc -l)" "$(echo "$5 / $3" | bc -l)"
}

lw=""; lc=""; tw=""; tc=""
for i in 1 2 3; do
    set -- $("$LIB" summary "$LOG" | tail -1)
    lw=$(min "$lw" "$1"); lc=$(min "$lc" "$2")
    set -- $(tool_time summary --format csv "$LOG")
    tw=$(min "$tw" "$1"); tc=$(min "$tc" "$2")
done
report summary "$lw" "$lc" "$tw" "$tc"

if [ "${CLV:-1}" != 0 ]; then
    # The lifetime models want a log that looks like one: the sample
    # company's generator, scaled up (about 6.45 rows per customer).
    CLVCUST=$(( ROWS * 100 / 645 ))
    mkdir -p "$TMP/clv"
    python3 "$(dirname "$0")/../examples/data/generate.py" "$TMP/clv" "$CLVCUST"
    CLVLOG="$TMP/clv/purchases.csv"
    echo "clv log: $(( $(wc -l < "$CLVLOG") - 1 )) rows, $CLVCUST customers"
    set -- $("$LIB" clv "$CLVLOG" | tail -1)
    lw=$1; lc=$2
    set -- $(tool_time clv --format csv "$CLVLOG")
    report clv "$lw" "$lc" "$1" "$2"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
