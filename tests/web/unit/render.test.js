// render.test.js: web/js/graph/render.js's node sizes: an object's circle
// grows with its bytes (sys.getsizeof), within bounds, so a 1.6 KiB type
// object is drawn larger than a 56-byte list and a huge object does not
// cover the picture.
import test from 'node:test';
import assert from 'node:assert/strict';
import { radius } from '../../../web/js/graph/render.js';

test('a node\'s radius grows with its size, from 3 px, at most 22 px', () => {
    assert.equal(radius(0), 3);
    assert.equal(radius(undefined), 3);
    const sizes = [16, 28, 56, 64, 184, 1688, 4096, 1 << 20];
    const r = sizes.map(radius);
    for (let i = 1; i < r.length; i++) assert.ok(r[i] >= r[i - 1], `radius(${sizes[i]}) = ${r[i]} < radius(${sizes[i - 1]}) = ${r[i - 1]}`);
    assert.ok(radius(1688) > radius(56) + 5, `${radius(1688)} vs ${radius(56)}`);
    assert.equal(radius(1 << 20), 22);
});
