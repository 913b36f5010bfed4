#!/usr/bin/env bash
# Builds the fuzz targets (fuzz/build.sh) and runs each for N seconds (default 10), one after
# another under `nice -n 19`, on a temporary copy of its seed corpus: the committed corpus in
# fuzz/corpus/ never grows here. Fails (exit 1) when a target crashes, leaks, hangs or runs out
# of memory, printing the reproducer's path (kept in build-fuzz/artifacts/<target>/).
#   fuzz/run.sh [seconds] [target...]
#   KAM_FUZZ_FLAGS="-runs=10000000" fuzz/run.sh 360     # the long run
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${KAM_FUZZ_OUT:-$root/build-fuzz}"
secs="${1:-10}"
[ $# -gt 0 ] && shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(csv_fuzz json_body_fuzz rule_fuzz chunk_fuzz cursor_fuzz usage_import_fuzz
           cdr_import_fuzz)
fi
read -r -a extra <<<"${KAM_FUZZ_FLAGS:-}"

nice -n 19 "$root/fuzz/build.sh" "${targets[@]}" || { echo "fuzz: build failed" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/kam-fuzz.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out/logs"
failed=0
printf '%-18s %12s %9s %7s %7s %7s\n' target execs exec/s cov ft corpus
for t in "${targets[@]}"; do
  corpus="$work/$t"
  mkdir -p "$corpus" "$out/artifacts/$t"
  cp -r "$root/fuzz/corpus/$t/." "$corpus/" 2>/dev/null || true
  dict=()
  [ -f "$root/fuzz/$t.dict" ] && dict=(-dict="$root/fuzz/$t.dict")
  log="$out/logs/$t.log"
  nice -n 19 "$out/$t" "$corpus" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=30 \
    -print_final_stats=1 -artifact_prefix="$out/artifacts/$t/" "${dict[@]}" "${extra[@]}" \
    >"$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  files=$(find "$corpus" -type f | wc -l)
  printf '%-18s %12s %9s %7s %7s %7s\n' "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "$files"
  if [ $rc -ne 0 ]; then
    failed=1
    echo "fuzz: $t failed (exit $rc); log: $log" >&2
    grep -E 'ERROR: |SUMMARY: |runtime error' "$log" | head -5 >&2
    repro=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    [ -n "$repro" ] && echo "fuzz: reproducer: $repro (rerun: $out/$t $repro)" >&2
  fi
done
exit $failed
