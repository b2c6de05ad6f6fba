#!/usr/bin/env bash
# Runs every test: sets up and builds (./setup.sh, a no-op when nothing changed), then CTest runs
# the unit tests beside the code and the black-box tests that drive the real binary over HTTP.
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh
ctest --test-dir build --output-on-failure -j"$(nproc)" "$@"
