#!/bin/sh
# SPDX-License-Identifier: MIT
# check-r.sh - the R package against the library just built (CTest r_binding).
#  1. installs bindings/r into a temporary library, linked to this build's
#     libloyalty through configure's override (LOYALTY_CFLAGS/LOYALTY_LIBS),
#     from a copy of the package (the source tree stays clean);
#  2. runs the C program r_cdnow_ref on CDNOW and compares every number the
#     package gives for the same data to 1e-10 (compare_cdnow.R);
#  3. runs the R code of the READMEs as written (run_readme.R).
# Exit 77 (skipped) without Rscript or without ../shared/data.
# usage: check-r.sh SRC_DIR BUILD_DIR REF_PROGRAM DATA_DIR
set -eu
src=$1
build=$2
ref=$3
data=$4
command -v Rscript > /dev/null 2>&1 || { echo "Rscript not found: skipped"; exit 77; }
[ -f "$data/cdnow/CDNOW_sample.txt" ] || { echo "no CDNOW data in $data: skipped"; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir "$tmp/lib"
cp -LR "$src/bindings/r" "$tmp/loyalty"
(cd "$tmp/loyalty" && ./cleanup)
LOYALTY_CFLAGS="-I$src/include" \
LOYALTY_LIBS="-L$build -Wl,-rpath,$build -lloyalty" \
  R CMD INSTALL --no-docs --no-multiarch -l "$tmp/lib" "$tmp/loyalty" > "$tmp/install.log" 2>&1 || {
    cat "$tmp/install.log"; exit 1; }
grep "configure:" "$tmp/install.log"
src_kind=$(R_LIBS="$tmp/lib" Rscript -e 'cat(loyalty::loyalty_version()$source)')
if [ "$src_kind" != system ]; then
  echo "the package did not link the library of this build (source: $src_kind)"
  exit 1
fi

"$ref" "$data" > "$tmp/ref.txt"
R_LIBS="$tmp/lib" Rscript "$src/tests/r/compare_cdnow.R" "$tmp/ref.txt" "$data"
R_LIBS="$tmp/lib" LOY_SHARED_DATA_DIR="$data" Rscript "$src/tests/r/run_readme.R" "$src"
