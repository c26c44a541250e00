#!/bin/sh
# SPDX-License-Identifier: MIT
# run.sh - run the libFuzzer harnesses one after another.
#
#   sh fuzz/run.sh [--total S | --per-target S] [--seed N] [--keep] BIN_DIR [TARGET...]
#
# --total S       share S seconds among the targets (default 60; at least
#                 1 s each): CI's short run, whatever the number of targets.
# --per-target S  run each target S seconds (the `fuzz` build target).
# --seed N        libFuzzer's -seed (default: random). CI passes one so that
#                 a finding there is replayed by the same command here: the
#                 run is the same mutation sequence, cut by the time limit.
# --keep          keep the corpus grown by the run in BIN_DIR/corpus/<t>
#                 (else a temporary directory, removed afterwards).
# BIN_DIR         where the fuzz_* executables are (build-fuzz/fuzz).
# TARGET...       names of targets to run (default: every fuzz_* there).
#
# Seeds are read from fuzz/corpus/<target>/ when present (never written).
# Exits 1 if any target reports a finding (crash, sanitizer report, failed
# contract check, timeout or memory limit); its log and the input that
# triggered it are kept in BIN_DIR/artifacts/. Prints each target's
# executions and duration.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
total=60
per=""
seed=""
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --total) total=$2; shift 2 ;;
    --per-target) per=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || { echo "usage: run.sh [--total S|--per-target S] [--seed N] [--keep] BIN_DIR [TARGET...]" >&2; exit 2; }
bin=$(cd "$1" && pwd)
shift
if [ $# -gt 0 ]; then
  targets="$*"
else
  targets=$(cd "$bin" && ls fuzz_* 2>/dev/null | grep -v '\.' || true)
fi
[ -n "$targets" ] || { echo "run.sh: no fuzz_* executables in $bin" >&2; exit 2; }
count=$(echo "$targets" | wc -w)
if [ -z "$per" ]; then
  per=$((total / count))
  [ "$per" -ge 1 ] || per=1
fi
mkdir -p "$bin/artifacts" "$bin/logs"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
for t in $targets; do
  if [ "$keep" -eq 1 ]; then corpus="$bin/corpus/$t"; else corpus="$tmp/$t"; fi
  mkdir -p "$corpus"
  seeds=""
  [ -d "$here/corpus/$t" ] && seeds="$here/corpus/$t"
  log="$bin/logs/$t.log"
  start=$(date +%s)
  if "$bin/$t" -max_total_time="$per" ${seed:+-seed="$seed"} -timeout=30 \
       -rss_limit_mb=2560 -print_final_stats=1 -artifact_prefix="$bin/artifacts/$t-" \
       "$corpus" $seeds > "$log" 2>&1; then
    status=ok
  else
    status=FAILED
    fail=1
  fi
  secs=$(( $(date +%s) - start ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  printf '%-28s %-6s %12s execs in %5s s\n' "$t" "$status" "${execs:-?}" "$secs"
  if [ "$status" != ok ]; then
    tail -40 "$log"
  fi
done
exit $fail
