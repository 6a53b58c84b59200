// dom.test.js: web/js/ui/dom.js's errorText, an RpcError as one line for
// people: message, detail (unless the message says it already), code.
import test from 'node:test';
import assert from 'node:assert/strict';
import { errorText } from '../../../web/js/ui/dom.js';

test('errorText says the detail once', () => {
    const detail = 'thresholds[0]: an integer from 0 to 2147483647';
    assert.equal(errorText({ code: -32602, message: `invalid params: thresholds: ${detail}`, data: { detail } }),
        `invalid params: thresholds: ${detail} (-32602)`);
    assert.equal(errorText({ code: -32000, message: 'No such heap', data: { detail: "heap 'x'" } }), "No such heap: heap 'x' (-32000)");
    assert.equal(errorText({ code: 'not_connected', message: 'not connected' }), 'not connected');
    assert.equal(errorText(null), '');
});
