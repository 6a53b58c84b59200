// codes.test.js: the error codes named in web/js/proto/codes.js are the
// protocol's (proto/README.md's error table and proto/schema/defs.json), so
// the one hand-written table in the web app cannot drift from proto/.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PROTO } from './paths.js';
import { CODES } from '../../../web/js/proto/codes.js';

test('every code is in the reference error table, and every table code is named', () => {
    const readme = fs.readFileSync(path.join(PROTO, 'README.md'), 'utf8');
    const table = new Set([...readme.matchAll(/^\| (-32\d{3}) \|/gm)].map((m) => Number(m[1])));
    assert.ok(table.size >= 15);
    const ours = new Set(Object.values(CODES));
    for (const c of ours) assert.ok(table.has(c), `${c} is not in proto/README.md`);
    for (const c of table) assert.ok(ours.has(c), `${c} of proto/README.md has no name in codes.js`);
});

test('the codes the schemas single out are known', () => {
    const defs = fs.readFileSync(path.join(PROTO, 'schema', 'defs.json'), 'utf8');
    const consts = [...defs.matchAll(/"const": (-32\d{3})/g)].map((m) => Number(m[1]));
    assert.ok(consts.length > 0);
    const ours = new Set(Object.values(CODES));
    for (const c of consts) assert.ok(ours.has(c), `${c}`);
});
