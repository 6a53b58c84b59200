// render.js: draws the object graph on a canvas, laid out by d3-force.
//
// Objects are circles coloured by type and sized by bytes (area grows with
// sys.getsizeof); names are small squares (the roots) tied to their object;
// references are lines with an arrowhead at the referent; weak references
// are dashed and coloured apart; what the next collection would free has a
// red ring. Everything is drawn in a few batched paths per frame (one per
// colour, one per edge kind), so 2,000 nodes stay cheap; arrowheads and
// type labels are drawn only when they would be readable.
//
// New data keeps the positions of the nodes it shares with the old, so the
// picture does not jump when the heap changes. The simulation is d3's: it
// runs on its own timer and cools down; a frame is drawn only after a tick
// or a change of view (pan, zoom, selection).
//
// Keyboard (the canvas takes focus): arrows pan, + and - zoom, 0 fits,
// n / p select the next / previous object, Enter expands the selected
// object's neighbourhood, Escape clears the selection.

import { d3 } from '../lib.js';
import { typeName } from '../ui/format.js';

const PERF_KEPT = 600;

export function radius(size) {
    return Math.min(22, 3 + Math.sqrt(Math.max(0, size || 0)) / 2.2);
}

export class GraphCanvas {
    // cb: onSelect(id|null), onExpand(id)
    constructor(canvas, theme, cb = {}) {
        this.canvas = canvas;
        this.ctx = canvas.getContext('2d');
        this.theme = theme;
        this.cb = cb;
        this.nodes = [];
        this.byKey = new Map();
        this.links = [];
        this.doomed = new Set();
        this.matched = new Set();
        this.selected = null;
        this.t = { x: 0, y: 0, k: 1 };
        this.userMoved = false;
        this.drawPending = false;
        this.perf = { draws: [], drawn: 0, ticks: 0 }; // draw times (ms), kept for the tests and the curious
        this.active = true; // false while the view is hidden: no layout, no drawing
        this.sim = d3.forceSimulation([])
            .force('link', d3.forceLink([]).id((d) => d.key).distance((l) => (l.name ? 14 : 26)).strength(0.5))
            .force('charge', d3.forceManyBody().strength(-28).theta(1.0).distanceMax(320))
            .force('x', d3.forceX(0).strength(0.035))
            .force('y', d3.forceY(0).strength(0.035))
            .alphaDecay(0.035)
            .velocityDecay(0.45)
            .on('tick', () => {
                this.perf.ticks++;
                if (!this.userMoved && this.perf.ticks % 5 === 0) this.fit();
                this.requestDraw();
            })
            .on('end', () => {
                if (!this.userMoved) this.fit();
            });
        this.sim.stop();
        this.resize();
        new ResizeObserver(() => this.resize()).observe(canvas);
        theme.onChange(() => this.requestDraw());
        this.bindPointer();
        this.bindKeys();
    }

    resize() {
        const dpr = globalThis.devicePixelRatio || 1;
        const w = this.canvas.clientWidth;
        const h = this.canvas.clientHeight;
        if (!w || !h) return;
        this.w = w;
        this.h = h;
        this.canvas.width = Math.round(w * dpr);
        this.canvas.height = Math.round(h * dpr);
        this.dpr = dpr;
        if (!this.userMoved && this.t.x === 0 && this.t.y === 0) this.t = { x: w / 2, y: h / 2, k: 1 };
        this.requestDraw();
    }

