#!/usr/bin/env bash
# test.sh: installs what is needed, builds heapd and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/deps.sh
cmake -S . -B build -DHD_WERROR=ON
cmake --build build -j2
ctest --test-dir build -j2 --output-on-failure
