// harness.js: what the browser tests stand on: a real heapd (the build's
// binary, on 127.0.0.1 with port 0, --demo, the built web root, a fresh
// state directory), Debian's Chromium driven by playwright-core (never a
// downloaded browser; a fresh profile; no network beyond loopback), and a
// page wrapper that records console errors, CSP violations and bytes loaded.
//
// Environment (set by tests/web/CMakeLists.txt): HEAPD (the binary),
// HEAPD_WEB_ROOT (the assembled web root), HEAPD_SCREENSHOTS (where
// screenshots go), CHROMIUM (default /usr/bin/chromium).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const HEAPD = process.env.HEAPD;
export const WEB_ROOT = process.env.HEAPD_WEB_ROOT;
export const SHOTS = process.env.HEAPD_SCREENSHOTS || path.join(os.tmpdir(), 'web-screenshots');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export function checkEnvironment() {
    const missing = [];
    if (!HEAPD || !fs.existsSync(HEAPD)) missing.push(`HEAPD (heapd binary): ${HEAPD}`);
    if (!WEB_ROOT || !fs.existsSync(path.join(WEB_ROOT, 'index.html'))) missing.push(`HEAPD_WEB_ROOT: ${WEB_ROOT}`);
    if (!fs.existsSync(CHROMIUM)) missing.push(`${CHROMIUM} (Debian package chromium: tools/deps.sh installs it)`);
    if (missing.length) throw new Error(`the browser tests need: ${missing.join('; ')}`);
    fs.mkdirSync(SHOTS, { recursive: true });
}

// startHeapd: a heapd of our own. opts: listen (default 127.0.0.1:0),
// tokens ({role: token}), demo (default true). Resolves when it listens.
export async function startHeapd(opts = {}) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heapd-web-'));
    const args = ['--listen', opts.listen || '127.0.0.1:0', '--web-root', WEB_ROOT, '--state-dir', path.join(dir, 'state'), '--log-level', 'notice'];
    fs.mkdirSync(path.join(dir, 'state'));
    if (opts.demo !== false) args.push('--demo');
    if (opts.tokens) {
        const file = path.join(dir, 'tokens');
        fs.writeFileSync(file, Object.entries(opts.tokens).map(([role, tok]) => `${role} ${tok}\n`).join(''), { mode: 0o600 });
        args.push('--token-file', file);
    }
    const proc = spawn(HEAPD, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const address = await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`heapd did not start:\n${log}`)), 10000);
        const onData = (d) => {
            log += d;
            const m = /listening on http:\/\/([^/\s]+)\//.exec(log);
            if (m) {
                clearTimeout(timer);
                resolve(m[1]);
            }
        };
        proc.stdout.on('data', onData);
        proc.stderr.on('data', onData);
        proc.on('exit', (code) => reject(new Error(`heapd exited (${code}):\n${log}`)));
    });
    const exited = new Promise((r) => proc.on('close', (code, signal) => r({ code, signal }))); // after its output
    return {
        url: `http://${address}/`,
        address,
        proc,
        log: () => log,
        // stop: SIGTERM, and heapd must shut down cleanly: exit status 0 and
        // no sanitizer report (an ASan+UBSan build runs these tests too)
        async stop() {
            if (proc.exitCode === null) proc.kill('SIGTERM');
            const { code, signal } = await exited;
            fs.rmSync(dir, { recursive: true, force: true });
            if (code !== 0 || /ERROR: (Address|Leak)Sanitizer|runtime error:/.test(log))
                throw new Error(`heapd ended with ${signal ?? `status ${code}`}:\n${log.slice(-4000)}`);
        },
    };
}

// launchBrowser: Debian's Chromium with a fresh profile (a persistent
// context on a new temporary --user-data-dir, the way playwright takes it)
export async function launchBrowser() {
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'heapd-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        viewport: { width: 1400, height: 1000 },
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
            '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    return {
        context,
        async close() {
            await context.close();
            fs.rmSync(profile, { recursive: true, force: true });
        },
    };
}

// openPage: a new page at url that records errors and the bytes it loads
export async function openPage(context, url, { viewport = { width: 1400, height: 1000 }, colorScheme = 'light' } = {}) {
    const page = await context.newPage();
    await page.setViewportSize(viewport);
    await page.emulateMedia({ colorScheme });
    const rec = { errors: [], csp: [], bytes: 0, files: [] };
    page.on('console', (m) => {
        const t = m.text();
        if (/Content.Security.Policy/i.test(t)) rec.csp.push(t);
        else if (m.type() === 'error' && !/WebSocket connection to .* failed|ERR_CONNECTION_REFUSED/.test(t)) rec.errors.push(t);
    });
    page.on('pageerror', (e) => rec.errors.push(`pageerror: ${e.message}`));
    page.on('response', async (r) => {
        if (!r.url().startsWith('http')) return;
        try {
            const b = await r.body();
            rec.bytes += b.length;
            rec.files.push([new URL(r.url()).pathname, b.length, r.status()]);
        } catch {
            /* a redirect or an aborted load has no body */
        }
    });
    await page.goto(url);
    return { page, rec };
}

export async function shot(page, name, opts = {}) {
    const file = path.join(SHOTS, `${name}.png`);
    await page.screenshot({ path: file, fullPage: opts.fullPage ?? true });
    return file;
}

// rpc: a protocol call made from the test through the page's own client
export function rpc(page, method, params = {}) {
    return page.evaluate(([m, p]) => globalThis.heapdDebug.client.call(m, p).then(
        (result) => ({ result }), (e) => ({ error: { code: e.code, message: e.message, data: e.data } })), [method, params]);
}

export async function waitConnected(page, timeout = 15000) {
    await page.waitForSelector('#conn[data-state="open"]', { timeout });
}

export async function until(fn, { timeout = 10000, every = 100, what = 'condition' } = {}) {
    const end = Date.now() + timeout;
    let last;
    while (Date.now() < end) {
        last = await fn();
        if (last) return last;
        await new Promise((r) => setTimeout(r, every));
    }
    throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}