    // setData: view from model.selectView, graph the model.Graph
    setData(graph, view, { doomed = new Set(), selected = null } = {}) {
        const old = this.byKey;
        const nodes = [];
        const byKey = new Map();
        let added = 0;
        const place = (key, near) => {
            let n = old.get(key);
            if (!n) {
                added++;
                const m = near && (byKey.get(near) || old.get(near));
                const a = Math.random() * Math.PI * 2;
                const d = m ? 12 : 60 + Math.random() * 120;
                n = { key, x: (m?.x ?? 0) + Math.cos(a) * d, y: (m?.y ?? 0) + Math.sin(a) * d };
            }
            byKey.set(key, n);
            nodes.push(n);
            return n;
        };
        for (const id of view.ids) {
            const o = graph.nodes.get(id);
            const neighbour = o.referrers.find((r) => view.ids.has(r));
            const n = place(`o${id}`, neighbour !== undefined ? `o${neighbour}` : null);
            n.id = id;
            n.name = null;
            n.type = typeName(o);
            n.r = radius(o.size);
            n.color = this.theme.typeColor(n.type);
        }
        for (const [name, id] of view.names) {
            const n = place(`n${name}`, `o${id}`);
            n.id = id;
            n.name = name;
            n.r = 4;
        }
        const links = view.edges.map((e) => ({ source: `o${e.s}`, target: `o${e.t}`, weak: e.weak }));
        for (const [name, id] of view.names) links.push({ source: `n${name}`, target: `o${id}`, name: true });
        this.nodes = nodes;
        this.byKey = byKey;
        this.links = links;
        this.doomed = doomed;
        this.matched = view.matched;
        this.selected = selected;
        this.sim.nodes(nodes);
        this.sim.force('link').links(links);
        // a coarser Barnes-Hut for big graphs: the charge is most of a step
        this.sim.force('charge').theta(nodes.length > 1000 ? 1.3 : 0.9);
        const structural = added > 0 || old.size !== byKey.size;
        if (structural) {
            this.sim.alpha(Math.max(this.sim.alpha(), added > 20 ? 0.8 : 0.3));
            if (this.active) this.sim.restart();
        }
        this.requestDraw();
    }

    // setActive: run the layout and draw only while shown
    setActive(on) {
        this.active = on;
        if (!on) this.sim.stop();
        else {
            if (this.sim.alpha() > this.sim.alphaMin()) this.sim.restart();
            this.requestDraw();
        }
    }

    setSelected(id) {
        this.selected = id;
        this.requestDraw();
    }

    setDoomed(doomed) {
        this.doomed = doomed;
        this.requestDraw();
    }

    reheat() {
        this.sim.alpha(0.6).restart();
    }

    requestDraw() {
        if (this.drawPending || !this.active) return;
        this.drawPending = true;
        requestAnimationFrame(() => {
            this.drawPending = false;
            this.draw();
        });
    }

