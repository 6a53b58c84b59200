"""ab.py: heapd's load figures for several builds, runs alternating, medians.

    /usr/bin/python3 tests/load/ab.py [--rounds 5] [--seconds 3] [--rt]
        [--connections 1] [--pipeline 16] [--methods server.info,obj.new]
        [--redis] LABEL=BUILD_DIR ...

Each round starts every build's heapd in turn and runs heapd-load against
it once per method (each build with its own heapd-load), so that the load
of a shared machine falls on every build alike; the figures are the
medians over the rounds, with heapd's CPU (% of one core) beside them. With
--redis, redis-benchmark SET with the same connections and pipeline runs in
every round too: the anchor of the same run. --rt runs heapd, heapd-load
and Redis under SCHED_FIFO (chrt -f 10; needs root): other work on the
machine then no longer preempts them, which takes most of the noise out of
a shared machine (say which you quote). Prints figures; not a test.
"""
import argparse
import os
import re
import signal
import statistics
import subprocess
import time


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def start_heapd(pre, build):
    p = subprocess.Popen(pre + [os.path.join(build, "daemon/server/heapd"), "--listen",
                                "127.0.0.1:0", "--log-level", "notice"],
                         stderr=subprocess.PIPE, text=True)
    for line in p.stderr:
        m = re.search(r"listening on http://[^ ]*:(\d+)/", line)
        if m:
            p.stderr.close()
            return p, int(m.group(1))
    raise SystemExit(f"{build}: heapd did not start")


def run_load(pre, build, port, args, method):
    cmd = pre + [os.path.join(build, "tests/load/heapd-load"), "--port", str(port),
                 "--connections", str(args.connections), "--pipeline", str(args.pipeline),
                 "--duration", str(args.seconds), "--method", method]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def redis_round(pre, args, port):
    n = max(200000, int(args.seconds * 300000))
    cmd = pre + ["redis-benchmark", "-p", str(port), "-t", "set", "-c", str(args.connections),
                 "-P", str(args.pipeline), "-n", str(n), "-q"]
    out = subprocess.run(cmd, capture_output=True, text=True).stdout.replace("\r", "\n")
    m = re.findall(r"SET: ([0-9.]+) requests per second", out)
    return float(m[-1]) if m else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=3)
    ap.add_argument("--connections", type=int, default=1)
    ap.add_argument("--pipeline", type=int, default=16)
    ap.add_argument("--methods", default="server.info,obj.new,obj.set,gc.get")
    ap.add_argument("--rt", action="store_true")
    ap.add_argument("--redis", action="store_true")
    ap.add_argument("builds", nargs="+", metavar="LABEL=BUILD_DIR")
    args = ap.parse_args()
    builds = [b.split("=", 1) for b in args.builds]
    methods = args.methods.split(",")
    pre = ["chrt", "-f", "10"] if args.rt else []
    figures, anchor, tick = {}, [], os.sysconf("SC_CLK_TCK")
    redis = None
    if args.redis:
        rport = 27000 + os.getpid() % 1000
        redis = subprocess.Popen(pre + ["redis-server", "--port", str(rport), "--save", "",
                                        "--appendonly", "no"], stdout=subprocess.DEVNULL)
        time.sleep(0.5)
    try:
        for _ in range(args.rounds):
            for label, build in builds:
                heapd, port = start_heapd(pre, build)
                try:
                    for m in methods:
                        c0, t0 = cpu_ticks(heapd.pid), time.monotonic()
                        out = run_load(pre, build, port, args, m)
                        cpu = 100 * (cpu_ticks(heapd.pid) - c0) / tick / (time.monotonic() - t0)
                        f = re.search(r"([0-9]+) requests/s, latency p50 ([0-9]+) us, "
                                      r"p99 ([0-9]+) us", out)
                        if not f:
                            raise SystemExit(f"{label} {m}: {out}")
                        figures.setdefault((m, label), []).append(
                            [int(x) for x in f.groups()] + [cpu])
                finally:
                    heapd.send_signal(signal.SIGTERM)
                    heapd.wait()
            if redis:
                r = redis_round(pre, args, rport)
                if r:
                    anchor.append(r)
    finally:
        if redis:
            redis.terminate()
            redis.wait()
    print(f"{args.connections} connection(s), pipeline {args.pipeline}, {args.rounds} rounds of "
          f"{args.seconds} s{', SCHED_FIFO' if args.rt else ''}; medians "
          f"(requests/s, p50, p99, heapd CPU), then every round's requests/s")
    for m in methods:
        for label, _ in builds:
            v = figures[(m, label)]
            med = [statistics.median(x[i] for x in v) for i in range(4)]
            print(f"{m:12} {label:10} {med[0]:9,.0f}/s  p50 {med[1]:5.0f} us  p99 {med[2]:6.0f} us"
                  f"  CPU {med[3]:3.0f}%   {sorted(x[0] for x in v)}")
    if anchor:
        print(f"Redis SET (same rounds): {statistics.median(anchor):9,.0f}/s   "
              f"{sorted(round(a) for a in anchor)}")


if __name__ == "__main__":
    main()
