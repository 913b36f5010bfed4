#!/usr/bin/env bash
# Crash-safety loop: kills `kam` with SIGKILL at a random moment while it writes, then checks
# that the store opens again and holds either none or all of the operation's result, and that
# nothing committed before changed. See docs/reliability.md.
#
#   tests/crash/crash_loop.sh [--store sqlite|postgres|both] [--iterations N]
#       [--ops usage,cdr,value,engine] [--timeout MINUTES] [--seed N] [--kam PATH]
#       [--pg-url URL | --pg-port PORT] [--evidence DIR] [--evidence-max N]
#       [--max-delay MS] [--serial] [--keep]
#
# Operations (KAM_NOW fixed, default 2026-11-24T08:00:00+08:00; M = its month, not in the store):
#   usage   kam usage import --db URL usage.csv   (M's usage of every demo member, ~2,000 rows)
#   cdr     kam cdr import --db URL cdr.csv       (8,000 calls in M by the demo's mobile members)
#   value   kam value run --db URL                (all 25 stored months; M's values not computed yet)
#   engine  kam engine run --db URL --month M     (M imported and computed, engine not run yet)
# Per store and operation:
#   1. a snapshot store: `kam demo-data` (40 groups, 2,000 members, seed 7); for value, M's usage
#      imported with --no-compute; for engine, M's value computed as well;
#   2. the reference: the command run to completion twice on copies of the snapshot; the two
#      must agree (the check relies on a deterministic command); their mean wall time is D;
#   3. N times: copy the snapshot (SQLite: the file; PostgreSQL: CREATE DATABASE ... TEMPLATE),
#      start the command, sleep a random 0..D ms, SIGKILL it; `kam migrate` and `kam recover`
#      (which fails the jobs of dead processes, or finishes a stored import's computation) must
#      succeed (and on SQLite PRAGMA integrity_check say ok); on PostgreSQL wait until the killed
#      client's sessions are gone; then the store's fingerprint must equal the snapshot's
#      (absent) or the reference's (complete). D follows the machine's load: after every 10 kills it grows by half
#      when none came after the command's end, and shrinks by a third when 7 or more did.
# The fingerprint covers every table: its rows, normalised and sorted, hashed, and counted. Time
# columns (`*_at`, `at`, `until`, `last_run`) count only as NULL or not; progress counters
# (`progress_done`, `progress_total`) and run durations (`seconds`) are left out: they depend on
# the wall clock. A job record that recovery failed as interrupted (status failed, message
# "interrupted: …") is left out too: it says that nothing was imported, which the other tables
# must then show. On PostgreSQL identity values consumed by a killed transaction are not given
# back, so a result that recovery completed may hold other ids than the reference: it counts as
# complete when it equals the reference with the ids of the rows the command writes left out
# ("complete*"). Any other state is "partial": each table the command changes is shown as S (as
# in the snapshot), R (as in the reference) or X[rows; snapshot/reference rows] (neither), and a
# table the command does not change but that differs is CHANGED. Partial states and failures keep
# evidence (stores before and after `kam migrate`, the command, its output, row diffs) under
# --evidence (default /tmp/kam-crash-evidence), at most --evidence-max (3) of each kind.
#
# kam: --kam, else KAM_BIN, else build/kam. Work files (stores, fingerprints) go to /dev/shm when
# it has room, else /tmp (KAM_CRASH_TMP chooses), and are removed at the end (--keep keeps them).
# With --store both the two stores run side by side (--serial: one after the other). PostgreSQL:
# the server of --pg-url or KAM_TEST_PG_URL (databases kcr<pid>_* are made and dropped), else a
# throw-away one from scripts/pg-temp.sh on 127.0.0.1:--pg-port (26543).
# Exit status: 0 when every iteration ended absent or complete; 1 on any partial state or other
# failure; 3 when the overall timeout (default 60 minutes) stopped the loop early; 2 bad usage.
set -uo pipefail
{ # Read whole before it runs, so that editing this file meanwhile cannot upset a running loop.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KAM=${KAM_BIN:-$ROOT/build/kam}
STORES=both
ITER=100
OPS=usage,cdr,value,engine
TIMEOUT_MIN=60
SEED=${KAM_CRASH_SEED:-$(($(date +%s) % 32768))}
PG_URL=${KAM_TEST_PG_URL:-}
PG_PORT=${KAM_CRASH_PG_PORT:-26543}
EVIDENCE=/tmp/kam-crash-evidence
EVIDENCE_MAX=3
MAX_DELAY=
SERIAL=0
KEEP=0
DEMO_GROUPS=40
DEMO_MEMBERS=2000
export KAM_NOW=${KAM_NOW:-2026-11-24T08:00:00+08:00}

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; }

ORIG_ARGS=("$@")
while [ $# -gt 0 ]; do
  opt=$1 val=''
  case $opt in
    --*=*) val=${opt#*=} opt=${opt%%=*} ;;
    --keep | --serial | -h | --help) ;;
    --*)
      [ $# -ge 2 ] || { echo "crash_loop: $opt needs a value" >&2; exit 2; }
      val=$2
      shift
      ;;
  esac
  shift
  case $opt in
    --store) STORES=$val ;;
    --iterations) ITER=$val ;;
    --ops) OPS=$val ;;
    --timeout) TIMEOUT_MIN=$val ;;
    --seed) SEED=$val ;;
    --kam) KAM=$val ;;
    --pg-url) PG_URL=$val ;;
    --pg-port) PG_PORT=$val ;;
    --evidence) EVIDENCE=$val ;;
    --evidence-max) EVIDENCE_MAX=$val ;;
    --max-delay) MAX_DELAY=$val ;;
    --serial) SERIAL=1 ;;
    --keep) KEEP=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "crash_loop: unknown option $opt" >&2; usage >&2; exit 2 ;;
  esac
