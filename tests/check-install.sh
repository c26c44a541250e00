#!/bin/sh
# check-install.sh CMAKE BUILD_DIR CONSUMER_SRC CC
# Installs the built tree into a temporary prefix (with an absolute libdir to
# exercise the pkg-config path joining), then builds and runs the consumer
# once through pkg-config and once through find_package(loyalty).
set -eu
cmake=$1 build=$2 src=$3 cc=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"

"$cmake" --install "$build" --prefix "$prefix" > "$tmp/install.log"
lib=$(ls -d "$prefix"/lib*/ | head -n 1)
lib=${lib%/}
test -f "$prefix/include/loyalty.h"
ls "$lib"/libloyalty.so.* > /dev/null
# only the public header is installed
[ "$(ls "$prefix/include")" = "loyalty.h" ] || { echo "unexpected headers installed"; exit 1; }

# 1. pkg-config
export PKG_CONFIG_PATH="$lib/pkgconfig"
flags=$(pkg-config --cflags --libs loyalty)
"$cc" -o "$tmp/consumer_pc" "$src/consumer.c" $flags
LD_LIBRARY_PATH="$lib" "$tmp/consumer_pc"
# undefined reference check: the .pc libdir must point at the real files
pcdir=$(pkg-config --variable=libdir loyalty)
[ -e "$pcdir/libloyalty.so" ] || { echo "pkg-config libdir $pcdir is wrong"; exit 1; }

# 2. find_package(loyalty)
"$cmake" -S "$src" -B "$tmp/cbuild" -DCMAKE_PREFIX_PATH="$prefix" > "$tmp/cfg.log"
"$cmake" --build "$tmp/cbuild" > "$tmp/build.log"
LD_LIBRARY_PATH="$lib" "$tmp/cbuild/consumer"

# nm: only loy_ symbols, all versioned
if nm -D --defined-only "$lib"/libloyalty.so | awk '$3 != "" {print $3}' |
     grep -v '^LOYALTY_' | grep -v '^loy_[a-z0-9_]*@@LOYALTY_[0-9.]*$'; then
  echo "installed library exports unexpected symbols"; exit 1
fi
echo "install: pkg-config and find_package consumers OK"
