// graph.js: the Graph view: the heap's objects and references (render.js),
// with the tools large heaps need (search, a type filter, a bound on the
// nodes drawn, expanding one node's neighbourhood) and the dry run: what
// gc.dry_run says a collection of the chosen generation would free is ringed
// in red, so a cycle only the collector can reclaim is seen before it goes.
// The inspector (inspector.js) sits beside it.

import { el, card, clear, actionButton, toast, errorText } from '../ui/dom.js';
import { count, typeName, shorten, bytes } from '../ui/format.js';
import { selectView, typeCounts } from '../graph/model.js';
import { GraphCanvas } from '../graph/render.js';
import { Inspector } from './inspector.js';
import { api } from '../app/api.js';

export const DEFAULT_CAP = 2000;
export const MAX_CAP = 20000; // the most the page will draw, whatever is typed

export class GraphView {
    constructor(root, ctx) {
        this.root = root;
        this.ctx = ctx;
        this.opts = { cap: DEFAULT_CAP, type: '', query: '', expanded: new Set() };
        this.selected = null;
        this.build();
        ctx.store.on('graph', ({ heap }) => heap === ctx.store.selected && this.update());
        ctx.store.on('graph-error', ({ error }) => {
            this.status.textContent = `cannot read the graph: ${errorText(error)}`;
        });
        ctx.store.on('select', () => {
            this.opts.expanded.clear();
            this.select(null);
        });
    }

    build() {
        const { ctx } = this;
        this.search = el('input', { type: 'search', placeholder: 'search: name, type, repr or id', 'aria-label': 'search objects', oninput: () => this.onFilter() });
        this.typeSel = el('select', { 'aria-label': 'filter by type', onchange: () => this.onFilter() }, el('option', { value: '' }, 'all types'));
        this.capIn = el('input', { type: 'number', min: 10, max: MAX_CAP, step: 10, value: DEFAULT_CAP, 'aria-label': 'most nodes drawn', class: 'count', onchange: () => this.onFilter() });
        this.dryGen = el('select', { 'aria-label': 'dry run generation', onchange: () => ctx.source.setDryGeneration(Number(this.dryGen.value)) },
            [2, 1, 0].map((g) => el('option', { value: g }, `gen ${g}`)));
        this.status = el('p', { class: 'muted', id: 'graph-status', role: 'status' }, 'waiting for the graph…');
        this.canvas = el('canvas', { class: 'graph-canvas', id: 'graph-canvas', tabindex: 0, 'aria-label': 'object graph: arrows pan, + and - zoom, n and p select objects, Enter expands' });
        this.results = el('ul', { class: 'results', id: 'graph-results', 'aria-label': 'matching objects' });
        this.legend = el('div', { class: 'graph-legend', id: 'graph-legend' });
        this.collectBtn = actionButton('Collect now', 'gc.collect', () => this.collect(), { class: 'danger', id: 'graph-collect' });
        const toolbar = el('div', { class: 'row' },
            this.search, this.typeSel,
            el('label', { class: 'field' }, 'draw at most', this.capIn),
            el('label', { class: 'field' }, 'dry run', this.dryGen),
            el('button', { type: 'button', onclick: () => this.ctx.source.schedule(true) }, 'Refresh'),
            el('button', { type: 'button', onclick: () => {
                this.gc.userMoved = false;
                this.gc.fit();
            } }, 'Fit'),
            el('button', { type: 'button', onclick: () => {
                this.opts.expanded.clear();
                this.update();
            } }, 'Collapse'),
            this.collectBtn);
        const main = card('Object graph', { class: 'card graph-card', id: 'graph-card' }, toolbar, this.status, this.canvas, this.legend, this.results);
        const side = card('Inspector', { id: 'inspector-card' });
        clear(this.root, main, side);
        this.gc = new GraphCanvas(this.canvas, ctx.theme, {
            onSelect: (id) => this.select(id),
            onExpand: (id) => this.expand(id),
        });
        this.inspector = new Inspector(side, ctx, {
            onSelect: (id) => this.select(id, true),
            onExpand: (id) => this.expand(id),
        });
        globalThis.heapdDebug = { ...(globalThis.heapdDebug || {}), graph: this.gc };
    }

    show(on) {
        this.ctx.source.want(on);
        this.gc.setActive(on);
        if (on) {
            this.gc.resize();
            this.update();
        }
    }

    onFilter() {
        this.opts.query = this.search.value;
        this.opts.type = this.typeSel.value;
        this.opts.cap = Math.min(MAX_CAP, Math.max(10, Number(this.capIn.value) || DEFAULT_CAP));
        if (String(this.opts.cap) !== this.capIn.value) this.capIn.value = String(this.opts.cap); // show the bound in force
        this.update();
        // a partial graph: ask heapd for the objects of a type searched for
        const g = this.ctx.source.graph;
        const word = this.opts.type || this.opts.query.trim();
        if (g?.partial && /^[A-Za-z_][A-Za-z0-9_]*$/.test(word)) {
            clearTimeout(this.growTimer);
            this.growTimer = setTimeout(() => this.ctx.source.grow({ type: word }), 400);
        }
    }

