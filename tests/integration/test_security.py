"""Roles and tokens (header and session.auth, SIGHUP reload), loopback-only
without a token file, Host and Origin checks answering a real HTTP 403."""
import signal

import websockets

from harness import Client, RawWs, Server, http_get

TOKENS = "# test tokens\nread r-token-123\nwrite w-token-456\nadmin a-token-789\n"


async def test_roles_by_header_and_by_session_auth():
    with Server(token_file=TOKENS) as srv:
        async with await Client.connect(srv) as c:
            assert (await c.call("server.info"))["role"] == "none"
            await c.error("heap.list", code=-32001)
            await c.error("session.auth", {"token": "wrong"}, -32001)
            assert (await c.call("server.info"))["role"] == "none"  # a failed auth changes nothing
            assert (await c.call("session.auth", {"token": "r-token-123"}))["role"] == "read"
            await c.call("heap.list")
            await c.error("heap.create", {"heap": "x"}, -32002)
            await c.call("stream.subscribe", {"topics": ["heap"]})
        async with await Client.connect(srv, headers={"Authorization": "Bearer w-token-456"}) as w:
            assert (await w.call("server.info"))["role"] == "write"
            await w.call("heap.create", {"heap": "x"})
            await w.call("obj.new", {"heap": "x", "type": "list", "bind": "l"})
            e = await w.error("heap.drop", {"heap": "x"}, -32002)
            assert e["data"]["required"] == "admin"
            await w.error("gc.set", {"heap": "x", "enabled": False}, -32002)
        async with await Client.connect(srv, headers={"Authorization": "Bearer a-token-789"}) as a:
            await a.call("gc.set", {"heap": "x", "enabled": False})
            await a.call("heap.drop", {"heap": "x"})


async def test_bad_bearer_token_is_refused_at_the_upgrade():
    with Server(token_file=TOKENS) as srv:
        ws = RawWs(srv.port, headers={"Authorization": "Bearer nope"})
        assert ws.status == 401, ws.head
        ws.close()
        ws = RawWs(srv.port, headers={"Authorization": "Basic Zm9vOmJhcg=="})
        assert ws.status == 401, ws.head
        ws.close()


async def test_sighup_reloads_tokens_and_limits():
    with Server(token_file=TOKENS, config={"limits": {"heaps": 64}}) as srv:
        async with await Client.connect(srv, headers={"Authorization": "Bearer r-token-123"}) as c:
            assert (await c.call("server.info"))["role"] == "read"
            with open(srv.token_path, "w") as f:
                f.write("admin r-token-123\n")
            with open(srv.config_path, "w") as f:
                f.write('{"limits": {"heaps": 1}}')
            srv.proc.send_signal(signal.SIGHUP)
            for _ in range(100):
                info = await c.call("server.info")
                if info["role"] == "admin" and info["limits"]["heaps"] == 1:
                    break
                import asyncio
                await asyncio.sleep(0.05)
            assert info["role"] == "admin" and info["limits"]["heaps"] == 1, info
            await c.call("heap.create", {"heap": "one"})
            e = await c.error("heap.create", {"heap": "two"}, -32004)
            assert e["data"]["limit"] == "heaps"
            # a broken token file keeps the old tokens
            with open(srv.token_path, "w") as f:
                f.write("superuser x\n")
            srv.proc.send_signal(signal.SIGHUP)
            import asyncio
            await asyncio.sleep(0.3)
            assert (await c.call("server.info"))["role"] == "admin"
            assert "keeping the old tokens" in srv.log()


def listening(port):
    """The local addresses of every listening TCP socket on `port`, from
    /proc/net/tcp and tcp6, as (family, hex address) pairs."""
    found = []
    for family in ("tcp", "tcp6"):
        try:
            with open(f"/proc/net/{family}") as f:
                rows = f.read().splitlines()[1:]
        except FileNotFoundError:  # no IPv6 in this kernel
            continue
        for row in rows:
            local, state = row.split()[1], row.split()[3]
            addr, p = local.split(":")
            if state == "0A" and int(p, 16) == port:  # 0A: LISTEN
                found.append((family, addr))
    return found