done
case $STORES in
  both) STORE_LIST=(sqlite postgres) ;;
  sqlite | postgres) STORE_LIST=("$STORES") ;;
  *) echo "crash_loop: --store must be sqlite, postgres or both" >&2; exit 2 ;;
esac
IFS=, read -r -a OP_LIST <<<"$OPS"
[ ${#OP_LIST[@]} -gt 0 ] || { echo "crash_loop: --ops is empty" >&2; exit 2; }
for op in "${OP_LIST[@]}"; do
  case $op in usage | cdr | value | engine) ;; *) echo "crash_loop: unknown operation $op" >&2; exit 2 ;; esac
done
for n in "$ITER" "$TIMEOUT_MIN" "$SEED" "$EVIDENCE_MAX" ${MAX_DELAY:+"$MAX_DELAY"}; do
  [[ $n =~ ^[0-9]+$ ]] || { echo "crash_loop: '$n' is not a whole number" >&2; exit 2; }
done
[ -x "$KAM" ] || { echo "crash_loop: no kam binary at $KAM (build it, or pass --kam / KAM_BIN)" >&2; exit 2; }
KAM=$(readlink -f "$KAM")
for tool in sqlite3 timeout awk sed cmp diff; do
  command -v "$tool" >/dev/null || { echo "crash_loop: $tool is needed" >&2; exit 2; }
done
if [ "$STORES" != sqlite ]; then
  for tool in psql pg_dump; do
    command -v "$tool" >/dev/null || { echo "crash_loop: $tool is needed for PostgreSQL" >&2; exit 2; }
  done
fi

# A hard stop a little after the overall timeout, whatever happens; the loop itself stops
# starting iterations at the timeout and reports what it has.
if [ -z "${KAM_CRASH_GUARDED:-}" ]; then
  export KAM_CRASH_GUARDED=1
  exec timeout -k 30 $((TIMEOUT_MIN * 60 + 300)) bash "${BASH_SOURCE[0]}" "${ORIG_ARGS[@]}"
fi

