// format.test.js: web/js/ui/format.js, numbers as the dashboard shows them.
import test from 'node:test';
import assert from 'node:assert/strict';
import { bytes, count, micros, duration, hex, percent, typeName, shorten, wholeNumber } from '../../../web/js/ui/format.js';

test('bytes', () => {
    assert.equal(bytes(0), '0 B');
    assert.equal(bytes(1023), '1023 B');
    assert.equal(bytes(1024), '1.00 KiB');
    assert.equal(bytes(1048576), '1.00 MiB');
    assert.equal(bytes(1536 * 1024), '1.50 MiB');
    assert.equal(bytes(300 * 1024), '300 KiB');
    assert.equal(bytes(null), '–');
});

test('counts, durations, addresses, shares', () => {
    assert.equal(count(1234567), '1,234,567');
    assert.equal(micros(12), '12 µs');
    assert.equal(micros(1500), '1.50 ms');
    assert.equal(micros(2500000), '2.50 s');
    assert.equal(duration(42), '42s');
    assert.equal(duration(3725), '1h 2m');
    assert.equal(duration(90061), '1d 1h');
    assert.equal(hex(1048624), '0x100030');
    assert.equal(percent(0.9997558), '100.0 %');
    assert.equal(percent(0.25, 0), '25 %');
});

test('type names and reprs', () => {
    assert.equal(typeName({ type: 'instance', class: 'Node' }), 'Node');
    assert.equal(typeName({ type: 'list' }), 'list');
    assert.equal(shorten('x'.repeat(100), 10), `${'x'.repeat(9)}…`);
    assert.equal(shorten('abc'), 'abc');
    assert.equal(shorten(undefined), '');
});

test('wholeNumber: what a threshold field may hold; an emptied field is not 0', () => {
    assert.equal(wholeNumber('700'), 700);
    assert.equal(wholeNumber(' 0 '), 0);
    assert.equal(wholeNumber('2147483647'), 2147483647);
    for (const bad of ['', '  ', '-5', '1.5', '1e3', '0x10', 'ten', '2147483648', null, undefined])
        assert.equal(wholeNumber(bad), null, JSON.stringify(bad));
    assert.equal(wholeNumber('5', 10, 20), null);
});
