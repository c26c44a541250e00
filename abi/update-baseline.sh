#!/bin/sh
# SPDX-License-Identifier: MIT
# update-baseline.sh BUILD_DIR: write abi/libloyalty.abi from a built tree.
# Run only when releasing: the baseline is what later builds must stay
# compatible with.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
lib=$(ls "$1"/libloyalty.so.[0-9]* | head -n 1)
abidw --headers-dir "$here/../include" --drop-private-types --no-corpus-path \
      --out-file "$here/libloyalty.abi" "$lib"
echo "wrote $here/libloyalty.abi from $lib"
