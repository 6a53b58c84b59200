// access.test.js: the dashboard's access rules in headless Chromium against
// a heapd with a token file: the #token=... of the URL is sent with
// session.auth and kept nowhere else (no storage, no cookie); a read-only
// token shows no control that would change anything; a write token shows
// those of its role and not the admin's (drop, collector settings); an
// admin token shows them all; a refused token says so; and when heapd
// restarts the page reconnects by itself (backoff) and signs in again.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { checkEnvironment, startHeapd, launchBrowser, openPage, shot, waitConnected, until, rpc } from './harness.js';

const TOKENS = { read: 'r3ad-only-token', write: 'wr1te-token', admin: 'adm1n-token' };

// mutating controls: elements naming a method that needs more than read
function visibleControls(page) {
    return page.evaluate(() => [...document.querySelectorAll('[data-method]')]
        .filter((e) => e.getClientRects().length > 0).map((e) => e.dataset.method));
}

async function visitAll(page) {
    const seen = new Set();
    for (const v of ['overview', 'heap', 'graph', 'console', 'tracing']) {
        await page.click(`#tab-${v}`);
        await page.waitForTimeout(300);
        for (const m of await visibleControls(page)) seen.add(m);
    }
    return seen;
}

describe('access: tokens, roles, reconnection', () => {
    let heapd;
    let chrome;

    before(async () => {
        checkEnvironment();
        heapd = await startHeapd({ tokens: TOKENS });
        chrome = await launchBrowser();
    });

    after(async () => {
        await chrome?.close();
        await heapd?.stop();
    });

    it('a read-only token sees everything and no mutating control', async () => {
        const { page, rec } = await openPage(chrome.context, `${heapd.url}#token=${TOKENS.read}`);
        await waitConnected(page);
        await until(async () => (await page.$eval('#role', (e) => e.dataset.role)) === 'read', { what: 'role read' });
        await page.waitForSelector('#heap-rows tr[data-heap="demo"]');
        const shown = await visitAll(page);
        const mutating = await page.evaluate((ms) => ms.filter((m) => globalThis.heapdDebug.live.methods.mutating(m)), [...shown]);
        assert.deepEqual(mutating, [], `mutating controls shown to a read-only session: ${mutating}`);
        // and the read views work
        await page.click('#tab-graph');
        await until(async () => Number(await page.$eval('#graph-status', (e) => e.dataset.shown || 0)) >= 6, { what: 'the graph' });
        // an object in the inspector, with a name bound to it: its actions are not shown either
        await page.fill('input[type="search"]', 'config');
        await until(async () => (await page.$$('#graph-results button')).length >= 1, { what: 'config found' });
        await page.click('#graph-results button');
        await until(async () => /names\s*config/.test(await page.$eval('#inspector', (e) => e.textContent)), { what: 'config inspected' });
        const inInspector = await page.evaluate(() => [...document.querySelectorAll('#inspector [data-method]')].map((e) => [e.dataset.method, e.getClientRects().length > 0]));
        assert.ok(inInspector.some(([m]) => m === 'name.del') && inInspector.some(([m]) => m === 'obj.set'), JSON.stringify(inInspector));
        assert.deepEqual(inInspector.filter(([, shown]) => shown), [], 'an inspector action shown to a read-only session');
        assert.match(await page.$eval('#inspector', (e) => e.textContent), /Expand neighbourhood/);
        await shot(page, 'readonly-inspector');
        await page.click('#tab-heap');
        await page.waitForSelector('#size-classes tbody tr[data-index]');
        // heapd itself refuses what the page hides
        const r = await rpc(page, 'gc.collect', { heap: 'demo' });
        assert.equal(r.error?.code, -32002);
        await page.click('#tab-console');
        assert.match(await page.$eval('#console-note', (e) => e.textContent), /may not run scripts/);
        await shot(page, 'readonly-console');
        await page.click('#tab-heap');
        await shot(page, 'readonly-heap');
        // the token is kept nowhere but in the page's memory
        const stored = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie }));
        assert.deepEqual(stored, { local: 0, session: 0, cookie: '' });
        assert.deepEqual(rec.errors, []);
        assert.deepEqual(rec.csp, []);
        await page.close();
    });

    it('an admin token shows the controls', async () => {
        const { page } = await openPage(chrome.context, `${heapd.url}#token=${TOKENS.admin}`);
        await waitConnected(page);
        await until(async () => (await page.$eval('#role', (e) => e.dataset.role)) === 'admin', { what: 'role admin' });
        await page.waitForSelector('#heap-rows tr[data-heap="demo"]');
        const shown = await visitAll(page);
        for (const m of ['heap.create', 'heap.drop', 'gc.collect', 'gc.set', 'gc.freeze', 'trace.start', 'heap.exec'])
            assert.ok(shown.has(m), `${m} not shown to admin`);
        await page.close();
    });

    it('a write token creates and collects, but sees no Drop and no collector settings', async () => {
        const { page, rec } = await openPage(chrome.context, `${heapd.url}#token=${TOKENS.write}`);
        await waitConnected(page);
        await until(async () => (await page.$eval('#role', (e) => e.dataset.role)) === 'write', { what: 'role write' });
        await page.waitForSelector('#heap-rows tr[data-heap="demo"]');
        const shown = await visitAll(page);
        for (const m of ['heap.create', 'gc.collect', 'gc.freeze', 'trace.start', 'heap.exec'])
            assert.ok(shown.has(m), `${m} not shown to write`);
        for (const m of ['heap.drop', 'gc.set']) assert.ok(!shown.has(m), `${m} (admin only) shown to write`);
        // what it sees works; what it does not see heapd refuses
        await page.click('#tab-heap');
        await page.click('#gc-collect-0');
        await until(async () => (await rpc(page, 'gc.get', { heap: 'demo' })).result.stats[0].collections >= 1, { what: 'a collection by write' });
        assert.equal((await rpc(page, 'gc.set', { heap: 'demo', enabled: false })).error?.code, -32002);
        assert.deepEqual(rec.errors, []);
        await page.close();
    });

    it('no token or a bad one: told so, shown nothing it may not see', async () => {
        const { page } = await openPage(chrome.context, `${heapd.url}#token=wrong`);
        await waitConnected(page);
        await page.waitForSelector('#banner:not([hidden])');
        assert.match(await page.$eval('#banner', (e) => e.textContent), /token was refused/);
        assert.equal(await page.$eval('#role', (e) => e.dataset.role), 'none');
        assert.deepEqual([...await visitAll(page)], []);
        await page.click('#tab-overview');
        await shot(page, 'bad-token');
        await page.close();
    });

    it('reconnects with backoff when heapd restarts, and signs in again', async () => {
        const { page } = await openPage(chrome.context, `${heapd.url}#token=${TOKENS.admin}`);
        await waitConnected(page);
        const address = heapd.address;
        await heapd.stop();
        await page.waitForSelector('#conn[data-state="waiting"]', { timeout: 10000 });
        assert.match(await page.$eval('#conn', (e) => e.textContent), /retrying in \d+ s/);
        await shot(page, 'reconnecting', { fullPage: false });
        await page.waitForTimeout(2500); // a few attempts fail: the backoff grows
        heapd = await startHeapd({ tokens: TOKENS, listen: address });
        const t0 = Date.now();
        await waitConnected(page, 20000);
        console.log(`reconnected ${Date.now() - t0} ms after heapd came back`);
        await until(async () => (await page.$eval('#role', (e) => e.dataset.role)) === 'admin', { what: 'signed in again' });
        const attempts = await page.evaluate(() => globalThis.heapdDebug.client.stats.reconnects);
        assert.ok(attempts >= 2, `reconnection attempts: ${attempts}`);
        // the stream subscription came back too
        await page.click('#tab-heap');
        const seq0 = await until(() => page.evaluate(() => globalThis.heapdDebug.store.heap('demo').frame?.seq), { what: 'frames again' });
        await until(async () => (await page.evaluate(() => globalThis.heapdDebug.store.heap('demo').frame?.seq)) > seq0, { what: 'more frames' });
        await page.close();
    });
});