T0=$EPOCHSECONDS
DEADLINE=$((T0 + TIMEOUT_MIN * 60))
# The stores live in memory when there is room: / here is ext4 mounted with `discard`, where
# removing a few hundred MB of PostgreSQL files takes seconds.
TMP_BASE=${KAM_CRASH_TMP:-/tmp}
if [ -z "${KAM_CRASH_TMP:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ] &&
  [ "$(df -Pk /dev/shm | awk 'NR == 2 { print $4 }')" -gt 4000000 ]; then
  TMP_BASE=/dev/shm
fi
WORK=$(mktemp -d "$TMP_BASE/kam-crash.XXXXXX")
chmod 755 "$WORK"
RUN_ID=$(date +%Y%m%d-%H%M%S)-$$
PGPFX=kcr$$_
CHILD=''
JOBS=()

log() { echo "crash_loop: $*" >&2; }

cleanup() {
  local p
  for p in "${JOBS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${JOBS[@]}"; do wait "$p" 2>/dev/null; done
  if [ -n "$CHILD" ]; then kill -KILL "$CHILD" 2>/dev/null; wait "$CHILD" 2>/dev/null; fi
  if [ -d "$WORK/pg/data" ]; then
    # Our throw-away server: an immediate stop (no shutdown checkpoint: its data goes anyway),
    # else scripts/pg-temp.sh's.
    local bin stop
    bin=$(find /usr/lib/postgresql -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -1)
    stop=("$bin/pg_ctl" -D "$WORK/pg/data" -m immediate -w -t 60 stop)
    [ "$(id -u)" -eq 0 ] && stop=(runuser -u postgres -- "${stop[@]}")
    if [ -z "$bin" ] || ! "${stop[@]}" >/dev/null 2>&1; then
      "$ROOT/scripts/pg-temp.sh" stop "$WORK/pg" >/dev/null 2>&1 || true
    fi
  elif [ -n "$PG_URL" ]; then
    # Someone else's server: drop our databases, in one session.
    echo "SELECT format('DROP DATABASE IF EXISTS %I WITH (FORCE)', datname) FROM pg_database
          WHERE datname LIKE '${PGPFX%_}\\_%' \\gexec" |
      PGOPTIONS='-c client_min_messages=warning' timeout 120 psql "$PG_URL" -qAt >/dev/null 2>&1
  fi
  if [ "$KEEP" = 1 ]; then log "work files kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated (overall timeout?)"; exit 143' TERM

# Without $(...), which would fork: forks are slow on a loaded machine.
now_ms() { local t=${EPOCHREALTIME/./}; NOW_MS=$((t / 1000)); }
sleep_ms() { local f; printf -v f '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); sleep "$f"; }

MONTH=$(TZ=Asia/Shanghai date -d "$KAM_NOW" +%Y-%m) || { log "bad KAM_NOW $KAM_NOW"; exit 2; }
TODAY=$(TZ=Asia/Shanghai date -d "$KAM_NOW" +%d)
PERIOD=${MONTH/-/}

# ---------------------------------------------------------------------------------------------
# Stores. A store is a name: the file $WORK/sqlite/NAME.db, or the database PGPFX+NAME.

pg_admin() {
  PGOPTIONS='-c client_min_messages=warning' PGCONNECT_TIMEOUT=10 timeout 120 \
    psql "$PG_URL" -v ON_ERROR_STOP=1 -qAt "$@"
}
url_of() { # KIND NAME
  if [ "$1" = sqlite ]; then
    echo "sqlite:$WORK/sqlite/$2.db"
  else
    echo "$PG_URL" | sed -E "s#/[^/?]*(\\?|\$)#/$PGPFX$2\\1#"
  fi
}

sql() { # KIND NAME SQL  -> rows, |-separated
  if [ "$1" = sqlite ]; then
    timeout 120 sqlite3 -batch -bail "$WORK/sqlite/$2.db" "$3"
  else
    PGCONNECT_TIMEOUT=10 timeout 120 psql "$(url_of "$1" "$2")" -v ON_ERROR_STOP=1 -qAt -c "$3"
  fi
}

# Waits until no session is connected to the database (a killed client's backend finishes its
# statement and rolls back first).
settle() { # KIND NAME
  [ "$1" = sqlite ] && return 0
  local i
  for ((i = 0; i < 600; i++)); do
    [ "$(pg_admin -c "SELECT count(*) FROM pg_stat_activity WHERE datname = '$PGPFX$2'")" = 0 ] && return 0
    sleep 0.1
  done
  return 1
}

clone() { # KIND FROM TO  (FROM is a frozen store: nothing is connected to it)
  if [ "$1" = sqlite ]; then
    rm -f "$WORK/sqlite/$3.db" "$WORK/sqlite/$3.db-wal" "$WORK/sqlite/$3.db-shm"
    cp "$WORK/sqlite/$2.db" "$WORK/sqlite/$3.db"
  else
    pg_admin -c "DROP DATABASE IF EXISTS $PGPFX$3 WITH (FORCE)" -c "CREATE DATABASE $PGPFX$3 TEMPLATE $PGPFX$2" >/dev/null
  fi
}

# Makes a store a template: SQLite's WAL checkpointed into the file; PostgreSQL's sessions gone.
freeze() { # KIND NAME
  if [ "$1" = sqlite ]; then
    sqlite3 "$WORK/sqlite/$2.db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null &&
      rm -f "$WORK/sqlite/$2.db-wal" "$WORK/sqlite/$2.db-shm"
  else
    settle "$1" "$2"
  fi
}

kamc() { timeout 300 "$KAM" --log-level warn "$@"; }

# The fingerprint of a store: per table "TABLE HASH ROWS" over its rows normalised and sorted; on
# SQLite first "#integrity RESULT" (PRAGMA integrity_check); on PostgreSQL it first waits (60 s
# at most) until no other session is connected, so the state read is final. One process per
# fingerprint. `dump` writes the same normalised rows to TABLE.txt files, for the evidence. The
# scripts are made once per store kind: the schema is the same throughout.
VOLATILE="('at','until','last_run','seconds','progress_done','progress_total')"
# Job records failed as interrupted by `kam recover` say that nothing was done: not fingerprinted,
# nor (SQLite) the job tables' AUTOINCREMENT counters, which such a record advanced.
JOB_TABLES="('usage_imports','cdr_imports','churn_jobs')"
INTERRUPTED="' WHERE NOT (status = ''failed'' AND message LIKE ''interrupted:%'')'"
# PostgreSQL: per table "TABLE|SELECT of its normalised rows". KEEP: an SQL condition on the
# column c (information_schema.columns) that keeps it in; WITH: a WITH clause KEEP may use.
pg_row_queries() { # NAME [KEEP [WITH]]
  sql postgres "$1" "${3:-} SELECT c.table_name, format('SELECT concat_ws(''|'', %s) AS line FROM public.%I%s',
      string_agg(CASE WHEN c.column_name LIKE '%\\_at' OR c.column_name IN $VOLATILE
        THEN format('(%I IS NULL)::text', c.column_name) ELSE format('quote_nullable(%I)', c.column_name) END,
        ', ' ORDER BY c.ordinal_position), c.table_name,
        CASE WHEN c.table_name IN $JOB_TABLES THEN $INTERRUPTED ELSE '' END)
    FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
    WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND (${2:-true})
    GROUP BY c.table_name ORDER BY c.table_name"
}
# The fingerprint statements ("TABLE HASH ROWS" each) of pg_row_queries' lines on stdin.
pg_fingerprint_lines() {
  awk -F'|' '{ t = $1; q = substr($0, length(t) + 2)
    printf "SELECT '"'"'%s'"'"' || '"'"' '"'"' || md5(coalesce(string_agg(line, E'"'"'\\n'"'"' ORDER BY line COLLATE \"C\"), '"'"''"'"')) || '"'"' '"'"' || count(*) FROM (%s) s;\n", t, q }'
}

make_scripts() { # KIND NAME
  local kind=$1 name=$2
  [ -s "$WORK/fp-$kind.sql" ] && return 0
  if [ "$kind" = sqlite ]; then
    # Per table: its name, then the SELECT of its normalised rows.
    sql sqlite "$name" "SELECT m.name, 'SELECT line FROM (SELECT ' ||
        (SELECT group_concat(e, '||''|''||') FROM (SELECT CASE
           WHEN p.name LIKE '%\\_at' ESCAPE '\\' OR p.name IN $VOLATILE
           THEN '(\"' || p.name || '\" IS NULL)' ELSE 'quote(\"' || p.name || '\")' END AS e
           FROM pragma_table_info(m.name) p ORDER BY p.cid)) ||
        ' AS line FROM \"' || m.name || '\"' || CASE WHEN m.name IN $JOB_TABLES THEN $INTERRUPTED
          WHEN m.name = 'sqlite_sequence' THEN ' WHERE name NOT IN ${JOB_TABLES//\'/\'\'}' ELSE '' END || ') ORDER BY line'
      FROM sqlite_master m WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_stat%' ESCAPE '\\'
        AND m.sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY m.name" >"$WORK/rows-sqlite.txt" || return 1
    {
      echo "SELECT '#integrity ' || group_concat(integrity_check, ';') FROM pragma_integrity_check;"
      awk -F'|' '{ t = $1; q = substr($0, length(t) + 2); gsub(/'"'"'/, "'"''"'", q)
        printf "SELECT '"'"'%s '"'"' || lower(hex(sha3_query('"'"'%s'"'"'))) || '"'"' '"'"' || (SELECT count(*) FROM \"%s\");\n", t, q, t }' \
        "$WORK/rows-sqlite.txt"
    } >"$WORK/fp-sqlite.sql"
    awk -F'|' '{ t = $1; q = substr($0, length(t) + 2); printf ".output %s.txt\n%s;\n", t, q } END { print ".output stdout" }' \
      "$WORK/rows-sqlite.txt" >"$WORK/dump-sqlite.sql"
  else
    pg_row_queries "$name" >"$WORK/rows-postgres.txt" || return 1
    {
      cat <<'EOF'
DO $$
BEGIN
  FOR i IN 1..600 LOOP
    PERFORM pg_stat_clear_snapshot();
    IF NOT EXISTS (SELECT 1 FROM pg_stat_activity
                   WHERE datname = current_database() AND pid <> pg_backend_pid()) THEN
      RETURN;
    END IF;
    PERFORM pg_sleep(0.1);
  END LOOP;
  RAISE EXCEPTION 'another session was still connected after 60 s';
END $$;
EOF
      pg_fingerprint_lines <"$WORK/rows-postgres.txt"
    } >"$WORK/fp-postgres.sql"
    awk -F'|' '{ t = $1; q = substr($0, length(t) + 2)
        printf "\\copy (SELECT line FROM (%s) s ORDER BY line COLLATE \"C\") TO '"'"'%s.txt'"'"'\n", q, t }' \
      "$WORK/rows-postgres.txt" >"$WORK/dump-postgres.sql"
  fi
  [ -s "$WORK/fp-$kind.sql" ]
}

