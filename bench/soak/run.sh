#!/usr/bin/env bash
# Soak test (not part of CI): `kam serve` on a fresh demo store under a mixed read/write load from
# six roles at once, one 60 s wrk run per minute back to back; reports per minute and in total.
#   bench/soak/run.sh [--store sqlite|postgres|both] [--minutes M] [--connections C] [--keep DIR]
#   defaults: both stores one after the other, 10 minutes, 256 connections (rounded up to 6 roles)
# Env: KAM_BIN (build/kam), KAM_SOAK_PORT (18630; PostgreSQL run: +1), KAM_SOAK_PG_PORT (27543)
# Exit: 0 pass; 1 a 5xx, VmRSS at the end > 1.5 x after minute 1, or kam died; 2 usage or setup.
set -euo pipefail
cd "$(dirname "$0")/../.."
KAM=${KAM_BIN:-build/kam}
STORE=both MINUTES=10 CONNS=256 KEEP=""
usage() { sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --store) STORE=${2:-}; shift 2 ;;
    --minutes) MINUTES=${2:-}; shift 2 ;;
    --connections) CONNS=${2:-}; shift 2 ;;
    --keep) KEEP=${2:-}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
case "$STORE" in sqlite) STORES=(sqlite) ;; postgres) STORES=(postgres) ;; both) STORES=(sqlite postgres) ;;
  *) echo "--store: sqlite, postgres or both" >&2; exit 2 ;; esac
[[ "$MINUTES" =~ ^[1-9][0-9]*$ ]] || { echo "--minutes: a whole number >= 1" >&2; exit 2; }
[[ "$CONNS" =~ ^[1-9][0-9]*$ ]] || { echo "--connections: a whole number >= 1" >&2; exit 2; }
for tool in wrk curl python3; do
  command -v $tool >/dev/null || { echo "$tool is missing (Debian: apt-get install $tool)" >&2; exit 2; }
done
[ -x "$KAM" ] || { echo "no kam binary at $KAM (set KAM_BIN)" >&2; exit 2; }

ROLES=6                                        # admin supervisor1 manager1 phone1 agent1 analyst1
PER_ROLE=$(( (CONNS + ROLES - 1) / ROLES ))    # one wrk thread per role, same connections each
CONNS_EFF=$(( PER_ROLE * ROLES ))
PORT0=${KAM_SOAK_PORT:-18630}
PG_PORT=${KAM_SOAK_PG_PORT:-27543}
LIMIT=$(( MINUTES * 60 + 900 ))                # nothing started here lives longer (s)
HZ=$(getconf CLK_TCK)
export KAM_NOW=2026-11-24T08:00:00+08:00       # the demo data's "now" (tests/integration/harness.mjs)
if [ -n "$KEEP" ]; then mkdir -p "$KEEP"; WORK=$(cd "$KEEP" && pwd); else WORK=$(mktemp -d /tmp/kam-soak.XXXXXX); fi

