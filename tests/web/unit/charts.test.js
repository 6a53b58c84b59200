// charts.test.js: web/js/ui/charts.js's time axis: never narrower than
// MIN_SPAN_S, ending at the newest point (uPlot's own range for one point,
// or points a few ms apart, spans years).
import test from 'node:test';
import assert from 'node:assert/strict';
import { timeRange, MIN_SPAN_S } from '../../../web/js/ui/charts.js';

test('one point: a half-minute axis ending at it', () => {
    const t = 1763764587.327;
    assert.deepEqual(timeRange(t, t), [t - MIN_SPAN_S, t]);
});

test('points close together: the axis ends at the newest', () => {
    const [a, b] = [1000.5, 1002.25];
    assert.deepEqual(timeRange(a, b), [b - MIN_SPAN_S, b]);
});

test('a span wider than the minimum is the data\'s', () => {
    assert.deepEqual(timeRange(100, 100 + 2 * MIN_SPAN_S), [100, 100 + 2 * MIN_SPAN_S]);
});

test('padding is a share of the span on both sides', () => {
    const [lo, hi] = timeRange(500, 500, 0.1);
    assert.ok(Math.abs(lo - (500 - 1.1 * MIN_SPAN_S)) < 1e-9, String(lo));
    assert.ok(Math.abs(hi - (500 + 0.1 * MIN_SPAN_S)) < 1e-9, String(hi));
});

test('no data: the half-minute up to now', () => {
    assert.deepEqual(timeRange(null, null, 0, 2000), [2000 - MIN_SPAN_S, 2000]);
    assert.deepEqual(timeRange(Infinity, -Infinity, 0, 2000), [2000 - MIN_SPAN_S, 2000]);
});
