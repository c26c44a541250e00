#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bindings/duckdb/run.sh PREFIX BUILD_DIR
#
# Fetches DuckDB's C header and shared library from the npm registry (the
# header from the `duckdb` package's sources, libduckdb.so from the
# `@duckdb/node-bindings-<platform>` package of the same release) into a
# cache outside the repository, builds the DuckDB binding and its test
# driver against the libloyalty installed in PREFIX, and runs the tests
# ("N passed, M failed").
#
# Environment: LOYALTY_DUCKDB_CACHE (default ~/.cache/loyalty-duckdb),
# LOYALTY_SHARED_DATA (../shared/data; the CDNOW checks are skipped when
# absent), CC, LOY_DDB_CFLAGS (e.g. -Werror).
set -euo pipefail

prefix=$(cd "$1" && pwd)
mkdir -p "$2"
build=$(cd "$2" && pwd)
src=$(cd "$(dirname "$0")" && pwd)

version=1.4.4          # header: npm package duckdb@$version (sources)
bindings=1.4.4-r.4     # library: @duckdb/node-bindings-<platform>@$bindings
case "$(uname -m)" in
  x86_64) platform=linux-x64 ;;
  aarch64) platform=linux-arm64 ;;
  *) echo "no DuckDB npm binaries for $(uname -m)"; exit 1 ;;
esac
cache=${LOYALTY_DUCKDB_CACHE:-$HOME/.cache/loyalty-duckdb}/$version-$platform

source "$src/fetch.sh"
fetch_duckdb "$cache" "$version" "$bindings" "$platform"

CC=${CC:-cc}
"$CC" -std=c11 -O2 -g -Wall -Wextra -Wshadow -Wstrict-prototypes ${LOY_DDB_CFLAGS:-} \
  -isystem "$cache/include" -I"$prefix/include" -I"$src" -I"$src/../common" \
  "$src"/ddb_*.c \
  "$src"/test_duckdb.c -o "$build/test_duckdb" \
  -L"$cache/lib" -lduckdb -Wl,-rpath,"$cache/lib" "$prefix/lib/libloyalty.a" -lm -lpthread

data=${LOYALTY_SHARED_DATA:-$src/../../../shared/data}
cdnow=""
[ -r "$data/cdnow/CDNOW_sample.txt" ] && cdnow="$(cd "$data/cdnow" && pwd)/CDNOW_sample.txt"
"$build/test_duckdb" "$cdnow"
