"""Streams: alloc (periodic, coalesced for slow readers with seq gaps), gc
(start and stop of every collection, automatic ones included), event
(weakref callbacks, finalizers), heap (created, dropped)."""
import asyncio
import json
import os
import time

from harness import Client, RawWs, Server, check_notification, heap_client


async def test_alloc_is_periodic():
    async with heap_client("h") as c:
        sub = (await c.call("stream.subscribe", {"heap": "h", "topics": ["alloc"], "interval_ms": 50}))["subscription"]
        await c.call("obj.new", {"heap": "h", "type": "list", "bind": "l"})
        t0 = time.monotonic()
        await c.notes_until(lambda n: n["method"] == "stream.alloc" and n["params"]["seq"] >= 4)
        assert time.monotonic() - t0 < 5
        frames = [n["params"] for n in c.notes if n["method"] == "stream.alloc"]
        assert [f["seq"] for f in frames][:4] == [1, 2, 3, 4]
        assert all(f["subscription"] == sub and f["heap"] == "h" for f in frames)
        assert frames[-1]["objects"] >= 1 and len(frames[-1]["alloc"]["size_classes"]) == 32
        await c.call("stream.unsubscribe", {"subscription": sub})
        n = len(c.notes)
        await asyncio.sleep(0.2)
        await c.call("server.info")
        assert len([x for x in c.notes[n:] if x["method"] == "stream.alloc"]) == 0


async def test_a_timer_frame_goes_out_when_it_is_made():
    # a frame queued by a timer (not while reading a request) must not wait
    # for the loop's next wakeup, which on a quiet connection is the next
    # tick: frame k then arrived after k+1 intervals (4 s for the first one
    # here), with contents one interval old
    async with heap_client("quiet") as c:
        await c.call("stream.subscribe", {"heap": "quiet", "topics": ["alloc"], "interval_ms": 2000})
        t0 = time.monotonic()
        note = await c.ws.recv()
        waited = time.monotonic() - t0
        assert json.loads(note)["method"] == "stream.alloc", note
        assert waited < 3.5, f"the first 2 s frame came after {waited:.2f} s"
        print(f"first alloc frame of a 2000 ms subscription after {waited * 1000:.0f} ms")


async def test_gc_events_of_manual_and_automatic_collections():
    with Server() as srv:
        async with await Client.connect(srv) as c:
            await c.call("heap.create", {"heap": "g", "thresholds": [10]})
            await c.call("stream.subscribe", {"heap": "g", "topics": ["gc"]})
            await c.call("gc.collect", {"heap": "g", "generation": 1})
            stop = await c.notes_until(lambda n: n["method"] == "stream.gc" and n["params"]["phase"] == "stop")
            start = [n for n in c.notes if n["params"].get("phase") == "start"][0]
            assert start["params"]["seq"] < stop["params"]["seq"]
            assert stop["params"]["automatic"] is False and stop["params"]["generation"] == 1
            assert "duration_us" in stop["params"] and "duration_us" not in start["params"]
            for i in range(12):  # tracked allocations past threshold 0
                await c.call("obj.new", {"heap": "g", "type": "list", "bind": f"l{i}"})
            auto = await c.notes_until(lambda n: n["method"] == "stream.gc" and n["params"]["automatic"])
            assert auto["params"]["generation"] == 0


async def test_event_stream_weakref_callback_and_finalizer():
    async with heap_client("e") as c:
        p = {"heap": "e"}
        await c.call("stream.subscribe", {"topics": ["event"]})
        node = await c.call("obj.new", {**p, "type": "instance", "class": "Node", "finalizer": True, "bind": "n"})
        wr = await c.call("weakref.new", {**p, "target": "n", "bind": "w", "callback": True})
        await c.call("name.del", {**p, "names": ["n"]})
        fin = await c.notes_until(lambda n: n["params"]["event"] == "finalizer")
        cb = await c.notes_until(lambda n: n["params"]["event"] == "weakref_callback")
        assert fin["params"]["object"] == node["id"] and fin["params"]["type"] == "Node"
        assert cb["params"]["object"] == node["id"] and cb["params"]["weakref"] == wr["id"]
        assert fin["params"]["seq"] < cb["params"]["seq"]  # CPython: __del__ before callbacks


async def test_heap_stream_and_subscription_end_on_drop():
    with Server() as srv:
        async with await Client.connect(srv) as c:
            await c.call("stream.subscribe", {"topics": ["heap"]})
            await c.call("heap.create", {"heap": "x"})
            await c.call("stream.subscribe", {"heap": "x", "topics": ["heap", "alloc"], "interval_ms": 50})
            created = await c.notes_until(lambda n: n["method"] == "stream.heap")
            assert created["params"]["event"] == "created" and created["params"]["heap"] == "x"
            await c.call("heap.drop", {"heap": "x"})
            dropped = await c.notes_until(lambda n: n["method"] == "stream.heap" and n["params"]["event"] == "dropped"
                                          and n["params"]["subscription"] == 2)
            await c.notes_until(lambda n: n["method"] == "stream.heap" and n["params"]["event"] == "dropped"
                                and n["params"]["subscription"] == 1)
            assert (await c.call("server.stats"))["heaps"] == 0
            n = len(c.notes)
            await asyncio.sleep(0.2)
            await c.call("server.info")
            assert not [x for x in c.notes[n:] if x["params"]["subscription"] == 2]  # it ended


async def test_slow_reader_gets_coalesced_frames_with_seq_gaps():
    with Server(config={"limits": {"send_queue_bytes": 65536}}) as srv:
        async with await Client.connect(srv) as c:
            for h in ["s1", "s2", "s3", "s4"]:
                await c.call("heap.create", {"heap": h})
            slow = RawWs(srv.port, rcvbuf=2048)
            for i in range(12):  # 12 subscriptions x 4 heaps x 20 Hz x ~3 KB: ~2.9 MB/s never read
                slow.send_frame(json.dumps({"jsonrpc": "2.0", "id": i, "method": "stream.subscribe",
                                            "params": {"topics": ["alloc"], "interval_ms": 50}}))
            rss0 = (await c.call("server.stats"))["rss_bytes"]
            deadline = time.monotonic() + 30  # the socket buffers fill first (slower on a busy machine)
            while True:
                await asyncio.sleep(0.5)
                stats = await c.call("server.stats")
                if stats["dropped_frames"] > 0 or time.monotonic() > deadline:
                    break
            assert stats["dropped_frames"] > 0, stats
            if "ASAN_OPTIONS" not in os.environ:  # ASan's quarantine holds freed memory
                assert stats["rss_bytes"] - rss0 < 32 << 20, (rss0, stats)  # bounded
            seqs = []
            slow.sock.settimeout(10)
            deadline = time.monotonic() + 30
            while len(seqs) < 12 and time.monotonic() < deadline:
                op, payload = slow.recv_message()
                msg = json.loads(payload)
                if msg.get("method") == "stream.alloc" and msg["params"]["subscription"] == 1 \
                        and msg["params"]["heap"] == "s1":
                    check_notification(msg)
                    seqs.append(msg["params"]["seq"])
            assert len(seqs) >= 3 and seqs == sorted(seqs), seqs
            assert seqs[-1] - seqs[0] + 1 > len(seqs), seqs  # gaps: frames were dropped
            slow.close()
