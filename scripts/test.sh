#!/usr/bin/env bash
# Runs every test: unit, store and API tests on SQLite and on a throw-away PostgreSQL server,
# the OpenAPI lint and the browser tests. Called by `make test` after setup and build.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD_DIR=${BUILD_DIR:-build}

PGTMP=$(mktemp -d /tmp/kam-pg.XXXXXX)
chmod 755 "$PGTMP"
PGPORT=${KAM_TEST_PG_PORT:-$(( 20000 + RANDOM % 20000 ))}
cleanup() { "$ROOT/scripts/pg-temp.sh" stop "$PGTMP/pg" || true; rm -rf "$PGTMP"; }
trap cleanup EXIT
echo "test: starting PostgreSQL on 127.0.0.1:$PGPORT"
KAM_TEST_PG_URL=$(./scripts/pg-temp.sh start "$PGTMP/pg" "$PGPORT")
export KAM_TEST_PG_URL

export KAM_REQUIRE_PG=1
(cd "$BUILD_DIR" && ctest --output-on-failure --timeout 900 "$@")

# The same unit, store and SQLite API tests under AddressSanitizer + UndefinedBehaviorSanitizer
# (the fuzz targets have sanitizers of their own; the crash loop kills its processes anyway).
if [ "${KAM_SKIP_SANITIZERS:-0}" != 1 ]; then
  echo "test: sanitizer build (ASan + UBSan)"
  # -O1 as the sanitizers' documentation advises; -g1 (line tables) keeps the stack traces
  # readable without -O2 -g's variable tracking, which compiled the big schema files twice.
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKAM_SANITIZE=ON \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" >/dev/null
  cmake --build build-asan -j"$(nproc)" --target kam kam_unit_tests kam_store_tests
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  (cd build-asan && ctest --output-on-failure --timeout 900 -E 'e2e_browser|web_unit|openapi_lint|api_postgres|api_sqlite_|fuzz_smoke|crash_quick')
fi
