// rpc.test.js: web/js/proto/rpc.js, the dashboard's protocol client, with a
// fake socket and clock: ids and order, batches, id-null errors, local
// refusals, stream routing and gaps, session.auth on every (re)connect,
// reconnection with backoff, subscriptions restored after a restart.
import test from 'node:test';
import assert from 'node:assert/strict';
import { RpcClient, RpcError, BACKOFF } from '../../../web/js/proto/rpc.js';
import { FakeClock, fakeSocketFactory, flush } from './fake-ws.js';

const INFO = { name: 'heapd', version: '0.1.0', protocol: 1, uptime_s: 1, heaps: 1, connections: 1,
    limits: { message_size: 4096, batch_length: 3 }, role: 'admin' };

function setup(opts = {}) {
    const clock = new FakeClock();
    const { FakeWebSocket, sockets } = fakeSocketFactory();
    const c = new RpcClient({ url: 'ws://h/ws', WebSocket: FakeWebSocket, timers: clock, random: () => 0.5, ...opts });
    return { c, clock, sockets };
}

// handshake: open the latest socket and answer auth / server.info
async function handshake(sock, info = INFO, { token } = {}) {
    sock.open();
    await flush();
    if (token) {
        const auth = sock.lastRequest();
        assert.equal(auth.method, 'session.auth');
        assert.deepEqual(auth.params, { token });
        sock.receive({ jsonrpc: '2.0', id: auth.id, result: { role: info.role } });
        await flush();
    }
    const req = sock.lastRequest();
    assert.equal(req.method, 'server.info');
    sock.receive({ jsonrpc: '2.0', id: req.id, result: info });
    await flush();
}

test('connects with the heapd.v1 subprotocol and learns role and limits', async () => {
    const { c, sockets } = setup();
    const states = [];
    c.on('state', (s) => states.push(s.state));
    c.connect();
    assert.equal(sockets[0].protocol, 'heapd.v1');
    await handshake(sockets[0]);
    assert.equal(c.state, 'open');
    assert.equal(c.role, 'admin');
    assert.equal(c.limits.batch_length, 3);
    assert.deepEqual(states, ['connecting', 'authenticating', 'open']);
});

test('calls resolve by id, errors reject with code and data', async () => {
    const { c, sockets } = setup();
    c.connect();
    await handshake(sockets[0]);
    const a = c.call('heap.info', { heap: 'demo' });
    const b = c.call('heap.info', { heap: 'nope' });
    const [ra, rb] = sockets[0].sent.slice(-2).map((t) => JSON.parse(t));
    assert.equal(ra.jsonrpc, '2.0');
    assert.notEqual(ra.id, rb.id);
    // answered out of order: matched by id all the same
    sockets[0].receive({ jsonrpc: '2.0', id: rb.id, error: { code: -32000, message: "heap 'nope' not found", data: { heap: 'nope' } } });
    sockets[0].receive({ jsonrpc: '2.0', id: ra.id, result: { heap: 'demo', objects: 5 } });
    assert.deepEqual(await a, { heap: 'demo', objects: 5 });
    await assert.rejects(b, (e) => e instanceof RpcError && e.code === -32000 && e.data.heap === 'nope');
});

test('an error with id null goes to the oldest request waiting', async () => {
    const { c, sockets } = setup();
    c.connect();
    await handshake(sockets[0]);
    const a = c.call('heap.list');
    const b = c.call('heap.list');
    const [ra, rb] = sockets[0].sent.slice(-2).map((t) => JSON.parse(t));
    sockets[0].receive({ jsonrpc: '2.0', id: null, error: { code: -32004, message: 'Limit exceeded', data: { limit: 'rate' } } });
    await assert.rejects(a, (e) => e.code === -32004);
    sockets[0].receive({ jsonrpc: '2.0', id: rb.id, result: { heaps: [] } });
    assert.deepEqual(await b, { heaps: [] });
    assert.ok(ra.id < rb.id);
});

