// memmap.js: the memory map: every arena a row, every pool of it a cell,
// coloured by the size class it serves and filled from the bottom by the
// share of its blocks in use; a free pool is an empty outline. An arena
// that holds any used block cannot be released (model.js), so the row says
// so on its left; hovering (or focusing and moving with the arrow keys) a
// cell tells its class, its use and the objects that start in it.

import { arenaSummary, classSize, objectsIn } from './model.js';
import { typeName, shorten } from '../ui/format.js';

const CELL_GAP = 1;
const LABEL_W = 74;
const ROW_H = 18;

export class MemoryMap {
    // onHover(text|null, x, y)
    constructor(canvas, theme, onHover) {
        this.canvas = canvas;
        this.theme = theme;
        this.onHover = onHover;
        this.arenas = [];
        this.objects = [];
        this.focus = null; // [arena row, pool]
        this.pending = false;
        new ResizeObserver(() => this.requestDraw()).observe(canvas);
        theme.onChange(() => this.requestDraw());
        canvas.addEventListener('pointermove', (e) => this.hover(e.offsetX, e.offsetY));
        canvas.addEventListener('pointerleave', () => this.onHover(null));
        canvas.addEventListener('keydown', (e) => this.key(e));
        canvas.addEventListener('blur', () => this.onHover(null));
    }

    setData(arenas, objects = []) {
        this.arenas = arenas;
        this.objects = objects;
        this.requestDraw();
    }

    // geometry: cell size, pools per line (an arena wraps onto several
    // lines in a narrow window), the height of an arena's row
    geometry() {
        const w = this.canvas.clientWidth;
        const pools = Math.max(1, ...this.arenas.map((a) => a.pools.length));
        const avail = Math.max(1, w - LABEL_W);
        let cell = Math.floor(avail / pools) - CELL_GAP;
        let cols = pools;
        if (cell < 8) {
            cell = 10;
            cols = Math.max(1, Math.floor(avail / (cell + CELL_GAP)));
        }
        cell = Math.min(22, cell);
        const lines = Math.ceil(pools / cols);
        return { w, pools, cell, cols, rowH: Math.max(ROW_H, lines * (cell + CELL_GAP) + 5) };
    }

    // cellPos: where pool i of arena row `row` is drawn
    cellPos(g, row, i) {
        return [LABEL_W + (i % g.cols) * (g.cell + CELL_GAP), 3 + row * g.rowH + Math.floor(i / g.cols) * (g.cell + CELL_GAP)];
    }

    requestDraw() {
        if (this.pending) return;
        this.pending = true;
        requestAnimationFrame(() => {
            this.pending = false;
            this.draw();
        });
    }

    draw() {
        const { canvas, theme } = this;
        const g = this.geometry();
        if (!g.w) return;
        const h = Math.max(40, this.arenas.length * g.rowH + 6);
        const dpr = globalThis.devicePixelRatio || 1;
        canvas.style.height = `${h}px`;
        canvas.width = Math.round(g.w * dpr);
        canvas.height = Math.round(h * dpr);
        const ctx = canvas.getContext('2d');
        ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
        ctx.clearRect(0, 0, g.w, h);
        ctx.font = '11px system-ui, sans-serif';
        ctx.textBaseline = 'middle';
        if (!this.arenas.length) {
            ctx.fillStyle = theme.muted;
            ctx.fillText('no arena allocated yet', 4, 20);
            return;
        }
        this.arenas.forEach((a, row) => {
            const top = 3 + row * g.rowH + Math.min(g.cell, 12) / 2;
            const s = arenaSummary(a);
            ctx.fillStyle = s.releasable ? theme.ok : theme.fg;
            ctx.fillText(`arena ${a.index}`, 2, top);
            ctx.fillStyle = s.releasable ? theme.ok : theme.warn;
            ctx.fillText(s.releasable ? 'free' : 'kept', 46, top);
            a.pools.forEach((p, i) => {
                const [x, y] = this.cellPos(g, row, i);
                if (p.size_class === null || p.capacity === 0) {
                    ctx.strokeStyle = theme.line;
                    ctx.lineWidth = 1;
                    ctx.strokeRect(x + 0.5, y + 0.5, g.cell - 1, g.cell - 1);
                    return;
                }
                const color = theme.classColor(p.size_class);
                ctx.fillStyle = theme.free;
                ctx.fillRect(x, y, g.cell, g.cell);
                const fh = Math.max(p.used ? 1 : 0, Math.round((p.used / p.capacity) * g.cell));
                ctx.fillStyle = color;
                ctx.fillRect(x, y + g.cell - fh, g.cell, fh);
                ctx.strokeStyle = color;
                ctx.strokeRect(x + 0.5, y + 0.5, g.cell - 1, g.cell - 1);
            });
        });
        if (this.focus) {
            const [x, y] = this.cellPos(g, ...this.focus);
            ctx.strokeStyle = theme.focus;
            ctx.lineWidth = 2;
            ctx.strokeRect(x - 1, y - 1, g.cell + 2, g.cell + 2);
        }
    }

    cellAt(x, y) {
        const g = this.geometry();
        const row = Math.floor((y - 3) / g.rowH);
        if (row < 0 || row >= this.arenas.length || x < LABEL_W) return null;
        const col = Math.floor((x - LABEL_W) / (g.cell + CELL_GAP));
        const line = Math.floor((y - 3 - row * g.rowH) / (g.cell + CELL_GAP));
        const i = line * g.cols + col;
        if (col >= g.cols || i < 0 || i >= this.arenas[row].pools.length) return null;
        return [row, i];
    }

    describe(row, i) {
        const a = this.arenas[row];
        const p = a.pools[i];
        const s = arenaSummary(a);
        const head = `arena ${a.index}, pool ${i}`;
        const keep = s.releasable ? 'the arena has no used block: it can be released' : `the arena is kept: ${s.usedPools} pool(s) hold used blocks`;
        if (p.size_class === null || p.capacity === 0) return `${head}: free pool\n${keep}`;
        const objs = objectsIn(a, this.objects).get(i) || [];
        const list = objs.slice(0, 6).map((o) => `  #${o.id} ${typeName(o)} ${shorten(o.repr, 30)}`).join('\n');
        return `${head}: size class ${p.size_class} (${classSize(p.size_class)} B blocks)\n` +
            `${p.used} of ${p.capacity} blocks used\n${keep}` +
            (objs.length ? `\nobjects starting here:\n${list}${objs.length > 6 ? `\n  … ${objs.length - 6} more` : ''}` : '');
    }

    hover(x, y) {
        const c = this.cellAt(x, y);
        if (!c) {
            this.onHover(null);
            return;
        }
        this.onHover(this.describe(...c), x, y);
    }

    key(e) {
        if (!this.arenas.length) return;
        let [row, i] = this.focus || [0, 0];
        const moves = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
        const m = moves[e.key];
        if (!m) return;
        e.preventDefault();
        row = Math.max(0, Math.min(this.arenas.length - 1, row + m[0]));
        i = Math.max(0, Math.min(this.arenas[row].pools.length - 1, i + m[1]));
        this.focus = [row, i];
        const g = this.geometry();
        const [x, y] = this.cellPos(g, row, i);
        this.onHover(this.describe(row, i), x, y + g.cell);
        this.requestDraw();
    }
}
