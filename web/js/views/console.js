// console.js: the Console view: heap-script statements run against the
// shown heap with heap.exec (its names are the heap's namespace), with
// their output and errors, and a history on the arrow keys (kept in memory
// for this page only). Enter runs, Shift+Enter starts a new line. After a
// run the graph, the charts and the map refresh at once.
//
// Beside the console, the shown heap as the statements change it: its graph
// (the objects reachable from the names first, at most CONSOLE_CAP drawn,
// what the next collection would free ringed) and a live chart of its
// objects, so a person sees the output, the graph and the chart move
// together without leaving the console.
//
// heap.exec comes with the script language; a heapd without it answers
// -32601, which is shown as a note on what is missing, not as a failure.

import { el, card, clear, actionButton, errorText } from '../ui/dom.js';
import { count } from '../ui/format.js';
import { TimeChart } from '../ui/charts.js';
import { selectView } from '../graph/model.js';
import { GraphCanvas } from '../graph/render.js';
import { api } from '../app/api.js';
import { CODES } from '../proto/codes.js';

const HISTORY_KEPT = 200;
const OUTPUT_KEPT = 500;
export const CONSOLE_CAP = 300;

export class ConsoleView {
    constructor(root, ctx) {
        this.root = root;
        this.ctx = ctx;
        this.history = [];
        this.pos = 0;
        this.draft = '';
        this.out = el('pre', { class: 'console-out', id: 'console-out', role: 'log', 'aria-live': 'polite', tabindex: 0 });
        this.input = el('textarea', { class: 'code', id: 'console-in', rows: 5, spellcheck: false, 'aria-label': 'heap script: Enter runs, Shift+Enter for a new line, arrow keys for history',
            placeholder: 'import gc\na = []\na.append(a)\ndel a\nprint(gc.collect())' });
        this.input.addEventListener('keydown', (e) => this.key(e));
        this.runBtn = actionButton('Run', 'heap.exec', () => this.run(), { class: 'primary', id: 'console-run' });
        this.note = el('p', { class: 'muted', id: 'console-note' });
        this.visible = false;
        this.status = el('p', { class: 'muted', id: 'console-graph-status', role: 'status' }, 'waiting for the graph…');
        const canvas = el('canvas', { class: 'graph-canvas mini', id: 'console-graph', tabindex: 0, 'aria-label': 'the heap\'s object graph: arrows pan, + and - zoom' });
        const chartBox = el('div', { class: 'chart' });
        clear(root, card('Console', { id: 'console-card' },
            el('p', { class: 'muted' }, 'Python statements run in the shown heap (heap.exec). Enter runs, Shift+Enter adds a line, ↑ and ↓ walk the history.'),
            this.out,
            el('div', { dataset: { method: 'heap.exec' } }, this.input, el('div', { class: 'row' }, this.runBtn,
                el('button', { type: 'button', onclick: () => clear(this.out) }, 'Clear output'))),
            this.note),
        card('The heap', { id: 'console-heap-card' }, this.status, canvas,
            el('p', { class: 'chart-title' }, 'objects'), chartBox));
        this.graph = new GraphCanvas(canvas, ctx.theme, { onSelect: (id) => this.graph.setSelected(id) });
        this.graph.setActive(false);
        this.chart = new TimeChart(chartBox, ctx.theme, [{ label: 'objects', color: () => ctx.theme.palette[0] }, { label: 'tracked', color: () => ctx.theme.palette[1] }],
            { height: 150, yFormat: count });
        ctx.store.on('role', () => this.explainRole());
        ctx.store.on('select', (h) => {
            this.chart.reset();
            if (h) this.print(`# heap ${h}`, 'note');
        });
        ctx.store.on('graph', ({ heap }) => this.visible && heap === ctx.store.selected && this.update());
        ctx.store.on('alloc', ({ heap, frame }) => heap === ctx.store.selected && this.chart.push(frame.ts_ms, [frame.objects, frame.tracked]));
    }

