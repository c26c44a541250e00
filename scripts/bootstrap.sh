#!/bin/sh
# SPDX-License-Identifier: MIT
# scripts/bootstrap.sh [EXTRA-PACKAGE...]
#
# Installs what building libloyalty and running its tests need on Debian
# (tested on bookworm) and systems with the same packages, plus the extra
# packages named on the command line (.ci/run adds the CI-only tools this
# way). It runs apt-get update and install only when a package is missing,
# through sudo when not run as root, and does nothing on a machine that
# has everything, so it can precede every build command.
set -eu

# compiler and build; the test framework; the Python binding and its tests
# (numpy, pandas and matplotlib are optional for users of the binding, but
# its tests cover them; venv and pip for the install test); the man-page
# check (groff)
pkgs="cmake make gcc g++ libc6-dev pkg-config libcmocka-dev
      python3 python3-numpy python3-pandas python3-matplotlib
      python3-pytest python3-pip python3-venv groff-base"

missing=""
for p in $pkgs "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing="$missing $p"
done
[ -n "$missing" ] || exit 0

if ! command -v apt-get > /dev/null 2>&1; then
  echo "bootstrap: no apt-get here; install the equivalent of:$missing" >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  as_root=""
elif command -v sudo > /dev/null 2>&1; then
  as_root="sudo"
else
  echo "bootstrap: run as root, or install sudo, to install:$missing" >&2
  exit 1
fi
echo "bootstrap: installing$missing"
$as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# shellcheck disable=SC2086  # one word per package
$as_root env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -qq --no-install-recommends $missing
