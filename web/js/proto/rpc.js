// rpc.js: the dashboard's one protocol client, shared by every view.
//
// One WebSocket to heapd's /ws (subprotocol heapd.v1). It numbers requests,
// matches responses by id (and an id-null error to the oldest request still
// waiting: heapd answers one connection's requests in order), sends batches,
// routes stream notifications to the subscription that asked for them, and
// keeps the session going across restarts of heapd:
//
//   closed --connect()--> connecting --open--> authenticating --> open
//      ^                                                            |
//      +------ waiting (backoff: 0.5 s doubling to 10 s, jittered) <-+ (socket closed)
//
// On every (re)open it first sends session.auth with the token it was given
// (kept in this object only: never in storage, cookies or the URL it
// rewrites), then server.info for the role and limits, then re-creates every
// subscription still wanted (the server forgets them with the connection).
// Calls made while not open fail at once with LOCAL.NOT_CONNECTED rather than
// waiting: a queued mutation replayed minutes later would surprise the user.
//
// Every outgoing message is judged by wire.checkMessage with the server's
// limits first; one heapd would refuse is refused here with the same code.

import { CODES, LOCAL } from './codes.js';
import { checkMessage, encodeRequest, DEFAULT_LIMITS } from './wire.js';

export const SUBPROTOCOL = 'heapd.v1';

export class RpcError extends Error {
    // code: a JSON-RPC error code (number) or one of LOCAL (string)
    constructor(code, message, data) {
        super(message);
        this.name = 'RpcError';
        this.code = code;
        this.data = data;
    }
}

export const BACKOFF = Object.freeze({ first_ms: 500, max_ms: 10000, jitter: 0.2 });

export class RpcClient {
    // opts: url, token?, WebSocket (constructor), timers? {setTimeout, clearTimeout},
    // random? () -> [0,1), timeout_ms? (per call, default 30 s)
    constructor(opts) {
        this.url = opts.url;
        this.token = opts.token || null;
        this.WS = opts.WebSocket;
        this.timers = opts.timers || { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (t) => clearTimeout(t) };
        this.random = opts.random || Math.random;
        this.timeoutMs = opts.timeout_ms ?? 30000;
        this.state = 'closed';
        this.ws = null;
        this.nextId = 1;
        this.pending = new Map(); // id -> {resolve, reject, timer, batch}
        this.order = []; // ids in the order sent, to match id-null errors
        this.listeners = new Map(); // event -> Set(fn)
        this.subs = new Set(); // Subscription objects wanted
        this.bySubId = new Map(); // server subscription id -> Subscription
        this.attempt = 0;
        this.retryTimer = null;
        this.role = null;
        this.info = null;
        this.limits = { ...DEFAULT_LIMITS };
        this.wanted = false;
        this.stats = { sent: 0, received: 0, notifications: 0, reconnects: 0 };
    }

    on(event, fn) {
        if (!this.listeners.has(event)) this.listeners.set(event, new Set());
        this.listeners.get(event).add(fn);
        return () => this.listeners.get(event).delete(fn);
    }

    emit(event, arg) {
        for (const fn of this.listeners.get(event) || []) {
            try {
                fn(arg);
            } catch (e) {
                console.error(`heapd client: a "${event}" listener failed`, e);
            }
        }
    }

    setState(state, extra = {}) {
        this.state = state;
        this.emit('state', { state, ...extra });
    }

    // connect: start (and keep) the connection. Idempotent.
    connect() {
        this.wanted = true;
        if (this.state === 'closed' || this.state === 'waiting') this.open();
    }

    // close: stop for good (no reconnection).
    close() {
        this.wanted = false;
        if (this.retryTimer) this.timers.clearTimeout(this.retryTimer);
        this.retryTimer = null;
        if (this.ws) this.ws.close(1000);
        this.dropSocket('closed by the page');
        this.setState('closed');
    }

    open() {
        if (this.retryTimer) this.timers.clearTimeout(this.retryTimer);
        this.retryTimer = null;
        this.setState('connecting');
        let ws;
        try {
            ws = new this.WS(this.url, SUBPROTOCOL);
        } catch (e) {
            this.scheduleRetry(String(e));
            return;
        }
        this.ws = ws;
        ws.onopen = () => this.onOpen(ws);
        ws.onmessage = (ev) => {
            if (this.ws === ws) this.onMessage(ev.data);
        };
        ws.onclose = (ev) => {
            if (this.ws !== ws) return;
            this.dropSocket(`connection closed (${ev.code || 'no code'})`);
            if (this.wanted) this.scheduleRetry(ev.reason || `code ${ev.code}`, ev.code);
            else this.setState('closed');
        };
        ws.onerror = () => {}; // a close event follows
    }

