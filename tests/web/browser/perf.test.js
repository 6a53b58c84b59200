// perf.test.js: the dashboard stays responsive with stats streamed at 10 Hz
// and 2,000 nodes drawn: a heap of 2,000+ objects, the stream at 100 ms, the
// graph's layout running, frame times measured in the page (the intervals
// between animation frames over five seconds) and printed, with the time of
// each graph draw and the rate of stream frames; then the same on the heap
// view (the live charts at 10 Hz).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { checkEnvironment, startHeapd, launchBrowser, openPage, shot, rpc, waitConnected, until } from './harness.js';

const NODES = 2000;
const SECONDS = 5;

// measure: animation-frame intervals, stream frames and long tasks for ms
function measure(page, ms) {
    return page.evaluate((ms) => new Promise((resolve) => {
        const dbg = globalThis.heapdDebug;
        const gaps = [];
        let frames = 0;
        let longTasks = 0;
        const off = dbg.store.on('alloc', () => frames++);
        let po = null;
        try {
            po = new PerformanceObserver((l) => (longTasks += l.getEntries().length));
            po.observe({ type: 'longtask' });
        } catch { /* not supported */ }
        const drawnBefore = dbg.graph.perf.drawn;
        const t0 = performance.now();
        let last = t0;
        const step = (t) => {
            gaps.push(t - last);
            last = t;
            if (t - t0 < ms) requestAnimationFrame(step);
            else {
                off();
                po?.disconnect();
                const n = dbg.graph.perf.drawn - drawnBefore;
                const draws = n ? dbg.graph.perf.draws.slice(-n) : [];
                resolve({ gaps: gaps.slice(1), frames, longTasks, draws, elapsed: t - t0 });
            }
        };
        requestAnimationFrame(step);
    }), ms);
}

function pct(a, p) {
    if (!a.length) return NaN;
    const s = [...a].sort((x, y) => x - y);
    return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

function report(label, m) {
    const f = (x) => x.toFixed(1);
    const fps = m.gaps.length / (m.elapsed / 1000);
    console.log(`frame times (${label}): ${m.gaps.length} frames in ${f(m.elapsed / 1000)} s = ${f(fps)} fps; ` +
        `interval median ${f(pct(m.gaps, 50))} ms, p95 ${f(pct(m.gaps, 95))} ms, p99 ${f(pct(m.gaps, 99))} ms, max ${f(Math.max(...m.gaps))} ms; ` +
        `long tasks ${m.longTasks}`);
    if (m.draws.length) console.log(`frame times (${label}): graph draw median ${f(pct(m.draws, 50))} ms, p95 ${f(pct(m.draws, 95))} ms over ${m.draws.length} draws`);
    console.log(`stream frames (${label}): ${m.frames} stream.alloc frames in ${f(m.elapsed / 1000)} s = ${f(m.frames / (m.elapsed / 1000))} Hz`);
    return fps;
}

describe('responsive at 10 Hz with 2,000 nodes drawn', () => {
    let heapd;
    let chrome;
    let page;

    before(async () => {
        checkEnvironment();
        heapd = await startHeapd();
        chrome = await launchBrowser();
        ({ page } = await openPage(chrome.context, heapd.url));
        await waitConnected(page);
    });

    after(async () => {
        await chrome?.close();
        await heapd?.stop();
    });

    it('graph view: 2,000 nodes, layout running, stats at 10 Hz', async () => {
        const items = Array.from({ length: NODES }, (_, i) => (i % 2 ? { new: 'list' } : { new: 'dict' }));
        const r = await rpc(page, 'obj.new', { heap: 'demo', type: 'list', items, bind: 'many', site: 'perf.py:1' });
        assert.ok(r.result, JSON.stringify(r.error));
        await page.selectOption('#rate-select', '100');
        await page.click('#tab-graph');
        await page.fill('#view-graph input[type="number"]', String(NODES));
        await page.dispatchEvent('#view-graph input[type="number"]', 'change');
        const shown = await until(async () => {
            const n = Number(await page.$eval('#graph-status', (e) => e.dataset.shown || 0));
            return n >= NODES ? n : false;
        }, { timeout: 20000, what: `${NODES} nodes drawn` });
        await page.evaluate(() => globalThis.heapdDebug.graph.reheat());
        const m = await measure(page, SECONDS * 1000);
        const fps = report(`graph, ${shown} nodes, layout running, 10 Hz`, m);
        await shot(page, 'graph-2000');
        assert.ok(m.frames >= SECONDS * 7, `only ${m.frames} stream frames in ${SECONDS} s at 10 Hz`);
        assert.ok(fps >= 10, `${fps.toFixed(1)} fps`);
        assert.ok(pct(m.gaps, 50) < 100, 'median frame interval under 100 ms');

        // once the layout has settled: panning and zooming redraw all 2,000
        await until(() => page.evaluate(() => globalThis.heapdDebug.graph.sim.alpha() < globalThis.heapdDebug.graph.sim.alphaMin()),
            { timeout: 30000, what: 'the layout to settle' });
        await page.focus('#graph-canvas');
        const keys = (async () => {
            for (let i = 0; i < 40; i++) {
                await page.keyboard.press(['ArrowLeft', 'ArrowUp', '+', '-'][i % 4]);
                await page.waitForTimeout(60);
            }
        })();
        const m2 = await measure(page, 3000);
        await keys;
        const fps2 = report(`graph, ${shown} nodes, settled, panning and zooming, 10 Hz`, m2);
        assert.ok(m2.draws.length >= 20, `${m2.draws.length} redraws while panning`);
        assert.ok(fps2 >= 20, `${fps2.toFixed(1)} fps`);
    });

    it('heap view: live charts at 10 Hz', async () => {
        await page.click('#tab-heap');
        await page.waitForSelector('#size-classes tbody tr[data-index]');
        await page.waitForTimeout(500);
        const m = await measure(page, SECONDS * 1000);
        const fps = report('heap view, 10 Hz', m);
        await shot(page, 'heap-10hz');
        assert.ok(m.frames >= SECONDS * 7, `only ${m.frames} stream frames`);
        assert.ok(fps >= 20, `${fps.toFixed(1)} fps`);
    });
});
