// heap.js: the Heap view, live from stream.alloc and stream.gc: charts of
// objects, bytes, arenas (current and high-water) and traced memory; the
// objects by type (from the graph); the collector (collector.js); the
// allocator and its memory map (allocator.js); the events heapd reports
// (weakref callbacks, finalizers, resurrections).

import { el, card, clear, bar } from '../ui/dom.js';
import { bytes, count, clock } from '../ui/format.js';
import { TimeChart } from '../ui/charts.js';
import { typeCounts } from '../graph/model.js';
import { CollectorPanel } from './collector.js';
import { AllocatorPanel } from './allocator.js';

const TYPES_SHOWN = 16;
const EVENTS_SHOWN = 20;

export class HeapView {
    constructor(root, ctx) {
        this.root = root;
        this.ctx = ctx;
        this.visible = false;
        const t = ctx.theme;
        const p = (i) => () => t.palette[i];
        const chartBox = (title) => {
            const box = el('div', { class: 'chart' });
            return [box, el('div', {}, el('p', { class: 'chart-title', text: title }), box)];
        };
        const [objBox, objWrap] = chartBox('objects');
        const [byteBox, byteWrap] = chartBox('bytes');
        const [arenaBox, arenaWrap] = chartBox('arenas');
        const [traceBox, traceWrap] = chartBox('traced memory (tracemalloc)');
        this.head = el('div', { id: 'heap-head' });
        const live = card('Live', { class: 'card span', id: 'live-card' }, this.head, el('div', { class: 'charts' }, objWrap, byteWrap, arenaWrap, traceWrap));
        this.types = el('div', { class: 'bars', id: 'types' });
        this.typesNote = el('p', { class: 'muted', id: 'types-note', hidden: true });
        const typesCard = card('Objects by type', { id: 'types-card' }, this.typesNote, this.types);
        this.events = el('ul', { class: 'objlist', id: 'events' });
        const eventsCard = card('Events', { id: 'events-card' }, el('p', { class: 'muted' }, 'weakref callbacks, finalizers and resurrections, as they happen'), this.events);
        clear(root, live, typesCard);
        this.collector = new CollectorPanel(root, ctx);
        this.allocator = new AllocatorPanel(root, ctx);
        root.append(eventsCard);

        this.objChart = new TimeChart(objBox, t, [{ label: 'objects', color: p(0) }, { label: 'tracked', color: p(1) }], { yFormat: count });
        this.byteChart = new TimeChart(byteBox, t, [{ label: 'sizeof sum', color: p(0) }, { label: 'in used blocks', color: p(3) }, { label: 'arena bytes', color: p(7) }], { yFormat: bytes });
        this.arenaChart = new TimeChart(arenaBox, t, [{ label: 'current', color: p(0) }, { label: 'high-water', color: p(6) }], { yFormat: count });
        this.traceChart = new TimeChart(traceBox, t, [{ label: 'current', color: p(4) }, { label: 'peak', color: p(2) }], { yFormat: bytes });

        ctx.store.on('alloc', ({ heap, frame }) => heap === ctx.store.selected && this.onFrame(frame));
        ctx.store.on('trace', ({ heap, status }) => heap === ctx.store.selected && this.traceChart.push(Date.now(), [status.current, status.peak]));
        ctx.store.on('graph', () => this.visible && this.renderTypes());
        ctx.store.on('event', ({ heap, ev }) => heap === ctx.store.selected && this.onEvent(ev));
        ctx.store.on('select', () => this.reset());
    }

    show(on) {
        this.visible = on;
        this.ctx.source.want(on);
        this.allocator.show(on);
        if (on) {
            this.renderTypes();
            this.collector.render();
        }
    }

    reset() {
        for (const c of [this.objChart, this.byteChart, this.arenaChart, this.traceChart]) c.reset();
        clear(this.types);
        clear(this.events);
        clear(this.head);
    }

    onFrame(f) {
        const a = f.alloc;
        this.objChart.push(f.ts_ms, [f.objects, f.tracked]);
        this.byteChart.push(f.ts_ms, [f.bytes, a?.bytes.in_used_blocks, f.arena_bytes]);
        this.arenaChart.push(f.ts_ms, [a?.arenas.current, a?.arenas.highwater]);
        if (!this.visible) return;
        const now = performance.now();
        if (now - (this.headAt || 0) < 250) return;
        this.headAt = now;
        clear(this.head, el('p', { class: 'muted' },
            el('span', { id: 'heap-objects', dataset: { value: f.objects } }, `${count(f.objects)} objects`), ` (${count(f.tracked)} tracked), `,
            el('span', { id: 'heap-bytes', dataset: { value: f.bytes } }, bytes(f.bytes)), `, ${bytes(f.arena_bytes)} in arenas · frame ${f.seq} at ${clock(f.ts_ms)}`));
    }

    renderTypes() {
        const g = this.ctx.source.graph;
        if (!g) return;
        const rows = typeCounts(g);
        const max = rows[0]?.count || 1;
        // a partial graph (a heap too large to export whole) counts only what was read
        this.typesNote.hidden = !g.partial;
        this.typesNote.textContent = g.partial ? `Counted over the ${count(g.size)} objects read so far of ${count(g.totalObjects ?? g.size)}: the heap is too large to export in one message.` : '';
        clear(this.types, rows.slice(0, TYPES_SHOWN).map((r) => {
            const b = bar(r.count / max, { title: `${r.count} objects, ${bytes(r.bytes)}` });
            b.firstChild.style.background = this.ctx.theme.typeColor(r.type);
            return [el('span', { class: 'label', title: r.type, text: r.type }), b,
                el('span', { class: 'num', dataset: { type: r.type, count: r.count }, text: `${count(r.count)} · ${bytes(r.bytes)}` })];
        }));
        if (rows.length > TYPES_SHOWN) this.types.append(el('span', { class: 'label muted' }, `+${rows.length - TYPES_SHOWN} types`), el('span'), el('span'));
    }

    onEvent(ev) {
        const what = ev.event === 'weakref_callback' ? `weakref #${ev.weakref} callback: its referent #${ev.object} (${ev.type}) died`
            : ev.event === 'finalizer' ? `__del__ of #${ev.object} (${ev.type}) ran`
                : `#${ev.object} (${ev.type}) was resurrected by its finalizer`;
        this.events.prepend(el('li', {}, `${clock(ev.ts_ms)} ${what}`));
        while (this.events.children.length > EVENTS_SHOWN) this.events.lastChild.remove();
    }
}
