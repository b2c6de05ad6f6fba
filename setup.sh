#!/usr/bin/env bash
# Installs every Debian package goatherd needs (only when something is missing) and builds it.
# Idempotent: run it again after pulling. Usage: ./setup.sh [Release|RelWithDebInfo|Debug]
set -euo pipefail
cd "$(dirname "$0")"

packages=(
  build-essential cmake pkg-config git ca-certificates
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  rapidjson-dev libsqlite3-dev sqlite3 libssl-dev libcurl4-openssl-dev libpq-dev libjemalloc-dev
  libspdlog-dev libcli11-dev libhowardhinnant-date-dev tzdata
  libgtest-dev libgmock-dev libbenchmark-dev
  wrk curl python3
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
sudo_cmd=()
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Node.js runs the OpenAPI validator in the tests; the machine image may bring its own build.
if ! command -v npm >/dev/null 2>&1; then
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends nodejs npm
fi

build_type=${1:-${GOATHERD_BUILD_TYPE:-RelWithDebInfo}}
cmake -S . -B build -DCMAKE_BUILD_TYPE="$build_type" >/dev/null
cmake --build build -j"$(nproc)"
echo "setup: built build/src/goatherd"
