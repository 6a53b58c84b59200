// collector.js: the cycle collector of the shown heap, in the Heap view:
// enabled or not, thresholds, each generation's count against its threshold
// (count 0: allocations minus deallocations since the last collection;
// counts 1 and 2: collections of the generation below since this one was
// last collected), collections / collected / uncollectable per generation,
// gc.garbage, the permanent generation, debug flags; a timeline of
// collections (pause against time, from stream.gc) with their results; and
// the controls, each hidden unless the role may call its method.

import { el, card, clear, kv, bar, actionButton, toast, errorText } from '../ui/dom.js';
import { count, micros, clock, wholeNumber, THRESHOLD_HELP } from '../ui/format.js';
import { PauseChart } from '../ui/charts.js';
import { api, GENERATIONS } from '../app/api.js';

const TIMELINE_ROWS = 12;

export class CollectorPanel {
    constructor(parent, ctx) {
        this.ctx = ctx;
        this.state = card('Collector', { id: 'gc-card' });
        this.stateBody = el('div', { id: 'gc-state' }, el('p', { class: 'muted' }, 'waiting for gc.get…'));
        this.controls = this.buildControls();
        this.state.append(this.stateBody, this.controls);
        this.timeline = card('Collections', { class: 'card span', id: 'gc-timeline' });
        const chartBox = el('div', { class: 'chart' });
        this.rows = el('tbody');
        this.timeline.append(el('p', { class: 'chart-title' }, 'pause of each collection, by generation'), chartBox,
            el('div', { class: 'table-wrap' }, el('table', { id: 'gc-events' },
                // soft hyphens: a narrow window may break the long headers
                el('thead', {}, el('tr', {}, ['time', 'gen', 'trigger', 'col\u00adlected', 'un\u00adcol\u00adlect\u00adable', 'pause'].map((h) => el('th', { text: h })))),
                this.rows)));
        parent.append(this.state, this.timeline);
        this.chart = new PauseChart(chartBox, ctx.theme);
        ctx.store.on('gcinfo', ({ heap }) => heap === ctx.store.selected && this.render());
        ctx.store.on('alloc', ({ heap }) => heap === ctx.store.selected && this.renderCounts());
        ctx.store.on('gc', ({ heap, ev }) => heap === ctx.store.selected && ev.phase === 'stop' && this.onCollection(ev));
        ctx.store.on('select', () => this.reset());
    }

    buildControls() {
        const heap = () => this.ctx.store.selected;
        const run = async (req, done) => {
            try {
                const r = await this.ctx.client.call(...req);
                done?.(r);
                this.ctx.store.mutated(heap(), req[0]);
                this.ctx.live.refreshGc();
            } catch (e) {
                toast(errorText(e), { error: true });
            }
        };
        this.thIn = GENERATIONS.map((g) => el('input', { type: 'number', min: 0, max: 2147483647, class: 'short', 'aria-label': `threshold ${g}`, id: `gc-threshold-${g}` }));
        this.flagBoxes = new Map();
        this.flagRow = el('div', { class: 'row', dataset: { method: 'gc.set' } });
        this.enableBtn = actionButton('Disable', 'gc.set', () => run(api.gcEnable(heap(), !this.ctx.store.current()?.gc?.enabled)), { id: 'gc-enable' });
        return el('div', {},
            el('h3', { dataset: { method: 'gc.collect' } }, 'controls'),
            el('div', { class: 'row', dataset: { method: 'gc.collect' } }, 'collect',
                GENERATIONS.map((g) => actionButton(`gen ${g}`, 'gc.collect', () => run(api.gcCollect(heap(), g), (r) =>
                    toast(`gc.collect(${g}): ${r.unreachable} unreachable, ${r.collected} collected, ${r.uncollectable} uncollectable in ${micros(r.duration_us)}`)),
                { id: `gc-collect-${g}` }))),
            el('div', { class: 'row' }, this.enableBtn,
                actionButton('Freeze', 'gc.freeze', () => run(api.gcFreeze(heap()), (r) => toast(`gc.freeze(): ${r.frozen} objects in the permanent generation`)), { id: 'gc-freeze' }),
                actionButton('Unfreeze', 'gc.unfreeze', () => run(api.gcUnfreeze(heap())), { id: 'gc-unfreeze' }),
                actionButton('Clear gc.garbage', 'gc.garbage_clear', () => run(api.gcGarbageClear(heap())), { id: 'gc-garbage-clear' })),
            el('div', { class: 'row', dataset: { method: 'gc.set' } }, 'thresholds', this.thIn,
                actionButton('Set', 'gc.set', () => {
                    const th = this.thIn.map((i) => wholeNumber(i.value));
                    if (th.includes(null)) return toast(THRESHOLD_HELP, { error: true });
                    return run(api.gcThresholds(heap(), th));
                }, { id: 'gc-thresholds-set' })),
            this.flagRow);
    }

