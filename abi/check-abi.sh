#!/bin/sh
# check-abi.sh LIB INCLUDE_DIR BASELINE
# Compares the ABI of the built library with the committed baseline using
# libabigail. Added functions are compatible (abidiff bit 4) and allowed;
# any incompatible change (bit 8) or tool error (bits 1, 2) fails.
# Regenerate the baseline only at a release: sh abi/update-baseline.sh BUILD_DIR
set -u
lib=$1 inc=$2 base=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ ! -f "$base" ]; then
  echo "no ABI baseline at $base"; exit 1
fi
abidw --headers-dir "$inc" --drop-private-types --no-corpus-path \
      --out-file "$tmp/current.abi" "$lib" || { echo "abidw failed"; exit 1; }
abidiff --headers-dir2 "$inc" --drop-private-types "$base" "$tmp/current.abi" > "$tmp/report"
rc=$?
cat "$tmp/report"
if [ $((rc & 8)) -ne 0 ]; then
  echo "INCOMPATIBLE ABI CHANGE against $base: restore compatibility (add, never edit) or bump LOY_ABI_VERSION"
  exit 1
fi
if [ $((rc & 3)) -ne 0 ]; then
  echo "abidiff failed (status $rc)"; exit 1
fi
if [ $((rc & 4)) -ne 0 ]; then
  echo "abi: compatible changes only (additions)"
else
  echo "abi: identical to the baseline"
fi
exit 0
