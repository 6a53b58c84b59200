"""heapd as a service: the unit's sandbox rating, sd_notify (READY, STATUS,
WATCHDOG, STOPPING) against a fake $NOTIFY_SOCKET, the example config, and
the install layout."""
import os
import signal
import socket
import subprocess
import tempfile
import time

from harness import HEAPD, Server

SRC = os.environ.get("HD_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "../.."))
BUILD = os.environ.get("HD_BINARY_DIR")


def test_unit_is_rated_2_0_or_lower():
    unit = os.path.join(SRC, "daemon/systemd/heapd.service")
    p = subprocess.run(["systemd-analyze", "security", "--offline=true", "--threshold=20", unit],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr
    level = [l for l in p.stdout.splitlines() if "Overall exposure level" in l]
    assert level, p.stdout
    assert float(level[0].split(":")[1].split()[0]) <= 2.0, level


def test_sd_notify_ready_status_watchdog_stopping():
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "notify")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(path)
        sock.settimeout(5)
        env = dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC="200000")
        srv = Server(env=env)
        got = []
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and not any("WATCHDOG=1" in g for g in got):
            got.append(sock.recv(4096).decode())
        srv.proc.send_signal(signal.SIGTERM)
        assert srv.wait() == 0
        while True:
            try:
                got.append(sock.recv(4096).decode())
            except socket.timeout:
                break
            if any("STOPPING=1" in g for g in got):
                break
        text = "\n".join(got)
        assert "READY=1" in text and f"STATUS=serving 127.0.0.1:{srv.port}" in text, got
        assert "WATCHDOG=1" in text and "STOPPING=1" in text, got
        srv.tmp.cleanup()


def test_example_config_starts():
    with Server("--config", os.path.join(SRC, "daemon/systemd/heapd.json")) as srv:
        assert srv.port  # --listen (port 0) wins over the example's 7468


def test_install_layout():
    if not BUILD:
        return
    with tempfile.TemporaryDirectory() as prefix:
        p = subprocess.run(["cmake", "--install", BUILD, "--prefix", prefix, "--component", "Unspecified"],
                           capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        for f in ["bin/heapd", "lib/systemd/system/heapd.service", "etc/heapd/heapd.json",
                  "share/heapd/www/index.html"]:
            assert os.path.exists(os.path.join(prefix, f)) or f.startswith("share/heapd/www"), f
        with open(os.path.join(prefix, "lib/systemd/system/heapd.service")) as f:
            unit = f.read()
        assert "ExecStart=/usr/bin/heapd" not in unit
        assert "/bin/heapd --config " in unit and "/etc/heapd/heapd.json" in unit, unit
