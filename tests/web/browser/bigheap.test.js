// bigheap.test.js: a heap whose export is over heapd's message size limit
// (12,000 lists): the graph view falls back to a partial graph read in pages
// (the roots always in it), draws no more than its bound, finds objects
// beyond the first page when they are searched for by type, and grows a
// node's neighbourhood from heapd when it is expanded.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { checkEnvironment, startHeapd, launchBrowser, openPage, shot, rpc, waitConnected, until } from './harness.js';

const ITEMS = 12000;

describe('a heap too large to export whole', () => {
    let heapd;
    let chrome;
    let page;
    let rec;

    before(async () => {
        checkEnvironment();
        heapd = await startHeapd();
        chrome = await launchBrowser();
        ({ page, rec } = await openPage(chrome.context, heapd.url));
        await waitConnected(page);
        const big = await rpc(page, 'obj.new', { heap: 'demo', type: 'list', items: Array.from({ length: ITEMS }, () => ({ new: 'list' })), bind: 'big' });
        assert.ok(big.result, JSON.stringify(big.error));
        // deep = [[Rare()], [Rare()], [Rare()]]: the instances are two hops from a name
        const deep = await rpc(page, 'obj.new', { heap: 'demo', type: 'list', bind: 'deep',
            items: [1, 2, 3].map(() => ({ new: 'list', items: [{ new: 'instance', class: 'Rare' }] })) });
        assert.ok(deep.result, JSON.stringify(deep.error));
        // h = Holder(); h.inner = {'k': [[]]}: the dict is seen only as h's referent
        const h = await rpc(page, 'obj.new', { heap: 'demo', type: 'instance', class: 'Holder', bind: 'h',
            attrs: { inner: { new: 'dict', items: [['k', { new: 'list', items: [{ new: 'list' }] }]] } } });
        assert.ok(h.result, JSON.stringify(h.error));
    });

    after(async () => {
        await chrome?.close();
        await heapd?.stop();
    });

    it('draws a bounded partial graph with the roots in it', async () => {
        const exp = await rpc(page, 'heap.export', { heap: 'demo' });
        assert.equal(exp.error?.code, -32004, 'the export is over the limit');
        await page.click('#tab-graph');
        const status = await until(async () => {
            const d = await page.$eval('#graph-status', (e) => ({ ...e.dataset, text: e.textContent }));
            return /partial/.test(d.text) ? d : false;
        }, { timeout: 20000, what: 'the partial graph' });
        assert.ok(Number(status.shown) <= 2000, `${status.shown} drawn`);
        const names = await page.evaluate(() => [...globalThis.heapdDebug.source.graph.names.keys()].sort());
        for (const n of ['big', 'config', 'numbers', 'deep', 'h']) assert.ok(names.includes(n), `name ${n}`);
        const ids = await page.evaluate(() => {
            const g = globalThis.heapdDebug.source.graph;
            return ['big', 'deep'].map((n) => g.nodes.has(g.names.get(n)));
        });
        const rareLoaded = await page.evaluate(() => [...globalThis.heapdDebug.source.graph.nodes.values()].some((n) => n.class === 'Rare'));
        assert.equal(rareLoaded, false, 'the Rare instances are not loaded yet');
        assert.deepEqual(ids, [true, true], 'the named objects are nodes, though past the first page');
        await shot(page, 'graph-partial');
        // objects by type says its counts cover only the objects read
        await page.click('#tab-heap');
        const info = (await rpc(page, 'heap.info', { heap: 'demo' })).result;
        const note = await until(async () => {
            const n = await page.$eval('#types-note', (e) => (e.hidden ? '' : e.textContent));
            return n || false;
        }, { what: 'the partial counts note' });
        const m = /^Counted over the ([\d,]+) objects read so far of ([\d,]+)/.exec(note);
        assert.ok(m, note);
        const [read, total] = [Number(m[1].replace(/,/g, '')), Number(m[2].replace(/,/g, ''))];
        assert.ok(read < total && total === info.objects, `${read} of ${total}, heap.info ${info.objects}`);
        await page.click('#tab-graph');
    });

    it('finds objects past the first page by type, and grows a neighbourhood on demand', async () => {
        await page.fill('input[type="search"]', 'Rare');
        const rare = async () => (await page.$$eval('#graph-results button', (bs) => bs.map((b) => b.textContent))).filter((t) => /^#\d+ Rare /.test(t));
        await until(async () => (await rare()).length === 3, { timeout: 45000, what: 'the three Rare instances fetched by type' });
        await page.click('#graph-results button >> text=/Rare /');
        await page.waitForSelector('#inspector[data-id]');
        const id = Number(await page.$eval('#inspector', (e) => e.dataset.id));
        assert.match(await page.$eval('#inspector', (e) => e.textContent), /Rare/);
        // h.inner: a dict known only as a summary until it is expanded
        const inner = await page.evaluate(() => {
            const g = globalThis.heapdDebug.source.graph;
            const h = g.nodes.get(g.names.get('h'));
            const d = h.referents.map((r) => g.nodes.get(r)).find((n) => n?.type === 'dict');
            return { id: d.id, complete: d.complete, referents: d.referents.length };
        });
        assert.deepEqual([inner.complete, inner.referents], [false, 0]);
        const before = await page.evaluate(() => globalThis.heapdDebug.source.graph.size);
        await page.evaluate((d) => globalThis.heapdDebug.views.graph.expand(d), inner.id);
        await until(() => page.evaluate((d) => globalThis.heapdDebug.source.graph.nodes.get(d).referents.length > 0, inner.id),
            { what: 'the dict\'s referents fetched' });
        const after = await page.evaluate(() => globalThis.heapdDebug.source.graph.size);
        assert.ok(after > before, `${before} -> ${after} nodes`);
        assert.ok(id > 0);
        await shot(page, 'graph-partial-expanded');
        await page.fill('input[type="search"]', '');
        assert.deepEqual(rec.errors, []);
    });
});