fingerprint() { # KIND NAME FILE
  local kind=$1 name=$2
  make_scripts "$kind" "$name" || return 1
  if [ "$kind" = sqlite ]; then
    timeout 300 sqlite3 -batch -bail "$WORK/sqlite/$name.db" <"$WORK/fp-sqlite.sql" >"$3"
  else
    PGCONNECT_TIMEOUT=10 timeout 300 psql "$(url_of "$kind" "$name")" -v ON_ERROR_STOP=1 -qAt \
      -f "$WORK/fp-postgres.sql" >"$3"
  fi
}

# PostgreSQL only: the fingerprint without the identity values the command hands out, for a
# result that recovery completed after a killed transaction had consumed some. Left out: the
# `id` of each table the command changes (CHANGED, an SQL list) and every column that refers to
# such a table. One script per operation.
loose_fingerprint() { # NAME CHANGED FILE
  local name=$1 changed=$2 script=$WORK/fp-postgres-loose-$OP_NOW.sql
  if [ ! -s "$script" ]; then
    pg_row_queries "$name" "NOT (c.column_name = 'id' AND c.table_name IN $changed)
        AND (c.table_name, c.column_name) NOT IN (SELECT t, col FROM refs)" "WITH refs AS (
        SELECT c.conrelid::regclass::text AS t, a.attname::text AS col FROM pg_constraint c
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
        WHERE c.contype = 'f' AND c.confrelid::regclass::text IN $changed)" |
      pg_fingerprint_lines >"$script" || return 1
  fi
  PGCONNECT_TIMEOUT=10 timeout 300 psql "$(url_of postgres "$name")" -v ON_ERROR_STOP=1 -qAt \
    -f "$script" >"$3"
}

# Whether the PostgreSQL store "work" equals the reference of operation $op but for the identity
# values the command handed out (loose_fingerprint of both). The reference's is made once.
loose_complete() {
  local t changed=''
  for t in "${!SH[@]}"; do [ "${SH[$t]}" = "${RH[$t]-}" ] || changed+="${changed:+,}'$t'"; done
  OP_NOW=$op
  if [ ! -s "$WORK/fp-postgres-$op-RL.sums" ]; then
    loose_fingerprint "ref_$op" "($changed)" "$WORK/fp-postgres-$op-RL.sums" || return 1
  fi
  loose_fingerprint work "($changed)" "$IT/FL.sums" && cmp -s "$WORK/fp-postgres-$op-RL.sums" "$IT/FL.sums"
}

dump() { # KIND NAME DIR
  local kind=$1 name=$2 dir=$3
  mkdir -p "$dir" && make_scripts "$kind" "$name" || return 1
  if [ "$kind" = sqlite ]; then
    (cd "$dir" && timeout 300 sqlite3 -batch -bail "$WORK/sqlite/$name.db" <"$WORK/dump-sqlite.sql")
  else
    (cd "$dir" && PGCONNECT_TIMEOUT=10 timeout 300 psql "$(url_of "$kind" "$name")" -v ON_ERROR_STOP=1 -qAt \
      -f "$WORK/dump-postgres.sql" >/dev/null)
  fi
}

# Compares a fingerprint F with the snapshot's S and the reference's R (load_ref). Sets OUTCOME
# to absent, complete or "partial SIGNATURE". No process is started.
declare -A SH SN RH RN
load_ref() { # S-FILE R-FILE
  local t h n
  SH=() SN=() RH=() RN=()
  while read -r t h n; do [ "${t:0:1}" = "#" ] || { SH[$t]=$h; SN[$t]=$n; }; done <"$1"
  while read -r t h n; do [ "${t:0:1}" = "#" ] || { RH[$t]=$h; RN[$t]=$n; }; done <"$2"
}
classify() { # F-FILE
  local t h n s=0 r=0 x=0 sig='' bad=''
  local -A seen=()
  while read -r t h n; do
    [ "${t:0:1}" = "#" ] && continue
    seen[$t]=1
    if [ "${SH[$t]-}" = "${RH[$t]-}" ]; then
      [ "$h" = "${SH[$t]-}" ] || bad+=" $t=CHANGED[$n; ${SN[$t]-none}]"
    elif [ "$h" = "${SH[$t]-}" ]; then
      s=$((s + 1)) sig+=" $t=S"
    elif [ "$h" = "${RH[$t]-}" ]; then
      r=$((r + 1)) sig+=" $t=R"
    else
      x=$((x + 1)) sig+=" $t=X[$n; ${SN[$t]-0}/${RN[$t]-0}]"
    fi
  done <"$1"
  for t in "${!SH[@]}"; do [ -n "${seen[$t]-}" ] || bad+=" $t=MISSING"; done
  if [ -z "$bad" ] && [ $r = 0 ] && [ $x = 0 ]; then
    OUTCOME=absent
  elif [ -z "$bad" ] && [ $s = 0 ] && [ $x = 0 ]; then
    OUTCOME=complete
  else
    OUTCOME="partial$sig$bad"
  fi
}

