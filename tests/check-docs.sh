#!/bin/sh
# SPDX-License-Identifier: MIT
# check-docs.sh DOXYGEN DOXYFILE
# Builds the HTML reference with warnings as errors: fails on any message
# Doxygen prints (undocumented declaration, missing @param or @return,
# broken reference, configuration problem), and lists them.
set -u
doxygen=$1 doxyfile=$2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$doxygen" "$doxyfile" > /dev/null 2> "$log"
rc=$?
cat "$log" >&2
if [ "$rc" -ne 0 ] || [ -s "$log" ]; then
  echo "doxygen: $(wc -l < "$log") warning line(s), exit status $rc" >&2
  exit 1
fi
echo "doxygen: reference built with no warning"
