#!/usr/bin/env bash
# Installs everything KAM needs on a fresh Debian 12 machine: only what is missing.
# Debian packages for C++ (apt-get, as root), npm packages for the web front end.
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(build-essential cmake ninja-build pkg-config git curl clang-format clang libclang-rt-14-dev
  libboost-dev nlohmann-json3-dev libsqlite3-dev sqlite3 libpq-dev libargon2-dev libssl-dev
  libjemalloc-dev libabsl-dev libzstd-dev libxlsxwriter-dev libspdlog-dev libfmt-dev libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev libxgboost-dev
  postgresql-15 postgresql-contrib wrk chromium fonts-noto-cjk unzip)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js 20 comes with this machine kind; install Debian's only where there is none.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Test tools (OpenAPI linter), from their committed lock file.
if [ ! -d tests/tools/node_modules ] || [ tests/tools/package-lock.json -nt tests/tools/node_modules/.package-lock.json ]; then
  (cd tests/tools && npm ci --no-audit --no-fund --loglevel=error)
fi

# Web front end (issue 4): installed from the committed lock file, built into web/dist.
if [ -f web/package.json ]; then
  if [ ! -d web/node_modules ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
    (cd web && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