    draw() {
        const t0 = performance.now();
        const { ctx, theme } = this;
        const { x, y, k } = this.t;
        ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
        ctx.clearRect(0, 0, this.w, this.h);
        ctx.setTransform(this.dpr * k, 0, 0, this.dpr * k, this.dpr * x, this.dpr * y);
        const few = this.nodes.length <= 400;
        const lw = 1 / k;

        // edges, batched by kind
        const strong = new Path2D();
        const weak = new Path2D();
        const named = new Path2D();
        const heads = new Path2D();
        const arrows = few || k > 1.6;
        for (const l of this.links) {
            const s = l.source;
            const t = l.target;
            if (typeof s !== 'object' || typeof t !== 'object') continue;
            const p = l.name ? named : l.weak ? weak : strong;
            p.moveTo(s.x, s.y);
            p.lineTo(t.x, t.y);
            if (arrows && !l.name) arrowHead(l.weak ? weak : heads, s, t, t.r, 5);
        }
        ctx.lineWidth = lw;
        ctx.strokeStyle = theme.edge;
        ctx.stroke(strong);
        ctx.fillStyle = theme.edge;
        ctx.fill(heads);
        ctx.strokeStyle = theme.muted;
        ctx.setLineDash([2 / k, 3 / k]);
        ctx.stroke(named);
        ctx.strokeStyle = theme.weak;
        ctx.lineWidth = 1.5 * lw;
        ctx.setLineDash([5 / k, 4 / k]);
        ctx.stroke(weak);
        ctx.setLineDash([]);

        // nodes, one path per colour
        const byColor = new Map();
        const names = new Path2D();
        for (const n of this.nodes) {
            if (n.name) {
                names.rect(n.x - 3.5, n.y - 3.5, 7, 7);
                continue;
            }
            let p = byColor.get(n.color);
            if (!p) byColor.set(n.color, (p = new Path2D()));
            p.moveTo(n.x + n.r, n.y);
            p.arc(n.x, n.y, n.r, 0, Math.PI * 2);
        }
        for (const [color, p] of byColor) {
            ctx.fillStyle = color;
            ctx.fill(p);
        }
        ctx.fillStyle = theme.fg;
        ctx.fill(names);

        // rings: doomed (red), search matches (accent), selected (focus)
        const ring = (set, color, width, pad) => {
            const p = new Path2D();
            let any = false;
            for (const n of this.nodes) {
                if (n.name || !set.has(n.id)) continue;
                p.moveTo(n.x + n.r + pad, n.y);
                p.arc(n.x, n.y, n.r + pad, 0, Math.PI * 2);
                any = true;
            }
            if (!any) return;
            ctx.strokeStyle = color;
            ctx.lineWidth = width / Math.sqrt(k);
            ctx.stroke(p);
        };
        ring(this.doomed, theme.doomed, 2.5, 2.5);
        if (this.matched?.size) ring(this.matched, theme.accent, 1.5, 5);
        if (this.selected != null) ring(new Set([this.selected]), theme.focus, 3, 7);

        // labels: names always; types when there is room
        ctx.font = `${11 / k}px system-ui, sans-serif`;
        ctx.textBaseline = 'middle';
        ctx.fillStyle = theme.fg;
        for (const n of this.nodes) if (n.name) ctx.fillText(n.name, n.x + 6, n.y);
        if (few || k > 2.2) {
            ctx.fillStyle = theme.muted;
            ctx.font = `${10 / k}px system-ui, sans-serif`;
            for (const n of this.nodes) if (!n.name && n.r * k > 5) ctx.fillText(n.type, n.x + n.r + 2, n.y + n.r);
        }
        const ms = performance.now() - t0;
        this.perf.drawn++;
        this.perf.draws.push(ms);
        if (this.perf.draws.length > PERF_KEPT) this.perf.draws.shift();
    }

    fit() {
        if (!this.nodes.length || !this.w) return;
        let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
        for (const n of this.nodes) {
            x0 = Math.min(x0, n.x - n.r);
            y0 = Math.min(y0, n.y - n.r);
            x1 = Math.max(x1, n.x + n.r + 40);
            y1 = Math.max(y1, n.y + n.r);
        }
        const k = Math.min(4, 0.92 * Math.min(this.w / (x1 - x0 || 1), this.h / (y1 - y0 || 1)));
        this.t = { k, x: this.w / 2 - k * (x0 + x1) / 2, y: this.h / 2 - k * (y0 + y1) / 2 };
        this.requestDraw();
    }

    toWorld(px, py) {
        return [(px - this.t.x) / this.t.k, (py - this.t.y) / this.t.k];
    }

    // nodeAt: the node under a point: of the nodes it falls in, the
    // smallest (a small object drawn over a big one stays clickable); else
    // the nearest rim within a few pixels
    nodeAt(px, py) {
        const [wx, wy] = this.toWorld(px, py);
        let inside = null;
        let near = null;
        let nearD = 6 / this.t.k;
        for (const n of this.nodes) {
            const d = Math.hypot(n.x - wx, n.y - wy) - n.r;
            if (d <= 0) {
                if (!inside || n.r < inside.r) inside = n;
            } else if (d < nearD) {
                nearD = d;
                near = n;
            }
        }
        return inside || near;
    }

