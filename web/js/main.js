// main.js: starts the dashboard: reads the token from the URL's fragment
// (#token=..., sent with session.auth by the client and kept nowhere else),
// loads the protocol's method table (proto/methods.json) and enums, opens
// the one protocol client, wires the store, the live feed and the graph
// source to the views, and runs the chrome around them: tabs (arrow keys
// move between them), the heap and rate pickers, the connection indicator
// and the role, which hides every control whose method the role may not
// call (elements with data-method, now and as views add them).

import { RpcClient } from './proto/rpc.js';
import { loadMethods } from './proto/methods.js';
import { Store } from './app/store.js';
import { Live } from './app/live.js';
import { GraphSource } from './app/graphsource.js';
import { Theme } from './ui/colors.js';
import { el, clear, toast } from './ui/dom.js';
import { librariesLoaded } from './lib.js';
import { OverviewView } from './views/overview.js';
import { HeapView } from './views/heap.js';
import { GraphView } from './views/graph.js';
import { ConsoleView } from './views/console.js';
import { TracingView } from './views/tracing.js';

// tokenFromHash: the token of a #token=... fragment, or null
export function tokenFromHash(hash) {
    const p = new URLSearchParams(hash.replace(/^#/, ''));
    return p.get('token') || null;
}

// The fragment also names the view and the heap shown (#view=graph&heap=demo),
// so a link or a reload comes back to them; the token in it is left as given.
function hashParams() {
    return new URLSearchParams(location.hash.replace(/^#/, ''));
}

function setHashParam(key, value) {
    const p = hashParams();
    if (p.get(key) === value) return;
    p.set(key, value);
    history.replaceState(null, '', `#${p.toString()}`);
}

function banner(text) {
    const b = document.getElementById('banner');
    b.textContent = text;
    b.hidden = !text;
}

async function loadEnums() {
    try {
        const r = await fetch('proto/enums.json', { cache: 'no-store' });
        return r.ok ? await r.json() : {};
    } catch {
        return {};
    }
}

function gate(methods, role, root = document) {
    const apply = (e) => {
        e.hidden = !methods.allowed(e.dataset.method, role);
    };
    if (root.dataset?.method) apply(root);
    root.querySelectorAll?.('[data-method]').forEach(apply);
}

function connectionIndicator(client) {
    const box = document.getElementById('conn');
    const text = box.querySelector('.conn-text');
    let countdown = null;
    client.on('state', (s) => {
        clearInterval(countdown);
        box.dataset.state = s.state;
        if (s.state === 'waiting') {
            const tick = () => {
                const left = Math.max(0, Math.ceil((s.retry_at - Date.now()) / 1000));
                text.textContent = `disconnected: retrying in ${left} s`;
            };
            tick();
            countdown = setInterval(tick, 500);
        } else {
            text.textContent = { connecting: 'connecting…', authenticating: 'signing in…', open: 'connected', closed: 'closed' }[s.state] || s.state;
        }
        if (s.state === 'open') banner(s.authError ? `The token was refused (${s.authError.message}): you can only see what needs no role.` : '');
    });
}

function tabs(views) {
    const list = [...document.querySelectorAll('[role="tab"]')];
    let current = null;
    const showView = (name, focus = false) => {
        for (const t of list) {
            const on = t.dataset.view === name;
            t.setAttribute('aria-selected', String(on));
            t.tabIndex = on ? 0 : -1;
            document.getElementById(t.getAttribute('aria-controls')).hidden = !on;
            if (on && focus) t.focus();
        }
        if (current && current !== name) views[current].show(false);
        current = name;
        views[name].show(true);
        setHashParam('view', name);
    };
    for (const t of list) {
        t.addEventListener('click', () => showView(t.dataset.view));
        t.addEventListener('keydown', (e) => {
            const i = list.indexOf(t);
            const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: list.length - 1 }[e.key];
            if (to === undefined) return;
            e.preventDefault();
            showView(list[(to + list.length) % list.length].dataset.view, true);
        });
    }
    return showView;
}

function heapPicker(store) {
    const sel = document.getElementById('heap-select');
    store.on('heaps', (list) => {
        const names = list.map((h) => h.heap);
        if (names.join('\u0000') !== sel.dataset.names) {
            sel.dataset.names = names.join('\u0000');
            clear(sel, names.map((n) => el('option', { value: n }, n)));
        }
        sel.value = store.selected ?? '';
    });
    store.on('select', (name) => {
        sel.value = name ?? '';
        if (name) setHashParam('heap', name);
    });
    sel.addEventListener('change', () => store.select(sel.value));
    // a stale link (#heap=NAME of a heap that is gone) or the shown heap
    // dropped elsewhere: say so, rather than silently show another heap
    store.on('missing', ({ heap, shown }) => {
        const instead = shown ? `showing '${shown}' instead` : 'there is no heap to show';
        toast(`Heap '${heap}' does not exist (any more): ${instead}.`, { error: true, ms: 10000 });
    });
}

async function main() {
    if (!librariesLoaded()) banner('The chart and graph libraries did not load (vendor/): was the web root built with its npm packages?');
    const token = tokenFromHash(location.hash);
    const [methods, enums] = await Promise.all([loadMethods(), loadEnums()]);
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const client = new RpcClient({ url: `${scheme}://${location.host}/ws`, token, WebSocket });
    const theme = new Theme();
    const store = new Store();
    const live = new Live(client, store, methods);
    const source = new GraphSource(client, store);
    const ctx = { client, store, live, source, methods, theme, enums, showView: null };
    const views = {
        overview: new OverviewView(document.getElementById('view-overview'), ctx),
        heap: new HeapView(document.getElementById('view-heap'), ctx),
        graph: new GraphView(document.getElementById('view-graph'), ctx),
        console: new ConsoleView(document.getElementById('view-console'), ctx),
        tracing: new TracingView(document.getElementById('view-tracing'), ctx),
    };
    views.heap.collector.setFlags(enums.debug_flag || []);
    ctx.showView = tabs(views);
    heapPicker(store);
    connectionIndicator(client);

    const roleBox = document.getElementById('role');
    const applyRole = (role) => {
        roleBox.textContent = role ? `role: ${role}` : '';
        roleBox.dataset.role = role || '';
        document.body.dataset.role = role || '';
        gate(methods, role);
    };
    store.on('role', applyRole);
    applyRole(null);
    new MutationObserver((muts) => {
        for (const m of muts) for (const n of m.addedNodes) if (n.nodeType === 1) gate(methods, client.role, n);
    }).observe(document.body, { childList: true, subtree: true });

    document.getElementById('rate-select').addEventListener('change', (e) => live.setInterval(Number(e.target.value)));
    live.interval = Number(document.getElementById('rate-select').value);
    const wanted = hashParams();
    store.preferred = wanted.get('heap'); // shown once heap.list has it
    ctx.showView(views[wanted.get('view')] ? wanted.get('view') : 'overview');
    live.start();
    client.connect();
    globalThis.heapdDebug = { ...(globalThis.heapdDebug || {}), client, store, live, source, views };
}

main().catch((e) => {
    console.error(e);
    banner(`The dashboard could not start: ${e.message}`);
});
