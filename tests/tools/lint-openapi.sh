#!/usr/bin/env bash
# Lints the generated OpenAPI document with Redocly CLI (npm, installed by scripts/setup.sh).
set -euo pipefail
KAM=${1:-build/kam}
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
"$KAM" openapi > "$OUT/openapi.json"
cd "$HERE"
./node_modules/.bin/redocly lint --config redocly.yaml "$OUT/openapi.json"
