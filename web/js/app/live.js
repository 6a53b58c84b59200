// live.js: keeps the store fed while connected: one stream subscription to
// every topic of every heap (alloc frames at the rate chosen in the header),
// and a slow poll of what streams do not carry: the heap list, server
// figures, gc.get of the shown heap after each collection, trace.status.
//
// Polls are skipped while a previous one is still out, so a slow server is
// never sent a backlog.

import { api } from './api.js';

export const POLL_MS = 2000;
export const TRACE_POLL_MS = 1000;

export class Live {
    constructor(client, store, methods) {
        this.client = client;
        this.store = store;
        this.methods = methods;
        this.interval = 500;
        this.sub = null;
        this.busy = new Set();
        this.gcTimer = null;
        this.timers = [];
        client.on('state', (s) => {
            if (s.state === 'open') this.onOpen(s);
        });
        client.on('role', (role) => store.setRole(role));
        store.on('select', () => {
            this.refreshGc();
            this.refreshTrace();
        });
    }

    start() {
        this.sub = this.client.subscribe(this.subParams(), (method, p) => this.onFrame(method, p));
        this.timers.push(setInterval(() => this.poll(), POLL_MS));
        this.timers.push(setInterval(() => this.refreshTrace(), TRACE_POLL_MS));
    }

    subParams() {
        return { topics: this.methods.topics(), interval_ms: this.interval };
    }

    setInterval(ms) {
        this.interval = ms;
        if (this.sub) this.sub.update(this.subParams());
    }

    can(method) {
        return this.methods.allowed(method, this.client.role);
    }

    onOpen(s) {
        this.store.info = s.info;
        this.store.emit('server', s.info);
        this.poll();
        this.refreshGc();
        this.refreshTrace();
    }

    onFrame(method, p) {
        if (method === 'stream.alloc') this.store.onAlloc(p);
        else if (method === 'stream.gc') {
            this.store.onGc(p);
            if (p.phase === 'stop' && p.heap === this.store.selected) this.refreshGcSoon();
        } else if (method === 'stream.event') this.store.onEvent(p);
        else if (method === 'stream.heap') this.refreshHeaps();
    }

    // once: run fn unless a run of the same key is still out
    async once(key, fn) {
        if (this.busy.has(key) || this.client.state !== 'open') return;
        this.busy.add(key);
        try {
            await fn();
        } catch (e) {
            if (e.code !== 'not_connected' && e.code !== 'connection_closed') console.warn(`dashboard: ${key}:`, e.message);
        } finally {
            this.busy.delete(key);
        }
    }

    poll() {
        this.refreshHeaps();
        this.once('server', async () => {
            const calls = [api.serverInfo()];
            if (this.can('server.stats')) calls.push(api.serverStats());
            const [info, stats] = await this.client.batch(calls);
            if (info.result) this.store.info = info.result;
            if (stats?.result) this.store.stats = stats.result;
            this.store.emit('server', this.store.info);
        });
    }

    refreshHeaps() {
        if (!this.can('heap.list')) return;
        return this.once('heaps', async () => {
            const r = await this.client.call(...api.heapList());
            this.store.setHeaps(r.heaps);
        });
    }

    refreshGcSoon() {
        clearTimeout(this.gcTimer);
        this.gcTimer = setTimeout(() => this.refreshGc(), 200);
    }

    refreshGc() {
        const heap = this.store.selected;
        if (!heap || !this.can('gc.get')) return;
        return this.once('gc', async () => {
            this.store.setGc(heap, await this.client.call(...api.gcGet(heap)));
        });
    }

    refreshTrace() {
        const heap = this.store.selected;
        if (!heap || !this.can('trace.status')) return;
        return this.once('trace', async () => {
            this.store.setTrace(heap, await this.client.call(...api.traceStatus(heap)));
        });
    }
}
