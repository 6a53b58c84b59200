// tracing.js: the Tracing view, tracemalloc's model: start and stop
// tracing, reset the peak, take snapshots (kept by heapd; this page lists
// the ones it took), statistics of a snapshot grouped by allocation site or
// by type, and the comparison of two snapshots.

import { el, card, clear, kv, actionButton, toast, errorText } from '../ui/dom.js';
import { bytes, count } from '../ui/format.js';
import { api } from '../app/api.js';

export class TracingView {
    constructor(root, ctx) {
        this.root = root;
        this.ctx = ctx;
        this.status = el('div', { id: 'trace-status' }, el('p', { class: 'muted' }, 'waiting for trace.status…'));
        const heap = () => ctx.store.selected;
        const run = async (req, done) => {
            try {
                const r = await ctx.client.call(...req);
                done?.(r);
                ctx.live.refreshTrace();
            } catch (e) {
                toast(errorText(e), { error: true });
            }
        };
        this.snapSel = el('select', { 'aria-label': 'snapshot', id: 'trace-snap' });
        this.baseSel = el('select', { 'aria-label': 'base snapshot', id: 'trace-base' });
        this.groupSel = el('select', { 'aria-label': 'group by', id: 'trace-group' }, el('option', { value: 'site' }, 'by site'), el('option', { value: 'type' }, 'by type'));
        this.result = el('div', { class: 'table-wrap', id: 'trace-result' });
        const controls = el('div', {},
            el('div', { class: 'row' },
                actionButton('Start tracing', 'trace.start', () => run(api.traceStart(heap())), { id: 'trace-start' }),
                actionButton('Stop', 'trace.stop', () => run(api.traceStop(heap())), { id: 'trace-stop' }),
                actionButton('Reset peak', 'trace.reset_peak', () => run(api.traceResetPeak(heap())), { id: 'trace-reset' }),
                actionButton('Take snapshot', 'trace.snapshot', () => run(api.traceSnapshot(heap()), (r) => this.addSnapshot(r.snapshot)), { id: 'trace-snapshot' })));
        clear(root,
            card('Allocation tracing', { id: 'trace-card' }, this.status, controls),
            card('Snapshots', { class: 'card span', id: 'trace-stats-card' },
                el('div', { class: 'row' }, el('label', { class: 'field' }, 'snapshot', this.snapSel), this.groupSel,
                    el('button', { type: 'button', id: 'trace-show', onclick: () => this.stats() }, 'Statistics'),
                    el('label', { class: 'field' }, 'compared to', this.baseSel),
                    el('button', { type: 'button', id: 'trace-compare', onclick: () => this.compare() }, 'Compare')),
                this.result));
        ctx.store.on('trace', ({ heap: h, status }) => h === ctx.store.selected && this.renderStatus(status));
        ctx.store.on('select', () => this.fillSnapshots());
    }

    show() {}

    renderStatus(s) {
        this.root.querySelector('#trace-start').disabled = s.tracing;
        this.root.querySelector('#trace-stop').disabled = !s.tracing;
        this.root.querySelector('#trace-snapshot').disabled = !s.tracing;
        this.root.querySelector('#trace-reset').disabled = !s.tracing;
        clear(this.status, kv([
            ['tracing', el('span', { class: s.tracing ? 'badge on' : 'badge off', id: 'trace-on' }, s.tracing ? 'on' : 'off')],
            ['traced now', bytes(s.current)],
            ['peak', bytes(s.peak)],
        ]));
    }

    addSnapshot(id) {
        const h = this.ctx.store.current();
        h.snapshots.push(id);
        toast(`snapshot ${id} taken`);
        this.fillSnapshots();
    }

    fillSnapshots() {
        const snaps = this.ctx.store.current()?.snapshots || [];
        const opts = () => snaps.slice().reverse().map((s) => el('option', { value: s }, `#${s}`));
        clear(this.snapSel, opts());
        clear(this.baseSel, opts());
        if (snaps.length > 1) this.baseSel.value = String(snaps[snaps.length - 2]);
    }

    async stats() {
        const snap = Number(this.snapSel.value);
        if (!snap) return toast('take a snapshot first', { error: true });
        try {
            const r = await this.ctx.client.call(...api.traceStats(this.ctx.store.selected, snap, this.groupSel.value));
            this.table(['key', 'size', 'count'], r.stats.map((s) => [s.key, bytes(s.size), count(s.count)]));
        } catch (e) {
            toast(errorText(e), { error: true });
        }
    }

    async compare() {
        const snap = Number(this.snapSel.value);
        const base = Number(this.baseSel.value);
        if (!snap || !base) return toast('take two snapshots first', { error: true });
        try {
            const r = await this.ctx.client.call(...api.traceCompare(this.ctx.store.selected, snap, base, this.groupSel.value));
            const sign = (n, f) => (n > 0 ? `+${f(n)}` : f(n));
            this.table(['key', 'size', 'Δ size', 'count', 'Δ count'],
                r.stats.map((s) => [s.key, bytes(s.size), sign(s.size_diff, bytes), count(s.count), sign(s.count_diff, count)]));
        } catch (e) {
            toast(errorText(e), { error: true });
        }
    }

    table(head, rows) {
        clear(this.result, el('table', {},
            el('thead', {}, el('tr', {}, head.map((h) => el('th', { text: h })))),
            el('tbody', {}, rows.length ? rows.map((r) => el('tr', {}, r.map((c) => el('td', { text: c }))))
                : el('tr', {}, el('td', { colspan: head.length, class: 'left muted' }, 'nothing traced')))));
    }
}
