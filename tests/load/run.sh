#!/usr/bin/env bash
# run.sh: heapd's load figures side by side with Redis's, in one run.
#   bash tests/load/run.sh [BUILD_DIR] [SECONDS]
# BUILD_DIR holds a build of heapd and heapd-load (a Release build gives the
# fair figures: cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=Release). Redis is
# the anchor when redis-server and redis-benchmark are installed (Debian:
# redis-server, redis-tools). Each heapd line ends with the CPU both sides
# used (heapd and heapd-load, in % of one core), since both run on the same
# machine. HD_LOAD_RT=1 runs heapd, heapd-load and Redis under SCHED_FIFO
# (chrt -f 10, needs root), so that other work on a shared machine does not
# preempt them. For instructions per request, see callgrind.sh; for builds
# compared in alternating runs with medians, ab.py. Prints figures; not a
# test.
set -euo pipefail
build=${1:-build}
secs=${2:-5}
heapd=$build/daemon/server/heapd
load=$build/tests/load/heapd-load
port=${HD_LOAD_PORT:-17468} # another port when 17468 and 17469 are taken
rt=()
[ "${HD_LOAD_RT:-0}" = 1 ] && rt=(chrt -f 10)
"${rt[@]}" $heapd --listen 127.0.0.1:$port --log-level warn &
heapd_pid=$!
trap 'kill $heapd_pid 2>/dev/null; [ -n "${redis_pid:-}" ] && kill $redis_pid 2>/dev/null; true' EXIT
sleep 0.5
tick=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
measure() {
    local c0 t0 out c1 t1
    c0=$(cpu $heapd_pid)
    t0=$(date +%s.%N)
    out=$( { /usr/bin/time -f "%U %S" "${rt[@]}" "$load" --port $port --duration "$secs" "$@"; } 2>&1)
    c1=$(cpu $heapd_pid)
    t1=$(date +%s.%N)
    echo "$out" | head -n 1 | tr -d '\n'
    echo "$out" | tail -n 1 | awk -v c="$((c1 - c0))" -v tk="$tick" -v t="$(echo "$t1 - $t0" | bc)" \
        '{printf "; CPU: heapd %.0f%%, heapd-load %.0f%%\n", 100 * c / tk / t, 100 * ($1 + $2) / t}'
}
echo "== heapd ($(nproc) cores, load generator on the same machine)"
for m in server.info obj.new obj.set gc.get; do
    measure --connections 1 --pipeline 16 --method $m
done
for m in server.info obj.new obj.set gc.get mix; do
    measure --connections 50 --pipeline 1 --method $m
done
if command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null; then
    echo "== Redis $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/'), the anchor"
    "${rt[@]}" redis-server --port $((port + 1)) --save "" --appendonly no >/dev/null &
    redis_pid=$!
    sleep 0.5
    "${rt[@]}" redis-benchmark -p $((port + 1)) -t set -c 1 -P 16 -n 2000000 -q | tr '\r' '\n' | tail -n 2
    "${rt[@]}" redis-benchmark -p $((port + 1)) -t set -c 50 -n 500000 -q | tr '\r' '\n' | tail -n 2
    "${rt[@]}" redis-benchmark -p $((port + 1)) -t set -c 50 -P 16 -n 2000000 -q | tr '\r' '\n' | tail -n 2
fi
