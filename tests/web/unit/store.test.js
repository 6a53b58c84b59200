// store.test.js: web/js/app/store.js, what the views listen to: heap lists,
// the selected heap, stream frames turned into "changed" only when a total
// moved, collections paired and kept bounded.
import test from 'node:test';
import assert from 'node:assert/strict';
import { Store, GC_EVENTS_KEPT } from '../../../web/js/app/store.js';

const info = (heap, objects = 1) => ({ heap, objects, bytes: 56, gc: { enabled: true, thresholds: [700, 10, 10] } });

test('the first heap is selected; a dropped selection moves on', () => {
    const s = new Store();
    const seen = [];
    s.on('select', (h) => seen.push(h));
    s.setHeaps([info('a'), info('b')]);
    assert.equal(s.selected, 'a');
    s.select('b');
    s.setHeaps([info('a')]);
    assert.equal(s.selected, 'a');
    assert.deepEqual(seen, ['a', 'b', 'a']);
    assert.equal(s.heaps.has('b'), false);
    s.setHeaps([]);
    assert.equal(s.selected, null);
});

test('"missing": the URL\'s heap or a dropped selection is reported, once', () => {
    const s = new Store();
    const missing = [];
    s.on('missing', (m) => missing.push(m));
    s.preferred = 'gone';
    s.setHeaps([info('a'), info('b')]);
    assert.equal(s.selected, 'a');
    assert.deepEqual(missing, [{ heap: 'gone', shown: 'a' }]);
    s.setHeaps([info('a'), info('b')]);
    assert.equal(missing.length, 1);
    s.select('b');
    s.setHeaps([info('a')]);
    assert.deepEqual(missing[1], { heap: 'b', shown: 'a' });
    s.setHeaps([]);
    assert.deepEqual(missing[2], { heap: 'a', shown: null });
    // a URL naming a heap that exists, or naming none: nothing to report
    const t = new Store();
    t.on('missing', (m) => missing.push(m));
    t.preferred = 'b';
    t.setHeaps([info('a'), info('b')]);
    assert.equal(t.selected, 'b');
    const u = new Store();
    u.on('missing', (m) => missing.push(m));
    u.setHeaps([info('a')]);
    assert.equal(missing.length, 3);
});

test('alloc frames: "changed" only when objects, bytes or tracked move', () => {
    const s = new Store();
    const changed = [];
    s.on('changed', (e) => changed.push(e.why));
    const f = (seq, objects, bytes = 100) => ({ heap: 'h', seq, ts_ms: seq, objects, tracked: 1, bytes });
    s.onAlloc(f(1, 5));
    s.onAlloc(f(2, 5));
    s.onAlloc(f(3, 6));
    s.onAlloc(f(4, 6, 200));
    assert.deepEqual(changed, ['alloc', 'alloc', 'alloc']);
    assert.equal(s.heap('h').frame.seq, 4);
});

test('collections: stops kept (bounded), each one a change', () => {
    const s = new Store();
    let changed = 0;
    s.on('changed', () => changed++);
    for (let i = 0; i < GC_EVENTS_KEPT + 10; i++) {
        s.onGc({ heap: 'h', phase: 'start', generation: 0, seq: 2 * i });
        s.onGc({ heap: 'h', phase: 'stop', generation: 0, collected: i, uncollectable: 0, duration_us: 3, seq: 2 * i + 1 });
    }
    assert.equal(s.heap('h').gcEvents.length, GC_EVENTS_KEPT);
    assert.equal(s.heap('h').gcEvents.at(-1).collected, GC_EVENTS_KEPT + 9);
    assert.equal(changed, GC_EVENTS_KEPT + 10);
});

test('a listener that throws does not stop the others', () => {
    const s = new Store();
    let ran = false;
    const orig = console.error;
    console.error = () => {};
    s.on('role', () => {
        throw new Error('boom');
    });
    s.on('role', () => (ran = true));
    s.setRole('read');
    console.error = orig;
    assert.ok(ran);
    assert.equal(s.role, 'read');
});

test('a preferred heap (from the URL) is shown once it is listed', () => {
    const s = new Store();
    s.preferred = 'b';
    s.setHeaps([info('a'), info('b')]);
    assert.equal(s.selected, 'b');
    const t = new Store();
    t.preferred = 'gone';
    t.setHeaps([info('a')]);
    assert.equal(t.selected, 'a');
});
