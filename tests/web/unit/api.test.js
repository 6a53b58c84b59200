// api.test.js: every request builder of web/js/app/api.js produces params
// that the method's JSON Schema (proto/schema/methods/) accepts, for a
// method that proto/methods.json knows; and stream frames shaped like the
// reference's examples are what the views read.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { PROTO, readJson } from './paths.js';
import { api } from '../../../web/js/app/api.js';

function loadSchemas() {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const dir = path.join(PROTO, 'schema');
    for (const sub of ['', 'methods', 'streams', 'envelope']) {
        for (const f of fs.readdirSync(path.join(dir, sub)).filter((x) => x.endsWith('.json')))
            ajv.addSchema(readJson(dir, sub, f));
    }
    return ajv;
}

const ajv = loadSchemas();
const methods = readJson(PROTO, 'methods.json');
const known = new Set(methods.methods.map((m) => m.name));
const BASE = 'https://heapd.invalid/proto/schema/';

function validateParams(method, params) {
    const v = ajv.getSchema(`${BASE}methods/${method}.json#/$defs/params`);
    assert.ok(v, `no params schema for ${method}`);
    const ok = v(params);
    assert.ok(ok, `${method} ${JSON.stringify(params)}: ${ajv.errorsText(v.errors)}`);
}

// one or more sample calls of every builder
const samples = {
    serverInfo: [[]], serverStats: [[]], auth: [['tok']],
    heapList: [[]], heapInfo: [['demo']], heapCreate: [['h1'], ['h2', { gc_enabled: false, thresholds: [100, 5, 5] }]],
    heapDrop: [['h1']], heapNames: [['demo']], heapObjects: [['demo'], ['demo', { type: 'list', offset: 10, limit: 50 }]],
    heapExport: [['demo']], heapExec: [['demo', 'a = []\na.append(a)\n'], ['demo', 'a\n', 'single']],
    objGet: [['demo', 'a'], ['demo', 17]], objReferents: [['demo', 3]], objReferrers: [['demo', 'b']],
    objSetNone: [['demo', 'a', 'peer'], ['demo', 4, 0]],
    objNew: [['demo', { type: 'list', items: [{ new: 'list' }], bind: 'x' }]],
    nameDel: [['demo', ['a', 'b']]], weakrefGet: [['demo', 'ref']],
    gcGet: [['demo']], gcCollect: [['demo'], ['demo', 0]], gcEnable: [['demo', false]],
    gcThresholds: [['demo', [700, 10, 10]]], gcDebug: [['demo', ['saveall', 'stats']], ['demo', []]],
    gcFreeze: [['demo']], gcUnfreeze: [['demo']], gcDryRun: [['demo'], ['demo', 1]],
    gcGarbage: [['demo']], gcGarbageClear: [['demo']],
    allocStats: [['demo']], allocMap: [['demo'], ['demo', 16, 16]],
    traceStart: [['demo']], traceStop: [['demo']], traceStatus: [['demo']], traceResetPeak: [['demo']],
    traceSnapshot: [['demo']], traceStats: [['demo', 1, 'site'], ['demo', 2, 'type', 10]],
    traceCompare: [['demo', 2, 1, 'type']],
    subscribe: [[['alloc', 'gc', 'event', 'heap'], 100], [['alloc'], 1000, 'demo']],
    unsubscribe: [[3]],
};

test('every builder has samples', () => {
    assert.deepEqual(Object.keys(api).sort(), Object.keys(samples).sort());
});

for (const [name, calls] of Object.entries(samples)) {
    test(`api.${name} builds params its schema accepts`, () => {
        for (const args of calls) {
            const [method, params] = api[name](...args);
            assert.ok(known.has(method), `${method} is not in proto/methods.json`);
            validateParams(method, params);
        }
    });
}

test('the reference examples of stream frames validate (the shapes the views read)', () => {
    const readme = fs.readFileSync(path.join(PROTO, 'README.md'), 'utf8');
    const frames = [...readme.matchAll(/```json\n(\{"jsonrpc":"2.0","method":"stream\.[a-z]+".*)\n```/g)].map((m) => JSON.parse(m[1]));
    assert.ok(frames.length >= 4);
    for (const f of frames) {
        const v = ajv.getSchema(`${BASE}streams/${f.method}.json#/$defs/params`);
        assert.ok(v(f.params), `${f.method}: ${ajv.errorsText(v.errors)}`);
    }
    const alloc = frames.find((f) => f.method === 'stream.alloc').params;
    for (const k of ['objects', 'tracked', 'bytes', 'arena_bytes', 'gc_counts', 'alloc']) assert.ok(k in alloc, k);
    assert.equal(alloc.alloc.size_classes.length, 32);
});
