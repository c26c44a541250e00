#!/bin/sh
# SPDX-License-Identifier: MIT
# check-headers.sh CC CXX INCLUDE_DIR
# Each module header stands alone: a file that includes only
# <loyalty/<module>.h> compiles as pedantic C99 and, when CXX is given, as
# C++11. (The umbrella header is checked by header_c99/header_cxx.)
set -eu
cc=$1 cxx=$2 inc=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
for h in "$inc"/loyalty/*.h; do
  name=$(basename "$h")
  printf '#include <loyalty/%s>\nint loy_probe(void);\n' "$name" > "$tmp/h.c"
  "$cc" -std=c99 -Wall -Wextra -Wpedantic -Werror -Wstrict-prototypes \
        -fsyntax-only -x c -I"$inc" "$tmp/h.c" || { echo "$name does not compile alone (C)"; exit 1; }
  if [ -n "$cxx" ]; then
    "$cxx" -std=c++11 -Wall -Wextra -Wpedantic -Werror -fsyntax-only -x c++ \
           -I"$inc" "$tmp/h.c" || { echo "$name does not compile alone (C++)"; exit 1; }
  fi
  n=$((n + 1))
done
echo "headers: $n module headers compile on their own"
