// wire.js: how a heapd WebSocket message is judged, the way heapd's decoder
// judges it (proto/README.md, "Framing"; proto/vectors/README.md).
//
// The dashboard runs every message it is about to send through
// checkMessage() and refuses, locally and with the code heapd would answer,
// one that heapd would refuse: a message over the server's size limit is not
// merely answered with an error but closes the connection (code 1009), so it
// must never leave the browser. The verdict has the shape of a test vector's
// `expect`, which is how tests/web/unit/wire.test.js checks this module
// against every file of proto/vectors/.
//
// JSON.parse alone cannot judge a message: it accepts duplicate keys, lone
// surrogate escapes and 1e400, and it loses the digits of huge ids. So a
// small strict scanner walks the text first (syntax, depth, duplicate keys,
// NUL in keys, number range, integers beyond 64 bits, the raw text of ids),
// and only then does JSON.parse build the value.

import { CODES } from './codes.js';

export const DEFAULT_LIMITS = Object.freeze({ message_size: 1048576, batch_length: 1000 });
export const MAX_DEPTH = 2048;

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

class ParseFail extends Error {
    constructor(reason, position) {
        super(reason);
        this.reason = reason;
        this.position = position;
    }
}

// scan: checks text as one JSON value and collects what JSON.parse hides.
// Returns {depthExceeded, bigInts: [path], idTexts: Map(pathKey -> raw text)}
// or throws ParseFail. Paths are arrays of keys and indexes.
function scan(text) {
    let i = 0;
    const n = text.length;
    const path = [];
    const out = { depthExceeded: false, bigInts: [], idTexts: new Map() };

    const ws = () => {
        while (i < n) {
            const c = text.charCodeAt(i);
            if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
            else break;
        }
    };
    const fail = (reason) => {
        throw new ParseFail(i >= n ? 'truncated' : reason, i);
    };
    const string = () => {
        // at the opening quote; returns the decoded string
        let s = '';
        i++;
        for (;;) {
            if (i >= n) fail('truncated');
            const c = text.charCodeAt(i);
            if (c === 0x22) {
                i++;
                return s;
            }
            if (c < 0x20) fail('syntax');
            if (c === 0x5c) {
                i++;
                if (i >= n) fail('truncated');
                const e = text[i];
                const simple = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
                if (e in simple) {
                    s += simple[e];
                    i++;
                } else if (e === 'u') {
                    const cu = hex4(i + 1);
                    i += 5;
                    if (cu >= 0xd800 && cu <= 0xdbff) {
                        if (text[i] !== '\\' || text[i + 1] !== 'u') fail('syntax');
                        const lo = hex4(i + 2);
                        if (lo < 0xdc00 || lo > 0xdfff) fail('syntax');
                        i += 6;
                        s += String.fromCharCode(cu, lo);
                    } else if (cu >= 0xdc00 && cu <= 0xdfff) {
                        fail('syntax');
                    } else {
                        s += String.fromCharCode(cu);
                    }
                } else {
                    fail('syntax');
                }
            } else {
                if (c >= 0xd800 && c <= 0xdfff) {
                    // a lone surrogate in the text itself cannot be UTF-8
                    const ok = c <= 0xdbff && i + 1 < n &&
                        text.charCodeAt(i + 1) >= 0xdc00 && text.charCodeAt(i + 1) <= 0xdfff;
                    if (!ok) throw new ParseFail('encoding', i);
                    s += text[i] + text[i + 1];
                    i += 2;
                    continue;
                }
                s += text[i];
                i++;
            }
        }
    };
    const hex4 = (at) => {
        if (at + 4 > n) {
            i = n;
            fail('truncated');
        }
        const h = text.slice(at, at + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(h)) {
            i = at;
            fail('syntax');
        }
        return parseInt(h, 16);
    };
    const number = () => {
        const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
        if (!m || m[0] === '-') fail('syntax');
        const raw = m[0];
        // a number longer than the window is still one token: take it whole
        let end = i + raw.length;
        if (raw.length === 400) {
            const m2 = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i));
            end = i + m2[0].length;
        }
        const tok = text.slice(i, end);
        i = end;
        if (!Number.isFinite(Number(tok))) throw new ParseFail('number_range', i - tok.length);
        if (!/[.eE]/.test(tok)) {
            const v = BigInt(tok);
            if (v > INT64_MAX || v < INT64_MIN) out.bigInts.push(path.slice());
        }
        return tok;
    };
    const literal = (word) => {
        if (text.startsWith(word, i)) i += word.length;
        else if (word.startsWith(text.slice(i))) {
            i = n;
            fail('truncated');
        } else fail('syntax');
    };
    // value: parses one value at i; records raw texts of ids (depth <= 2)
    const value = (depth) => {
        if (depth > MAX_DEPTH) out.depthExceeded = true;
        ws();
        if (i >= n) fail('truncated');
        const start = i;
        const c = text[i];
        if (c === '{') {
            i++;
            const keys = new Set();
            ws();
            if (text[i] === '}') {
                i++;
                return;
            }
            for (;;) {
                ws();
                if (i >= n) fail('truncated');
                if (text[i] !== '"') fail('syntax');
                const kpos = i;
                const key = string();
                if (key.includes('\u0000')) throw new ParseFail('nul_in_key', kpos);
                if (keys.has(key)) throw new ParseFail('duplicate_key', kpos);
                keys.add(key);
                ws();
                if (i >= n) fail('truncated');
                if (text[i] !== ':') fail('syntax');
                i++;
                path.push(key);
                ws();
                const vstart = i;
                value(depth + 1);
                if (key === 'id' && (path.length === 1 || (path.length === 2 && typeof path[0] === 'number')))
                    out.idTexts.set(pathKey(path.slice(0, -1)), text.slice(vstart, i));
                path.pop();
                ws();
                if (i >= n) fail('truncated');
                if (text[i] === ',') {
                    i++;
                    continue;
                }
                if (text[i] === '}') {
                    i++;
                    return;
                }
                fail('syntax');
            }
        } else if (c === '[') {
            i++;
            ws();
            if (text[i] === ']') {
                i++;
                return;
            }
            for (let k = 0; ; k++) {
                path.push(k);
                value(depth + 1);
                path.pop();
                ws();
                if (i >= n) fail('truncated');
                if (text[i] === ',') {
                    i++;
                    continue;
                }
                if (text[i] === ']') {
                    i++;
                    return;
                }
                fail('syntax');
            }
        } else if (c === '"') {
            string();
        } else if (c === '-' || (c >= '0' && c <= '9')) {
            number();
        } else if (c === 't') literal('true');
        else if (c === 'f') literal('false');
        else if (c === 'n') literal('null');
        else fail('syntax');
        return start;
    };
    value(1);
    ws();
    if (i < n) throw new ParseFail('trailing_data', i);
    return out;
}

