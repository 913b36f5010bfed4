#!/usr/bin/env bash
# Throughput and latency of the 360 overview against the server's own /healthz ceiling, on the
# same server in the same run (shared machines are noisy: only the ratio means much).
#   bench/api/run.sh [STORE_URL]      default: a fresh SQLite file with 1,000,000 members
# Env: KAM_BENCH_GROUPS (20000), KAM_BENCH_MEMBERS (1000000), KAM_BENCH_SECONDS (10)
set -euo pipefail
cd "$(dirname "$0")/../.."
KAM=${KAM_BIN:-build/kam}
NGROUPS=${KAM_BENCH_GROUPS:-20000}
MEMBERS=${KAM_BENCH_MEMBERS:-1000000}
SECS=${KAM_BENCH_SECONDS:-10}
PORT=${KAM_BENCH_PORT:-18480}
WORK=$(mktemp -d /tmp/kam-bench.XXXXXX)
DB=${1:-sqlite:$WORK/bench.db}
SERVER=""
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
echo "loading $NGROUPS groups / $MEMBERS members into $DB"
"$KAM" demo-data --db "$DB" --groups "$NGROUPS" --members "$MEMBERS" --seed 1 | head -1
"$KAM" serve --db "$DB" --listen 127.0.0.1:$PORT --log-level warn >"$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 50); do curl -sf http://127.0.0.1:$PORT/healthz >/dev/null && break; sleep 0.1; done
export KAM_TOKEN=$(curl -sf -X POST http://127.0.0.1:$PORT/api/v1/auth/login \
  -d '{"username":"admin","password":"Kam@2026demo"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')
export KAM_MAX_ID=$(( NGROUPS + 300 ))

measure() {  # connections, path-or-script -> "rps p50ms p99ms"
  local conns=$1 target=$2 out
  if [ "$target" = healthz ]; then
    out=$(wrk -t2 -c"$conns" -d"${SECS}s" --latency http://127.0.0.1:$PORT/healthz)
  else
    out=$(wrk -t2 -c"$conns" -d"${SECS}s" --latency -s bench/api/overview.lua http://127.0.0.1:$PORT)
  fi
  local rps p50 p99 errs
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  errs=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  echo "$rps $(to_ms "$p50") $(to_ms "$p99") ${errs:-0}"
}
to_ms() { echo "$1" | awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; printf "%.2f", v}'; }

printf "\n%-6s %-10s %12s %9s %9s %8s\n" conns route "req/s" "p50 ms" "p99 ms" "non-2xx"
for c in 64 256; do
  read -r hr h50 h99 herr < <(measure $c healthz)
  read -r orr o50 o99 oerr < <(measure $c overview)
  printf "%-6s %-10s %12s %9s %9s %8s\n" "$c" healthz "$hr" "$h50" "$h99" "$herr"
  printf "%-6s %-10s %12s %9s %9s %8s\n" "$c" overview "$orr" "$o50" "$o99" "$oerr"
  awk -v o="$orr" -v h="$hr" -v c="$c" 'BEGIN {printf "ratio at %s connections: overview / healthz = %.2f\n", c, o/h}'
done
