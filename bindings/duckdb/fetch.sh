# SPDX-License-Identifier: MIT
# fetch_duckdb CACHE VERSION BINDINGS PLATFORM: DuckDB's C header and shared
# library from the npm registry into CACHE/include and CACHE/lib (once).
# Sourced by run.sh and bench/duckdb_bench.sh.
fetch_duckdb() {
  local cache=$1 version=$2 bindings=$3 platform=$4 tmp
  if [ -f "$cache/include/duckdb.h" ] && [ -f "$cache/lib/libduckdb.so" ]; then
    return 0
  fi
  command -v npm > /dev/null || { echo "npm is needed to fetch DuckDB"; return 1; }
  mkdir -p "$cache"
  tmp=$(mktemp -d "$cache/fetch.XXXXXX")
  (cd "$tmp" &&
     npm pack --silent "duckdb@$version" "@duckdb/node-bindings-$platform@$bindings" > /dev/null &&
     tar xzf "duckdb-$version.tgz" package/src/duckdb/src/include/duckdb.h &&
     tar xzf "duckdb-node-bindings-$platform-$bindings.tgz" package/libduckdb.so package/LICENSE) ||
    { rm -rf "$tmp"; echo "could not fetch DuckDB $version from npm"; return 1; }
  mkdir -p "$cache/include" "$cache/lib"
  mv "$tmp/package/src/duckdb/src/include/duckdb.h" "$cache/include/"
  mv "$tmp/package/libduckdb.so" "$cache/lib/"
  mv "$tmp/package/LICENSE" "$cache/LICENSE.duckdb"
  rm -rf "$tmp"
}
