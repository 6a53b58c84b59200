// charts.js: the dashboard's charts, on uPlot: a live time-series chart
// (rolling window of points, redrawn at most once per animation frame
// however fast frames arrive), a scatter of collections (pause against
// time, one colour per generation) and a sparkline. Each resizes with its
// container and is created only once the container has a width (a hidden
// view has none), so hidden views cost nothing but the data they keep.

import { uPlot } from '../lib.js';

const WINDOW = 600; // points kept: a minute at 10 Hz
export const MIN_SPAN_S = 30; // the narrowest time axis drawn

// timeRange: the x range of a time chart (seconds): the data's, but never
// narrower than MIN_SPAN_S, ending at the newest point (so one point, or a
// few close together, sit at the right of a half-minute axis rather than
// stretched over an automatic range of years); pad (share of the span) is
// added on both sides, for charts of points that would be cut at an edge.
export function timeRange(min, max, pad = 0, now = Date.now() / 1000) {
    if (min == null || max == null || !Number.isFinite(min) || !Number.isFinite(max)) [min, max] = [now - MIN_SPAN_S, now];
    if (max - min < MIN_SPAN_S) min = max - MIN_SPAN_S;
    const p = (max - min) * pad;
    return [min - p, max + p];
}

function axisOpts(theme, fmt) {
    const a = {
        stroke: theme.muted,
        grid: { stroke: theme.line, width: 1 },
        ticks: { stroke: theme.line, width: 1 },
        font: '11px system-ui, sans-serif',
    };
    if (fmt) a.values = (u, vals) => vals.map(fmt);
    return a;
}

export class TimeChart {
    // series: [{label, color}]; opts: {height, yFormat, window}
    constructor(container, theme, series, opts = {}) {
        this.container = container;
        this.theme = theme;
        this.series = series;
        this.height = opts.height || 160;
        this.yFormat = opts.yFormat;
        this.window = opts.window || WINDOW;
        this.pad = opts.pad || 0;
        this.data = [[], ...series.map(() => [])];
        this.plot = null;
        this.pending = false;
        this.ro = new ResizeObserver(() => this.fit());
        this.ro.observe(container);
        theme.onChange(() => this.rebuild());
    }

    options(width) {
        const t = this.theme;
        return {
            width,
            height: this.height,
            // the x range from the data itself: for a single point uPlot
            // passes min + 86400 / 1e-3 s (years) as the max
            scales: { x: { time: true, range: (u) => timeRange(u.data[0][0], u.data[0][u.data[0].length - 1], this.pad) } },
            legend: { show: true, live: false },
            cursor: { drag: { x: false, y: false } },
            axes: [axisOpts(t), { ...axisOpts(t, this.yFormat), size: 64 }],
            series: [{}, ...this.series.map((s) => ({ label: s.label, stroke: s.color(), width: 1.5, points: { show: false }, value: (u, v) => (v == null ? '–' : this.yFormat ? this.yFormat(v) : v) }))],
        };
    }

    fit() {
        const w = Math.floor(this.container.clientWidth);
        if (w <= 0) return;
        if (!this.plot) {
            this.plot = new uPlot(this.options(w), this.data, this.container);
        } else if (Math.abs(this.plot.width - w) > 1) {
            this.plot.setSize({ width: w, height: this.height });
        }
    }

    rebuild() {
        if (!this.plot) return;
        this.plot.destroy();
        this.plot = null;
        this.fit();
    }

    // push: one point; t in ms since the epoch
    push(t, values) {
        this.data[0].push(t / 1000);
        values.forEach((v, i) => this.data[i + 1].push(v ?? null));
        if (this.data[0].length > this.window) for (const a of this.data) a.splice(0, a.length - this.window);
        this.schedule();
    }

    reset() {
        for (const a of this.data) a.length = 0;
        this.schedule();
    }

    schedule() {
        if (this.pending) return;
        this.pending = true;
        requestAnimationFrame(() => {
            this.pending = false;
            if (!this.plot) this.fit();
            if (this.plot) this.plot.setData(this.data);
        });
    }
}

// PauseChart: collections as points: x the time, y the pause (µs), one
// series per generation; lines not drawn.
export class PauseChart extends TimeChart {
    constructor(container, theme) {
        super(container, theme, [0, 1, 2].map((g) => ({ label: `gen ${g}`, color: () => theme.palette[g * 3 % 10] })),
            { height: 150, yFormat: (v) => `${v} µs`, window: 400, pad: 0.03 });
    }

    options(width) {
        const o = super.options(width);
        o.series = o.series.map((s, i) => (i === 0 ? s : { ...s, paths: () => null, points: { show: true, size: 7, fill: s.stroke } }));
        return o;
    }

    add(t, generation, pause) {
        this.push(t, [0, 1, 2].map((g) => (g === generation ? pause : null)));
    }
}

export class Sparkline {
    constructor(container, color, window = 120) {
        this.container = container;
        this.color = color;
        this.window = window;
        this.data = [[], []];
        this.plot = null;
        this.pending = false;
    }

    destroy() {
        this.plot?.destroy();
        this.plot = null;
        this.dead = true;
    }

    push(t, v) {
        if (this.dead) return;
        this.data[0].push(t / 1000);
        this.data[1].push(v);
        if (this.data[0].length > this.window) for (const a of this.data) a.splice(0, a.length - this.window);
        if (this.pending) return;
        this.pending = true;
        requestAnimationFrame(() => {
            this.pending = false;
            const w = this.container.clientWidth;
            if (!w) return;
            if (!this.plot) {
                this.plot = new uPlot({
                    width: w, height: this.container.clientHeight || 32,
                    legend: { show: false }, cursor: { show: false },
                    scales: { x: { time: false } },
                    axes: [{ show: false }, { show: false }],
                    series: [{}, { stroke: this.color(), width: 1.5, fill: null, points: { show: false } }],
                }, this.data, this.container);
            } else this.plot.setData(this.data);
        });
    }
}