    bindPointer() {
        const c = this.canvas;
        let drag = null;
        c.addEventListener('pointerdown', (e) => {
            c.setPointerCapture(e.pointerId);
            const n = this.nodeAt(e.offsetX, e.offsetY);
            drag = { n, x: e.offsetX, y: e.offsetY, moved: false, t: { ...this.t } };
            if (n) {
                n.fx = n.x;
                n.fy = n.y;
            }
        });
        c.addEventListener('pointermove', (e) => {
            if (!drag) {
                c.style.cursor = this.nodeAt(e.offsetX, e.offsetY) ? 'pointer' : 'grab';
                return;
            }
            const dx = e.offsetX - drag.x;
            const dy = e.offsetY - drag.y;
            if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
            if (!drag.moved) return;
            this.userMoved = true;
            if (drag.n) {
                const [wx, wy] = this.toWorld(e.offsetX, e.offsetY);
                drag.n.fx = wx;
                drag.n.fy = wy;
                this.sim.alphaTarget(0.1).restart();
            } else {
                this.t = { ...drag.t, x: drag.t.x + dx, y: drag.t.y + dy };
                this.requestDraw();
            }
        });
        const end = (e) => {
            if (!drag) return;
            if (drag.n) {
                drag.n.fx = drag.n.fy = null;
                this.sim.alphaTarget(0);
            }
            if (!drag.moved && e.type === 'pointerup') this.cb.onSelect?.(drag.n ? drag.n.id : null);
            drag = null;
        };
        c.addEventListener('pointerup', end);
        c.addEventListener('pointercancel', end);
        c.addEventListener('dblclick', (e) => {
            const n = this.nodeAt(e.offsetX, e.offsetY);
            if (n) this.cb.onExpand?.(n.id);
        });
        c.addEventListener('wheel', (e) => {
            e.preventDefault();
            this.zoom(Math.exp(-e.deltaY * 0.0015), e.offsetX, e.offsetY);
        }, { passive: false });
    }

    zoom(f, px = this.w / 2, py = this.h / 2) {
        const k = Math.max(0.05, Math.min(12, this.t.k * f));
        const [wx, wy] = this.toWorld(px, py);
        this.t = { k, x: px - wx * k, y: py - wy * k };
        this.userMoved = true;
        this.requestDraw();
    }

    bindKeys() {
        this.canvas.addEventListener('keydown', (e) => {
            const step = 40;
            const objs = this.nodes.filter((n) => !n.name).map((n) => n.id).sort((a, b) => a - b);
            const cycle = (d) => {
                if (!objs.length) return;
                const i = objs.indexOf(this.selected);
                const next = objs[(i + d + objs.length) % objs.length];
                this.cb.onSelect?.(next);
                this.centerOn(next);
            };
            const keys = {
                ArrowLeft: () => this.pan(step, 0), ArrowRight: () => this.pan(-step, 0),
                ArrowUp: () => this.pan(0, step), ArrowDown: () => this.pan(0, -step),
                '+': () => this.zoom(1.25), '=': () => this.zoom(1.25), '-': () => this.zoom(0.8),
                0: () => {
                    this.userMoved = false;
                    this.fit();
                },
                n: () => cycle(1), p: () => cycle(-1),
                Enter: () => this.selected != null && this.cb.onExpand?.(this.selected),
                Escape: () => this.cb.onSelect?.(null),
            };
            const f = keys[e.key];
            if (f) {
                e.preventDefault();
                f();
            }
        });
    }

    pan(dx, dy) {
        this.t = { ...this.t, x: this.t.x + dx, y: this.t.y + dy };
        this.userMoved = true;
        this.requestDraw();
    }

    centerOn(id) {
        const n = this.byKey.get(`o${id}`);
        if (!n) return;
        this.userMoved = true; // the user went to a node: no more automatic fitting
        this.t = { ...this.t, x: this.w / 2 - n.x * this.t.k, y: this.h / 2 - n.y * this.t.k };
        this.requestDraw();
    }
}

// arrowHead: a small triangle at the referent's rim, added to path p
function arrowHead(p, s, t, r, size) {
    const dx = t.x - s.x;
    const dy = t.y - s.y;
    const len = Math.hypot(dx, dy);
    if (len < r + size) return;
    const ux = dx / len;
    const uy = dy / len;
    const tipX = t.x - ux * r;
    const tipY = t.y - uy * r;
    p.moveTo(tipX, tipY);
    p.lineTo(tipX - ux * size - uy * size * 0.5, tipY - uy * size + ux * size * 0.5);
    p.lineTo(tipX - ux * size + uy * size * 0.5, tipY - uy * size - ux * size * 0.5);
    p.closePath();
}