test('batches: one message, results in call order, per-call errors', async () => {
    const { c, sockets } = setup();
    c.connect();
    await handshake(sockets[0]);
    const p = c.batch([['weakref.get', { heap: 'd', target: 5 }], ['weakref.get', { heap: 'd', target: 9 }]]);
    const sent = JSON.parse(sockets[0].sent.at(-1));
    assert.ok(Array.isArray(sent));
    assert.equal(sent.length, 2);
    sockets[0].receive([
        { jsonrpc: '2.0', id: sent[1].id, error: { code: -32003, message: 'object 9 not found', data: { id: 9 } } },
        { jsonrpc: '2.0', id: sent[0].id, result: { alive: true, referent: null } },
    ]);
    const out = await p;
    assert.deepEqual(out[0], { result: { alive: true, referent: null } });
    assert.equal(out[1].error.code, -32003);
});

test('a whole-batch failure rejects the batch', async () => {
    const { c, sockets } = setup();
    c.connect();
    await handshake(sockets[0]);
    const p = c.batch([['heap.list', {}], ['heap.list', {}]]);
    sockets[0].receive({ jsonrpc: '2.0', id: null, error: { code: -32004, message: 'Limit exceeded', data: { limit: 'batch_length', max: 1 } } });
    await assert.rejects(p, (e) => e.code === -32004 && e.data.limit === 'batch_length');
});

test('what heapd would refuse is refused before sending, with its code', async () => {
    const { c, sockets } = setup();
    c.connect();
    await handshake(sockets[0]);
    const before = sockets[0].sent.length;
    await assert.rejects(c.call('heap.exec', { heap: 'd', source: 'x'.repeat(5000) }),
        (e) => e.code === -32004 && e.data.limit === 'message_size');
    await assert.rejects(c.batch([['heap.list'], ['heap.list'], ['heap.list'], ['heap.list']]),
        (e) => e.code === -32004 && e.data.limit === 'batch_length');
    await assert.rejects(c.call('obj.new', { heap: 'd', type: 'float', value: NaN }), (e) => e.code === -32602);
    assert.equal(sockets[0].sent.length, before, 'nothing was sent');
});

test('calls while not connected fail at once', async () => {
    const { c } = setup();
    await assert.rejects(c.call('heap.list'), (e) => e.code === 'not_connected');
});

test('a call without an answer times out', async () => {
    const { c, clock, sockets } = setup({ timeout_ms: 1000 });
    c.connect();
    await handshake(sockets[0]);
    const p = c.call('heap.list');
    clock.advance(1001);
    await assert.rejects(p, (e) => e.code === 'timeout');
});

test('the token is sent with session.auth first, on every connection', async () => {
    const { c, clock, sockets } = setup({ token: 's3cr3t' });
    c.connect();
    await handshake(sockets[0], { ...INFO, role: 'read' }, { token: 's3cr3t' });
    assert.equal(c.role, 'read');
    assert.equal(JSON.parse(sockets[0].sent[0]).method, 'session.auth');
    sockets[0].drop();
    clock.advance(BACKOFF.max_ms);
    assert.equal(sockets.length, 2);
    await handshake(sockets[1], { ...INFO, role: 'read' }, { token: 's3cr3t' });
    assert.equal(JSON.parse(sockets[1].sent[0]).method, 'session.auth');
});

test('a bad token leaves the session open with the role heapd reports', async () => {
    const { c, sockets } = setup({ token: 'bad' });
    const states = [];
    c.on('state', (s) => states.push(s));
    c.connect();
    sockets[0].open();
    await flush();
    const auth = sockets[0].lastRequest();
    sockets[0].receive({ jsonrpc: '2.0', id: auth.id, error: { code: -32001, message: 'Unauthorized' } });
    await flush();
    const info = sockets[0].lastRequest();
    assert.equal(info.method, 'server.info');
    sockets[0].receive({ jsonrpc: '2.0', id: info.id, result: { ...INFO, role: 'none' } });
    await flush();
    assert.equal(c.role, 'none');
    assert.equal(states.at(-1).state, 'open');
    assert.equal(states.at(-1).authError.code, -32001);
});