    select(id, center = false) {
        this.selected = id;
        this.gc.setSelected(id);
        if (center && id != null) this.gc.centerOn(id);
        this.inspector.show(id);
    }

    expand(id) {
        this.opts.expanded.add(id);
        this.update();
        this.ctx.source.grow({ id }); // a partial graph fetches the neighbourhood
    }

    async collect() {
        const { client, store, source } = this.ctx;
        try {
            const r = await client.call(...api.gcCollect(store.selected, source.dryGeneration));
            toast(`collected generation ${source.dryGeneration}: ${r.unreachable} unreachable, ${r.collected} collected, ${r.uncollectable} uncollectable`);
            store.mutated(store.selected, 'collect');
        } catch (e) {
            toast(errorText(e), { error: true });
        }
    }

    update() {
        const { source } = this.ctx;
        const g = source.graph;
        if (!g) return;
        this.fillTypes(g);
        const view = selectView(g, { ...this.opts, doomed: source.doomed, selected: this.selected });
        this.view = view;
        this.gc.setData(g, view, { doomed: source.doomed, selected: this.selected });
        const doomedShown = [...source.doomed].filter((id) => view.ids.has(id)).length;
        const d = source.dry;
        const parts = [`${count(view.ids.size)} of ${count(g.partial ? g.totalObjects ?? g.size : g.size)} objects drawn`];
        if (view.truncated) parts.push(`(at most ${count(this.opts.cap)})`);
        const filter = [this.opts.type && `type ${this.opts.type}`, this.opts.query.trim() && `“${this.opts.query.trim()}”`].filter(Boolean).join(' and ');
        if (filter) parts.push(`· ${count(view.matched.size)} match ${filter}`);
        if (g.partial) parts.push('(heap too large to export: a partial graph from the first pages)');
        if (d) parts.push(`· a gen ${source.dryGeneration} collection would free ${count(d.unreachable.length)} unreachable (${count(d.collected)} collected, ${count(d.uncollectable)} uncollectable)`);
        if (doomedShown < source.doomed.size) parts.push(`· ${doomedShown} of them drawn`);
        this.status.textContent = parts.join(' ');
        this.status.dataset.doomed = String(source.doomed.size);
        this.status.dataset.shown = String(view.ids.size);
        this.fillLegend(g, view);
        this.fillResults(g, view);
        if (this.selected != null && !g.nodes.has(this.selected)) this.select(null);
        else if (this.selected != null) this.inspector.refresh();
    }

    fillTypes(g) {
        const types = typeCounts(g).map((t) => t.type);
        const key = types.join('\u0000');
        if (key === this.typesKey) return;
        this.typesKey = key;
        const cur = this.typeSel.value;
        clear(this.typeSel, el('option', { value: '' }, 'all types'), types.map((t) => el('option', { value: t }, t)));
        this.typeSel.value = types.includes(cur) ? cur : '';
    }

    fillLegend(g, view) {
        const { theme } = this.ctx;
        const counts = new Map();
        for (const id of view.ids) {
            const t = typeName(g.nodes.get(id));
            counts.set(t, (counts.get(t) || 0) + 1);
        }
        const sw = (color, cls = 'swatch') => {
            const s = el('span', { class: cls });
            s.style.background = color;
            return s;
        };
        const ringSw = (color) => {
            const s = el('span', { class: 'swatch' });
            s.style.border = `2px solid ${color}`;
            return s;
        };
        clear(this.legend,
            [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([t, n]) => el('span', {}, sw(theme.typeColor(t)), `${t} ${n}`)),
            el('span', {}, ringSw(theme.doomed), 'freed by the next collection'),
            el('span', {}, sw(theme.weak), 'weak reference (dashed)'),
            el('span', {}, sw(theme.fg), 'name (root)'));
    }

    fillResults(g, view) {
        if (!this.opts.query.trim()) {
            clear(this.results);
            return;
        }
        const items = [...view.matched].slice(0, 50).map((id) => {
            const n = g.nodes.get(id);
            const names = g.namesOf.get(id);
            return el('li', {}, el('button', { type: 'button', onclick: () => this.select(id, true) },
                `#${id} ${typeName(n)} ${names ? `(${names.join(', ')}) ` : ''}${shorten(n.repr, 50)} · ${bytes(n.size)}`));
        });
        clear(this.results, items, view.matched.size > 50 ? el('li', { class: 'muted' }, `… ${count(view.matched.size - 50)} more`) : null);
    }
}
