#!/usr/bin/env bash
# Browser tests of the web workspace: a temporary demo store, a real `kam serve` on a loopback
# port serving web/dist, and node's test runner driving Debian's chromium through playwright-core.
#   tests/e2e/run.sh KAM_BINARY [TEST_FILE...]   (default: every tests/e2e/*.test.mjs)
# Screenshots go to tests/e2e/artifacts/ (git-ignored).
set -euo pipefail
KAM=${1:?usage: tests/e2e/run.sh KAM_BINARY}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
if [ ! -f "$ROOT/web/dist/index.html" ]; then
  echo "e2e: web/dist is not built (scripts/build.sh builds kam, generates the API types and builds the web)" >&2
  exit 1
fi
if [ ! -d "$ROOT/web/node_modules/playwright-core" ]; then
  echo "e2e: web/node_modules is missing (scripts/setup.sh runs npm ci)" >&2
  exit 1
fi

# The demo data and the server run at a fixed instant (tests/CMakeLists.txt sets it under ctest).
export KAM_NOW=${KAM_NOW:-2026-11-24T08:00:00+08:00}
TMP=$(mktemp -d /tmp/kam-e2e.XXXXXX)
PID=
cleanup() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT

"$KAM" demo-data --db "sqlite:$TMP/kam.db" --groups 250 --members 12500 --seed 7 >"$TMP/demo.log"
"$KAM" serve --db "sqlite:$TMP/kam.db" --listen 127.0.0.1:0 --web "$ROOT/web/dist" --log-level warn \
  >"$TMP/serve.out" 2>"$TMP/serve.err" &
PID=$!
URL=
for _ in $(seq 1 200); do
  URL=$(grep -o 'listening on http://[0-9.:]*' "$TMP/serve.out" 2>/dev/null | head -1 | sed 's/listening on //') || true
  [ -n "$URL" ] && break
  kill -0 "$PID" 2>/dev/null || { echo "e2e: kam serve exited:" >&2; cat "$TMP/serve.err" >&2; exit 1; }
  sleep 0.1
done
[ -n "$URL" ] || { echo "e2e: kam serve did not start" >&2; cat "$TMP/serve.err" >&2; exit 1; }
echo "e2e: kam serve at $URL"

rc=0
FILES=("${@:2}")
[ ${#FILES[@]} -gt 0 ] || FILES=("$ROOT/tests/e2e/")
KAM_E2E_URL=$URL node --test --test-concurrency=1 --test-timeout=180000 "${FILES[@]}" || rc=$?
if [ $rc -ne 0 ]; then
  echo "e2e: server log (last lines):" >&2
  tail -20 "$TMP/serve.err" >&2 || true
fi
exit $rc
