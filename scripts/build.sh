#!/usr/bin/env bash
# Configures and builds KAM in Release (build/) and the web front end (web/dist).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-Release} ${CMAKE_ARGS:-} >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)"
if [ -f web/package.json ] && [ "${SKIP_WEB:-0}" != 1 ]; then
  # The web's API types are generated from this build's OpenAPI description (git-ignored).
  mkdir -p web/src/api/generated
  "$BUILD_DIR/kam" openapi >web/src/api/generated/openapi.json.tmp
  mv web/src/api/generated/openapi.json.tmp web/src/api/generated/openapi.json
  (cd web && npm run -s build)
fi
