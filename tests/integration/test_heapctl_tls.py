"""test_heapctl_tls.py: heapctl over wss://. heapd itself speaks plain
HTTP; in production TLS is a reverse proxy's job, so the test puts a small
TLS-terminating proxy (Python's ssl, a self-signed certificate made with
openssl) in front of a real heapd and checks that heapctl refuses the
unknown certificate by default and works with --insecure."""
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading

from harness import Server
from heapctl_util import ctl


def _pipe(a, b):
    try:
        while True:
            data = a.recv(65536)
            if not data:
                break
            b.sendall(data)
    except OSError:
        pass
    finally:
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class TlsProxy:
    """Accepts TLS on 127.0.0.1:port and forwards the plain bytes to target_port."""

    def __init__(self, target_port, certfile, keyfile):
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(certfile, keyfile)
        self.ctx.set_alpn_protocols(["http/1.1"])
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.target = target_port
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                raw, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._one, args=(raw,), daemon=True).start()

    def _one(self, raw):
        try:
            tls = self.ctx.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError):
            raw.close()
            return
        up = socket.create_connection(("127.0.0.1", self.target))
        threading.Thread(target=_pipe, args=(up, tls), daemon=True).start()
        _pipe(tls, up)

    def close(self):
        self.sock.close()


def test_wss_through_a_tls_proxy():
    assert shutil.which("openssl"), "openssl is needed to make a test certificate"
    # heapd checks the Host header; behind the proxy it reads localhost:PROXYPORT,
    # a name heapd accepts once told (--server-name), as behind any proxy.
    with Server("--server-name", "localhost") as s, tempfile.TemporaryDirectory() as tmp:
        cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=localhost", "-keyout", key, "-out", cert],
                       check=True, capture_output=True, timeout=60)
        proxy = TlsProxy(s.port, cert, key)
        try:
            url = f"wss://localhost:{proxy.port}/ws"
            r = ctl(None, "--timeout", "5", "heaps", url=url)
            assert r.returncode == 3, r  # a self-signed certificate is refused by default
            assert "cannot connect" in r.stderr and url in r.stderr, r.stderr
            assert "TLS handshake failed" in r.stderr and "--insecure" in r.stderr, r.stderr
            # OpenSSL's own reason (X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT's text)
            assert "the server's certificate was refused (self" in r.stderr, r.stderr
            r = ctl(None, "--timeout", "5", "--insecure", "create", "tls", url=url)
            assert r.returncode == 0, r
            r = ctl(None, "--timeout", "5", "--insecure", "--json", "heaps", url=url)
            assert r.returncode == 0 and '"heap":"tls"' in r.stdout, r
        finally:
            proxy.close()


def test_wss_to_a_plain_heapd_says_it_does_not_speak_tls():
    """heapd serves ws:// itself: wss:// straight at it fails before any
    certificate, and heapctl says so rather than blaming a certificate."""
    with Server() as s:
        url = f"wss://127.0.0.1:{s.port}/ws"
        r = ctl(None, "--timeout", "5", "heaps", url=url)
        assert r.returncode == 3, r
        assert f"cannot connect to heapd at {url}" in r.stderr, r.stderr
        assert "before any certificate came" in r.stderr and "does the server speak TLS?" in r.stderr, r.stderr
        assert "certificate was refused" not in r.stderr and "--insecure" not in r.stderr, r.stderr
