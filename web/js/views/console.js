// console.js: the Console view: heap-script statements run against the
// shown heap with heap.exec (its names are the heap's namespace), with
// their output and errors, and a history on the arrow keys (kept in memory
// for this page only). Enter runs, Shift+Enter starts a new line. After a
// run the graph, the charts and the map refresh at once.
//
// heap.exec comes with the script language; a heapd without it answers
// -32601, which is shown as a note on what is missing, not as a failure.

import { el, card, clear, actionButton, errorText } from '../ui/dom.js';
import { api } from '../app/api.js';
import { CODES } from '../proto/codes.js';

const HISTORY_KEPT = 200;
const OUTPUT_KEPT = 500;

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
        clear(root, card('Console', { id: 'console-card' },
            el('p', { class: 'muted' }, 'Python statements run in the shown heap (heap.exec). Enter runs, Shift+Enter adds a line, ↑ and ↓ walk the history.'),
            this.out,
            el('div', { dataset: { method: 'heap.exec' } }, this.input, el('div', { class: 'row' }, this.runBtn,
                el('button', { type: 'button', onclick: () => clear(this.out) }, 'Clear output'))),
            this.note));
        ctx.store.on('role', () => this.explainRole());
        ctx.store.on('select', (h) => h && this.print(`# heap ${h}`, 'note'));
    }

    show(on) {
        // no focus grab: arrowing through the tabs must keep focus on them
        if (on) this.explainRole();
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
