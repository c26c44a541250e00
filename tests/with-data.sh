#!/bin/sh
# SPDX-License-Identifier: MIT
# with-data.sh DATA_DIR COMMAND [ARG...]
# Runs COMMAND when the reference data folder exists; otherwise exits 77,
# which CTest reports as "Skipped" (see cmake/LoyaltyTesting.cmake).
dir=$1
shift
if [ ! -d "$dir" ]; then
  echo "skipped: reference data not found at $dir"
  exit 77
fi
exec "$@"
