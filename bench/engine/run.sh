#!/usr/bin/env bash
# The warning engine against DuckDB on the same CSV, in the same run: N subscribers (default
# 10,000,000) with two months of usage → colour zones + the built-in rules → alert tasks in
# SQLite. KAM is timed twice: the whole product path (import the CSV into the store, value,
# engine) and the engine alone on the stored months.
#   bench/engine/run.sh        env: KAM_BENCH_MEMBERS (10000000)
set -euo pipefail
cd "$(dirname "$0")/../.."
KAM=${KAM_BIN:-build/kam}
MEMBERS=${KAM_BENCH_MEMBERS:-10000000}
WORK=$(mktemp -d /tmp/kam-bench-engine.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
(cd bench/engine && [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error)
command -v sqlite3 >/dev/null || { echo "sqlite3 is missing: apt-get install sqlite3" >&2; exit 1; }
avail=$(df -Pk "$WORK" | awk 'NR==2 {print $4}')
need=$(( MEMBERS / 1000 * 900 ))  # ~0.9 KB per subscriber: store, CSV and DuckDB's copy
if [ "$avail" -lt "$need" ]; then
  echo "not enough disk in $WORK ($((avail / 1024)) MiB free, ~$((need / 1024)) MiB needed); set KAM_BENCH_MEMBERS lower" >&2
  exit 1
fi

DB="$WORK/kam.db"
echo "archive: $MEMBERS members (not timed)"
"$KAM" demo-data --db "sqlite:$DB" --groups $((MEMBERS / 50)) --members "$MEMBERS" --usage-months 0 --seed 1 | head -1
sqlite3 "$DB" "SELECT number FROM members" > "$WORK/numbers.txt"
sqlite3 -header -csv "$DB" "SELECT id, number, customer_id, join_date FROM members" > "$WORK/members.csv"
sqlite3 -header -csv "$DB" "SELECT id, kind, COALESCE(org_type, '') AS org_type FROM customers" > "$WORK/customers.csv"
node bench/value/gen_usage.mjs "$WORK/numbers.txt" 2 "$WORK/usage.csv"
ROWS=$(( $(wc -l < "$WORK/usage.csv") - 1 ))
echo "usage file: $ROWS rows (2 months), $(du -h "$WORK/usage.csv" | cut -f1)"

now() { date +%s.%N; }
t0=$(now)
"$KAM" usage import --db "sqlite:$DB" --no-compute --log-level warn "$WORK/usage.csv" | head -1
t1=$(now)
"$KAM" value run --db "sqlite:$DB" --log-level warn
t2=$(now)
"$KAM" engine run --db "sqlite:$DB" --month 2026-02 --log-level warn
t3=$(now)
TASKS=$(sqlite3 "$DB" "SELECT COUNT(*) FROM alert_tasks")
IMPORT=$(echo "$t1 - $t0" | bc -l); VALUE=$(echo "$t2 - $t1" | bc -l); ENGINE=$(echo "$t3 - $t2" | bc -l); TOTAL=$(echo "$t3 - $t0" | bc -l)

DUCK=$(node bench/engine/duckdb_engine.mjs "$WORK/usage.csv" "$WORK/members.csv" "$WORK/customers.csv" "$WORK/duck.db")
D_TOTAL=$(echo "$DUCK" | sed -E 's/.*"total_s":([0-9.]+).*/\1/')
D_LOAD=$(echo "$DUCK" | sed -E 's/.*"load_s":([0-9.]+).*/\1/')
D_COMPUTE=$(echo "$DUCK" | sed -E 's/.*"compute_s":([0-9.]+).*/\1/')
D_RESULTS=$(echo "$DUCK" | sed -E 's/.*"results":([0-9]+).*/\1/')

printf "\nKAM:    import %.2f s + value %.2f s + engine %.2f s = %.2f s   (%s alert tasks)\n" "$IMPORT" "$VALUE" "$ENGINE" "$TOTAL" "$TASKS"
printf "DuckDB: load %.2f s + zones and rules %.2f s = %.2f s   (%s result rows)\n" "$D_LOAD" "$D_COMPUTE" "$D_TOTAL" "$D_RESULTS"
printf "ratio DuckDB / KAM, CSV to tasks:      %.2f (above 1: KAM is faster)\n" "$(echo "$D_TOTAL / $TOTAL" | bc -l)"
printf "ratio DuckDB rules / KAM engine alone: %.2f\n" "$(echo "$D_COMPUTE / $ENGINE" | bc -l)"
