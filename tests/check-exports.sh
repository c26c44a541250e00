#!/bin/sh
# SPDX-License-Identifier: MIT
# check-exports.sh LIB INCLUDE_DIR MAP
# Fails unless three lists agree: the functions declared LOY_API in the public
# headers (loyalty.h and loyalty/*.h), the names in the linker version script, and the dynamic symbols the
# shared library defines (each of which must carry a LOYALTY_ version node).
set -eu
lib=$1 inc=$2 map=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Declarations may span lines: drop comments and preprocessor lines, join
# the rest, then pick "LOY_API <type> name(".
cat "$inc/loyalty.h" "$inc"/loyalty/*.h |
  perl -0777 -pe 's{/\*.*?\*/}{}gs; s{^[ \t]*#.*$}{}mg' | tr '\n' ' ' |
  grep -o 'LOY_API [^;(]*(' |
  sed -e 's/($//' -e 's/.*[^A-Za-z0-9_]//' | sort -u > "$tmp/header"
sed -e 's:/\*.*\*/::' "$map" | grep -o '^[[:space:]]*loy_[A-Za-z0-9_]*;' |
  tr -d ' \t;' | sort > "$tmp/map.all"
sort -u "$tmp/map.all" > "$tmp/map"
nm -D --defined-only "$lib" | awk '$3 != "" { print $3 }' > "$tmp/dyn.raw"

status=0
if ! cmp -s "$tmp/map.all" "$tmp/map"; then
  echo "duplicate names in $map:"; uniq -d "$tmp/map.all"; status=1
fi
# Every defined dynamic symbol other than the version nodes themselves.
grep -v '^LOYALTY_' "$tmp/dyn.raw" > "$tmp/dyn.versioned" || true
if grep -v '@@*LOYALTY_[0-9.]*$' "$tmp/dyn.versioned" > "$tmp/unversioned"; then
  echo "exported symbols without a LOYALTY_ version node:"; cat "$tmp/unversioned"; status=1
fi
sed 's/@.*//' "$tmp/dyn.versioned" | sort -u > "$tmp/dyn"
if ! diff -u "$tmp/header" "$tmp/map" > "$tmp/d1"; then
  echo "header (-) and version script (+) differ:"; cat "$tmp/d1"; status=1
fi
if ! diff -u "$tmp/map" "$tmp/dyn" > "$tmp/d2"; then
  echo "version script (-) and exported symbols (+) differ:"; cat "$tmp/d2"; status=1
fi
n=$(wc -l < "$tmp/dyn")
[ "$status" -eq 0 ] && echo "exports: $n symbols agree (header, version script, $lib)"
exit $status
