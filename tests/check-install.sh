#!/bin/sh
# SPDX-License-Identifier: MIT
# check-install.sh CMAKE BUILD_DIR CONSUMER_SRC CC SOURCE_DIR
# Installs the built tree into a temporary prefix, then builds and runs the
# consumer once through pkg-config and once through find_package(loyalty).
# Then configures a library-only build with an absolute CMAKE_INSTALL_LIBDIR
# (as NixOS and some distributions do) and checks its loyalty.pc.
set -eu
cmake=$1 build=$2 src=$3 cc=$4 top=$5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"

"$cmake" --install "$build" --prefix "$prefix" > "$tmp/install.log"
lib=$(ls -d "$prefix"/lib*/ | head -n 1)
lib=${lib%/}
test -f "$prefix/include/loyalty.h"
ls "$lib"/libloyalty.so.* > /dev/null
# only the public headers are installed: the umbrella and the module headers
[ "$(ls "$prefix/include" | tr '\n' ' ')" = "loyalty loyalty.h " ] || { echo "unexpected headers installed"; exit 1; }
for h in "$top"/include/loyalty/*.h; do
  cmp -s "$h" "$prefix/include/loyalty/$(basename "$h")" || { echo "$h not installed"; exit 1; }
done
[ "$(ls "$prefix/include/loyalty" | wc -l)" -eq "$(ls "$top"/include/loyalty/*.h | wc -l)" ] ||
  { echo "unexpected files in include/loyalty"; exit 1; }

# the man pages: libloyalty(3) always, loyalty(1) with the tool
cmp -s "$top/docs/man/libloyalty.3" "$prefix/share/man/man3/libloyalty.3" ||
  { echo "libloyalty.3 not installed in share/man/man3"; exit 1; }
if [ -e "$prefix/bin/loyalty" ]; then
  cmp -s "$top/docs/man/loyalty.1" "$prefix/share/man/man1/loyalty.1" ||
    { echo "loyalty.1 not installed in share/man/man1"; exit 1; }
fi

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
# 3. absolute CMAKE_INSTALL_LIBDIR: the .pc must point at that directory
abs="$tmp/abs-prefix/custom/lib64"
"$cmake" -S "$top" -B "$tmp/absbuild" -DCMAKE_INSTALL_PREFIX="$tmp/abs-prefix" \
  -DCMAKE_INSTALL_LIBDIR="$abs" -DLOY_BUILD_TESTS=OFF -DLOY_BUILD_CLI=OFF \
  -DLOY_BUILD_BENCH=OFF > "$tmp/abscfg.log"
"$cmake" --build "$tmp/absbuild" --target loyalty > "$tmp/absbuild.log"
"$cmake" --install "$tmp/absbuild" > "$tmp/absinstall.log"
export PKG_CONFIG_PATH="$abs/pkgconfig"
[ "$(pkg-config --variable=libdir loyalty)" = "$abs" ] ||
  { echo "absolute libdir: pkg-config libdir is $(pkg-config --variable=libdir loyalty)"; exit 1; }
"$cc" -o "$tmp/consumer_abs" "$src/consumer.c" $(pkg-config --cflags --libs loyalty)
LD_LIBRARY_PATH="$abs" "$tmp/consumer_abs" > /dev/null
echo "install: headers, man pages; pkg-config and find_package consumers OK (relative and absolute libdir)"
