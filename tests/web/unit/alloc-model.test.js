// alloc-model.test.js: web/js/alloc/model.js: arena totals, the pools that
// pin an arena, objects placed in their pools by address, and the size-class
// rows, on maps shaped like alloc.map's reference example.
import test from 'node:test';
import assert from 'node:assert/strict';
import { arenaSummary, pinsOf, objectsIn, mapTotals, classRows, explainArena, classSize, poolBase, POOL_BYTES } from '../../../web/js/alloc/model.js';
import { PROTO } from './paths.js';
import fs from 'node:fs';
import path from 'node:path';

const free = { size_class: null, used: 0, capacity: 0 };
const arena = {
    index: 0, addr: 1048576,
    pools: [{ size_class: 1, used: 2, capacity: 507 }, { size_class: 3, used: 3, capacity: 254 }, ...Array(62).fill(free)],
};

test('an arena with used blocks cannot be released; its pins, fewest blocks first', () => {
    const s = arenaSummary(arena);
    assert.equal(s.usedPools, 2);
    assert.equal(s.freePools, 62);
    assert.equal(s.used, 5);
    assert.equal(s.releasable, false);
    const pins = pinsOf(arena);
    assert.deepEqual(pins.map((p) => [p.pool, p.size, p.used]), [[0, 32, 2], [1, 64, 3]]);
    assert.match(explainArena(s, pins), /kept by 5 used blocks in 2 pools \(32 B, 64 B\)/);
});

test('the sizes of the pinning pools are listed smallest first, at most six', () => {
    const pools = [512, 64, 32, 128, 256, 96, 48, 80].map((size) => ({ size_class: size / 16 - 1, used: 1, capacity: 10 }));
    const a = { index: 1, addr: 2 << 20, pools };
    const text = explainArena(arenaSummary(a), pinsOf(a));
    assert.match(text, /\(32 B, 48 B, 64 B, 80 B, 96 B, 128 B, …\)$/);
});

test('an empty arena can be released', () => {
    const a = { index: 3, addr: 4 << 20, pools: Array(64).fill(free) };
    const s = arenaSummary(a);
    assert.equal(s.releasable, true);
    assert.deepEqual(pinsOf(a), []);
    assert.match(explainArena(s, []), /can be released/);
});

test('objects are placed in their pools by address', () => {
    const objs = [{ id: 1, addr: 1048576 + 48 }, { id: 2, addr: 1048576 + POOL_BYTES + 64 }, { id: 3, addr: 5 << 20 }];
    const m = objectsIn(arena, objs);
    assert.deepEqual(m.get(0).map((o) => o.id), [1]);
    assert.deepEqual(m.get(1).map((o) => o.id), [2]);
    assert.equal(m.size, 2);
    assert.equal(poolBase({ addr: 1048576 + 100 }), 1048576 + POOL_BYTES);
});

test('map totals per class, to check against alloc.stats', () => {
    const t = mapTotals([arena, arena]);
    assert.deepEqual(t.get(1), { pools: 2, used: 4, capacity: 1014 });
    assert.equal(t.has(0), false);
});

test('size-class rows of the reference alloc.stats example', () => {
    const readme = fs.readFileSync(path.join(PROTO, 'README.md'), 'utf8');
    const m = /```json\n(\{"jsonrpc":"2.0","id":32,"result".*)\n```/.exec(readme);
    const stats = JSON.parse(m[1]).result;
    const rows = classRows(stats);
    assert.deepEqual(rows.map((r) => [r.index, r.size, r.pools, r.blocks_used, r.bytes_used]), [[1, 32, 1, 2, 64], [3, 64, 1, 3, 192]]);
    assert.equal(classRows(stats, { all: true }).length, 32);
    for (const c of stats.size_classes) assert.equal(classSize(c.index), c.size);
});