    async onOpen(ws) {
        if (this.ws !== ws) return;
        this.setState('authenticating');
        try {
            if (this.token) {
                const r = await this.call('session.auth', { token: this.token }, { internal: true });
                this.role = r.role;
            }
            const info = await this.call('server.info', {}, { internal: true });
            this.info = info;
            this.role = info.role;
            if (info.limits) this.limits = { ...DEFAULT_LIMITS, ...info.limits };
            this.attempt = 0;
            this.setState('open', { info });
            this.emit('role', this.role);
            for (const s of this.subs) s.start();
        } catch (e) {
            // a bad token: stay connected with the role the server gives
            // (none), so the page can say what is wrong
            if (e.code === CODES.UNAUTHORIZED) {
                try {
                    const info = await this.call('server.info', {}, { internal: true });
                    this.info = info;
                    this.role = info.role;
                    this.setState('open', { info, authError: e });
                    this.emit('role', this.role);
                } catch {
                    /* the close handler reconnects */
                }
            }
        }
    }

    dropSocket(why) {
        const ws = this.ws;
        this.ws = null;
        if (ws) {
            ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
        }
        const err = new RpcError(LOCAL.CLOSED, why);
        for (const [, p] of this.pending) {
            if (p.timer) this.timers.clearTimeout(p.timer);
            p.reject(err);
        }
        this.pending.clear();
        this.order = [];
        this.bySubId.clear();
        for (const s of this.subs) s.serverId = null;
    }

    // nextDelay: the wait before reconnection attempt `attempt` (0-based).
    nextDelay(attempt) {
        const base = Math.min(BACKOFF.max_ms, BACKOFF.first_ms * 2 ** attempt);
        const j = 1 + BACKOFF.jitter * (2 * this.random() - 1);
        return Math.round(base * j);
    }

    scheduleRetry(reason, code) {
        const delay = this.nextDelay(this.attempt++);
        this.stats.reconnects++;
        this.setState('waiting', { delay_ms: delay, reason, code, retry_at: Date.now() + delay });
        this.retryTimer = this.timers.setTimeout(() => {
            this.retryTimer = null;
            if (this.wanted) this.open();
        }, delay);
    }

    sendText(text, ids, { resolve, reject, batch }) {
        const verdict = checkMessage(text, this.limits);
        const bad = verdict.kind === 'error' ? verdict
            : verdict.kind === 'batch' ? verdict.members.find((m) => m.kind === 'error' || m.code) : null;
        if (bad) {
            reject(new RpcError(bad.code, `refused before sending: heapd would answer ${bad.code}`, bad.data));
            return;
        }
        const id = ids[0];
        const entry = { resolve, reject, batch, timer: null };
        entry.timer = this.timers.setTimeout(() => {
            if (!this.pending.has(id)) return;
            this.pending.delete(id);
            this.order = this.order.filter((x) => x !== id);
            reject(new RpcError(LOCAL.TIMEOUT, `no answer within ${this.timeoutMs} ms`));
        }, this.timeoutMs);
        this.pending.set(id, entry);
        this.order.push(id);
        this.stats.sent++;
        this.ws.send(text);
    }

    ready(internal) {
        if (!this.ws) return false;
        return internal ? this.state === 'authenticating' || this.state === 'open' : this.state === 'open';
    }

    // call: one request; resolves with its result, rejects with an RpcError.
    call(method, params = {}, opts = {}) {
        return new Promise((resolve, reject) => {
            if (!this.ready(opts.internal)) {
                reject(new RpcError(LOCAL.NOT_CONNECTED, 'not connected to heapd'));
                return;
            }
            const id = this.nextId++;
            let text;
            try {
                text = encodeRequest(method, params, id);
            } catch (e) {
                reject(new RpcError(CODES.INVALID_PARAMS, e.message));
                return;
            }
            this.sendText(text, [id], { resolve, reject, batch: null });
        });
    }

    // batch: several requests in one message, run atomically by heapd.
    // calls: [[method, params], ...]. Resolves with one entry per call, in
    // order: {result} or {error: RpcError}. Rejects only when the whole
    // message fails (not connected, refused, closed).
    batch(calls) {
        return new Promise((resolve, reject) => {
            if (!this.ready(false)) {
                reject(new RpcError(LOCAL.NOT_CONNECTED, 'not connected to heapd'));
                return;
            }
            if (calls.length === 0) {
                resolve([]);
                return;
            }
            const ids = calls.map(() => this.nextId++);
            let text;
            try {
                text = '[' + calls.map(([m, p], k) => encodeRequest(m, p ?? {}, ids[k])).join(',') + ']';
            } catch (e) {
                reject(new RpcError(CODES.INVALID_PARAMS, e.message));
                return;
            }
            this.sendText(text, ids, { resolve, reject, batch: ids });
        });
    }

