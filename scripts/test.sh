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

cd "$BUILD_DIR"
export KAM_REQUIRE_PG=1
ctest --output-on-failure --timeout 900 "$@"
