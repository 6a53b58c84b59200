// graph-model.test.js: web/js/graph/model.js: a graph from an export,
// weak edges apart, objects by type, search, and the bounded choice of what
// to draw (roots first, the dry run's doomed objects never left out).
import test from 'node:test';
import assert from 'node:assert/strict';
import { fromExport, fromPages, mergeObjects, mergeNeighbourhood, selectView, typeCounts, matches, bfsFromNames, weakrefIds } from '../../../web/js/graph/model.js';

const s = (id, type, extra = {}) => ({ id, addr: 0x100000 + id * 16, type, size: 56, refcount: 1, tracked: true, generation: 0, repr: `<${type}>`, ...extra });

// the --demo heap: numbers, config, a <-> b cycle, a weakref to a, greeting
function demo() {
    return fromExport({
        format: 'heapd-graph/1', heap: 'demo',
        names: { numbers: 1, config: 5, a: 8, b: 9, ref: 10, greeting: 11 },
        objects: [
            s(1, 'list', { referents: [2, 3, 4], repr: '[1, 2, 3]' }),
            s(2, 'int', { tracked: false, referents: [], repr: '1' }),
            s(3, 'int', { tracked: false, referents: [], repr: '2' }),
            s(4, 'int', { tracked: false, referents: [], repr: '3' }),
            s(5, 'dict', { referents: [6, 7, 4], repr: "{'name': 'demo', 'size': 3}" }),
            s(6, 'str', { tracked: false, referents: [] }),
            s(7, 'str', { tracked: false, referents: [] }),
            s(8, 'instance', { class: 'Node', referents: [12, 9] }),
            s(9, 'instance', { class: 'Node', referents: [12, 8] }),
            s(10, 'weakref', { referents: [] }),
            s(11, 'str', { tracked: false, referents: [], repr: "'hello, heapd'" }),
            s(12, 'type', { referents: [], repr: "<class 'Node'>" }),
        ],
    });
}

test('fromExport: nodes, referrers and names', () => {
    const g = demo();
    assert.equal(g.size, 12);
    assert.deepEqual(g.nodes.get(9).referrers, [8]);
    assert.deepEqual(g.nodes.get(12).referrers.sort(), [8, 9]);
    assert.deepEqual(g.namesOf.get(8), ['a']);
    assert.deepEqual(weakrefIds(g), [10]);
});

test('typeCounts groups instances by class', () => {
    const t = typeCounts(demo());
    assert.deepEqual(t[0], { type: 'int', count: 3, bytes: 168 });
    assert.ok(t.find((e) => e.type === 'Node' && e.count === 2));
    assert.equal(t.reduce((a, e) => a + e.count, 0), 12);
});

test('search by id, name, type, class and repr', () => {
    const g = demo();
    const n8 = g.nodes.get(8);
    assert.ok(matches(g, n8, '8'));
    assert.ok(matches(g, n8, '#8'));
    assert.ok(matches(g, n8, 'A'));
    assert.ok(matches(g, n8, 'node'));
    assert.ok(matches(g, g.nodes.get(11), 'hello'));
    assert.ok(!matches(g, n8, 'dict'));
    assert.ok(!matches(g, n8, '  '));
});

test('breadth-first from the names', () => {
    const order = bfsFromNames(demo());
    assert.deepEqual(order.slice(0, 7), [8, 9, 5, 11, 1, 10, 12]);
    assert.equal(new Set(order).size, order.length);
});

test('selectView without a cap draws everything, weak edges apart', () => {
    const g = demo();
    g.weak.push([10, 8]);
    const v = selectView(g, { cap: 100 });
    assert.equal(v.ids.size, 12);
    assert.equal(v.truncated, false);
    assert.deepEqual(v.edges.filter((e) => e.weak), [{ s: 10, t: 8, weak: true }]);
    assert.equal(v.edges.filter((e) => !e.weak).length, 3 + 3 + 2 + 2);
    assert.equal(v.names.length, 6);
});

test('the cap bounds the nodes drawn; doomed and selected come first', () => {
    const g = demo();
    const v = selectView(g, { cap: 3, doomed: new Set([8, 9]), selected: 11 });
    assert.deepEqual([...v.ids], [11, 8, 9]);
    assert.equal(v.truncated, true);
    assert.ok(v.edges.every((e) => v.ids.has(e.s) && v.ids.has(e.t)));
});

test('filter by type keeps matches and then their neighbours', () => {
    const g = demo();
    const v = selectView(g, { cap: 100, type: 'Node' });
    assert.deepEqual([...v.matched].sort(), [8, 9]);
    assert.equal(v.total, 2);
    assert.ok(v.ids.has(12), 'the class is a neighbour');
    assert.ok(!v.ids.has(1));
    const tight = selectView(g, { cap: 2, type: 'Node' });
    assert.deepEqual([...tight.ids].sort(), [8, 9]);
});

test('expanding a node brings its neighbourhood in', () => {
    const g = demo();
    const v = selectView(g, { cap: 5, expanded: new Set([5]) });
    for (const id of [5, 6, 7, 4]) assert.ok(v.ids.has(id), `${id}`);
});

test('a large heap: 5,000 objects, cap 2,000, roots first', () => {
    const objects = [s(1, 'list', { referents: Array.from({ length: 4999 }, (_, i) => i + 2) })];
    for (let i = 2; i <= 5000; i++) objects.push(s(i, 'list', { referents: [] }));
    const g = fromExport({ names: { big: 1 }, objects });
    const t0 = performance.now();
    const v = selectView(g, { cap: 2000, doomed: new Set([4999, 5000]) });
    const ms = performance.now() - t0;
    assert.equal(v.ids.size, 2000);
    assert.ok(v.ids.has(1) && v.ids.has(5000) && v.ids.has(4999));
    assert.equal(v.truncated, true);
    assert.ok(ms < 200, `selectView took ${ms} ms`);
});

test('fromPages: a partial graph from summaries and referents', () => {
    const g = fromPages([s(1, 'list'), s(2, 'dict')], new Map([[1, [s(2, 'dict'), s(3, 'int')]]]), [{ name: 'x', id: 1 }]);
    assert.equal(g.partial, true);
    assert.equal(g.size, 3);
    assert.deepEqual(g.nodes.get(3).referrers, [1]);
    assert.deepEqual(g.namesOf.get(1), ['x']);
});

test('a partial graph grows by neighbourhoods and by pages', () => {
    const g = fromPages([s(1, 'list')], new Map([[1, [s(2, 'dict')]]]), []);
    assert.equal(g.nodes.get(2).complete, false);
    // obj.get of 2 (its referents) and obj.referrers of 2 (1 and a new 5)
    const added = mergeNeighbourhood(g, { ...s(2, 'dict'), referents: [s(3, 'int')] }, [s(1, 'list'), s(5, 'instance', { class: 'Holder' })]);
    assert.equal(added, 2);
    assert.deepEqual(g.nodes.get(2).referents, [3]);
    assert.equal(g.nodes.get(2).complete, true);
    assert.deepEqual(g.nodes.get(5).referents, [2], 'an incomplete referrer learns its edge');
    assert.deepEqual(g.nodes.get(1).referents, [2], 'a complete one keeps its own list');
    assert.deepEqual(g.nodes.get(2).referrers.sort(), [1, 5]);
    assert.equal(mergeObjects(g, [s(9, 'set'), s(1, 'list')], new Map([[9, [s(3, 'int')]]])), 1);
    assert.deepEqual(g.nodes.get(3).referrers.sort(), [2, 9]);
});