# ---------------------------------------------------------------------------------------------
# Inputs, per store kind (both stores' demo data are the same): a usage file and a CDR file for
# month M, for the demo store's members.

make_inputs() { # KIND
  local in=$WORK/in-$1
  mkdir -p "$in"
  sql "$1" base "SELECT number FROM members ORDER BY id" >"$in/numbers.txt" || return 1
  awk -v month="$MONTH" 'BEGIN {
      srand(11); split("58 88 128 188 288", fees, " ")
      print "month,number,bill,package_fee,mou,data_mb,sms,zero_call_days,competitor_calls,arrears,status,min_spend,contract_end,voice_fen,data_fen,discount_fen,service_cost_fen"
    }
    { i = NR - 1; fee = fees[i % 5 + 1]; bill = int(fee * 100 * (0.5 + rand()))
      printf "%s,%s,%.2f,%d,%d,%.1f,%d,%d,%d,%s,%s,%s,%s,%d,%d,%d,%d\n", month, $1, bill / 100, fee,
        int(rand() * 900), rand() * 20000, int(rand() * 60), int(rand() * 4), rand() < 0.02,
        rand() < 0.03 ? sprintf("%.2f", bill / 200) : "0", i % 10 == 9 ? "suspended" : "normal",
        i % 3 == 0 ? sprintf("%.2f", fee * 0.8) : "0", i % 3 == 0 ? "2027-06-30" : "",
        int(bill * 0.35), int(bill * 0.45), int(bill * 0.1), int(bill * 0.2) }' \
    "$in/numbers.txt" >"$in/usage.csv"
  # Calls by mobile members to three numbers each (so pairs reach the stored minimum), 10% on net.
  grep -E '^[0-9]{3,15}$' "$in/numbers.txt" | awk -v month="$MONTH" -v today="$TODAY" 'BEGIN {
      srand(13); split("unicom telecom broadnet", ops, " ")
      print "caller,callee,callee_operator,start_time,duration"
    }
    { num[NR] = $1 }
    END {
      days = today - 1; if (days < 1) days = 1
      for (r = 0; r < 8000; r++) {
        c = num[int(rand() * NR) + 1]; k = int(rand() * 3)
        callee = sprintf("130%08d", (substr(c, 4) * 7 + k * 13) % 100000000)
        op = rand() < 0.1 ? "cmcc" : ops[k + 1]
        printf "%s,%s,%s,%s-%02d %02d:%02d:%02d,%d\n", c, callee, op, month, 1 + int(rand() * days),
          int(rand() * 24), int(rand() * 60), int(rand() * 60), int(rand() * 900)
      }
    }' >"$in/cdr.csv"
}

op_cmd() { # KIND OP URL -> the command's arguments
  case $2 in
    usage) echo "usage import --db $3 $WORK/in-$1/usage.csv" ;;
    cdr) echo "cdr import --db $3 $WORK/in-$1/cdr.csv" ;;
    value) echo "value run --db $3" ;;
    engine) echo "engine run --db $3 --month $MONTH" ;;
  esac
}

# The snapshot of an operation: the store just before the command.
make_snapshot() { # KIND OP
  local kind=$1 op=$2
  case $op in
    usage | cdr) clone "$kind" base "snap_$op" ;;
    value | engine)
      clone "$kind" base "snap_$op" &&
        kamc usage import --no-compute --db "$(url_of "$kind" "snap_$op")" "$WORK/in-$kind/usage.csv" &&
        if [ "$op" = engine ]; then kamc value run --db "$(url_of "$kind" snap_engine)" --month "$MONTH"; fi
      ;;
  esac || return 1
  freeze "$kind" "snap_$op"
}

setup_store() { # KIND
  local kind=$1
  if [ "$kind" = sqlite ]; then
    mkdir -p "$WORK/sqlite"
  else
    pg_admin -c "CREATE DATABASE ${PGPFX}base" >/dev/null || return 1
  fi
  kamc demo-data --db "$(url_of "$kind" base)" --groups "$DEMO_GROUPS" --members "$DEMO_MEMBERS" --seed 7 >/dev/null || return 1
  freeze "$kind" base || return 1
  make_inputs "$kind" || return 1
  [ "$(sql "$kind" base "SELECT count(*) FROM usage_periods WHERE period = $PERIOD")" = 0 ] ||
    { log "the demo store has usage of $MONTH already: pick another KAM_NOW"; return 1; }
  [ "$(sql "$kind" base "SELECT count(*) FROM cdr_months WHERE month = $PERIOD")" = 0 ] ||
    { log "the demo store has CDRs of $MONTH already: pick another KAM_NOW"; return 1; }
}

# ---------------------------------------------------------------------------------------------
# Evidence of a partial state or a failure: the stores, the command, the output and row diffs.