    // notify: a request without id (never answered).
    notify(method, params = {}) {
        if (!this.ready(false)) throw new RpcError(LOCAL.NOT_CONNECTED, 'not connected to heapd');
        this.ws.send(encodeRequest(method, params));
    }

    onMessage(data) {
        this.stats.received++;
        let msg;
        try {
            msg = JSON.parse(data);
        } catch {
            console.error('heapd client: a message that is not JSON', data);
            return;
        }
        if (Array.isArray(msg)) this.onBatchResponse(msg);
        else if (msg && typeof msg === 'object' && 'method' in msg && !('id' in msg)) this.onNotification(msg);
        else if (msg && typeof msg === 'object') this.onResponse(msg);
    }

    takePending(id) {
        let key = id;
        if (id === null || !this.pending.has(id)) {
            if (id !== null) return null;
            key = this.order[0]; // heapd answers in order: the oldest waiting
            if (key === undefined) return null;
        }
        const p = this.pending.get(key);
        this.pending.delete(key);
        this.order = this.order.filter((x) => x !== key);
        if (p.timer) this.timers.clearTimeout(p.timer);
        return p;
    }

    onResponse(msg) {
        const p = this.takePending(msg.id);
        if (!p) return;
        const err = msg.error ? new RpcError(msg.error.code, msg.error.message, msg.error.data) : null;
        if (p.batch) {
            // a whole-batch failure (limit, parse) comes back as one object
            if (err) p.reject(err);
            else p.reject(new RpcError(CODES.INTERNAL_ERROR, 'a batch answered with one response'));
        } else if (err) p.reject(err);
        else p.resolve(msg.result);
    }

    onBatchResponse(arr) {
        if (arr.length === 0) return;
        const first = arr.find((r) => r && r.id !== null && r.id !== undefined);
        const p = first ? this.takePending(this.batchKey(first.id)) : this.takePending(null);
        if (!p) return;
        const ids = p.batch || [];
        const byId = new Map();
        const unmatched = [];
        for (const r of arr) {
            if (r && r.id !== null && ids.includes(r.id)) byId.set(r.id, r);
            else unmatched.push(r);
        }
        const out = ids.map((id) => {
            const r = byId.get(id) || unmatched.shift();
            if (!r) return { error: new RpcError(CODES.INTERNAL_ERROR, 'no response for this call') };
            if (r.error) return { error: new RpcError(r.error.code, r.error.message, r.error.data) };
            return { result: r.result };
        });
        p.resolve(out);
    }

    // batchKey: the pending key (first id of a batch) of a batch member's id
    batchKey(id) {
        for (const [key, p] of this.pending) if (p.batch && p.batch.includes(id)) return key;
        return id;
    }

    onNotification(msg) {
        this.stats.notifications++;
        const params = msg.params || {};
        const sub = this.bySubId.get(params.subscription);
        if (sub) sub.deliver(msg.method, params);
        this.emit('notification', msg);
    }

    // subscribe: a stream subscription that survives reconnection.
    // params: stream.subscribe's params; handler(method, params).
    // Returns a Subscription with unsubscribe() and update(params).
    subscribe(params, handler) {
        const s = new Subscription(this, params, handler);
        this.subs.add(s);
        if (this.state === 'open') s.start();
        return s;
    }
}

export class Subscription {
    constructor(client, params, handler) {
        this.client = client;
        this.params = params;
        this.handler = handler;
        this.serverId = null;
        this.lastSeq = 0;
        this.gaps = 0;
        this.generation = 0;
    }

    async start() {
        const gen = ++this.generation;
        try {
            const r = await this.client.call('stream.subscribe', this.params, { internal: true });
            if (gen !== this.generation || !this.client.subs.has(this)) {
                this.client.call('stream.unsubscribe', { subscription: r.subscription }).catch(() => {});
                return;
            }
            this.serverId = r.subscription;
            this.lastSeq = 0;
            this.client.bySubId.set(r.subscription, this);
            this.client.emit('subscribed', this);
        } catch (e) {
            this.client.emit('subscribe-error', { sub: this, error: e });
        }
    }

    deliver(method, params) {
        if (this.lastSeq && params.seq > this.lastSeq + 1) this.gaps += params.seq - this.lastSeq - 1;
        this.lastSeq = params.seq;
        this.handler(method, params);
    }

    // update: replace the params (say a new interval): resubscribe.
    async update(params) {
        this.params = params;
        await this.stop();
        if (this.client.state === 'open') await this.start();
    }

    async stop() {
        this.generation++;
        const id = this.serverId;
        this.serverId = null;
        if (id !== null) {
            this.client.bySubId.delete(id);
            await this.client.call('stream.unsubscribe', { subscription: id }).catch(() => {});
        }
    }

    unsubscribe() {
        this.client.subs.delete(this);
        return this.stop();
    }
}
