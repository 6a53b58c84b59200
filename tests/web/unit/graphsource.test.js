// graphsource.test.js: web/js/app/graphsource.js with a fake client: the
// graph and the dry run come from one batch (one instant), weak edges from
// weakref.get, and a heap whose export is over the message limit (-32004)
// is read in pages instead, as a partial graph.
import test from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../../../web/js/app/store.js';
import { GraphSource } from '../../../web/js/app/graphsource.js';

const s = (id, type, referents = [], extra = {}) => ({ id, addr: 4096 + id * 64, type, size: 56, refcount: 1, tracked: type !== 'int', repr: type, referents, ...extra });

function fakeClient(answer) {
    const sent = [];
    return {
        state: 'open',
        limits: { batch_length: 1000 },
        sent,
        on() {},
        async batch(calls) {
            sent.push(calls.map(([m]) => m));
            return calls.map(([m, p]) => answer(m, p));
        },
    };
}

test('export and dry run in one batch, then weakref.get for weak edges', async () => {
    const client = fakeClient((m, p) => {
        if (m === 'heap.export') return { result: { names: { a: 1, w: 3 }, objects: [s(1, 'list', [2]), s(2, 'list', [1]), s(3, 'weakref')] } };
        if (m === 'gc.dry_run') return { result: { unreachable: [], collected: 0, uncollectable: 0 } };
        if (m === 'weakref.get') return { result: { alive: true, referent: s(1, 'list') } };
        throw new Error(`unexpected ${m} ${JSON.stringify(p)}`);
    });
    const store = new Store();
    store.selected = 'demo';
    const src = new GraphSource(client, store);
    const got = [];
    store.on('graph', (e) => got.push(e));
    src.interest = 1;
    await src.fetch();
    assert.deepEqual(client.sent, [['heap.export', 'gc.dry_run'], ['weakref.get']]);
    assert.equal(got.length, 1);
    assert.equal(src.graph.size, 3);
    assert.deepEqual(src.graph.weak, [[3, 1]]);
    assert.equal(src.doomed.size, 0);
});

test('the dry run marks the doomed', async () => {
    const client = fakeClient((m) => (m === 'heap.export'
        ? { result: { names: {}, objects: [s(7, 'list', [8]), s(8, 'list', [7])] } }
        : { result: { unreachable: [7, 8], collected: 2, uncollectable: 0 } }));
    const store = new Store();
    store.selected = 'demo';
    const src = new GraphSource(client, store);
    src.interest = 1;
    await src.fetch();
    assert.deepEqual([...src.doomed], [7, 8]);
    assert.equal(src.dry.collected, 2);
});

test('an export over the message limit falls back to pages', async () => {
    const client = fakeClient((m, p) => {
        if (m === 'heap.export') return { error: { code: -32004, message: 'Limit exceeded', data: { limit: 'message_size' } } };
        if (m === 'gc.dry_run') return { result: { unreachable: [], collected: 0, uncollectable: 0 } };
        if (m === 'heap.objects') return { result: { total: 50000, objects: [s(1, 'list'), s(2, 'int')] } };
        if (m === 'heap.names') return { result: { names: [{ name: 'big', ...s(1, 'list') }] } };
        if (m === 'obj.referents') return { result: { objects: p.target === 1 ? [s(2, 'int'), s(9, 'dict')] : [] } };
        throw new Error(`unexpected ${m}`);
    });
    const store = new Store();
    store.selected = 'demo';
    const src = new GraphSource(client, store);
    src.interest = 1;
    await src.fetch();
    assert.deepEqual(client.sent, [['heap.export', 'gc.dry_run'], ['heap.objects', 'heap.names'], ['obj.referents']]);
    assert.equal(src.graph.partial, true);
    assert.equal(src.graph.totalObjects, 50000);
    assert.deepEqual(src.graph.nodes.get(1).referents, [2, 9]);
    assert.deepEqual(src.graph.namesOf.get(1), ['big']);
});

test('an action of this page is fetched for at once; stream changes wait for the gap', async () => {
    const client = fakeClient((m) => (m === 'heap.export' ? { result: { names: {}, objects: [s(1, 'list')] } } : { result: { unreachable: [], collected: 0, uncollectable: 0 } }));
    const store = new Store();
    store.selected = 'demo';
    const src = new GraphSource(client, store);
    src.interest = 1;
    await src.fetch(); // a fetch just now: the next waits MIN_GAP_MS
    const fetched = () => new Promise((r) => store.on('graph', r));
    const waits = [];
    const real = globalThis.setTimeout;
    globalThis.setTimeout = (fn, ms) => {
        waits.push(ms);
        return real(fn, 0);
    };
    try {
        store.emit('changed', { heap: 'demo', why: 'alloc' });
        await fetched();
        store.emit('changed', { heap: 'demo', why: 'gc' });
        await fetched();
        store.mutated('demo', 'exec');
        await fetched();
    } finally {
        globalThis.setTimeout = real;
    }
    assert.equal(waits.length, 3);
    assert.ok(waits[0] > 500 && waits[1] > 500, `stream changes wait: ${waits}`);
    assert.equal(waits[2], 0, 'a console run is fetched for at once');
});

test('nothing is fetched while no view wants the graph', async () => {
    const client = fakeClient(() => ({ result: {} }));
    const store = new Store();
    store.selected = 'demo';
    const src = new GraphSource(client, store);
    await src.fetch();
    assert.deepEqual(client.sent, []);
});

test('a partial graph grows: named roots first, then types and neighbourhoods on demand', async () => {
    const client = fakeClient((m, p) => {
        if (m === 'heap.export') return { error: { code: -32004, message: 'Limit exceeded', data: { limit: 'message_size' } } };
        if (m === 'gc.dry_run') return { result: { unreachable: [], collected: 0, uncollectable: 0 } };
        if (m === 'heap.objects') {
            return p.type === 'Rare'
                ? { result: { total: 1, objects: [s(900, 'instance', [], { class: 'Rare' })] } }
                : { result: { total: 9000, objects: [s(1, 'list'), s(2, 'list')] } };
        }
        if (m === 'heap.names') return { result: { names: [{ name: 'root', ...s(500, 'dict') }] } };
        if (m === 'obj.referents') return { result: { objects: p.target === 500 ? [s(1, 'list')] : [] } };
        if (m === 'obj.get') return { result: { ...s(2, 'list'), referents: [s(700, 'set')] } };
        if (m === 'obj.referrers') return { result: { objects: [s(800, 'tuple')] } };
        throw new Error(`unexpected ${m}`);
    });
    const store = new Store();
    store.selected = 'demo';
    const src = new GraphSource(client, store);
    src.interest = 1;
    client.call = async (m, p) => {
        const r = await client.batch([[m, p]]);
        return r[0].result;
    };
    await src.fetch();
    assert.ok(src.graph.nodes.has(500), 'the named root is in, though not on the first page');
    assert.deepEqual(src.graph.nodes.get(500).referents, [1]);
    assert.equal(await src.grow({ type: 'Rare' }), 1);
    assert.ok(src.graph.nodes.has(900));
    assert.equal(await src.grow({ id: 2 }), 2);
    assert.deepEqual(src.graph.nodes.get(2).referents, [700]);
    assert.deepEqual(src.graph.nodes.get(800).referents, [2]);
    // a refetch keeps what was grown
    await src.fetch();
    for (const id of [500, 900, 700, 800]) assert.ok(src.graph.nodes.has(id), `${id} after a refetch`);
});