declare -A EV_COUNT SAVED DUR
save_evidence() { # KIND OP ITER DELAY RC OUTCOME
  local kind=$1 op=$2 it=$3 delay=$4 rc=$5 outcome=$6 key t h
  key=$(sed -E 's/\[[^]]*\]//g' <<<"$kind $op $outcome")
  EV_COUNT[$key]=$((${EV_COUNT[$key]:-0} + 1))
  [ "${EV_COUNT[$key]}" -le "$EVIDENCE_MAX" ] || return 0
  local root=$EVIDENCE/$RUN_ID dir=$EVIDENCE/$RUN_ID/$kind-$op-$it
  mkdir -p "$dir/diff" "$root/inputs" || return 0
  if [ -z "${SAVED[$kind $op]:-}" ]; then
    SAVED[$kind $op]=1
    cp "$WORK/in-$kind/usage.csv" "$WORK/in-$kind/cdr.csv" "$root/inputs/" 2>/dev/null
    if [ "$kind" = sqlite ]; then
      cp "$WORK/sqlite/snap_$op.db" "$root/inputs/sqlite-snap_$op.db"
    else
      timeout 300 pg_dump -Fc -f "$root/inputs/postgres-snap_$op.dump" "$(url_of "$kind" "snap_$op")"
    fi
    cp "$WORK/fp-$kind-$op-S.sums" "$root/inputs/$kind-$op-fingerprint-snapshot.txt"
    cp "$WORK/fp-$kind-$op-R.sums" "$root/inputs/$kind-$op-fingerprint-reference.txt"
    dump "$kind" "snap_$op" "$WORK/rows-$kind-$op-S"
    dump "$kind" "ref_$op" "$WORK/rows-$kind-$op-R"
  fi
  {
    echo "store:     $kind"
    echo "operation: $op"
    echo "iteration: $it of run $RUN_ID (seed $SEED)"
    echo "command:   KAM_NOW=$KAM_NOW kam $(op_cmd "$kind" "$op" STORE | sed "s#$WORK/in-$kind/#../inputs/#g")"
    echo "           STORE: a copy of ../inputs/$kind-snap_$op.* (the SQLite file, or pg_restore it into a new database)"
    echo "SIGKILL after $delay ms (the reference run took ${DUR[$op]} ms); the command's exit status: $rc"
    echo "outcome:   $outcome"
    echo
    echo "Tables the command changes: S = as in the snapshot, R = as in the reference (complete) run,"
    echo "X[rows; snapshot/reference rows] = neither. diff/TABLE.vs-snapshot and .vs-reference compare"
    echo "the normalised rows (time columns as their NULL-ness: 0 = set, 1 = NULL)."
    if [ "$kind" = sqlite ]; then
      echo "store-after-kill/: the SQLite files as the kill left them; store-after-migrate/: after kam migrate."
    else
      echo "store-after-migrate.dump: pg_dump -Fc of the database after kam migrate."
    fi
  } >"$dir/README.txt"
  cp "$IT/cmd.out" "$IT/cmd.err" "$IT/migrate.out" "$IT/F.sums" "$dir/" 2>/dev/null
  if [ "$kind" = sqlite ]; then
    mkdir -p "$dir/store-after-kill" "$dir/store-after-migrate"
    cp "$IT/pre/"* "$dir/store-after-kill/" 2>/dev/null
    cp "$WORK/sqlite/work.db"* "$dir/store-after-migrate/" 2>/dev/null
  else
    timeout 300 pg_dump -Fc -f "$dir/store-after-migrate.dump" "$(url_of "$kind" work)" 2>/dev/null
  fi
  # Row diffs of every table whose hash differs from the snapshot's or the reference's.
  if [ -s "$IT/F.sums" ] && dump "$kind" work "$IT/rows"; then
    while read -r t h _; do
      [ "${t:0:1}" = "#" ] && continue
      [ "$h" = "${SH[$t]-}" ] ||
        diff "$WORK/rows-$kind-$op-S/$t.txt" "$IT/rows/$t.txt" 2>&1 | head -300 >"$dir/diff/$t.vs-snapshot"
      [ "$h" = "${RH[$t]-}" ] ||
        diff "$WORK/rows-$kind-$op-R/$t.txt" "$IT/rows/$t.txt" 2>&1 | head -300 >"$dir/diff/$t.vs-reference"
    done <"$IT/F.sums"
  fi
  log "evidence kept in $dir"
}

# ---------------------------------------------------------------------------------------------

prepare_op() { # KIND OP
  local kind=$1 op=$2 a b d1=0 d2=0 changes
  make_snapshot "$kind" "$op" >"$WORK/prep-$kind-$op.log" 2>&1 ||
    { log "$kind $op: cannot make the snapshot:"; cat "$WORK/prep-$kind-$op.log" >&2; return 1; }
  fingerprint "$kind" "snap_$op" "$WORK/fp-$kind-$op-S.sums" ||
    { log "$kind $op: cannot fingerprint the snapshot"; return 1; }
  for a in 1 2; do
    clone "$kind" "snap_$op" "ref_$op" || return 1
    now_ms
    b=$NOW_MS
    # shellcheck disable=SC2046
    kamc $(op_cmd "$kind" "$op" "$(url_of "$kind" "ref_$op")") >"$WORK/ref-$kind.out" 2>&1 ||
      { log "$kind $op: the reference run failed:"; cat "$WORK/ref-$kind.out" >&2; return 1; }
    now_ms
    b=$((NOW_MS - b))
    if [ "$a" = 1 ]; then d1=$b; else d2=$b; fi
    fingerprint "$kind" "ref_$op" "$WORK/fp-$kind-$op-R$a.sums" || return 1
  done
  if ! cmp -s "$WORK/fp-$kind-$op-R1.sums" "$WORK/fp-$kind-$op-R2.sums"; then
    log "$kind $op: two complete runs from the same snapshot differ; the check needs a deterministic command:"
    diff "$WORK/fp-$kind-$op-R1.sums" "$WORK/fp-$kind-$op-R2.sums" >&2
    return 1
  fi
  mv "$WORK/fp-$kind-$op-R1.sums" "$WORK/fp-$kind-$op-R.sums"
  if cmp -s "$WORK/fp-$kind-$op-S.sums" "$WORK/fp-$kind-$op-R.sums"; then
    log "$kind $op: the command changes nothing; nothing to test"
    return 1
  fi
  freeze "$kind" "ref_$op"
  DUR[$op]=$(((d1 + d2) / 2))
  load_ref "$WORK/fp-$kind-$op-S.sums" "$WORK/fp-$kind-$op-R.sums"
  changes=''
  for a in "${!SH[@]}"; do
    [ "${SH[$a]}" = "${RH[$a]-}" ] || changes+=" $a(${SN[$a]}→${RN[$a]-0})"
  done
  log "$kind $op: reference runs ${d1} ms and ${d2} ms; rows of changed tables:$changes"
}