    show(on) {
        // no focus grab: arrowing through the tabs must keep focus on them
        this.visible = on;
        this.ctx.source.want(on);
        this.graph.setActive(on);
        if (on) {
            this.explainRole();
            this.graph.resize();
            this.update();
        }
    }

    // update: the graph beside the console, from the shared graph source
    update() {
        const { source } = this.ctx;
        const g = source.graph;
        if (!g) return;
        const view = selectView(g, { cap: CONSOLE_CAP, doomed: source.doomed });
        this.view = view;
        this.graph.setData(g, view, { doomed: source.doomed, selected: this.graph.selected });
        const freed = source.dry ? ` · the next collection would free ${count(source.doomed.size)}` : '';
        this.status.textContent = `${count(view.ids.size)} of ${count(g.partial ? g.totalObjects ?? g.size : g.size)} objects drawn${freed}`;
        this.status.dataset.shown = String(view.ids.size);
        this.status.dataset.doomed = String(source.doomed.size);
    }

    explainRole() {
        const ok = this.ctx.methods.allowed('heap.exec', this.ctx.client.role);
        this.note.textContent = ok ? '' : `Your role (${this.ctx.client.role ?? 'none'}) may not run scripts: heap.exec needs ${this.ctx.methods.required('heap.exec')}.`;
    }

    print(text, cls) {
        this.out.append(el('span', { class: cls }, text.endsWith('\n') ? text : `${text}\n`));
        while (this.out.childNodes.length > OUTPUT_KEPT) this.out.firstChild.remove();
        this.out.scrollTop = this.out.scrollHeight;
    }

    key(e) {
        if (e.key === 'Enter' && !e.shiftKey) {
            e.preventDefault();
            this.run();
            return;
        }
        const v = this.input.value;
        const caret = this.input.selectionStart;
        if (e.key === 'ArrowUp' && !v.slice(0, caret).includes('\n') && this.pos > 0) {
            e.preventDefault();
            if (this.pos === this.history.length) this.draft = v;
            this.pos--;
            this.input.value = this.history[this.pos];
        } else if (e.key === 'ArrowDown' && !v.slice(caret).includes('\n') && this.pos < this.history.length) {
            e.preventDefault();
            this.pos++;
            this.input.value = this.pos === this.history.length ? this.draft : this.history[this.pos];
        }
    }

    async run() {
        const source = this.input.value;
        if (!source.trim()) return;
        const heap = this.ctx.store.selected;
        if (!heap) {
            this.print('no heap to run in: create one in the Overview', 'err');
            return;
        }
        if (this.history[this.history.length - 1] !== source) this.history.push(source);
        if (this.history.length > HISTORY_KEPT) this.history.shift();
        this.pos = this.history.length;
        this.draft = '';
        this.input.value = '';
        this.print(source.split('\n').map((l, i) => `${i ? '... ' : '>>> '}${l}`).join('\n'), 'in');
        try {
            const r = await this.ctx.client.call(...api.heapExec(heap, source.endsWith('\n') ? source : `${source}\n`, 'single'));
            if (r.stdout) this.print(r.stdout);
            if (r.stderr) this.print(r.stderr, 'err');
        } catch (e) {
            this.printError(e);
        } finally {
            this.ctx.store.mutated(heap, 'exec');
        }
    }

    printError(e) {
        if (e.code === CODES.METHOD_NOT_FOUND) {
            this.print('heap.exec is not available on this heapd yet (-32601 Method not found): it comes with the heap script language. The graph, the controls and the inspector work without it.', 'note');
            return;
        }
        if (e.code === CODES.SCRIPT_ERROR && e.data) {
            if (e.data.stdout) this.print(e.data.stdout);
            if (e.data.stderr) this.print(e.data.stderr, 'err');
            this.print(`  line ${e.data.line}, column ${e.data.col}\n${e.data.exc_type}: ${e.data.message}`, 'err');
            return;
        }
        this.print(errorText(e), 'err');
    }
}