test('reconnects with doubling, capped, jittered delays; resets after success', async () => {
    const { c, clock, sockets } = setup({ random: () => 1 }); // +20 % jitter
    const waits = [];
    c.on('state', (s) => s.state === 'waiting' && waits.push(s.delay_ms));
    c.connect();
    for (let k = 0; k < 7; k++) {
        sockets.at(-1).drop();
        clock.advance(60000);
    }
    assert.deepEqual(waits, [600, 1200, 2400, 4800, 9600, 12000, 12000]);
    await handshake(sockets.at(-1));
    sockets.at(-1).drop();
    assert.equal(waits.at(-1), 600, 'the backoff starts over after a good connection');
    assert.equal(c.nextDelay(0) <= BACKOFF.first_ms * 1.2, true);
});

test('pending calls fail when the connection drops', async () => {
    const { c, sockets } = setup();
    c.connect();
    await handshake(sockets[0]);
    const p = c.call('heap.list');
    sockets[0].drop();
    await assert.rejects(p, (e) => e.code === 'connection_closed');
});

test('close() stops reconnection', async () => {
    const { c, clock, sockets } = setup();
    c.connect();
    await handshake(sockets[0]);
    c.close();
    clock.advance(60000);
    assert.equal(sockets.length, 1);
    assert.equal(c.state, 'closed');
});

test('notifications reach their subscription; gaps in seq are counted', async () => {
    const { c, sockets } = setup();
    c.connect();
    await handshake(sockets[0]);
    const got = [];
    const sub = c.subscribe({ topics: ['alloc', 'gc'], interval_ms: 100 }, (m, p) => got.push([m, p.seq]));
    await flush();
    const req = sockets[0].lastRequest();
    assert.equal(req.method, 'stream.subscribe');
    assert.deepEqual(req.params, { topics: ['alloc', 'gc'], interval_ms: 100 });
    sockets[0].receive({ jsonrpc: '2.0', id: req.id, result: { subscription: 4 } });
    await flush();
    const note = (seq, sub_ = 4) => ({ jsonrpc: '2.0', method: 'stream.alloc', params: { subscription: sub_, heap: 'd', seq, ts_ms: 1 } });
    sockets[0].receive(note(1));
    sockets[0].receive(note(2));
    sockets[0].receive(note(5));
    sockets[0].receive(note(1, 99)); // someone else's
    assert.deepEqual(got, [['stream.alloc', 1], ['stream.alloc', 2], ['stream.alloc', 5]]);
    assert.equal(sub.gaps, 2);
});

test('subscriptions are made again after heapd restarts; unsubscribe ends them', async () => {
    const { c, clock, sockets } = setup();
    c.connect();
    await handshake(sockets[0]);
    const got = [];
    const sub = c.subscribe({ topics: ['heap'] }, (m, p) => got.push(p.event));
    await flush();
    sockets[0].receive({ jsonrpc: '2.0', id: sockets[0].lastRequest().id, result: { subscription: 1 } });
    await flush();
    sockets[0].drop();
    clock.advance(BACKOFF.max_ms * 2);
    await handshake(sockets[1]);
    const again = sockets[1].lastRequest();
    assert.equal(again.method, 'stream.subscribe');
    sockets[1].receive({ jsonrpc: '2.0', id: again.id, result: { subscription: 1 } });
    await flush();
    sockets[1].receive({ jsonrpc: '2.0', method: 'stream.heap', params: { subscription: 1, heap: 'x', seq: 1, ts_ms: 2, event: 'created' } });
    assert.deepEqual(got, ['created']);
    const done = sub.unsubscribe();
    const un = sockets[1].lastRequest();
    assert.deepEqual([un.method, un.params], ['stream.unsubscribe', { subscription: 1 }]);
    sockets[1].receive({ jsonrpc: '2.0', id: un.id, result: {} });
    await done;
    sockets[1].receive({ jsonrpc: '2.0', method: 'stream.heap', params: { subscription: 1, heap: 'y', seq: 2, ts_ms: 3, event: 'created' } });
    assert.deepEqual(got, ['created']);
});

test('a notify() request carries no id', async () => {
    const { c, sockets } = setup();
    c.connect();
    await handshake(sockets[0]);
    c.notify('gc.collect', { heap: 'd' });
    const sent = sockets[0].lastRequest();
    assert.equal('id' in sent, false);
});