    // setFlags: the debug flags gc.set takes (from proto's schema)
    setFlags(flags) {
        const heap = () => this.ctx.store.selected;
        this.flagBoxes.clear();
        this.shownDebug = null;
        clear(this.flagRow, 'debug', flags.map((f) => {
            const box = el('input', { type: 'checkbox', value: f, id: `gc-debug-${f}` });
            this.flagBoxes.set(f, box);
            return el('label', { class: 'field' }, box, f);
        }), actionButton('Set flags', 'gc.set', async () => {
            const debug = [...this.flagBoxes].filter(([, b]) => b.checked).map(([f]) => f);
            try {
                this.ctx.store.setGc(heap(), await this.ctx.client.call(...api.gcDebug(heap(), debug)));
            } catch (e) {
                toast(errorText(e), { error: true });
            }
        }, { id: 'gc-debug-set' }));
        this.render();
    }

    reset() {
        clear(this.rows, el('tr', { class: 'empty' }, el('td', { colspan: 6, class: 'left muted' }, 'no collection since this page opened')));
        this.chart.reset();
        this.shownThresholds = null;
        this.shownDebug = null;
        const h = this.ctx.store.current();
        for (const ev of h?.gcEvents || []) this.onCollection(ev);
    }

    onCollection(ev) {
        this.chart.add(ev.ts_ms, ev.generation, ev.duration_us ?? 0);
        const tr = el('tr', {}, el('td', { text: clock(ev.ts_ms) }), el('td', { text: ev.generation }),
            el('td', { text: ev.automatic ? 'automatic' : 'gc.collect' }), el('td', { text: count(ev.collected) }),
            el('td', { text: count(ev.uncollectable) }), el('td', { text: micros(ev.duration_us) }));
        this.rows.querySelector('.empty')?.remove();
        this.rows.prepend(tr);
        while (this.rows.children.length > TIMELINE_ROWS) this.rows.lastChild.remove();
    }

    render() {
        const h = this.ctx.store.current();
        const gc = h?.gc;
        if (!gc) return;
        this.enableBtn.textContent = gc.enabled ? 'Disable collector' : 'Enable collector';
        const th = gc.thresholds.join(',');
        if (th !== this.shownThresholds) {
            this.shownThresholds = th;
            gc.thresholds.forEach((t, i) => (this.thIn[i].value = t));
        }
        // the inputs follow heapd only when its values change, so a refresh
        // (after any collection) does not undo what the user is setting
        const debug = gc.debug.join(',');
        if (debug !== this.shownDebug) {
            this.shownDebug = debug;
            for (const [f, box] of this.flagBoxes) box.checked = gc.debug.includes(f);
        }
        this.countsBox = el('div', { class: 'bars', id: 'gc-counts' });
        clear(this.stateBody,
            kv([
                ['enabled', el('span', { class: gc.enabled ? 'badge on' : 'badge off', id: 'gc-enabled' }, gc.enabled ? 'enabled' : 'disabled')],
                ['thresholds', gc.thresholds.join(' / ')],
                ['gc.garbage', count(gc.garbage)],
                ['frozen', count(gc.frozen)],
                ['debug', gc.debug.length ? gc.debug.join(', ') : 'none'],
            ]),
            el('h3', {}, 'counts against thresholds'),
            this.countsBox,
            el('h3', {}, 'per generation'),
            el('table', { id: 'gc-stats' },
                el('thead', {}, el('tr', {}, ['gen', 'collections', 'collected', 'uncollectable'].map((x) => el('th', { text: x })))),
                el('tbody', {}, gc.stats.map((s, g) => el('tr', {}, el('td', { text: g }), el('td', { text: count(s.collections) }),
                    el('td', { text: count(s.collected) }), el('td', { text: count(s.uncollectable) }))))));
        this.renderCounts();
    }

    renderCounts() {
        const h = this.ctx.store.current();
        if (!h?.gc || !this.countsBox) return;
        const counts = h.frame?.gc_counts || h.gc.counts;
        const labels = ['gen 0: allocations', 'gen 1: gen-0 runs', 'gen 2: gen-1 runs'];
        clear(this.countsBox, GENERATIONS.map((g) => {
            const t = h.gc.thresholds[g];
            const frac = t ? counts[g] / t : 0;
            return [el('span', { class: 'label', text: labels[g] }), bar(frac, { hot: frac >= 0.8, title: `${counts[g]} of ${t}` }),
                el('span', { class: 'num', dataset: { gen: g }, text: `${count(counts[g])} / ${count(t)}` })];
        }));
    }
}
