#!/usr/bin/env bash
# KAM against DuckDB on the same usage file, in the same run: import 10,000,000 member-months
# (1,000,000 members x 10 months) and compute value, grading and lifecycle.
#   bench/value/run.sh          env: KAM_BENCH_MEMBERS (1000000), KAM_BENCH_MONTHS (10)
set -euo pipefail
cd "$(dirname "$0")/../.."
KAM=${KAM_BIN:-build/kam}
MEMBERS=${KAM_BENCH_MEMBERS:-1000000}
MONTHS=${KAM_BENCH_MONTHS:-10}
WORK=$(mktemp -d /tmp/kam-bench-value.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
(cd bench/value && [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error)
command -v sqlite3 >/dev/null || { echo "sqlite3 is missing: apt-get install sqlite3" >&2; exit 1; }

DB="$WORK/kam.db"
echo "archive: $MEMBERS members"
"$KAM" demo-data --db "sqlite:$DB" --groups $((MEMBERS / 50)) --members "$MEMBERS" --usage-months 0 --seed 1 | head -1
sqlite3 "$DB" "SELECT number FROM members" > "$WORK/numbers.txt"
sqlite3 -header -csv "$DB" "SELECT id, number, customer_id, join_date FROM members" > "$WORK/members.csv"
sqlite3 -header -csv "$DB" "SELECT id, kind, COALESCE(org_type, '') AS org_type FROM customers" > "$WORK/customers.csv"
echo "generating $MONTHS months of usage"
node bench/value/gen_usage.mjs "$WORK/numbers.txt" "$MONTHS" "$WORK/usage.csv"
ROWS=$(( $(wc -l < "$WORK/usage.csv") - 1 ))
echo "usage file: $ROWS rows, $(du -h "$WORK/usage.csv" | cut -f1)"

now() { date +%s.%N; }
t0=$(now)
"$KAM" usage import --db "sqlite:$DB" --no-compute --log-level warn "$WORK/usage.csv" | head -1
t1=$(now)
"$KAM" value run --db "sqlite:$DB" --log-level warn
t2=$(now)
KAM_IMPORT=$(echo "$t1 - $t0" | bc -l); KAM_COMPUTE=$(echo "$t2 - $t1" | bc -l); KAM_TOTAL=$(echo "$t2 - $t0" | bc -l)

DUCK=$(node bench/value/duckdb_value.mjs "$WORK/usage.csv" "$WORK/members.csv" "$WORK/customers.csv" "$WORK/duck.db")
D_LOAD=$(echo "$DUCK" | sed -E 's/.*"load_s":([0-9.]+).*/\1/')
D_COMPUTE=$(echo "$DUCK" | sed -E 's/.*"compute_s":([0-9.]+).*/\1/')
D_TOTAL=$(echo "$DUCK" | sed -E 's/.*"total_s":([0-9.]+).*/\1/')

printf "\n%-8s %12s %12s %12s %14s\n" "" "import s" "compute s" "total s" "rows/s total"
printf "%-8s %12.2f %12.2f %12.2f %14.0f\n" KAM "$KAM_IMPORT" "$KAM_COMPUTE" "$KAM_TOTAL" "$(echo "$ROWS / $KAM_TOTAL" | bc -l)"
printf "%-8s %12.2f %12.2f %12.2f %14.0f\n" DuckDB "$D_LOAD" "$D_COMPUTE" "$D_TOTAL" "$(echo "$ROWS / $D_TOTAL" | bc -l)"
printf "KAM import rows/s: %.0f   compute rows/s: %.0f\n" "$(echo "$ROWS / $KAM_IMPORT" | bc -l)" "$(echo "$ROWS / $KAM_COMPUTE" | bc -l)"
printf "ratio DuckDB total / KAM total = %.2f (above 1: KAM is faster)\n" "$(echo "$D_TOTAL / $KAM_TOTAL" | bc -l)"
