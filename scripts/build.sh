#!/usr/bin/env bash
# Configures and builds KAM in Release (build/) and the web front end (web/dist).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-Release} ${CMAKE_ARGS:-} >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)"
if [ -f web/package.json ] && [ "${SKIP_WEB:-0}" != 1 ]; then
  (cd web && npm run -s build)
fi
