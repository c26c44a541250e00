#!/bin/sh
# SPDX-License-Identifier: MIT
# check-subproject.sh CMAKE SOURCE_DIR CMOCKA_INCLUDE_DIR
# Configures and builds tests/subproject, which add_subdirectory()s the
# source tree, with cmocka.h hidden from CMake's searches: the library and
# the tool must build, no test may be registered, and the consumer runs.
set -eu
cmake=$1 top=$2 cmocka_inc=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$cmake" -S "$top/tests/subproject" -B "$tmp/build" -DLOY_SOURCE_DIR="$top" \
  -DCMAKE_IGNORE_PATH="$cmocka_inc" -DCMAKE_BUILD_TYPE=Debug > "$tmp/configure.log" 2>&1 ||
  { cat "$tmp/configure.log"; echo "subproject: configure failed"; exit 1; }
grep -q "^LOY_BUILD_TESTS:BOOL=OFF" "$tmp/build/CMakeCache.txt" ||
  { echo "subproject: LOY_BUILD_TESTS does not default to OFF"; exit 1; }
"$cmake" --build "$tmp/build" -j2 > "$tmp/build.log" 2>&1 ||
  { tail -40 "$tmp/build.log"; echo "subproject: build failed"; exit 1; }
if find "$tmp/build" -type f -name 'test_*' -perm -u+x | grep -q .; then
  echo "subproject: test programs were built:"; find "$tmp/build" -type f -name 'test_*' -perm -u+x
  exit 1
fi
[ ! -e "$tmp/build/libloyalty/CTestTestfile.cmake" ] ||
  { echo "subproject: libloyalty registered CTest tests"; exit 1; }
[ -x "$tmp/build/libloyalty/cli/loyalty" ] || { echo "subproject: the tool was not built"; exit 1; }
"$tmp/build/consumer"
echo "subproject: library and tool built without cmocka and without tests"