run_op() { # KIND OP RESULTS SIGS
  local kind=$1 op=$2 results=$3 sigs=$4 i d delay rc reason url cmd integrity t0=$EPOCHSECONDS
  local killed=0 ended=0 absent=0 complete=0 partial=0 failed=0 done_n=0 past=0 loose=0
  if ! prepare_op "$kind" "$op"; then
    echo "$kind $op 0 0 0 0 0 0 1 $((EPOCHSECONDS - t0)) -" >>"$results"
    echo "$kind $op FAILURE: preparation failed (see the log)" >>"$sigs"
    return
  fi
  d=${MAX_DELAY:-${DUR[$op]}}
  url=$(url_of "$kind" work)
  cmd=$(op_cmd "$kind" "$op" "$url")
  for ((i = 1; i <= ITER; i++)); do
    if [ "$EPOCHSECONDS" -ge "$DEADLINE" ]; then
      : >"$WORK/timed-out"
      log "$kind: overall timeout ($TIMEOUT_MIN min) reached: stopping"
      break
    fi
    rm -rf "$IT" && mkdir -p "$IT/pre"
    reason='' OUTCOME='' rc=-
    delay=$(((RANDOM * 32768 + RANDOM) % (d + 1)))
    if ! clone "$kind" "snap_$op" work; then
      reason="cannot restore the snapshot"
    else
      # shellcheck disable=SC2086
      "$KAM" --log-level warn $cmd >"$IT/cmd.out" 2>"$IT/cmd.err" &
      CHILD=$!
      sleep_ms "$delay"
      kill -KILL "$CHILD" 2>/dev/null
      { wait "$CHILD"; } 2>/dev/null
      rc=$?
      CHILD=''
      case $rc in
        137) killed=$((killed + 1)) ;;
        0) ended=$((ended + 1)) ;;
        *) reason="the command failed by itself (exit $rc)" ;;
      esac
      [ "$kind" = sqlite ] && cp "$WORK/sqlite/work.db"* "$IT/pre/" 2>/dev/null
      if ! timeout 120 "$KAM" --log-level warn migrate --db "$url" >"$IT/migrate.out" 2>&1; then
        reason="${reason:+$reason; }kam migrate failed after the kill"
      elif ! timeout 300 "$KAM" --log-level warn recover --db "$url" >"$IT/recover.out" 2>&1; then
        reason="${reason:+$reason; }kam recover failed after the kill: $(tail -c 300 "$IT/recover.out")"
      elif ! fingerprint "$kind" work "$IT/F.sums" 2>"$IT/fp.err"; then
        reason="${reason:+$reason; }cannot read the store after the kill: $(head -c 300 "$IT/fp.err")"
      else
        if [ "$kind" = sqlite ]; then
          read -r _ integrity <"$IT/F.sums"
          [ "$integrity" = ok ] || reason="${reason:+$reason; }PRAGMA integrity_check: $integrity"
        fi
        classify "$IT/F.sums"
        if [ "$kind" = postgres ] && [ "${OUTCOME%% *}" = partial ] && loose_complete; then
          OUTCOME=complete loose=$((loose + 1))
        fi
        if [ "$rc" = 0 ] && [ "$OUTCOME" != complete ]; then
          reason="${reason:+$reason; }the command ended with status 0 but its result is not complete"
        fi
      fi
    fi
    if [ -n "$reason" ]; then
      failed=$((failed + 1))
      log "$kind $op #$i (kill after $delay ms, exit $rc): FAILURE: $reason${OUTCOME:+ — state: $OUTCOME}"
      echo "$kind $op FAILURE: $reason${OUTCOME:+ — $OUTCOME}" >>"$sigs"
      [ -f "$IT/F.sums" ] || : >"$IT/F.sums"
      save_evidence "$kind" "$op" "$i" "$delay" "$rc" "FAILURE: $reason${OUTCOME:+ — $OUTCOME}"
    else
      case $OUTCOME in
        absent) absent=$((absent + 1)) ;;
        complete) complete=$((complete + 1)) ;;
        *)
          partial=$((partial + 1))
          log "$kind $op #$i (kill after $delay ms): PARTIAL:${OUTCOME#partial}"
          echo "$kind $op $OUTCOME" >>"$sigs"
          save_evidence "$kind" "$op" "$i" "$delay" "$rc" "$OUTCOME"
          ;;
      esac
    fi
    done_n=$i
    # Kills past the command's end (it had ended, or its result was complete) in this window.
    if [ "$rc" = 0 ] || [ "$OUTCOME" = complete ]; then past=$((past + 1)); fi
    if ((i % 10 == 0)); then
      log "$kind $op: $i/$ITER — absent $absent, complete $complete, partial $partial, failures $failed"
      # The machine's load changes, and with it the command's duration: keep the delays
      # spanning the whole run, its last commit included (1 to 6 of 10 kills past the end).
      if [ -z "$MAX_DELAY" ]; then
        if [ "$past" = 0 ] && [ "$d" -lt $((DUR[$op] * 20)) ]; then
          d=$((d * 3 / 2))
          log "$kind $op: no kill of the last 10 came after the end: delays now up to $d ms"
        elif [ "$past" -ge 7 ] && [ "$d" -gt 50 ]; then
          d=$((d * 2 / 3))
          log "$kind $op: $past kills of the last 10 came after the end: delays now up to $d ms"
        fi
      fi
      past=0
    fi
  done
  [ "$loose" = 0 ] || log "$kind $op: $loose of the $complete complete results hold other identity values than the reference (a killed transaction had consumed some)"
  echo "$kind $op $done_n $killed $ended $absent $complete $partial $failed $((EPOCHSECONDS - t0)) ${DUR[$op]}/$d" >>"$results"
  # The operation's stores are not needed any more (its evidence is kept).
  if [ "$kind" = sqlite ]; then
    rm -f "$WORK/sqlite/snap_$op.db" "$WORK/sqlite/ref_$op.db"*
  else
    pg_admin -c "DROP DATABASE IF EXISTS ${PGPFX}snap_$op WITH (FORCE)" \
      -c "DROP DATABASE IF EXISTS ${PGPFX}ref_$op WITH (FORCE)" >/dev/null 2>&1
  fi
}

