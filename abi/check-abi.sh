#!/bin/sh
# SPDX-License-Identifier: MIT
# check-abi.sh LIB INCLUDE_DIR BASELINE
# Compares the ABI of the built library with the committed baseline using
# libabigail. Only additions are allowed. abidiff sets bit 8 only for
# changes it knows to be incompatible (such as removed symbols); a changed
# struct layout behind an existing function only sets bit 4, like an
# addition does. So besides bits 8 and 1-2, the check also fails when the
# report counts any removed or changed function or variable.
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
# Members appended to growable structs are compatible (abi/growable.suppr).
abidiff --suppressions "$(dirname "$0")/growable.suppr" "$base" "$tmp/current.abi" > "$tmp/report"
rc=$?
cat "$tmp/report"
if [ $((rc & 8)) -ne 0 ]; then
  echo "INCOMPATIBLE ABI CHANGE against $base: restore compatibility (add, never edit) or bump LOY_ABI_VERSION"
  exit 1
fi
if [ $((rc & 3)) -ne 0 ]; then
  echo "abidiff failed (status $rc)"; exit 1
fi
# "Functions changes summary: 0 Removed, 1 Changed, 3 Added functions" etc.
bad=$(grep -E '^(Functions|Variables) changes summary|^(Function|Variable) symbols changes summary' "$tmp/report" |
      grep -oE '[0-9]+ (Removed|Changed)' | awk '$1 > 0' | wc -l)
if [ "$bad" -ne 0 ]; then
  echo "INCOMPATIBLE ABI CHANGE against $base: a released function or type changed or was removed (add, never edit) or bump LOY_ABI_VERSION"
  exit 1
fi
if [ $((rc & 4)) -ne 0 ]; then
  echo "abi: compatible changes only (additions)"
else
  echo "abi: identical to the baseline"
fi
exit 0
