// wire.test.js: web/js/proto/wire.js against every vector of proto/vectors/
// (the same files the C decoder's tests read): the dashboard judges a
// message exactly as heapd would, so it never sends one heapd refuses.
import test from 'node:test';
import assert from 'node:assert/strict';
import { vectors } from './paths.js';
import { checkMessage, checkBytes, encodeRequest, utf8Length, DEFAULT_LIMITS } from '../../../web/js/proto/wire.js';

function limitsOf(v) {
    const l = { ...DEFAULT_LIMITS };
    if (v.limits?.max_message_len !== undefined) l.message_size = v.limits.max_message_len;
    if (v.limits?.max_batch_len !== undefined) l.batch_length = v.limits.max_batch_len;
    return l;
}

function hexBytes(hex) {
    return Uint8Array.from(hex.match(/../g) || [], (h) => parseInt(h, 16));
}

// matches: the verdict agrees with every member the vector's expect gives
function matches(got, want, where) {
    assert.equal(got.kind, want.kind, `${where}: kind`);
    if ('code' in want) assert.equal(got.code, want.code, `${where}: code`);
    // ids compare as JSON values (-0 is 0; id_text keeps the sign)
    if ('id' in want) assert.equal(JSON.stringify(got.id), JSON.stringify(want.id), `${where}: id`);
    if ('id_text' in want) assert.equal(got.id_text, want.id_text, `${where}: id_text`);
    if ('method' in want) assert.equal(got.method, want.method, `${where}: method`);
    if ('params' in want) assert.deepEqual(got.params, want.params, `${where}: params`);
    if ('response_count' in want) assert.equal(got.response_count, want.response_count, `${where}: response_count`);
    if ('data' in want) for (const [k, v] of Object.entries(want.data)) assert.deepEqual(got.data?.[k], v, `${where}: data.${k}`);
    if ('members' in want) {
        assert.equal(got.members.length, want.members.length, `${where}: members`);
        want.members.forEach((m, k) => matches(got.members[k], m, `${where}[${k}]`));
    }
}

const all = vectors();

test('there are vectors to check', () => {
    assert.ok(all.length >= 80, `only ${all.length} vectors found`);
});

for (const { file, dir, vector } of all) {
    test(`vector ${dir}/${file}`, () => {
        const limits = limitsOf(vector);
        const got = 'message_hex' in vector
            ? checkBytes(hexBytes(vector.message_hex), limits)
            : checkMessage(vector.message, limits);
        matches(got, vector.expect, file);
        if (dir === 'valid') assert.notEqual(got.kind, 'error', 'a valid vector is not an error');
    });
}

test('requests the client encodes are judged valid and round-trip', () => {
    for (const { dir, vector } of all) {
        if (dir !== 'valid' || !('message' in vector)) continue;
        const want = vector.expect.kind === 'batch' ? vector.expect.members : [vector.expect];
        for (const m of want) {
            if (m.kind !== 'request' && m.kind !== 'notification') continue;
            if (m.params === undefined || m.method === undefined) continue;
            let text;
            try {
                text = encodeRequest(m.method, m.params, m.kind === 'request' ? 1 : undefined);
            } catch (e) {
                // only integers JavaScript cannot hold exactly may be refused
                assert.match(e.message, /beyond what JavaScript holds/);
                continue;
            }
            const v = checkMessage(text);
            assert.equal(v.kind, m.kind);
            assert.equal(v.method, m.method);
            assert.deepEqual(v.params, m.params);
        }
    }
});

test('encodeRequest refuses what JSON cannot carry', () => {
    assert.throws(() => encodeRequest('obj.new', { heap: 'h', type: 'float', value: NaN }, 1), TypeError);
    assert.throws(() => encodeRequest('obj.new', { heap: 'h', value: Infinity }, 1), TypeError);
    assert.throws(() => encodeRequest('heap.info', ['a'], 1), TypeError);
    assert.throws(() => encodeRequest('heap.info', null, 1), TypeError);
    assert.throws(() => encodeRequest(7, {}, 1), TypeError);
    assert.throws(() => encodeRequest('x', { v: 2 ** 60 }, 1), TypeError);
    assert.equal(encodeRequest('server.info', undefined, 3), '{"jsonrpc":"2.0","id":3,"method":"server.info"}');
    assert.equal(encodeRequest('heap.list', {}), '{"jsonrpc":"2.0","method":"heap.list","params":{}}');
});

test('utf8Length counts bytes as heapd does', () => {
    for (const s of ['', 'abc', 'héllo', '😀', 'a\u0000b', '\u20ac', 'x'.repeat(1000)])
        assert.equal(utf8Length(s), new TextEncoder().encode(s).length, s);
});

test('the size limit is on bytes, not characters', () => {
    const msg = encodeRequest('obj.new', { heap: 'h', type: 'str', value: 'é'.repeat(20) }, 1);
    const bytes = new TextEncoder().encode(msg).length;
    assert.equal(checkMessage(msg, { message_size: bytes, batch_length: 10 }).kind, 'request');
    const v = checkMessage(msg, { message_size: bytes - 1, batch_length: 10 });
    assert.equal(v.code, -32004);
    assert.equal(v.data.limit, 'message_size');
});

test('parse errors name their reason', () => {
    assert.equal(checkMessage('{"a":1,"a":2}').data.reason, 'duplicate_key');
    assert.equal(checkMessage('{"a":1').data.reason, 'truncated');
    assert.equal(checkMessage('{"a":1} x').data.reason, 'trailing_data');
    assert.equal(checkMessage('{"a":1e999}').data.reason, 'number_range');
    assert.equal(checkMessage('{"a\\u0000":1}').data.reason, 'nul_in_key');
    assert.equal(checkMessage('{"a":tru}').data.reason, 'syntax');
    assert.equal(checkMessage('{"a":"\\udc00"}').code, -32700);
    assert.equal(checkMessage('{"a":"\\ud83d\\ude00"}').code, -32600); // valid JSON, not a request
});

test('nesting is limited at 2048 levels', () => {
    const ok = '['.repeat(2047) + ']'.repeat(2047);
    const deep = '['.repeat(2049) + ']'.repeat(2049);
    const wrap = (v) => `{"jsonrpc":"2.0","id":1,"method":"name.bind","params":{"heap":"h","name":"n","value":${v}}}`;
    assert.equal(checkMessage(wrap('['.repeat(2045) + ']'.repeat(2045))).kind, 'request');
    assert.equal(checkMessage(deep).data.limit, 'nesting_depth');
    assert.equal(checkMessage(ok).kind, 'batch');
});
