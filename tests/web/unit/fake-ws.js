// fake-ws.js: a stand-in for the browser's WebSocket and a fake clock, for
// testing web/js/proto/rpc.js without a server. Each socket records what the
// client sent; the test answers as heapd would (the browser tests then run
// the same client against the real heapd).

export class FakeClock {
    constructor() {
        this.now = 0;
        this.timers = new Map();
        this.next = 1;
    }
    setTimeout(fn, ms) {
        const id = this.next++;
        this.timers.set(id, { at: this.now + ms, fn });
        return id;
    }
    clearTimeout(id) {
        this.timers.delete(id);
    }
    // advance: run every timer due within ms, in time order
    advance(ms) {
        const end = this.now + ms;
        for (;;) {
            let best = null;
            for (const [id, t] of this.timers) if (t.at <= end && (!best || t.at < best[1].at)) best = [id, t];
            if (!best) break;
            this.timers.delete(best[0]);
            this.now = best[1].at;
            best[1].fn();
        }
        this.now = end;
    }
    pendingDelays() {
        return [...this.timers.values()].map((t) => t.at - this.now);
    }
}

export function fakeSocketFactory() {
    const sockets = [];
    class FakeWebSocket {
        constructor(url, protocol) {
            this.url = url;
            this.protocol = protocol;
            this.sent = [];
            this.closed = false;
            sockets.push(this);
        }
        send(text) {
            if (this.closed) throw new Error('send on a closed socket');
            this.sent.push(text);
        }
        close(code = 1000) {
            this.closed = true;
            this.onclose?.({ code, reason: '' });
        }
        // test side
        open() {
            this.onopen?.();
        }
        receive(obj) {
            this.onmessage?.({ data: typeof obj === 'string' ? obj : JSON.stringify(obj) });
        }
        drop(code = 1006) {
            this.closed = true;
            this.onclose?.({ code, reason: '' });
        }
        lastRequest() {
            return JSON.parse(this.sent[this.sent.length - 1]);
        }
    }
    return { FakeWebSocket, sockets };
}

// flush: let pending promise callbacks run
export const flush = () => new Promise((r) => setImmediate(r));