# One store kind: setup, then every operation. Writes $WORK/results-KIND and $WORK/sigs-KIND.
run_store() { # KIND INDEX
  local kind=$1 ts=$EPOCHSECONDS op
  local results=$WORK/results-$kind sigs=$WORK/sigs-$kind
  IT=$WORK/it-$kind # the current iteration's files
  RANDOM=$((SEED + $2))
  : >"$results"
  : >"$sigs"
  if [ "$kind" = postgres ] && [ -z "$PG_URL" ]; then
    # A throw-away server; cleanup (in the main shell) stops it.
    if PG_URL=$("$ROOT/scripts/pg-temp.sh" start "$WORK/pg" "$PG_PORT" 2>"$WORK/pg-start.log"); then
      log "postgres: throw-away server on port $PG_PORT started in $((EPOCHSECONDS - ts)) s"
    else
      log "postgres: cannot start a server on port $PG_PORT:"
      cat "$WORK/pg-start.log" "$WORK/pg/initdb.log" "$WORK/pg/server.log" >&2 2>/dev/null
      for op in "${OP_LIST[@]}"; do echo "$kind $op 0 0 0 0 0 0 1 $((EPOCHSECONDS - ts)) -" >>"$results"; done
      echo "$kind setup FAILURE: no PostgreSQL server" >>"$sigs"
      return
    fi
  fi
  if ! setup_store "$kind" >"$WORK/setup-$kind.log" 2>&1; then
    log "$kind: setup failed:"
    cat "$WORK/setup-$kind.log" >&2
    for op in "${OP_LIST[@]}"; do echo "$kind $op 0 0 0 0 0 0 1 $((EPOCHSECONDS - ts)) -" >>"$results"; done
    echo "$kind setup FAILURE: the demo store could not be made (see the log)" >>"$sigs"
    return
  fi
  log "$kind: demo store ready in $((EPOCHSECONDS - ts)) s"
  for op in "${OP_LIST[@]}"; do
    [ -e "$WORK/timed-out" ] && break
    run_op "$kind" "$op" "$results" "$sigs"
  done
}

log "kam $KAM, KAM_NOW $KAM_NOW (month $MONTH), seed $SEED, $ITER iteration(s) of $OPS on ${STORE_LIST[*]}; work in $WORK"
idx=0
for kind in "${STORE_LIST[@]}"; do
  idx=$((idx + 1))
  if [ "$SERIAL" = 1 ] || [ ${#STORE_LIST[@]} = 1 ]; then
    run_store "$kind" "$idx"
  else
    (
      trap - EXIT INT
      trap 'if [ -n "$CHILD" ]; then kill -KILL "$CHILD" 2>/dev/null; fi; exit 143' TERM
      run_store "$kind" "$idx"
    ) &
    JOBS+=($!)
  fi
done
for p in "${JOBS[@]}"; do wait "$p"; done
JOBS=()

echo
echo "crash loop $(date -u +%Y-%m-%dT%H:%M:%SZ): kam $KAM, KAM_NOW $KAM_NOW, seed $SEED, $ITER iteration(s)"
cat "$WORK"/results-* | awk '
  BEGIN { printf "%-9s %-7s %6s %7s %6s %7s %9s %8s %9s %7s %11s\n", "store", "op", "iters", "killed", "ended", "absent", "complete", "partial", "failures", "time_s", "D_ms" }
  { printf "%-9s %-7s %6d %7d %6d %7d %9d %8d %9d %7d %11s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11
    for (i = 3; i <= 9; i++) sum[i] += $i }
  END { printf "%-9s %-7s %6d %7d %6d %7d %9d %8d %9d\n", "all", "", sum[3], sum[4], sum[5], sum[6], sum[7], sum[8], sum[9] }'
echo "(killed: the SIGKILL hit a running kam; ended: kam had finished before the kill, so its result"
echo " had to be complete; D_ms: the upper bound of the random delay, first/last: it starts at the"
echo " reference runs' mean wall time and follows the command's duration as the machine's load changes)"
STATUS=0
# Any partial state or failure in the counts, or any line in the signature files, fails the run.
if [ "$(cat "$WORK"/results-* | awk '{ n += $8 + $9 } END { print n + 0 }')" != 0 ]; then STATUS=1; fi
if grep -q . "$WORK"/sigs-* 2>/dev/null; then # (not cat | grep -q: with pipefail, cat's SIGPIPE)
  STATUS=1
  echo
  echo "partial states and failures (count, store, operation, signature):"
  cat "$WORK"/sigs-* | sed -E 's/\[[^]]*\]//g' | sort | uniq -c | sort -rn
  [ -d "$EVIDENCE/$RUN_ID" ] && echo "evidence (at most $EVIDENCE_MAX of each): $EVIDENCE/$RUN_ID"
fi
echo "total time: $((EPOCHSECONDS - T0)) s"
if [ -e "$WORK/timed-out" ]; then
  echo "result: STOPPED by the overall timeout ($TIMEOUT_MIN min)"
  exit 3
fi
if [ "$STATUS" = 0 ]; then echo "result: OK — every kill left the store absent or complete"; else echo "result: FAILED"; fi
exit "$STATUS"
}