TPID="" KPID="" SAMPLER="" WATCHDOG="" PGT="" FAILED=0
stop_kam() {
  [ -n "$KPID" ] && kill -TERM "$KPID" 2>/dev/null || true
  if [ -n "$TPID" ]; then wait "$TPID" 2>/dev/null && KAM_RC=0 || KAM_RC=$?; fi
  TPID="" KPID=""
  [ -n "$SAMPLER" ] && { kill "$SAMPLER" 2>/dev/null || true; wait "$SAMPLER" 2>/dev/null || true; }
  SAMPLER=""
}
stop_pg() {
  [ -n "$PGT" ] || return 0
  ./scripts/pg-temp.sh stop "$PGT/pg" || true
  [ -n "$WATCHDOG" ] && { kill "$WATCHDOG" 2>/dev/null || true; wait "$WATCHDOG" 2>/dev/null || true; }
  rm -rf "$PGT"; PGT="" WATCHDOG=""
}
cleanup() {
  stop_kam; stop_pg
  if [ -z "$KEEP" ]; then
    if [ "$FAILED" = 0 ]; then rm -rf "$WORK"; else echo "logs kept in $WORK" >&2; fi
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rss_kb() { awk -v k="${2:-VmRSS}:" '$1 == k {print $2}' "/proc/$1/status" 2>/dev/null | grep . || echo "-"; }
sample() {  # epoch VmRSS-kB threads open-fds cpu-ticks RssAnon-kB RssFile-kB
  local pid=$1 st
  st=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  echo "$(date +%s.%N) $(rss_kb "$pid") $(rss_kb "$pid" Threads) $(ls "/proc/$pid/fd" 2>/dev/null | wc -l) \
$(echo "${st##*) }" | awk '{print $12 + $13}') $(rss_kb "$pid" RssAnon) $(rss_kb "$pid" RssFile)"
}
store_bytes() {  # sqlite: kam.db with its -wal and -shm files; postgres: pg_database_size (if psql is here)
  if [ "$1" = sqlite ]; then du -cb "$2"/kam.db* 2>/dev/null | awk 'END {print $1}'
  elif command -v psql >/dev/null; then psql "$3" -Atc "select pg_database_size(current_database())" 2>/dev/null || echo "-"
  else echo "-"; fi
}

soak_one() {
  local store=$1 port url d i t0 t1 rc=0
  d=$WORK/$store; mkdir -p "$d"; : >"$d/slices.jsonl"; : >"$d/marks.tsv"; : >"$d/rss.tsv"
  rm -f "$d/state.lua"
  if [ "$store" = postgres ]; then
    port=$(( PORT0 + 1 ))
    PGT=$(mktemp -d /tmp/kam-pg.XXXX); chmod 755 "$PGT"
    ( sleep "$LIMIT" & s=$!; trap 'kill $s 2>/dev/null; exit 0' TERM; wait $s; ./scripts/pg-temp.sh stop "$PGT/pg" ) &
    WATCHDOG=$!
    url=$(./scripts/pg-temp.sh start "$PGT/pg" "$PG_PORT") || { echo "PostgreSQL did not start ($PGT)"; return 2; }
  else
    port=$PORT0
    url="sqlite:$d/kam.db"
  fi
  echo "== $store: loading demo data (200 groups, 10,000 members, seed 42) into $url"
  timeout 900 "$KAM" demo-data --db "$url" --groups 200 --members 10000 --seed 42 >"$d/demo.log" 2>&1 ||
    { echo "demo-data failed:"; tail -20 "$d/demo.log"; return 2; }
  timeout -s TERM "$LIMIT" "$KAM" serve --db "$url" --listen "127.0.0.1:$port" --log-level warn >"$d/serve.log" 2>&1 &
  TPID=$!
  for _ in $(seq 100); do KPID=$(pgrep -P "$TPID" || true); [ -n "$KPID" ] && break; sleep 0.1; done
  for _ in $(seq 200); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { echo "kam serve did not start:"; tail -20 "$d/serve.log"; return 2; }
  echo "== $store: kam pid $KPID on 127.0.0.1:$port; picking ids per role through the API"
  python3 bench/soak/prepare.py "http://127.0.0.1:$port" "$d/data.lua" || return 2
  sleep 5  # settle: the scheduler's first pass has run
  {
    echo "STORE=$store"; echo "MINUTES=$MINUTES"; echo "CONNECTIONS=$CONNS_EFF"; echo "PER_ROLE=$PER_ROLE"
    echo "DATE=$(date +%F)"; echo "CORES=$(nproc)"; echo "HZ=$HZ"; echo "KAM=$KAM"
    echo "RSS_START_KB=$(rss_kb "$KPID")"; echo "STORE_BYTES_START=$(store_bytes "$store" "$d" "$url")"
    echo "LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)"
  } >"$d/meta.env"
  ( while [ -d "/proc/$KPID" ]; do sample "$KPID" >>"$d/rss.tsv" || break; sleep 10; done ) &
  SAMPLER=$!
  echo "== $store: $MINUTES x 60 s, $CONNS_EFF connections ($PER_ROLE per role), RSS before load $(rss_kb "$KPID") kB"
  python3 bench/soak/report.py "$d" header
  for i in $(seq "$MINUTES"); do
    t0=$(date +%s.%N)
    KAM_SOAK_DATA="$d/data.lua" KAM_SOAK_STATE="$d/state.lua" KAM_SOAK_OUT="$d/slices.jsonl" KAM_SOAK_SLICE=$i \
      timeout 180 wrk -t$ROLES -c$CONNS_EFF -d60s --latency --timeout 5s -s bench/soak/mix.lua "http://127.0.0.1:$port" \
      >"$d/wrk-$i.txt" 2>&1 || echo "wrk failed in minute $i: $(tail -3 "$d/wrk-$i.txt")"
    t1=$(date +%s.%N)
    echo "$i $t0 $t1 $(rss_kb "$KPID") $(store_bytes "$store" "$d" "$url") $(rss_kb "$KPID" RssAnon)" >>"$d/marks.tsv"
    python3 bench/soak/report.py "$d" minute "$i"
    if ! [ -d "/proc/$KPID" ]; then
      wait "$TPID" 2>/dev/null && rc=0 || rc=$?
      echo "KAM_DIED=exit status $rc in minute $i (log: $(tail -1 "$d/serve.log"))" >>"$d/meta.env"
      TPID="" KPID=""
      break
    fi
  done
  sample "$KPID" >>"$d/rss.tsv" 2>/dev/null || true
  echo "LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$d/meta.env"
  [ "$store" = sqlite ] && echo "WAL_BYTES_END=$(stat -c %s "$d/kam.db-wal" 2>/dev/null || echo -)" >>"$d/meta.env"
  KAM_RC=""
  stop_kam
  echo "KAM_STOP_STATUS=${KAM_RC:-}" >>"$d/meta.env"
  [ "$store" = sqlite ] && echo "DB_BYTES_STOPPED=$(stat -c %s "$d/kam.db" 2>/dev/null || echo -)" >>"$d/meta.env"
  if [ "$store" = postgres ]; then
    grep -E "ERROR|FATAL|PANIC" "$PGT/pg/server.log" >"$d/pg-errors.txt" 2>/dev/null || true
    echo "PG_LOG_ERRORS=$(wc -l <"$d/pg-errors.txt")" >>"$d/meta.env"
    stop_pg
  fi
  echo
  python3 bench/soak/report.py "$d" summary | tee "$d/summary.txt"
  return "${PIPESTATUS[0]}"
}

status=0
for s in "${STORES[@]}"; do
  soak_one "$s" || { rc=$?; FAILED=1; [ "$status" = 0 ] && status=$rc; }
  stop_kam; stop_pg
  echo
done
[ "$status" = 0 ] || echo "soak: FAILED (exit $status)" >&2
exit "$status"
