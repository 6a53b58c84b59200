#!/usr/bin/env bash
# callgrind.sh: heapd's instructions per request under a pipelined load,
# counted by callgrind (a figure that does not move with the machine's load,
# unlike requests/s on a shared machine).
#   bash tests/load/callgrind.sh [BUILD_DIR] [METHOD] [SECONDS]
# Counting starts after heapd has started (startup is not counted); the
# requests are read from heapd's /metrics. Prints figures; not a test.
set -euo pipefail
build=${1:-build}
method=${2:-server.info}
secs=${3:-4}
heapd=$build/daemon/server/heapd
load=${HD_LOAD:-$build/tests/load/heapd-load} # HD_LOAD: another build's heapd-load
port=${HD_LOAD_PORT:-17469}
out=$(mktemp -d)
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out/cg.out" \
    "$heapd" --listen 127.0.0.1:$port --log-level warn 2>"$out/vg.log" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done
requests() { curl -sf "http://127.0.0.1:$port/metrics" | awk '/^heapd_requests_total/ {print $2}'; }
callgrind_control -i on $pid >/dev/null
r0=$(requests)
"$load" --port $port --connections 1 --pipeline 16 --duration "$secs" --method "$method" >/dev/null
r1=$(requests)
callgrind_control -i off $pid >/dev/null
kill -TERM $pid
wait $pid || true
trap - EXIT
ir=$(callgrind_annotate "$out/cg.out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
n=$((r1 - r0))
echo "$method: $n requests, $ir instructions in heapd: $((ir / n)) per request"
echo "profile: $out/cg.out (callgrind_annotate --inclusive=yes $out/cg.out)"