def test_listens_only_on_the_address_it_is_given():
    # lws 4.1.6 given "127.0.0.1" on its default IPv6 socket bound "::",
    # every address of both families, until IPv4 addresses got IPv4 sockets
    with Server(listen="127.0.0.1:0") as srv:
        assert listening(srv.port) == [("tcp", "0100007F")], listening(srv.port)
    with Server(listen="localhost:0") as srv:
        assert listening(srv.port) == [("tcp", "0100007F")], listening(srv.port)
    if listening_v6_loopback_works():
        with Server(listen="[::1]:0") as srv:
            assert listening(srv.port) == [("tcp6", "0" * 24 + "01000000")], listening(srv.port)


def listening_v6_loopback_works():
    import socket
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def test_refuses_non_loopback_without_tokens():
    srv = Server(listen="0.0.0.0:0", expect_start=False)
    rc = srv.wait()
    assert rc == 2 and srv.port is None
    lines = [l for l in srv.lines if l]
    assert len(lines) == 1 and "listen" in lines[0] and "token" in lines[0], lines
    srv.tmp.cleanup()


async def test_non_loopback_with_tokens_is_allowed():
    with Server(token_file=TOKENS, listen="0.0.0.0:0") as srv:
        async with await Client.connect(srv, headers={"Authorization": "Bearer r-token-123"}) as c:
            assert (await c.call("server.info"))["role"] == "read"


def test_host_and_origin_checks_answer_403():
    with Server("--allowed-origin", "https://dash.example.org") as srv:
        p = srv.port
        ok = [dict(), {"Origin": f"http://127.0.0.1:{p}"}, {"Origin": "https://dash.example.org"}]
        for h in ok:
            ws = RawWs(p, headers=h)
            assert ws.status == 101, (h, ws.head)
            ws.close()
        ws = RawWs(p, host=f"localhost:{p}", headers={"Origin": f"http://localhost:{p}"})
        assert ws.status == 101, ws.head
        ws.close()
        for h in [{"Origin": "https://evil.example"}, {"Origin": f"http://127.0.0.1:{p + 1}"},
                  {"Origin": "null"}]:
            ws = RawWs(p, headers=h)
            assert ws.status == 403, (h, ws.head)
            ws.close()
        for host in [f"evil.example:{p}", f"127.0.0.1:{p + 1}", "127.0.0.1"]:  # DNS rebinding, wrong port
            ws = RawWs(p, host=host)
            assert ws.status == 403, (host, ws.head)
            ws.close()
        ws = RawWs(p, path="/elsewhere")
        assert ws.status == 404, ws.head
        ws.close()
        assert "heapd_upgrades_rejected_total 7" in http_get(p, "/metrics")[2].decode()


async def test_importing_code_needs_admin():
    # import checks a code block's layout but not yet every instruction's
    # stack reads: the write role may import data, not code
    with Server(token_file=TOKENS) as srv:
        async with await Client.connect(srv, headers={"Authorization": "Bearer a-token-789"}) as admin:
            await admin.call("heap.create", {"heap": "src"})
            await admin.call("heap.exec", {"heap": "src", "source": "def f(x):\n    return x\nd = [1]\n"})
            graph = await admin.call("heap.export", {"heap": "src"})
            await admin.call("heap.exec", {"heap": "src", "source": "del f\n"})
            plain = await admin.call("heap.export", {"heap": "src"})
        async with await Client.connect(srv, headers={"Authorization": "Bearer w-token-456"}) as w:
            e = await w.error("heap.import", {"heap": "copy", "graph": graph}, -32002)
            assert e["data"] == {"role": "write", "required": "admin"}, e
            await w.error("heap.info", {"heap": "copy"}, -32000)  # nothing was created
            assert not any(o["type"] == "code" for o in plain["objects"])
            await w.call("heap.import", {"heap": "copy", "graph": plain})  # data: allowed
        async with await Client.connect(srv, headers={"Authorization": "Bearer a-token-789"}) as admin:
            await admin.call("heap.import", {"heap": "copy2", "graph": graph})
            out = await admin.call("heap.exec", {"heap": "copy2", "source": "print(f(d))\n"})
            assert out["stdout"] == "[1]\n", out
