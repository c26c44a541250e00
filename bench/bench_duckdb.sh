#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/bench_duckdb.sh PREFIX BUILD_DIR [ANSWERS] [RUNS]
# Builds bench/duckdb_bench.c against DuckDB from npm (the cache of
# bindings/duckdb/run.sh) and the libloyalty in PREFIX, and runs it:
# nps_tally against three count(*) FILTER over ANSWERS rows (default 10M)
# in 1000 groups, same run.
set -euo pipefail
prefix=$(cd "$1" && pwd)
mkdir -p "$2"
build=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
ddb=$here/../bindings/duckdb
version=1.4.4
bindings=1.4.4-r.4
case "$(uname -m)" in
  x86_64) platform=linux-x64 ;;
  aarch64) platform=linux-arm64 ;;
  *) echo "no DuckDB npm binaries for $(uname -m)"; exit 1 ;;
esac
cache=${LOYALTY_DUCKDB_CACHE:-$HOME/.cache/loyalty-duckdb}/$version-$platform
source "$ddb/fetch.sh"
fetch_duckdb "$cache" "$version" "$bindings" "$platform"
"${CC:-cc}" -std=c11 -O2 -isystem "$cache/include" -I"$prefix/include" -I"$ddb" \
  -I"$ddb/../common" "$ddb"/ddb_*.c \
  -D_POSIX_C_SOURCE=200809L "$here/duckdb_bench.c" -o "$build/duckdb_bench" \
  -L"$cache/lib" -lduckdb -Wl,-rpath,"$cache/lib" "$prefix/lib/libloyalty.a" -lm -lpthread
"$build/duckdb_bench" "${3:-10000000}" "${4:-5}"
