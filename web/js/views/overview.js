// overview.js: the Overview view: the server (name, version, uptime, RSS,
// connections, messages, dropped frames) and every heap with live
// sparklines of its objects and bytes (from stream.alloc); creating a heap
// (write) and dropping one (admin).

import { el, card, clear, kv, actionButton, toast, errorText } from '../ui/dom.js';
import { bytes, count, duration, wholeNumber, THRESHOLD_HELP } from '../ui/format.js';
import { Sparkline } from '../ui/charts.js';
import { api } from '../app/api.js';

export class OverviewView {
    constructor(root, ctx) {
        this.root = root;
        this.ctx = ctx;
        this.rows = new Map(); // heap -> {tr, objects, bytes, sparkO, sparkB}
        this.server = el('div', { id: 'server-info' }, el('p', { class: 'muted' }, 'connecting…'));
        this.tbody = el('tbody', { id: 'heap-rows' });
        const name = el('input', { type: 'text', placeholder: 'name', pattern: '[A-Za-z0-9_.\\-]{1,64}', required: true, 'aria-label': 'new heap name', id: 'create-name' });
        const gcOn = el('input', { type: 'checkbox', checked: true, id: 'create-gc' });
        const th = [700, 10, 10].map((v, i) => el('input', { type: 'number', min: 0, value: v, class: 'short', 'aria-label': `threshold ${i}` }));
        const form = el('form', { class: 'row', id: 'create-form', dataset: { method: 'heap.create' }, onsubmit: (e) => {
            e.preventDefault();
            const thresholds = th.map((i) => wholeNumber(i.value));
            if (thresholds.includes(null)) toast(THRESHOLD_HELP, { error: true });
            else this.create(name.value.trim(), gcOn.checked, thresholds);
        } }, name, el('label', { class: 'field' }, gcOn, 'collector on'), el('span', { class: 'muted' }, 'thresholds'), th,
        el('button', { type: 'submit', class: 'primary' }, 'Create heap'));
        clear(root,
            card('Server', { id: 'server-card' }, this.server),
            card('Heaps', { class: 'card span', id: 'heaps-card' },
                el('div', { class: 'table-wrap' }, el('table', { id: 'heaps' },
                    el('thead', {}, el('tr', {}, ['heap', 'objects', '', 'bytes', '', 'arenas', 'collector', ''].map((h, i) =>
                        el('th', { text: h, class: i === 2 || i === 4 ? 'spark-cell' : undefined })))),
                    this.tbody)),
                el('h3', { dataset: { method: 'heap.create' } }, 'new heap'), form));
        ctx.store.on('heaps', (list) => this.renderHeaps(list));
        ctx.store.on('server', () => this.renderServer());
        ctx.store.on('alloc', ({ heap, frame }) => this.onFrame(heap, frame));
    }

    show() {}

    renderServer() {
        const { info, stats } = this.ctx.store;
        if (!info) return;
        const pairs = [
            ['server', `${info.name} ${info.version} (protocol ${info.protocol})`],
            ['uptime', duration(info.uptime_s)],
            ['heaps', count(info.heaps)],
            ['connections', count(info.connections)],
            ['your role', info.role],
        ];
        if (stats) {
            pairs.push(['RSS', bytes(stats.rss_bytes)], ['objects (all heaps)', count(stats.objects)],
                ['arena bytes (all heaps)', bytes(stats.arena_bytes)],
                ['messages in / out', `${count(stats.messages_in)} / ${count(stats.messages_out)}`],
                ['errors sent', count(stats.errors)], ['dropped stream frames', count(stats.dropped_frames)]);
        }
        clear(this.server, kv(pairs, { id: 'server-figures' }));
    }

    renderHeaps(list) {
        const names = new Set(list.map((h) => h.heap));
        for (const [name, r] of this.rows) {
            if (!names.has(name)) {
                r.sparkO.destroy();
                r.sparkB.destroy();
                r.tr.remove();
                this.rows.delete(name);
            }
        }
        for (const info of list) {
            const r = this.rows.get(info.heap) || this.addRow(info.heap);
            r.objects.textContent = count(info.objects);
            r.bytes.textContent = bytes(info.bytes);
            r.arenas.textContent = bytes(info.arena_bytes);
            r.gc.textContent = info.gc.enabled ? `on ${info.gc.thresholds.join('/')}` : 'off';
        }
        if (!list.length) this.tbody.replaceChildren(el('tr', {}, el('td', { colspan: 8, class: 'left muted' }, 'no heap yet')));
        else this.tbody.querySelector('td[colspan]')?.parentElement.remove();
    }

    addRow(name) {
        const { ctx } = this;
        const sparkO = el('span', { class: 'spark' });
        const sparkB = el('span', { class: 'spark' });
        // data-label: the column's name, shown beside the value when a
        // narrow window stacks each heap's row (app.css)
        const r = {
            objects: el('td', { class: 'c-objects', dataset: { label: 'objects' } }),
            bytes: el('td', { class: 'c-bytes', dataset: { label: 'bytes' } }),
            arenas: el('td', { class: 'c-arenas', dataset: { label: 'arenas' } }),
            gc: el('td', { class: 'c-gc', dataset: { label: 'collector' } }),
            sparkO: new Sparkline(sparkO, () => ctx.theme.palette[0]),
            sparkB: new Sparkline(sparkB, () => ctx.theme.palette[3]),
        };
        r.tr = el('tr', { dataset: { heap: name } },
            el('td', { class: 'c-name' }, el('button', { type: 'button', onclick: () => {
                ctx.store.select(name);
                ctx.showView('heap');
            } }, name)),
            r.objects, el('td', { class: 'spark-cell c-sparko' }, sparkO), r.bytes, el('td', { class: 'spark-cell c-sparkb' }, sparkB), r.arenas, r.gc,
            el('td', { class: 'c-drop' }, actionButton('Drop', 'heap.drop', () => this.drop(name), { class: 'danger' })));
        this.tbody.append(r.tr);
        this.rows.set(name, r);
        return r;
    }

    onFrame(heap, f) {
        const r = this.rows.get(heap);
        if (!r) return;
        r.sparkO.push(f.ts_ms, f.objects);
        r.sparkB.push(f.ts_ms, f.bytes);
        r.objects.textContent = count(f.objects);
        r.bytes.textContent = bytes(f.bytes);
        r.arenas.textContent = bytes(f.arena_bytes);
    }

    async create(name, gc_enabled, thresholds) {
        try {
            await this.ctx.client.call(...api.heapCreate(name, { gc_enabled, thresholds }));
            toast(`heap ${name} created`);
            this.ctx.live.refreshHeaps();
        } catch (e) {
            toast(errorText(e), { error: true });
        }
    }

    async drop(name) {
        if (!confirm(`Drop heap ${name} and everything in it?`)) return;
        try {
            await this.ctx.client.call(...api.heapDrop(name));
            toast(`heap ${name} dropped`);
            this.ctx.live.refreshHeaps();
        } catch (e) {
            toast(errorText(e), { error: true });
        }
    }
}
