// methods.test.js: web/js/proto/methods.js reads proto/methods.json: which
// role may call what, so that read-only sessions see no mutating control.
import test from 'node:test';
import assert from 'node:assert/strict';
import { PROTO, readJson } from './paths.js';
import { MethodTable, loadMethods } from '../../../web/js/proto/methods.js';

const doc = readJson(PROTO, 'methods.json');
const t = new MethodTable(doc);

test('roles are ordered and cumulative', () => {
    assert.deepEqual(t.roles, ['none', 'read', 'write', 'admin']);
    for (const m of doc.methods) {
        const need = t.rank(m.role);
        t.roles.forEach((role, r) => assert.equal(t.allowed(m.name, role), r >= need, `${m.name} as ${role}`));
    }
});

test('read may inspect but not mutate; write may not drop or reconfigure', () => {
    assert.ok(t.allowed('heap.export', 'read'));
    assert.ok(t.allowed('gc.dry_run', 'read'));
    assert.ok(!t.allowed('gc.collect', 'read'));
    assert.ok(!t.allowed('name.del', 'read'));
    assert.ok(t.allowed('gc.collect', 'write'));
    assert.ok(!t.allowed('heap.drop', 'write'));
    assert.ok(!t.allowed('gc.set', 'write'));
    assert.ok(t.allowed('gc.set', 'admin'));
    assert.ok(t.mutating('obj.set'));
    assert.ok(!t.mutating('obj.get'));
});

test('unknown methods and roles are refused', () => {
    assert.equal(t.allowed('no.such', 'admin'), false);
    assert.equal(t.allowed('heap.list', 'root'), false);
    assert.equal(t.allowed('heap.list', null), false);
    assert.equal(t.has('heap.exec'), true);
});

test('topics come from the notifications', () => {
    assert.deepEqual(t.topics().sort(), ['alloc', 'event', 'gc', 'heap']);
});

test('loadMethods reads proto/methods.json through the loader it is given', async () => {
    const seen = [];
    const m = await loadMethods(async (p) => {
        seen.push(p);
        return doc;
    });
    assert.deepEqual(seen, ['proto/methods.json']);
    assert.ok(m.has('gc.collect'));
});
