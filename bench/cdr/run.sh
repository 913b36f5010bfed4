#!/usr/bin/env bash
# KAM against DuckDB on the same call-detail file, in the same run: 100,000,000 call records
# (two months) for an archive of 1,000,000 members → family-plan candidates (tenure >= 12
# months, >= 10 calls to the same other-network number in a month).
#   bench/cdr/run.sh        env: KAM_BENCH_CALLS (100000000), KAM_BENCH_MEMBERS (1000000),
#                                KAM_BIN (build/kam), KAM_BENCH_DIR (a temp dir under /tmp)
# The CSV is about 60 bytes a call (~6 GB at full size): it is written to a temp dir, deleted
# afterwards, and scaled down (with a message) when the disk has not room for it.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
KAM=${KAM_BIN:-build/kam}
CALLS=${KAM_BENCH_CALLS:-100000000}
MEMBERS=${KAM_BENCH_MEMBERS:-1000000}
WORK=$(mktemp -d "${KAM_BENCH_DIR:-/tmp}/kam-bench-cdr.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
(cd bench/cdr && [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error)
command -v sqlite3 >/dev/null || { echo "sqlite3 is missing: apt-get install sqlite3" >&2; exit 1; }
command -v g++ >/dev/null || { echo "g++ is missing: apt-get install build-essential" >&2; exit 1; }

# Room for the CSV (~60 B a call), the store (~1.5 KB a member) and some slack.
avail_kb=$(df -Pk "$WORK" | awk 'NR==2 {print $4}')
need_kb=$(( CALLS * 60 / 1024 + MEMBERS * 3 / 2 + 2 * 1024 * 1024 ))
if [ "$avail_kb" -lt "$need_kb" ]; then
  fit=$(( (avail_kb - MEMBERS * 3 / 2 - 2 * 1024 * 1024) * 1024 / 60 ))
  if [ "$fit" -lt 1000000 ]; then echo "not enough disk in $WORK: $((avail_kb / 1024)) MB free" >&2; exit 1; fi
  echo "only $((avail_kb / 1024)) MB free in $WORK: scaling down from $CALLS to $fit calls"
  CALLS=$fit
fi

g++ -O2 -std=c++17 -o "$WORK/gen_cdr" bench/cdr/gen_cdr.cc

DB="$WORK/kam.db"
echo "archive: $MEMBERS members"
"$KAM" demo-data --db "sqlite:$DB" --groups $((MEMBERS / 50)) --members "$MEMBERS" --usage-months 0 --seed 1 \
  --log-level warn | grep -E '^demo (care|data)' || true
sqlite3 "$DB" "SELECT number FROM members" > "$WORK/numbers.txt"
sqlite3 -header -csv "$DB" "SELECT id, number, CAST(join_date AS TEXT) AS join_date, status FROM members" > "$WORK/members.csv"

# The two months before last (last month holds the demo's own call records; they stay).
FIRST=$(date -u -d "$(date -u +%Y-%m-01) -3 month" +%Y-%m)
SECOND=$(date -u -d "$(date -u +%Y-%m-01) -2 month" +%Y-%m)
echo "generating $CALLS call records for $FIRST and $SECOND"
"$WORK/gen_cdr" "$WORK/numbers.txt" "$CALLS" "$FIRST" 2 "$WORK/cdr.csv"
SIZE=$(du -h "$WORK/cdr.csv" | cut -f1)
echo "CDR file: $SIZE"

now() { date +%s.%N; }
t0=$(now)
"$KAM" cdr import --db "sqlite:$DB" --log-level warn "$WORK/cdr.csv" 2>/dev/null
t1=$(now)
K1=$("$KAM" family-plan candidates --db "sqlite:$DB" --month "$FIRST" --limit 0 --log-level warn)
K2=$("$KAM" family-plan candidates --db "sqlite:$DB" --month "$SECOND" --limit 0 --log-level warn)
t2=$(now)
echo "$K1"; echo "$K2"
KAM_IMPORT=$(echo "$t1 - $t0" | bc -l); KAM_DETECT=$(echo "$t2 - $t1" | bc -l); KAM_TOTAL=$(echo "$t2 - $t0" | bc -l)

DUCK=$(node bench/cdr/duckdb_family.mjs "$WORK/cdr.csv" "$WORK/members.csv" 10 12)
echo "DuckDB: $DUCK"
D_TOTAL=$(echo "$DUCK" | sed -E 's/.*"seconds":([0-9.]+).*/\1/')

# Both must find the same candidates.
kam_counts() { echo "$1" | sed -E 's/.*: ([0-9]+) members, ([0-9]+) member.number pairs.*/\1 \2/'; }
duck_counts() { node -e "const d=JSON.parse(process.argv[1]);const m=d.months.find(x=>x.month===process.argv[2]);console.log(m?m.members+' '+m.pairs:'0 0')" "$DUCK" "$1"; }
if [ "$(kam_counts "$K1")" = "$(duck_counts "$FIRST")" ] && [ "$(kam_counts "$K2")" = "$(duck_counts "$SECOND")" ]; then
  AGREE="yes"
else
  AGREE="NO: KAM $(kam_counts "$K1") / $(kam_counts "$K2"), DuckDB $(duck_counts "$FIRST") / $(duck_counts "$SECOND")"
fi

printf "\n%-8s %12s %12s %12s %16s\n" "" "import s" "detect s" "total s" "calls/s total"
printf "%-8s %12.2f %12.2f %12.2f %16.0f\n" KAM "$KAM_IMPORT" "$KAM_DETECT" "$KAM_TOTAL" "$(echo "$CALLS / $KAM_TOTAL" | bc -l)"
printf "%-8s %12s %12s %12.2f %16.0f\n" DuckDB "-" "-" "$D_TOTAL" "$(echo "$CALLS / $D_TOTAL" | bc -l)"
echo "same candidates: $AGREE"
printf "ratio DuckDB total / KAM total = %.2f (above 1: KAM is faster)\n" "$(echo "$D_TOTAL / $KAM_TOTAL" | bc -l)"
