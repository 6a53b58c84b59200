// allocator.js: the pool allocator of the shown heap, in the Heap view: the
// figures and size-class table of sys._debugmallocstats() (from the
// alloc.stats carried by every stream.alloc frame), and the memory map of
// arenas and pools (alloc.map, refetched at most once a second while the
// heap changes) with, for every arena that cannot be released, the pools
// that keep it.

import { el, card, clear, kv, bar } from '../ui/dom.js';
import { bytes, count, percent } from '../ui/format.js';
import { classRows, arenaSummary, pinsOf, explainArena, mapTotals, objectsIn } from '../alloc/model.js';
import { typeName } from '../ui/format.js';
import { MemoryMap } from '../alloc/memmap.js';
import { api } from '../app/api.js';

const TABLE_MIN_MS = 400;
const MAP_MIN_MS = 1000;

export class AllocatorPanel {
    constructor(parent, ctx) {
        this.ctx = ctx;
        this.all = false;
        this.lastTable = 0;
        this.mapAt = 0;
        this.mapBusy = false;
        this.visible = false;

        this.summary = el('div', { id: 'alloc-summary' });
        this.tbody = el('tbody');
        const allBox = el('input', { type: 'checkbox', onchange: () => {
            this.all = allBox.checked;
            this.renderTable(true);
        } });
        this.tableCard = card('Allocator: size classes', { class: 'card span', id: 'alloc-card' }, this.summary,
            el('label', { class: 'field' }, allBox, 'show empty classes'),
            el('div', { class: 'table-wrap' }, el('table', { id: 'size-classes' },
                el('thead', {}, el('tr', {}, ['class', 'size', 'pools', 'blocks used', 'blocks free', 'bytes used', 'use'].map((h) => el('th', { text: h })))),
                this.tbody)));

        this.canvas = el('canvas', { class: 'memmap', id: 'memmap', tabindex: 0, 'aria-label': 'memory map of arenas and pools; arrow keys move between pools' });
        this.tip = el('pre', { class: 'tip', hidden: true });
        this.pins = el('ul', { class: 'pins', id: 'arena-pins' });
        this.mapNote = el('p', { class: 'muted', id: 'memmap-note' });
        this.legend = el('div', { class: 'memmap-legend' });
        this.mapCard = card('Memory map: arenas and pools', { class: 'card span', id: 'memmap-card' },
            el('p', { class: 'muted' }, 'Each row is a 1 MiB arena, each cell a 16 KiB pool, coloured by its size class and filled by the share of its blocks in use; an outlined cell is a free pool. An arena goes back to the system only when all its pools are free.'),
            el('div', { class: 'memmap-wrap' }, this.canvas, this.tip), this.legend, this.mapNote,
            el('h3', {}, 'why arenas are kept'),
            el('p', { class: 'muted' }, 'pymalloc releases an arena only when every pool in it is empty: a single used block keeps the whole 1 MiB.'),
            this.pins);
        parent.append(this.tableCard, this.mapCard);
        this.map = new MemoryMap(this.canvas, ctx.theme, (text, x, y) => this.showTip(text, x, y));

        ctx.store.on('alloc', ({ heap }) => heap === ctx.store.selected && this.onFrame());
        ctx.store.on('changed', ({ heap }) => heap === ctx.store.selected && this.fetchMapSoon());
        ctx.store.on('graph', () => this.map.setData(this.arenas || [], this.objects()));
        ctx.store.on('select', () => {
            this.arenas = null;
            this.fetchMapSoon(true);
        });
    }

    show(on) {
        this.visible = on;
        if (on) {
            this.renderTable(true);
            this.fetchMapSoon(true);
        }
    }

    objects() {
        const g = this.ctx.source.graph;
        return g ? [...g.nodes.values()] : [];
    }

    onFrame() {
        if (this.visible) this.renderTable(false);
    }

