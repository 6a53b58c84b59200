// colors.js: colours for canvases, read from the CSS custom properties of
// css/app.css so that the graph, the memory map and the charts follow the
// light or dark theme. Types get one of ten palette colours by a hash of the
// type name (stable across sessions); size classes get a hue each.

const PALETTE = 10;

export function cssVar(name, root = document.documentElement) {
    return getComputedStyle(root).getPropertyValue(name).trim();
}

// hashIndex: a stable small number for a string (FNV-1a)
export function hashIndex(s, n = PALETTE) {
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) {
        h ^= s.charCodeAt(i);
        h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h % n;
}

export class Theme {
    constructor() {
        this.read();
        const mq = globalThis.matchMedia?.('(prefers-color-scheme: dark)');
        this.listeners = new Set();
        mq?.addEventListener?.('change', () => {
            this.read();
            for (const f of this.listeners) f(this);
        });
    }

    read() {
        this.palette = Array.from({ length: PALETTE }, (_, i) => cssVar(`--c${i}`));
        for (const k of ['bg', 'card', 'fg', 'muted', 'line', 'accent', 'ok', 'warn', 'bad', 'free', 'focus', 'doomed', 'weak', 'edge'])
            this[k] = cssVar(`--${k}`);
        this.classL = cssVar('--class-l') || '52%';
        this.classS = cssVar('--class-s') || '62%';
    }

    onChange(f) {
        this.listeners.add(f);
    }

    // typeColor: a palette colour per type: the slot its name hashes to,
    // or the next free one (so the first ten types seen all differ); the
    // same type keeps its colour for the page's life
    typeColor(type) {
        if (!this.typeSlots) this.typeSlots = new Map();
        let slot = this.typeSlots.get(type);
        if (slot === undefined) {
            const used = new Set(this.typeSlots.values());
            slot = hashIndex(type);
            for (let i = 0; i < PALETTE && used.has(slot); i++) slot = (slot + 1) % PALETTE;
            this.typeSlots.set(type, slot);
        }
        return this.palette[slot] || this.accent;
    }

    // classColor: the colour of size class index (0..31), hues spread so
    // that neighbouring classes differ
    classColor(index) {
        const hue = (index * 137.508) % 360;
        return `hsl(${hue.toFixed(0)} ${this.classS} ${this.classL})`;
    }
}