function pathKey(p) {
    return JSON.stringify(p);
}

function parseError(reason, position) {
    return { kind: 'error', code: CODES.PARSE_ERROR, id: null, data: { reason, position }, response_count: 1 };
}

function limitError(limit, max) {
    const data = { limit };
    if (max !== undefined) data.max = max;
    return { kind: 'error', code: CODES.LIMIT_EXCEEDED, id: null, data, response_count: 1 };
}

function isPlainObject(v) {
    return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const MEMBERS = new Set(['jsonrpc', 'id', 'method', 'params']);

// checkMember: the verdict on one request object (or non-object) at prefix.
function checkMember(v, facts, prefix) {
    const invalid = (id, member) => {
        const r = { kind: 'error', code: CODES.INVALID_REQUEST, id };
        if (member) r.data = { member };
        return r;
    };
    if (!isPlainObject(v)) return invalid(null);
    const hasId = Object.prototype.hasOwnProperty.call(v, 'id');
    if (hasId && v.id !== null && typeof v.id !== 'string' && typeof v.id !== 'number')
        return invalid(null, 'id');
    const id = hasId ? v.id : null;
    if (v.jsonrpc !== '2.0') return invalid(id, 'jsonrpc');
    if (typeof v.method !== 'string') return invalid(id, 'method');
    const hasParams = Object.prototype.hasOwnProperty.call(v, 'params');
    if (hasParams && !isPlainObject(v.params) && !Array.isArray(v.params)) return invalid(id, 'params');
    for (const k of Object.keys(v)) if (!MEMBERS.has(k)) return invalid(id, k);
    const base = hasId ? { kind: 'request', id } : { kind: 'notification' };
    const idText = facts.idTexts.get(pathKey(prefix));
    if (hasId && idText !== undefined) base.id_text = idText;
    let err = null;
    if (hasParams && Array.isArray(v.params)) err = { code: CODES.INVALID_PARAMS, data: { param: null } };
    else {
        const big = facts.bigInts.find((p) => p.length > prefix.length + 1 &&
            prefix.every((k, j) => p[j] === k) && p[prefix.length] === 'params');
        if (big) err = { code: CODES.INVALID_PARAMS, data: { param: big[prefix.length + 1] } };
    }
    if (err) {
        if (!hasId) return { kind: 'notification', code: err.code, method: v.method };
        return { kind: 'error', code: err.code, id, id_text: base.id_text, data: err.data };
    }
    return { ...base, method: v.method, params: hasParams ? v.params : {} };
}

// checkMessage: the verdict heapd's decoder reaches on one text message.
// limits: {message_size, batch_length} (server.info's limits; defaults
// otherwise). Returns an object shaped like a vector's `expect`: kind,
// code, id, id_text, method, params, data, response_count, members.
export function checkMessage(text, limits = DEFAULT_LIMITS) {
    const maxLen = limits.message_size ?? DEFAULT_LIMITS.message_size;
    const maxBatch = limits.batch_length ?? DEFAULT_LIMITS.batch_length;
    if (utf8Length(text) > maxLen) return limitError('message_size', maxLen);
    let facts;
    try {
        facts = scan(text);
    } catch (e) {
        if (e instanceof ParseFail) return parseError(e.reason, e.position);
        throw e;
    }
    if (facts.depthExceeded) return limitError('nesting_depth');
    const v = JSON.parse(text);
    if (Array.isArray(v)) {
        if (v.length === 0) return { kind: 'error', code: CODES.INVALID_REQUEST, id: null, response_count: 1 };
        if (v.length > maxBatch) return limitError('batch_length', maxBatch);
        const members = v.map((m, k) => checkMember(m, facts, [k]));
        const response_count = members.filter((m) => m.kind !== 'notification').length;
        return { kind: 'batch', response_count, members };
    }
    const r = checkMember(v, facts, []);
    r.response_count = r.kind === 'notification' ? 0 : 1;
    return r;
}

// checkBytes: as checkMessage, for raw bytes (a Uint8Array): bytes that are
// not UTF-8 are a parse error with reason "encoding" (a browser cannot even
// put them in a text frame).
export function checkBytes(bytes, limits = DEFAULT_LIMITS) {
    const maxLen = limits.message_size ?? DEFAULT_LIMITS.message_size;
    if (bytes.length > maxLen) return limitError('message_size', maxLen);
    let text;
    try {
        text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
        return parseError('encoding', 0);
    }
    return checkMessage(text, limits);
}

// utf8Length: the byte length of a string in UTF-8, without encoding it.
export function utf8Length(s) {
    let len = 0;
    for (let k = 0; k < s.length; k++) {
        const c = s.charCodeAt(k);
        if (c < 0x80) len += 1;
        else if (c < 0x800) len += 2;
        else if (c >= 0xd800 && c <= 0xdbff && k + 1 < s.length) {
            len += 4;
            k++;
        } else len += 3;
    }
    return len;
}

// encodeRequest: the text of one request (id given) or notification (id
// undefined). Throws a TypeError for params that are not a plain object or
// that hold numbers JSON cannot carry exactly (NaN, Infinity, integers past
// 2^53 that JavaScript has already rounded).
export function encodeRequest(method, params, id) {
    if (typeof method !== 'string') throw new TypeError('method must be a string');
    if (params !== undefined && !isPlainObject(params)) throw new TypeError('params must be an object');
    if (params !== undefined) checkNumbers(params, method);
    const msg = { jsonrpc: '2.0' };
    if (id !== undefined) msg.id = id;
    msg.method = method;
    if (params !== undefined) msg.params = params;
    return JSON.stringify(msg);
}

function checkNumbers(v, where) {
    if (typeof v === 'number') {
        if (!Number.isFinite(v)) throw new TypeError(`${where}: ${v} cannot be sent as JSON`);
        if (Number.isInteger(v) && !Number.isSafeInteger(v))
            throw new TypeError(`${where}: integer ${v} is beyond what JavaScript holds exactly`);
    } else if (Array.isArray(v)) v.forEach((x) => checkNumbers(x, where));
    else if (v !== null && typeof v === 'object') Object.values(v).forEach((x) => checkNumbers(x, where));
}