    renderTable(force) {
        const h = this.ctx.store.current();
        const s = h?.frame?.alloc;
        if (!s) return;
        const now = performance.now();
        if (!force && now - this.lastTable < TABLE_MIN_MS) return;
        this.lastTable = now;
        clear(this.summary, kv([
            ['arenas', `${count(s.arenas.current)} current, ${count(s.arenas.highwater)} high-water, ${count(s.arenas.allocated_total)} allocated, ${count(s.arenas.reclaimed_total)} reclaimed`],
            ['pools', `${count(s.pools.used)} used, ${count(s.pools.free)} free`],
            ['in used blocks', bytes(s.bytes.in_used_blocks)],
            ['in free blocks', bytes(s.bytes.in_free_blocks)],
            ['pool headers', bytes(s.bytes.pool_overhead)],
            ['unused in arenas', bytes(s.bytes.arena_unused)],
            ['large (> 512 B)', `${count(s.large.count)} blocks, ${bytes(s.large.bytes)}`],
            ['fragmentation', percent(s.fragmentation)],
        ], { id: 'alloc-figures' }));
        const rows = classRows(s, { all: this.all });
        clear(this.tbody, rows.map((r) => {
            const sw = el('span', { class: 'swatch' });
            sw.style.background = this.ctx.theme.classColor(r.index);
            return el('tr', { dataset: { index: r.index, size: r.size, pools: r.pools, used: r.blocks_used, free: r.blocks_free } },
                el('td', {}, sw, String(r.index)), el('td', { text: `${r.size} B` }), el('td', { text: count(r.pools) }),
                el('td', { text: count(r.blocks_used) }), el('td', { text: count(r.blocks_free) }),
                el('td', { text: bytes(r.bytes_used) }), el('td', {}, bar(r.use, { title: percent(r.use) })));
        }));
        if (!rows.length) this.tbody.append(el('tr', {}, el('td', { colspan: 7, class: 'left muted' }, 'no pool in use')));
    }

    fetchMapSoon(now = false) {
        if (!this.visible) return;
        clearTimeout(this.mapTimer);
        const wait = now ? 0 : Math.max(0, this.mapAt + MAP_MIN_MS - Date.now());
        this.mapTimer = setTimeout(() => this.fetchMap(), wait);
    }

    async fetchMap() {
        const { client, store } = this.ctx;
        const heap = store.selected;
        if (!heap || this.mapBusy || client.state !== 'open') return;
        this.mapBusy = true;
        this.mapAt = Date.now();
        try {
            const arenas = [];
            let total = Infinity;
            while (arenas.length < total && arenas.length < 1024) {
                const r = await client.call(...api.allocMap(heap, arenas.length, 256));
                total = r.total;
                arenas.push(...r.arenas);
                if (!r.arenas.length) break;
            }
            if (heap !== store.selected) return;
            this.arenas = arenas;
            this.total = total;
            this.renderMap();
        } catch (e) {
            this.mapNote.textContent = `alloc.map: ${e.message}`;
        } finally {
            this.mapBusy = false;
        }
    }

    renderMap() {
        const arenas = this.arenas || [];
        this.map.setData(arenas, this.objects());
        const totals = mapTotals(arenas);
        this.canvas.dataset.arenas = String(arenas.length);
        this.canvas.dataset.totals = JSON.stringify([...totals].map(([i, t]) => [i, t.pools, t.used]));
        const classes = [...totals.keys()].sort((a, b) => a - b);
        clear(this.legend, classes.map((i) => {
            const sw = el('span', { class: 'swatch' });
            sw.style.background = this.ctx.theme.classColor(i);
            return el('span', {}, sw, `${16 * (i + 1)} B`);
        }), el('span', {}, 'filled part: blocks in use'));
        const kept = arenas.map((a) => ({ s: arenaSummary(a), pins: pinsOf(a) }));
        const shown = this.total > arenas.length ? ` (the first ${arenas.length} of ${this.total})` : '';
        const plural = (n, one, many) => `${count(n)} ${n === 1 ? one : many}`;
        this.mapNote.textContent = `${plural(arenas.length, 'arena', 'arenas')}${shown}; ${plural(kept.filter((k) => !k.s.releasable).length, 'is', 'are')} kept by used blocks`;
        const objects = this.objects();
        const g = this.ctx.source.graph;
        clear(this.pins, kept.slice(0, 32).map(({ s, pins }, k) => el('li', {}, explainArena(s, pins),
            !s.releasable && s.used <= 16 ? this.pinningObjects(arenas[k], objects, g) : '')));
    }

    // pinningObjects: for an arena kept by a few blocks, the objects that
    // start in it (from the graph): free them and the arena can go
    pinningObjects(arena, objects, g) {
        const found = [...objectsIn(arena, objects).values()].flat();
        if (!found.length) return '';
        const names = (o) => (g?.namesOf.get(o.id) || []).join(', ');
        const list = found.slice(0, 6).map((o) => `#${o.id} ${typeName(o)}${names(o) ? ` (${names(o)})` : ''}`).join(', ');
        return ` — the objects there: ${list}${found.length > 6 ? `, … ${found.length - 6} more` : ''}`;
    }

    showTip(text, x, y) {
        if (!text) {
            this.tip.hidden = true;
            return;
        }
        this.tip.textContent = text;
        this.tip.hidden = false;
        const w = this.canvas.clientWidth;
        this.tip.style.left = `${Math.min(x + 12, Math.max(0, w - 320))}px`;
        this.tip.style.top = `${y + 14}px`;
    }
}
